"""Read rendered HTML the way a reader sees it: elements, nesting, text."""

import html

from django.test.html import Element, parse_html
from django.utils.html import strip_tags

from tests.forms import parse_page


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


def form_values(response, **attributes: str) -> dict[str, list[str]]:
    """What a browser would send from the first form with these attributes (e.g. id="product_form")
    left as it is: inputs, checked boxes, selected options, textareas; no file chosen, no button."""
    forms = parse_page(response.content.decode()).forms
    return next(form for form in forms if attributes.items() <= form.attributes.items()).data()
