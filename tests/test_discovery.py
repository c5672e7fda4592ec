"""Found and shared: the sitemap, robots.txt, the Atom feed, and each page's canonical link and social tags."""

import datetime
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from articles.sitemaps import GuideSitemap
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_page,
    make_product,
    make_product_category,
    png,
)
from tests.html import find_all, parse

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
SECTIONS = ["lists", "guides", "categories", "people", "pages", "products", "product-categories"]


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def xml(url: str, client: Client | None = None) -> ET.Element:
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def sitemap_urls(url: str) -> dict[str, str | None]:
    """{address: lastmod or None} of a sitemap section's page."""
    urls = xml(url).findall(f"{SITEMAP}url")
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}


def head(response) -> dict[str, str]:
    """The head's social tags and canonical link: {property or name or rel: content or href}."""
    page = parse(response.content)
    tags = {dict(meta.attributes).get("property") or dict(meta.attributes).get("name"): dict(meta.attributes)["content"]
            for meta in find_all(page, "meta") if "content" in dict(meta.attributes)}  # fmt: skip
    links = {dict(link.attributes)["rel"]: dict(link.attributes)["href"] for link in find_all(page, "link")}
    return tags | {"canonical": links["canonical"]}


@pytest.fixture
def site(settings):
    """The site's one host name, and a second name it also answers to."""
    settings.SITE_HOST = "health.example"
    settings.ALLOWED_HOSTS = ["health.example", "www.health.example", "testserver"]
    settings.HTTPS = True  # only the addresses' scheme: SECURE_SSL_REDIRECT was read at start
    return "https://health.example"


@pytest.fixture
def content():
    """What the sitemap lists, beside what it must leave out."""
    category, empty_category = make_category(), make_category()
    writer, reviewer, idle = make_author(), make_author(credentials="Placeholder credentials"), make_author()
    guide = make_article(category=category, author=writer, reviewed_by=reviewer)
    make_article(category=empty_category, author=idle, status=Article.Status.DRAFT)
    make_article(category=empty_category, author=idle, reviewed_by=reviewer, published_at=timezone.now() + timedelta(1))
    shelf, retired_shelf = make_product_category(), make_product_category()
    product, _ = make_product(category=shelf), make_product(category=retired_shelf, is_active=False)
    make_product_category()  # empty
    page = make_page(slug="about")
    return {"guide": guide, "category": category, "writer": writer, "reviewer": reviewer, "product": product,
            "shelf": shelf, "page": page}  # fmt: skip


def test_the_sitemap_index_names_each_section_on_the_sites_address_whatever_host_was_asked(site, content):
    index = Client().get("/sitemap.xml", headers={"Host": "www.health.example"})
    assert index["Content-Type"] == "application/xml"
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in ET.fromstring(index.content)]
    assert locations == [f"{site}/sitemap-{section}.xml" for section in SECTIONS]


def test_each_section_lists_exactly_what_visitors_may_see_on_the_sites_address(site, content):
    guide, page, product = content["guide"], content["page"], content["product"]
    listed = {section: set(sitemap_urls(f"/sitemap-{section}.xml")) for section in SECTIONS}
    assert listed == {
        "lists": {f"{site}/", f"{site}/guides/", f"{site}/shop/"},
        "guides": {f"{site}{guide.get_absolute_url()}"},  # no draft, no scheduled guide
        "categories": {f"{site}{content['category'].get_absolute_url()}"},  # not the one with only those
        "people": {f"{site}/people/{person.slug}/" for person in (content["writer"], content["reviewer"])},
        "pages": {f"{site}/about/"},
        "products": {f"{site}{product.get_absolute_url()}"},  # not the inactive one
        "product-categories": {f"{site}{content['shelf'].get_absolute_url()}"},  # none empty or only inactive
    }
    assert sitemap_urls("/sitemap-pages.xml")[f"{site}/about/"] == f"{page.updated_at:%Y-%m-%d}"
    assert (
        sitemap_urls("/sitemap-products.xml")[f"{site}{product.get_absolute_url()}"] == f"{product.updated_at:%Y-%m-%d}"
    )


