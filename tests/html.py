"""Read rendered HTML the way a reader sees it: elements, nesting, text."""

import html

from django.test.html import Element, parse_html
from django.utils.html import strip_tags


def parse(markup: str | bytes) -> Element:
    return parse_html(markup.decode() if isinstance(markup, bytes) else markup)


def find_all(node: Element, name: str, **attributes: str) -> list[Element]:
    """Every descendant element called `name` whose attributes include `attributes`, in document order."""
    found = []
    for child in node.children:
        if isinstance(child, Element):
            if child.name == name and all((key, value) in child.attributes for key, value in attributes.items()):
                found.append(child)
            found.extend(find_all(child, name, **attributes))
    return found


def children(node: Element, name: str) -> list[Element]:
    return [child for child in node.children if isinstance(child, Element) and child.name == name]


def text(node: Element | str | bytes) -> str:
    """The visible text, whitespace collapsed."""
    markup = node.decode() if isinstance(node, bytes) else str(node)
    return " ".join(html.unescape(strip_tags(markup)).split())


def badge(response) -> str:
    """The mini cart's count as a reader hears it, e.g. "2 items in"."""
    return text(find_all(parse(response.content), "span", id="mini-cart-count")[0])
