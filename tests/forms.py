"""A page's links and forms read as a browser reads them, each form as a browser would send it, and a
crawl of the pages a visitor reaches by following them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.http import HttpResponse

SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/")
REDIRECTS = (301, 302, 303, 307, 308)
# Values longer than a column may be (255 characters and more), of valid form for each kind of field.
LONG_VALUES = ["a" * 250 + "@example.com", "https://example.com/" + "p" * 280, "1" * 300]
# Letters that grow when upper-cased or normalised: ß is SS; ﬃ is FFI, or ffi in NFKC; ŉ is ʼN.
GROWING = "ßﬃŉ"


def long_values(kind: str, limit: int | None) -> list[str]:
    """For a field of input type `kind` that takes at most `limit` characters: a value of valid form for its
    type exactly as long as it allows, and one as long of letters that grow, which a form may store changed
    (255 characters where it sets no limit). A field without a limit (a hidden field, a choice) also gets
    LONG_VALUES, whatever its type."""
    length = limit or 255
    of_its_kind = {
        "email": "a" * max(length - 12, 1) + "@example.com",
        "url": "https://example.com/" + "p" * max(length - 20, 1),
        "number": "1" * length,
        "tel": "1" * length,
    }
    at_the_limit = [of_its_kind.get(kind, "a" * length), (GROWING * length)[:length]]
    return at_the_limit + (LONG_VALUES if limit is None else [])


@dataclass
class Form:
    action: str
    method: str
    attributes: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends, in order
    buttons: list[str] = field(default_factory=list)  # named submit buttons: sent only by the one clicked
    # Each text field's input type ("text", "email", "hidden", "textarea"...) and maxlength (None: none given).
    kinds: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def data(self, replaced: dict[str, str] | None = None) -> dict[str, list[str]]:
        """The form as sent with no change, or with the fields named in `replaced` set to one value each."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        return data | {name: [value] for name, value in (replaced or {}).items()}


def maxlength(attributes: dict[str, str]) -> int | None:
    value = attributes.get("maxlength", "")
    return int(value) if value.isdigit() else None


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
                self._form.kinds[name] = (kind, maxlength(attributes))
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
            self._form.kinds[name] = ("textarea", maxlength(attributes))

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
