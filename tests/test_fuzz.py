"""Crawl the site as a shopper with a cart and send every form, address and query string bad input.

Whatever comes in, the answer is never a 5xx and nothing changes that should not. Nothing here
lists the forms to send: a new page or form is covered as soon as a link reaches it.
"""

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from articles.models import FAQ, Article, Author, Category, EditorialPage, Reference
from cart.models import Coupon
from catalogue.models import Ingredient, Product, ProductCategory, SupplementFacts
from orders import links, status
from orders.models import Order, OrderEvent, OrderLine, PaymentMethod
from tests import forms
from tests.columns import values_longer_than_their_columns
from tests.factories import Catalogue, place_order_through_checkout
from tests.forms import Form, exception_of, is_html_page, long_values, parse_page

pytestmark = pytest.mark.thorough

MAX_PAGES = 60
# Compact, as every value costs a request per field: markup, template and SQL share one value.
BAD_VALUES = [
    "",
    "   ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "foo",  # not a number, and as `next` a relative address that is no path
    "a\x00b",
    "\u202e\u200f\x1b",
    "x" * 100_000,
    "<script>alert(1)</script>{{ 7*7 }}{% debug %}' OR 1=1 --",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example/x",
    "javascript:alert(1)",
]
# `page` alone is the one query a shared page is cached with (core/pages.py).
QUERIES = [["page"], ["p"], ["next", "q"]]  # p: a sitemap section's page
ODD_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "BREW"]
# What a browser sends with a form it posts to the page's own site (core/crossorigin.py).
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}


def shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else f"{value[:20]!r}... ({len(value)} characters)"


@dataclass
class Fuzzer:
    client: Client
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def send(self, method: str, url: str, what: str = "", **kwargs):
        self.requests += 1
        if method in ("GET", "POST", "HEAD"):
            response = getattr(self.client, method.lower())(url, **kwargs)
        else:
            response = self.client.generic(method, url, **kwargs)
        if response.status_code >= 500:
            shown_url = url if len(url) <= 100 else f"{url[:100]}... ({len(url)} characters)"
            self.failures.append(f"{method} {shown_url} {what} -> {response.status_code} {exception_of(response)}")
        return response

    def submit(self, page: str, form: Form, what: str, replaced: dict | None = None, headers=SAME_ORIGIN) -> None:
        """Send `form` from `page` as a browser would, with the fields in `replaced` changed."""
        action, data, what = urljoin(page, form.action), form.data(replaced), f"form from {page}: {what}"
        if form.method == "post":
            self.send("POST", action, what, data=data, headers=headers)
        else:
            self.send(form.method.upper(), f"{action}?{urlencode(data, doseq=True)}", what, headers=headers)


def one_per_route(urls: list[str]) -> list[str]:
    """The first of `urls` for each URL pattern: pages of one pattern run the same code."""
    routes: dict[str, str] = {}
    for url in urls:
        try:
            route = resolve(urlsplit(url).path).route
        except Resolver404:
            route = url
        routes.setdefault(route, url)
    return list(routes.values())


def crawl(fuzzer: Fuzzer, starts: list[str]) -> dict[str, list[Form]]:
    """GET every page reachable from `starts` (at most MAX_PAGES); return each page's forms."""
    answers = forms.crawl(lambda url: fuzzer.send("GET", url, "(crawl)"), starts, MAX_PAGES)
    return {url: parse_page(r.content.decode()).forms if is_html_page(r) else [] for url, r in answers.items()}


def signature(page: str, form: Form) -> tuple:
    """Forms that send the same fields to the same place are fuzzed once (every product card has one)."""
    return (urljoin(page, form.action), form.method, tuple(sorted({name for name, _ in form.fields})))


