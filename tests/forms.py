"""A page's links and forms read as a browser reads them, each form as a browser would send it, and a
crawl of the pages a visitor reaches by following them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.http import HttpResponse

SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/")
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Form:
    action: str
    method: str
    attributes: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends, in order
    buttons: list[str] = field(default_factory=list)  # named submit buttons: sent only by the one clicked

    def data(self, replaced: dict[str, str] | None = None) -> dict[str, list[str]]:
        """The form as sent with no change, or with the fields named in `replaced` set to one value each."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        return data | {name: [value] for name, value in (replaced or {}).items()}


class PageParser(HTMLParser):
    """The links and forms of a page, the form fields holding what a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, options, selected
        self._option: tuple[bool, list[str]] | None = None  # selected, text (an option without a value)
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name, disabled = attributes.get("name"), "disabled" in attributes
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag == "form":
            method = attributes.get("method", "get").lower()
            self._form = Form(attributes.get("action", ""), method, attributes)
            self.forms.append(self._form)
        elif self._form is None or (disabled and tag != "option"):
            return
        elif tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form.buttons.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._form.fields.append((name, attributes.get("value", "on")))
            elif kind not in ("button", "reset", "file"):  # no file chosen: nothing to send
                self._form.fields.append((name, attributes.get("value", "")))
        elif tag == "button" and name and attributes.get("type", "submit").lower() == "submit":
            self._form.buttons.append(name)
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes, [], [])
        elif tag == "option" and self._select:
            if "value" in attributes:
                self._add_option(attributes["value"], "selected" in attributes, disabled)
            elif not disabled:
                self._option = ("selected" in attributes, [])
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def _add_option(self, value: str, selected: bool, disabled: bool) -> None:
        assert self._select is not None
        if not disabled:
            self._select[2].append(value)
        if selected:
            self._select[3].append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._textarea[1].append(data)
        if self._option:
            self._option[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option:
            self._add_option(" ".join("".join(self._option[1]).split()), self._option[0], False)
            self._option = None
        elif tag == "select" and self._select and self._form:
            name, multiple, options, selected = self._select
            # A single select with nothing marked selected sends its first option.
            for value in selected or ([] if multiple else options[:1]):
                self._form.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form:
            name, parts = self._textarea
            # A browser drops one newline right after <textarea> (Django writes one there) and sends
            # line breaks as CRLF.
            value = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n")
            self._form.fields.append((name, value.replace("\n", "\r\n")))
            self._textarea = None


def parse_page(markup: str) -> PageParser:
    parser = PageParser()
    parser.feed(markup)
    parser.close()
    return parser


def is_html_page(response: HttpResponse) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def same_site_path(base: str, href: str) -> str | None:
    """`href` as a path and query on this site, or None for another site, an anchor or the admin."""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("", "http", "https") or url.netloc not in ("", "testserver"):
        return None
    if not url.path.startswith("/") or url.path.startswith(SKIPPED_PREFIXES):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(get: Callable[[str], HttpResponse], starts: list[str], limit: int) -> dict[str, HttpResponse]:
    """GET with `get` every page reachable from `starts` by links, redirects and GET forms (at most
    `limit` pages, breadth first); return each page's answer."""
    queue, seen, answers = list(starts), set(starts), {}
    while queue and len(answers) < limit:
        url = queue.pop(0)
        response = answers[url] = get(url)
        targets = [response["Location"]] if response.status_code in REDIRECTS else []
        if is_html_page(response):
            page = parse_page(response.content.decode())
            targets += page.links + [form.action for form in page.forms if form.method == "get"]
        for target in targets:
            path = same_site_path(url, target)
            if path and path not in seen:
                seen.add(path)
                queue.append(path)
    return answers


def exception_of(response) -> str:
    """The view's exception for a failed request, as `Type: message` (short)."""
    if not getattr(response, "exc_info", None):
        return "(no exception: the view answered with this status)"
    error = response.exc_info[1]
    return f"{type(error).__name__}: {str(error)[:200]}"