def test_a_guides_lastmod_is_the_later_of_its_last_update_and_its_last_review(site):
    reviewed_later = make_article(last_updated=aware(2026, 1, 10), last_reviewed=datetime.date(2026, 2, 1))
    updated_later = make_article(last_updated=aware(2026, 3, 5), last_reviewed=datetime.date(2026, 1, 1))
    lastmods = sitemap_urls("/sitemap-guides.xml")
    assert lastmods == {
        f"{site}{reviewed_later.get_absolute_url()}": "2026-02-01",
        f"{site}{updated_later.get_absolute_url()}": "2026-03-05",
    }
    guides = next(entry for entry in xml("/sitemap.xml") if entry.findtext(f"{SITEMAP}loc").endswith("guides.xml"))
    assert guides.findtext(f"{SITEMAP}lastmod") == "2026-03-05T12:00:00+00:00"


def test_a_section_longer_than_its_limit_is_split_into_pages_the_index_names(site, monkeypatch):
    monkeypatch.setattr(GuideSitemap, "limit", 2)
    guides = [make_article() for _ in range(5)]
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in xml("/sitemap.xml")]
    assert [url for url in locations if "guides" in url] == [
        f"{site}/sitemap-guides.xml",
        f"{site}/sitemap-guides.xml?p=2",
        f"{site}/sitemap-guides.xml?p=3",
    ]
    assert set(sitemap_urls("/sitemap-guides.xml?p=3")) == {f"{site}{guides[4].get_absolute_url()}"}
    assert Client().get("/sitemap-guides.xml?p=4").status_code == 404


def test_the_default_section_limit_is_well_under_the_protocols_fifty_thousand():
    assert GuideSitemap.limit == 5000


@pytest.mark.parametrize(("url", "queries"), [("/sitemap.xml", 9)] + [(f"/sitemap-{s}.xml", 2) for s in SECTIONS[1:]])
def test_the_sitemaps_queries_do_not_grow_with_the_guides(url, queries, django_assert_num_queries):
    category, author, reviewer = make_category(), make_author(), make_author(credentials="Placeholder")
    make_product(category=make_product_category()), make_page()
    for count in (5, 50):
        while Article.objects.count() < count:
            make_article(category=category, author=author, reviewed_by=reviewer)
        with django_assert_num_queries(queries):  # a count for the paginator, then the page's rows
            Client().get(url)


def test_robots_txt_keeps_crawlers_from_private_pages_and_names_the_sitemap(site):
    response = Client().get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /cart/\n"
        "Disallow: /checkout/\n"
        "Disallow: /orders/\n"
        "Disallow: /search/\n"
        "Disallow: /*/preview/\n"
        "Disallow: /admin/\n"
        "\n"
        "Sitemap: https://health.example/sitemap.xml\n"
    )


