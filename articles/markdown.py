"""Render editors' Markdown to safe HTML, once, when a guide, FAQ or page is saved.

Two additions to CommonMark, both documented in docs/editors.md:

- Citations: `[^key]` cites the guide's source with that key. It becomes a superscript link to the
  numbered Sources list; a key the guide has no source for stays plain text and is reported in
  `Rendered.missing`, so the editor is told before a reader sees it.
- Callouts: a block between `::: see-a-doctor` and `:::` becomes an aside headed "When to see a doctor".
- Product links: `[magnesium](product:magnesium-glycinate)` links the words to that product's pick on
  the guide's page (`#product-<slug>`) when the guide mentions the product; otherwise the words stay
  plain text (and `Rendered.unknown_products` names the slug).
"""

import re
from dataclasses import dataclass

import nh3
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # Raw HTML is off, so only this module's renderers can write the attributes beyond href and title.
    "a": {"href", "title", "id", "aria-label"},
    "aside": {"class", "aria-labelledby"},
    "h2": {"id"},
    "h3": {"id", "class"},
    "h4": {"id"},
    "ol": {"start"},
    "sup": {"class"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

PRODUCT_LINK = "product:"
CITATION = re.compile(r"\[\^([a-z0-9]+(?:-[a-z0-9]+)*)\]")
CALLOUTS = {"see-a-doctor": "When to see a doctor"}


def _citations_plugin(md: MarkdownIt) -> None:
    def citation(state, silent: bool) -> bool:
        match = CITATION.match(state.src, state.pos)
        if match is None:
            return False
        key = match.group(1)
        numbers = state.env.get("citations", {})
        if key not in numbers:
            state.env.setdefault("missing", []).append(key)
            return False
        if not silent:
            seen = state.env.setdefault("seen", {})
            seen[key] = seen.get(key, 0) + 1
            token = state.push("citation", "", 0)
            token.meta = {"key": key, "number": numbers[key], "occurrence": seen[key]}
        state.pos = match.end()
        return True

    def render(self, tokens, index, options, env) -> str:
        meta = tokens[index].meta
        anchor = f"cite-{meta['key']}" + (f"-{meta['occurrence']}" if meta["occurrence"] > 1 else "")
        return (
            f'<sup class="citation"><a href="#source-{meta["key"]}" id="{anchor}" '
            f'aria-label="Source {meta["number"]}">[{meta["number"]}]</a></sup>'
        )

    md.inline.ruler.before("link", "citation", citation)
    md.add_render_rule("citation", render)


def _product_links_plugin(md: MarkdownIt) -> None:
    """Point `product:<slug>` links at the product's pick on the page, or drop the link (not the words)."""

    def product_links(state) -> None:
        mentioned = state.env.get("products", set())
        for token in state.tokens:
            if not token.children:
                continue
            kept, dropping = [], False  # links do not nest, so one flag follows the open link
            for child in token.children:
                href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
                if href.startswith(PRODUCT_LINK):
                    slug = href.removeprefix(PRODUCT_LINK)
                    if slug in mentioned:
                        child.attrSet("href", f"#product-{slug}")
                    else:
                        state.env.setdefault("unknown_products", []).append(slug)
                        dropping = True
                        continue
                elif child.type == "link_close" and dropping:
                    dropping = False
                    continue
                kept.append(child)
            token.children = kept

    md.core.ruler.push("product_links", product_links)


def _callout(name: str, title: str):
    def render(self, tokens, index, options, env) -> str:
        if tokens[index].nesting == -1:
            return "</aside>\n"
        env["callouts"] = number = env.get("callouts", 0) + 1
        heading = f"{name}-{number}"
        return (
            f'<aside class="callout callout--{name}" aria-labelledby="{heading}">\n'
            f'<h3 class="callout__title" id="{heading}">{escape(title)}</h3>\n'
        )

    return render


_parser = (
    MarkdownIt("commonmark", {"html": False})
    .enable("table")
    .use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    .use(_citations_plugin)
    .use(_product_links_plugin)
)
for _name, _title in CALLOUTS.items():
    _parser.use(container_plugin, name=_name, render=_callout(_name, _title))


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict[str, str]]
    cited: tuple[str, ...] = ()  # keys of the sources the text cites, in the order first cited
    missing: tuple[str, ...] = ()  # keys cited with [^key] that have no source
    unknown_products: tuple[str, ...] = ()  # slugs of product: links to products the guide does not mention


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render(text: str, citations: dict[str, int] | None = None, products: set[str] | None = None) -> Rendered:
    """Return sanitized HTML and the table of contents (the h2 headings) of Markdown text.
    `citations` numbers the sources the text may cite, {key: number}; `products` are the slugs of the
    products whose picks the page shows."""
    env: dict = {"citations": citations or {}, "products": products or set()}
    tokens = _parser.parse(text, env)
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inline = tokens[index + 1].children or []
            title = "".join(child.content for child in inline if child.type in {"text", "code_inline"})
            toc.append({"id": str(token.attrs["id"]), "title": title})
    html = sanitize(_parser.renderer.render(tokens, _parser.options, env))
    missing = tuple(dict.fromkeys(env.get("missing", [])))
    unknown = tuple(dict.fromkeys(env.get("unknown_products", [])))
    return Rendered(html=html, toc=toc, cited=tuple(env.get("seen", {})), missing=missing, unknown_products=unknown)


def render_html(text: str) -> str:
    return render(text).html
