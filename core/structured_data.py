"""JSON-LD for search engines (schema.org), built from the rows and context a page shows; the site-wide
parts here: the site's Organization and WebSite, a page's BreadcrumbList, and the script element that
carries them. A guide's and a product's own parts are in articles/structured_data.py and
catalogue/structured_data.py. Every address is absolute, on the site's one address (canonical.py)."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from core.canonical import absolute_url, site_url

CONTEXT = "https://schema.org"
LOGO = "img/social.png"  # the site's shipped image (also the default social image)

Node = dict[str, Any]

# What Django's json_script escapes: no text can close the element or open a comment.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def node(kind: str, **properties: Any) -> Node:
    """A schema.org node of type `kind`, without the properties that have no value (None, "" or [])."""
    return {"@type": kind} | {name: value for name, value in properties.items() if value not in (None, "", [])}


def organization() -> Node:
    """The site as the publisher of its pages."""
    return node(
        "Organization",
        **{"@id": f"{site_url()}/#organization"},
        name=settings.SITE_NAME,
        url=f"{site_url()}/",
        logo=absolute_url(static(LOGO)),
    )


def website() -> Node:
    """The site, with the search box search engines may offer for it (/search/?q=)."""
    search = node(
        "SearchAction",
        target=node("EntryPoint", urlTemplate=absolute_url(reverse("search")) + "?q={search_term_string}"),
        **{"query-input": "required name=search_term_string"},
    )
    return node(
        "WebSite",
        name=settings.SITE_NAME,
        url=f"{site_url()}/",
        publisher={"@id": organization()["@id"]},
        potentialAction=search,
    )


def home() -> list[Node]:
    return [organization(), website()]


def breadcrumb_list(crumbs: Iterable[Mapping[str, Any]]) -> Node:
    """The trail templates/includes/breadcrumbs.html shows ({"title", "url"} each); the current page, the
    last, has no link there and no `item` here, as Google allows."""
    items = [
        node("ListItem", position=position, name=crumb["title"], item=crumb["url"] and absolute_url(crumb["url"]))
        for position, crumb in enumerate(crumbs, start=1)
    ]
    return node("BreadcrumbList", itemListElement=items)


def script(data: Node | list[Node] | None) -> SafeString:
    """`data` in a <script type="application/ld+json"> element ("" for none), escaped as Django's
    json_script escapes (which only writes type="application/json"): <, > and & as \\u003C..., so no text
    can close the element or open a comment. A data block is never run, so the CSP's script-src does not
    apply to it."""
    if not data:
        return SafeString("")
    with_context = (
        [{"@context": CONTEXT} | item for item in data] if isinstance(data, list) else {"@context": CONTEXT} | data
    )
    text = json.dumps(with_context, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
