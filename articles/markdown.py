"""Render editors' Markdown to safe HTML, once, when an article or FAQ is saved."""

from dataclasses import dataclass

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_parser = (
    MarkdownIt("commonmark", {"html": False})
    .enable("table")
    .use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict[str, str]]


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render(text: str) -> Rendered:
    """Return sanitized HTML and the table of contents (the h2 headings) of Markdown text."""
    tokens = _parser.parse(text)
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inline = tokens[index + 1].children or []
            title = "".join(child.content for child in inline if child.type in {"text", "code_inline"})
            toc.append({"id": str(token.attrs["id"]), "title": title})
    return Rendered(html=sanitize(_parser.renderer.render(tokens, _parser.options, {})), toc=toc)


def render_html(text: str) -> str:
    return render(text).html
