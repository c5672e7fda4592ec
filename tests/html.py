"""Read rendered HTML the way a reader sees it: elements, nesting, text."""

import html
import json
from html.parser import HTMLParser

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


class _ScriptParser(HTMLParser):
    """Each script element's attributes and text, split out of the page as a browser's tokenizer does
    (a script's text ends at the first "</script"). Not Django's parse_html, which collapses whitespace."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = (dict(attrs), [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open[0], "".join(self._open[1])))
            self._open = None


def scripts(markup: str | bytes) -> list[tuple[dict[str, str | None], str]]:
    """The page's script elements in order: (attributes, text) each."""
    parser = _ScriptParser()
    parser.feed(markup.decode() if isinstance(markup, bytes) else markup)
    parser.close()
    return parser.scripts


def structured_data(response) -> dict[str, dict]:
    """The schema.org nodes of the page's JSON-LD scripts by @type (one of each type on a page), each
    without its @context (checked)."""
    nodes: dict[str, dict] = {}
    for attributes, content in scripts(response.content):
        if attributes.get("type") == "application/ld+json":
            parsed = json.loads(content)
            for node in parsed if isinstance(parsed, list) else [parsed]:
                assert node.pop("@context") == "https://schema.org" and node["@type"] not in nodes
                nodes[node["@type"]] = node
    return nodes