def test_the_feed_is_atom_with_the_twenty_newest_published_guides(site):
    now = timezone.now()
    guides = [make_article(published_at=now - timedelta(hours=hour)) for hour in range(1, 23)]
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    response = Client().get("/feed/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Steady Strength: latest guides"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{site}/feed/"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [guide.title for guide in guides[:20]]


def test_a_feed_entry_has_its_link_summary_author_dates_and_category(site):
    author = make_author(name="Ada Placeholder")
    guide = make_article(
        title="Salt & <sodium>: what you lose",
        summary="Why 1 < 2 & more.",
        author=author,
        published_at=aware(2026, 2, 1),
        last_updated=aware(2026, 2, 3),
        last_reviewed=datetime.date(2026, 2, 10),
    )
    entry = xml("/feed/").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Salt & <sodium>: what you lose"
    assert entry.find(f"{ATOM}link").get("href") == f"{site}{guide.get_absolute_url()}"
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == escape("Why 1 < 2 & more.")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ada Placeholder"
    assert entry.findtext(f"{ATOM}published") == "2026-02-01T12:00:00+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-02-10T00:00:00+00:00"  # the review came later
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == [guide.category.name]


def test_the_feed_leaves_out_the_control_characters_a_guide_was_stored_with(site):
    # Saved before one-line fields refused them, or outside the admin: the ORM does not validate. (No NUL:
    # PostgreSQL refuses it in any text.)
    make_article(title="Sleep\x1b and rest", summary="Rest\x07 well.", category=make_category(name="Sleep\x0c"))
    response = Client().get("/feed/")
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")  # well-formed XML
    assert entry.findtext(f"{ATOM}title") == "Sleep and rest"
    assert entry.findtext(f"{ATOM}summary") == "Rest well."
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == ["Sleep"]


def test_every_page_links_the_feed_from_its_head():
    for url in ("/", "/shop/", "/cart/"):
        links = find_all(parse(Client().get(url).content), "link", rel="alternate")
        assert [dict(link.attributes) for link in links] == [
            {
                "rel": "alternate",
                "type": "application/atom+xml",
                "title": "Steady Strength: latest guides",
                "href": "/feed/",
            }
        ]


def test_a_guides_canonical_link_is_its_address_on_the_site_without_a_query_string(site):
    guide = make_article()
    for query in ("", "?utm_source=mail", "?page=2"):
        response = Client().get(f"{guide.get_absolute_url()}{query}", headers={"Host": "www.health.example"})
        assert head(response)["canonical"] == f"{site}{guide.get_absolute_url()}"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [("", "/guides/"), ("?page=2", "/guides/?page=2"), ("?page=1", "/guides/"), ("?page=2&utm_source=x", "/guides/")],
)
def test_a_lists_pages_are_canonical_to_themselves_and_other_queries_to_the_bare_list(site, query, canonical):
    category = make_category()
    for _ in range(11):
        make_article(category=category)
    assert head(Client().get(f"/guides/{query}"))["canonical"] == f"{site}{canonical}"


@pytest.mark.parametrize(
    ("query", "canonical"), [("", ""), ("?page=2", "?page=2"), ("?page=1", ""), ("?page=2&utm_source=x", "")]
)
def test_a_shop_categorys_pages_are_canonical_to_themselves(site, query, canonical):
    shelf = make_product_category(slug="shelf")
    for _ in range(13):
        make_product(category=shelf)
    assert head(Client().get(f"/shop/category/shelf/{query}"))["canonical"] == f"{site}/shop/category/shelf/{canonical}"


def test_a_guide_with_a_hero_image_shares_it(site):
    guide = make_article(title="Rest & recovery", hero_image=png(80, 60), hero_image_alt="A runner resting")
    tags = head(Client().get(guide.get_absolute_url()))
    assert {key: value for key, value in tags.items() if key.startswith(("og:", "twitter:"))} == {
        "og:site_name": "Steady Strength",
        "og:type": "article",
        "og:title": "Rest & recovery",
        "og:description": guide.summary,
        "og:url": f"{site}{guide.get_absolute_url()}",
        "og:image": f"{site}{guide.hero_image.url}",
        "og:image:width": "80",
        "og:image:height": "60",
        "og:image:alt": "A runner resting",
        "twitter:card": "summary_large_image",
    }


def test_a_page_without_an_image_of_its_own_shares_the_sites_image(site):
    guide, page = make_article(), make_page(slug="about")
    for url in (guide.get_absolute_url(), page.get_absolute_url(), "/", "/shop/"):
        tags = head(Client().get(url))
        assert tags["og:image"] == f"{site}/static/img/social.png"
        assert (tags["og:image:width"], tags["og:image:height"], tags["og:image:alt"]) == (
            "1200",
            "630",
            "Steady Strength",
        )
        assert tags["og:url"] == tags["canonical"] == f"{site}{url}"
        assert tags["twitter:card"] == "summary_large_image"
    assert head(Client().get("/"))["og:type"] == "website"


