"""Every page a shopper with a cart reaches is valid HTML by the Nu HTML checker (vnu), error pages too.

Nothing here lists the pages to check but the error pages: a new page is covered as soon as a link
reaches it. The checker runs once over all of them, as Java's start costs a second or two.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, override_settings

from orders import links, status
from tests.factories import CUSTOMER, Catalogue, checkout_fields, place_order_through_checkout
from tests.forms import crawl, is_html_page

pytestmark = pytest.mark.thorough

VNU_JAR = settings.BASE_DIR / "tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar"  # installed by make vnu
MAX_PAGES = 40
# Rendered by Django without the site's context (the CSRF failure view, handler500): checked as rendered alone.
ALONE = ["403_csrf.html", "500.html", "503.html"]


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Each error the checker finds in `pages` (name: HTML), as `name, line L: message: extract`."""
    names = {}
    for number, (name, markup) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(markup)
        names[path.name] = name
    checked = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *(str(folder / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        messages = json.loads(checked.stderr)["messages"]
    except ValueError:
        pytest.fail(f"vnu gave no report (exit {checked.returncode}):\n{checked.stderr[-2000:]}")
    return [
        f"{names.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))}, line {message.get('lastLine')}: "
        f"{message['message']}: {message.get('extract', '').strip()!r}"
        for message in messages
        if message["type"] != "info"  # with --errors-only, only errors and a file that could not be read
    ]


def test_every_page_is_valid_html(catalogue: Catalogue, tmp_path):
    assert shutil.which("java") and VNU_JAR.is_file(), "The Nu HTML checker is not installed: run `make vnu`."
    started = time.monotonic()
    visitor = Client()
    guide, magnesium, supplement = catalogue.guide, catalogue.magnesium, catalogue.supplement
    visitor.post("/cart/add/", {"product": magnesium.pk, "quantity": 1})
    order = place_order_through_checkout(visitor)
    confirmation = f"/orders/{order.number}/"  # linked from nowhere
    visitor.post("/cart/add/", {"product": magnesium.pk, "quantity": 1})
    shipped = place_order_through_checkout(visitor)
    status.move(shipped, "paid")
    status.move(shipped, "shipped", tracking_number="TRK1", tracking_url="https://carrier.example/TRK1")
    signed = f"/orders/link/{links.token(shipped)}/"  # linked from the emails
    visitor.post("/cart/add/", {"product": magnesium.pk, "quantity": 2})

    found = "/search/?q=magnesium"  # the header's search form reaches /search/ with no query
    answers = crawl(visitor.get, ["/", confirmation, signed, found], MAX_PAGES)
    pages = {url: response.content.decode() for url, response in answers.items() if is_html_page(response)}
    shop_lists = {"/shop/", magnesium.category.get_absolute_url()}
    lists = {"/", "/guides/", guide.category.get_absolute_url(), "/cart/"} | shop_lists
    shop_pages = {
        magnesium.get_absolute_url(),
        "/checkout/",
        "/about/",
        "/editorial-policy/",
        confirmation,
        signed,
        "/orders/track/",
    }
    assert lists | {guide.get_absolute_url()} | shop_pages | {"/search/", found} <= pages.keys()
    assert pages[found].count('class="search-result"') == 2  # the guide and the product, with snippets
    assert "How to pay" in pages[confirmation] and "follow your parcel" in pages[signed]
    assert 'class="cart-table"' in pages["/cart/"]  # the cart with its lines
    assert "<caption>" in pages[supplement.get_absolute_url()]  # the supplement with its facts

    not_found = visitor.get("/no-such-page/")
    no_results = visitor.get("/search/", {"q": "zebra"})
    cut_query = visitor.get("/search/", {"q": "magnesium " + "x" * 10_000})
    rejected = visitor.post("/cart/add/", {"product": magnesium.pk, "quantity": 0})
    with override_settings(ORDER_DETAILS_SECONDS=0):  # the confirmation once it no longer shows the address
        private = visitor.get(confirmation)
    with override_settings(ORDER_LIMIT_PER_SESSION=1):  # the checkout refusing one order too many
        limited = visitor.post("/checkout/", CUSTOMER | checkout_fields(visitor.get("/checkout/")))
    cod = {"payment_method": str(catalogue.cash_on_delivery.pk), "country": "FR"}
    refused_payment = visitor.post("/checkout/", CUSTOMER | checkout_fields(visitor.get("/checkout/")) | cod)
    forged_link = visitor.get("/orders/link/AAAA-AAAA:forged:forged/")
    with override_settings(ORDER_LINK_MAX_AGE_DAYS=-1):
        expired_link = visitor.get(signed)
    tracking = {"number": order.number, "email": "sam@example.com"}
    tracked = visitor.get(visitor.post("/orders/track/", tracking)["Location"])
    with override_settings(TRACK_LIMIT_PER_EMAIL=1):
        too_often = visitor.post("/orders/track/", tracking)
    with override_settings(SEARCH_LIMIT_PER_MINUTE=1):  # two searches in a row: the second is refused
        visitor.get("/search/", {"q": "iron"})
        searched_too_often = visitor.get("/search/", {"q": "zinc"})
    with override_settings(COUPON_TRIES_PER_SESSION=1):
        visitor.post("/cart/coupon/", {"code": "GUESS1"})
        coupon_tries = visitor.post("/cart/coupon/", {"code": "GUESS2"})
    assert (searched_too_often.status_code, coupon_tries.status_code) == (429, 429)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked_out = visitor.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    responses = (not_found, rejected, private, limited, refused_payment, forged_link, expired_link, tracked)
    statuses = [response.status_code for response in (*responses, too_often, locked_out)]
    assert statuses == [404, 400, 200, 429, 400, 404, 410, 200, 429, 429]
    assert "we have emailed it a link" in tracked.text
    assert "To protect your privacy" in private.text
    pages |= {
        "404 page": not_found.content.decode(),
        "search without results": no_results.content.decode(),
        "search cut to its first characters": cut_query.content.decode(),
        "cart/rejected.html": rejected.content.decode(),
        "confirmation after ORDER_DETAILS_SECONDS": private.content.decode(),
        "checkout refused by a limit": limited.content.decode(),
        "checkout refusing a payment method for the country": refused_payment.content.decode(),
        "forged order link": forged_link.content.decode(),
        "expired order link": expired_link.content.decode(),
        "tracking, answered": tracked.content.decode(),
        "tracking refused by a limit": too_often.content.decode(),
        "search refused by a limit": searched_too_often.content.decode(),
        "coupon tries refused by a limit": coupon_tries.content.decode(),
        "admin/locked_out.html": locked_out.content.decode(),
    }
    pages |= {name: render_to_string(name) for name in ALONE}

    errors = vnu_errors(pages, tmp_path)
    print(f"{len(pages)} pages checked in {time.monotonic() - started:.1f} s")
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
