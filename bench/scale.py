"""make bench's scale section: pages whose cost could grow with the catalogue, measured on the synthetic
catalogue (manage.py synthetic_catalogue) at 1,000 guides and again at 10,000, every request rendered
(PAGE_CACHE_SECONDS=0: what the first visit after a change costs, and every search that is not popular), and
how much of its throughput each keeps; then, with the page cache on, the pages it shares, searches included
(a search is shared once asked three times in a generation)."""

import os
from dataclasses import dataclass

from fatigue_site.synthetic import COMMON_WORD, RARE_EVERY, RARE_WORD

SIZES = (1_000, 10_000)  # guides; half as many products
SECONDS = int(os.environ.get("BENCH_SCALE_SECONDS", "5"))
SEARCH_TARGET = 0.1  # of the floor, at the largest size
SITEMAP_LIMIT = 50_000  # addresses in one sitemap file, by the protocol
# Shared pages measured again with the page cache on, at the largest size.
WARM = (
    "Guide list, page 400 (page 40 at 1,000 guides)",
    "Sitemap section of guides, its first page",
    *(f"Search, a {kind} word" for kind in ("common", "rare")),
)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    connections: int | None = None  # None: the bench's; fewer for a page that takes a second to render
    note: str = ""


def pages(guides: int) -> list[Page]:
    """The pages measured with `guides` synthetic guides. The late page of the list is as far in at each
    size: page 400 of 1,001 at 10,000 guides, page 40 of 101 at 1,000."""
    return [
        Page("Search, a common word", f"/search/?q={COMMON_WORD}", note=f"{COMMON_WORD}: 9 guides in 10"),
        Page("Search, a rare word", f"/search/?q={RARE_WORD}", note=f"{RARE_WORD}: 1 guide in {RARE_EVERY:,}"),
        Page("Guide list, page 1", "/guides/"),
        Page("Guide list, page 400 (page 40 at 1,000 guides)", f"/guides/?page={guides * 4 // 100}"),
        Page("Guide category, page 1 (a fifth of the guides)", "/guides/category/synthetic-category-1/"),
        Page("Product page", "/shop/synthetic-product-10/"),
        Page("sitemap.xml, the index", "/sitemap.xml"),
        Page("Sitemap section of guides, its first page", "/sitemap-guides.xml", connections=2),
    ]


def table(results: dict, warm: dict, floor: float, loaded: dict[int, float], sitemap_urls: int) -> list[str]:
    """The section of bench/results.md: `results` {(page name, guides): Result}, `warm` {page name: Result}
    at the largest size with the page cache on, `loaded` {guides: seconds the load up to that size took},
    `sitemap_urls` the addresses in the largest section's page."""
    small, large = SIZES
    lines = [
        "## Scale: 1,000 guides, then 10,000",
        "",
        f"The synthetic catalogue (`manage.py synthetic_catalogue`, docs/guides.md) loaded to {small:,} guides and "
        f"{small // 2:,} products, then up to {large:,} and {large // 2:,} (beside the demo content); "
        f"the loads took {loaded[small]:.0f} s and {loaded[large]:.0f} s more. Each page rendered for every request "
        f"(`PAGE_CACHE_SECONDS=0`), wrk for {SECONDS} s a page (shorter than the table above), same server "
        "settings and workers. Kept: the requests/s at 10,000 guides as a fraction of those at 1,000. "
        "Query counts at both sizes (the tests assert them for 50 and 500 guides: tests/test_scale.py).",
        "",
        f"| page | queries ({small:,} / {large:,}) | requests/s ({small:,}) | requests/s ({large:,}) | kept | "
        f"p50 ms ({small:,}) | p50 ms ({large:,}) | × floor ({large:,}) | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    shortfalls = []
    for page in pages(large):
        one, other = results[(page.name, small)], results[(page.name, large)]
        ratio = other.requests_per_second / floor
        met = one.queries == other.queries and not other.bad
        if page.path.startswith("/search/") and ratio < SEARCH_TARGET:
            shortfalls.append(f"{page.name.lower()} asked for the first time: {ratio:.3f}x")
        bad = f" ({other.bad} failed)" if other.bad or one.bad else ""
        note = f" ({page.note})" if page.note else ""
        lines.append(
            f"| {page.name}{note}{bad} | {one.queries} / {other.queries} | {one.requests_per_second:.1f} "
            f"| {other.requests_per_second:.1f} | {other.requests_per_second / one.requests_per_second:.2f} "
            f"| {one.p50_ms:.0f} | {other.p50_ms:.0f} | {ratio:.3f} | same queries | {'yes' if met else '**no**'} |"
        )
    lines += [
        "",
        f"The largest sitemap page lists {sitemap_urls:,} addresses at {large:,} guides (a section is split into "
        f"pages of 5,000; the protocol allows {SITEMAP_LIMIT:,}): "
        f"{'met' if sitemap_urls <= SITEMAP_LIMIT // 10 else '**not met**'}.",
    ]
    if shortfalls:
        lines += [
            "",
            f"Rendered, a search is below {SEARCH_TARGET}x the floor: " + "; ".join(shortfalls) + " "
            "(every page rendered per request is, on this stack). A popular search is served from the page "
            "cache (below).",
        ]
    lines += [
        "",
        f"With the page cache on, as in production, at {large:,} guides: the first visit after a change pays the "
        "render above, every later one until the next change is served from the cache; a search from its "
        "third asking in a generation (at most 500 searches a generation are kept, so junk queries cannot "
        "fill the cache).",
        "",
        "| page | queries | requests/s | p50 ms | × floor | target | met |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name, result in warm.items():
        ratio = result.requests_per_second / floor
        target, met = "", ""
        if name.startswith("Search"):
            target = f">= {SEARCH_TARGET}x floor"
            met = "yes" if ratio >= SEARCH_TARGET and not result.bad else "**no**"
        lines.append(
            f"| {name} | {result.queries} | {result.requests_per_second:.0f} | {result.p50_ms:.1f} "
            f"| {ratio:.2f} | {target} | {met} |"
        )
    return lines