def test_a_product_page_shares_the_products_image(site):
    product = make_product(name="Magnesium", image=png(90, 90), image_alt="A jar of capsules")
    tags = head(Client().get(product.get_absolute_url()))
    assert (tags["og:type"], tags["og:title"], tags["og:description"]) == (
        "website",
        "Magnesium",
        product.short_description,
    )
    assert tags["og:image"] == f"{site}{product.image.url}"
    assert (tags["og:image:alt"], tags["og:url"]) == ("A jar of capsules", f"{site}{product.get_absolute_url()}")


def test_the_default_social_image_is_shipped_at_the_size_the_tags_say(settings):
    from PIL import Image

    with Image.open(settings.BASE_DIR / "static/img/social.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


# Through the page cache: the feed and the sitemap are shared pages, so a change must replace them at once.


def test_the_feed_and_sitemap_are_shared_between_visitors_without_a_session(django_assert_num_queries):
    make_article()
    for url in ("/feed/", "/sitemap.xml", "/sitemap-guides.xml", "/robots.txt"):
        first = Client().get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert (second.content, second["Content-Type"]) == (first.content, first["Content-Type"])


def test_a_sitemap_sections_later_pages_are_shared_too_and_only_as_p_n(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(GuideSitemap, "limit", 2)
    for _ in range(3):
        make_article()
    first = Client().get("/sitemap-guides.xml?p=2")
    with django_assert_num_queries(0):
        second = Client().get("/sitemap-guides.xml?p=2")
    assert (first["X-Page-Cache"], second["X-Page-Cache"], second.content) == ("miss", "hit", first.content)
    for junk in ("?p=02", "?page=2", "?p=2&p=2", "?p=2&"):  # answered, never stored
        assert "X-Page-Cache" not in Client().get(f"/sitemap-guides.xml{junk}")


def test_a_visitor_with_a_cart_gets_the_same_feed_rendered_for_them(client):
    make_article()
    client.post("/cart/add/", {"product": make_product().pk, "quantity": 1})
    shared = Client().get("/feed/")
    theirs = client.get("/feed/")  # no mini cart to put in: rendered for them, whole
    assert (shared["X-Page-Cache"], "X-Page-Cache" in theirs) == ("miss", False)
    assert (theirs.content, theirs["Content-Type"]) == (shared.content, shared["Content-Type"])


def test_a_guide_edited_outside_the_admin_shows_in_the_feed_for_the_next_visitor():
    guide = make_article(title="The old title")
    assert xml("/feed/").find(f"{ATOM}entry").findtext(f"{ATOM}title") == "The old title"
    assert Client().get("/feed/")["X-Page-Cache"] == "hit"
    guide.title = "The new title"
    guide.save()
    assert xml("/feed/").find(f"{ATOM}entry").findtext(f"{ATOM}title") == "The new title"


def test_an_unpublished_guide_and_a_retired_product_leave_the_sitemap_at_once():
    site = "http://testserver"  # the host the page cache stores pages for here
    guide, product = make_article(), make_product(category=make_product_category())
    assert f"{site}{guide.get_absolute_url()}" in sitemap_urls("/sitemap-guides.xml")
    assert f"{site}{product.get_absolute_url()}" in sitemap_urls("/sitemap-products.xml")
    assert f"{site}{product.category.get_absolute_url()}" in sitemap_urls("/sitemap-product-categories.xml")
    assert Client().get("/sitemap-guides.xml")["X-Page-Cache"] == "hit"
    guide.status = Article.Status.DRAFT
    guide.save()
    product.is_active = False
    product.save()
    assert sitemap_urls("/sitemap-guides.xml") == {}
    assert sitemap_urls("/sitemap-products.xml") == {}
    assert sitemap_urls("/sitemap-product-categories.xml") == {}  # with nothing left on sale