def fuzz_forms(fuzzer: Fuzzer, pages: dict[str, list[Form]], keep_cart_filled) -> set[str]:
    """Send each distinct form with one field at a time set to each bad value; return where they went.

    Each form is then sent once as it is and the pages are read again: a form that only appears
    after another was sent (Undo, after "Remove All Items") is fuzzed next.
    """
    done = set()
    todo = [(page, form) for page, forms in pages.items() for form in forms]
    with_forms = one_per_route([page for page, forms in pages.items() if forms])
    while todo:
        page, form = todo.pop(0)
        if signature(page, form) in done:
            continue
        done.add(signature(page, form))
        # The checkout with an empty cart stops before it reads the form, and "Remove All Items" on an
        # empty cart offers no Undo (each mini cart line's Remove, sent before it, empties the cart).
        keep_cart_filled()

        # The test client does not check CSRF tokens, so a bad one would test nothing.
        for name in dict(form.fields).keys() - {"csrfmiddlewaretoken"}:
            for value in BAD_VALUES + long_values(*form.kinds.get(name, ("", None))):
                fuzzer.submit(page, form, f"{name}={shown(value)}", {name: value})
        if "data-hx-post" in form.attributes:
            # Sent in the background (htmx), the answer depends on the page the visitor is on.
            for value in BAD_VALUES:
                headers = SAME_ORIGIN | {"HX-Request": "true", "HX-Current-URL": value}
                fuzzer.submit(page, form, f"htmx, HX-Current-URL={shown(value)}", headers=headers)
        fuzzer.submit(page, form, "(as it is)")
        for again in with_forms:
            response = fuzzer.send("GET", again, "(read again for new forms)")
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                todo[:0] = [(again, new) for new in parse_page(response.content.decode()).forms]
    return {action for action, _, _ in done}


def fuzz_addresses(fuzzer: Fuzzer, urls: list[str]) -> None:
    """Odd methods on every page; bad query strings and bad path parts once per URL pattern."""
    for url in urls:
        for method in ODD_METHODS:
            fuzzer.send(method, url)
    for url in one_per_route(urls):
        path = urlsplit(url).path
        for parameters in QUERIES:
            for value in BAD_VALUES:
                query = urlencode(dict.fromkeys(parameters, value))
                fuzzer.send("GET", f"{path}?{query}", f"{'&'.join(parameters)}={shown(value)}")
        try:
            captured = [str(value) for value in resolve(path).kwargs.values()]
        except Resolver404:
            continue
        for part in captured:
            for value in BAD_VALUES:
                bad = path.replace(f"/{quote(part)}/", f"/{quote(value, safe='')}/", 1)
                fuzzer.send("GET", bad, f"path part {part!r} -> {shown(value)}")


def fuzz_shared_pages(fuzzer: Fuzzer, urls: list[str]) -> None:
    """As a visitor without a session, whose pages come from the page cache (twice: stored, then
    served from it); `?page=` is the one query it keeps pages for."""
    browser = {"Accept-Encoding": "gzip, deflate, br"}
    for url in urls:
        for attempt in ("(no session, first)", "(no session, again)"):
            fuzzer.send("GET", url, attempt, headers=browser)
    for url in one_per_route(urls):
        for value in BAD_VALUES:
            fuzzer.send("GET", f"{urlsplit(url).path}?{urlencode({'page': value})}", "(no session)", headers=browser)


def state() -> dict:
    """What no visitor's bad input may change: stock, orders and the content."""
    return {
        "products": list(
            Product.objects.order_by("pk").values_list(
                "pk", "stock", "price", "is_active", "kind", "category", "featured"
            )
        ),
        "product categories": list(ProductCategory.objects.order_by("pk").values_list()),
        "supplement facts": list(SupplementFacts.objects.order_by("pk").values_list()),
        "ingredients": list(Ingredient.objects.order_by("pk").values_list()),
        "orders": list(Order.objects.order_by("pk").values_list("pk", "status", "total", "payment_method")),
        "order events": OrderEvent.objects.count(),
        "payment methods": list(PaymentMethod.objects.order_by("pk").values_list()),
        "order lines": OrderLine.objects.count(),
        "articles": list(Article.objects.order_by("pk").values_list("pk", "status", "featured", "updated_at")),
        "faqs": FAQ.objects.count(),
        "categories": Category.objects.count(),
        "people": Author.objects.count(),
        "sources": Reference.objects.count(),
        "pages": list(EditorialPage.objects.order_by("pk").values_list("pk", "slug", "updated_at")),
        "coupons": list(Coupon.objects.order_by("pk").values_list()),
    }


# Transactional, as in production: a failed query on PostgreSQL must not abort the test's transaction
# and turn every later request into an error. A 100,000-character address makes a page cache key as
# long, which only memcached would refuse (Django warns, with the whole key).
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
def test_no_bad_input_gives_a_server_error_or_changes_what_it_should_not(catalogue: Catalogue, caplog, settings):
    # Every request comes from one address: with the rate limits on, most bad values would meet a 429 before
    # the code they are meant for (the limits themselves are tested in test_search, test_coupons, test_links).
    settings.SEARCH_LIMIT_PER_MINUTE = settings.COUPON_TRIES_PER_SESSION = settings.COUPON_TRIES_PER_ADDRESS = 0
    settings.TRACK_LIMIT_PER_ADDRESS = settings.TRACK_LIMIT_PER_EMAIL_AND_ADDRESS = settings.TRACK_LIMIT_PER_EMAIL = 0
    caplog.set_level(logging.CRITICAL, logger="django.request")  # each failure is listed once, below
    started = time.monotonic()
    visitor = Client(raise_request_exception=False)
    magnesium = catalogue.magnesium

    def keep_cart_filled() -> None:
        visitor.post("/cart/add/", {"product": magnesium.pk, "quantity": 1}, headers=SAME_ORIGIN)

    keep_cart_filled()
    order = place_order_through_checkout(visitor)
    status.move(order, "paid")  # the order page with its history (and its email queued, before the state)
    assert Order.objects.count() == 1
    keep_cart_filled()
    before = state()

    fuzzer = Fuzzer(visitor)
    confirmation = f"/orders/{order.number}/"  # linked from nowhere: the checkout redirects there
    signed = f"/orders/link/{links.token(order)}/"  # linked from the emails
    found = "/search/?q=magnesium"  # the header's search form reaches /search/ with no query
    # The sitemap, its sections, the feed and robots.txt are linked from no page's body (the head, XML).
    starts = ["/", confirmation, signed, found, "/sitemap.xml", "/sitemap-guides.xml", "/feed/", "/robots.txt"]
    pages = crawl(fuzzer, starts)
    assert {"/", "/cart/", "/checkout/", "/about/", "/editorial-policy/", "/orders/track/", "/search/"} <= pages.keys()
    assert {confirmation, signed} <= pages.keys()
    assert magnesium.category.get_absolute_url() in pages
    assert {found, "/sitemap.xml", "/sitemap-guides.xml", "/feed/", "/robots.txt"} <= pages.keys()
    fuzz_addresses(fuzzer, list(pages))
    newcomer = Fuzzer(Client(raise_request_exception=False), fuzzer.failures)
    fuzz_shared_pages(newcomer, list(pages))
    actions = fuzz_forms(fuzzer, pages, keep_cart_filled)

    requests, seconds = fuzzer.requests + newcomer.requests, time.monotonic() - started
    print("FUZZPAGES", sorted(pages))
    print(f"{len(pages)} pages, {len(actions)} forms, {requests} requests in {seconds:.1f} s")
    assert {"/cart/add/", "/cart/update/", "/cart/remove/", "/cart/clear/", "/cart/undo/", "/checkout/"} <= actions
    assert "/orders/track/" in actions and "/search/" in actions
    assert not fuzzer.failures, f"{len(fuzzer.failures)} server errors:\n" + "\n".join(fuzzer.failures)
    assert state() == before
    assert values_longer_than_their_columns() == []  # SQLite stores them; PostgreSQL would have failed
