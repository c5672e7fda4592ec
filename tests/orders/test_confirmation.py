"""The confirmation page: only the session that placed the order sees it, under a new session key, and its
personal data only for ORDER_DETAILS_SECONDS."""

import time
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from cart.cart import Cart
from orders.models import Order
from orders.session import ORDERS_KEY
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db

PERSONAL = [
    "Sam Placeholder",
    "sam@example.com",
    "1 Demo Street",
    "AB1 2DE",
    "DEMO CITY",
]  # the GB way: city in capitals


def with_cookie(session_key: str) -> Client:
    client = Client()
    client.cookies["sessionid"] = session_key
    return client


def test_placing_an_order_gives_the_session_a_new_key_and_keeps_its_cart(filled_cart, checkout_form, products):
    old_key, cart_key = filled_cart.cookies["sessionid"].value, Cart(filled_cart.session).key
    filled_cart.post("/checkout/", checkout_form())
    new_key = filled_cart.cookies["sessionid"].value
    assert new_key != old_key
    assert Cart(filled_cart.session).key == cart_key  # the same cart (emptied by the order) goes on
    assert filled_cart.post("/cart/add/", {"product": products[0].pk, "quantity": 1}).status_code == 302
    assert Cart(filled_cart.session).key == cart_key
    assert Cart(filled_cart.session).count == 1


def test_the_old_session_cookie_no_longer_sees_the_order_and_the_new_one_does(filled_cart, checkout_form):
    old_key = filled_cart.cookies["sessionid"].value
    form = checkout_form()
    filled_cart.post("/checkout/", form)
    order = Order.objects.get()

    old = with_cookie(old_key)
    assert old.get(f"/orders/{order.number}/").status_code == 404
    # Nor can the old cookie claim the order by sending its form again (as a late double click would).
    resent = old.post("/checkout/", form)
    assertContains(resent, "This order has been placed already.", status_code=400)
    assertNotContains(resent, order.number, status_code=400)
    assert old.get(f"/orders/{order.number}/").status_code == 404
    assert Order.objects.count() == 1

    page = with_cookie(filled_cart.cookies["sessionid"].value).get(f"/orders/{order.number}/")
    for value in PERSONAL:
        assertContains(page, value)


def test_the_confirmation_shows_personal_data_only_for_a_while_then_the_order_without_it(
    filled_cart, checkout_form, settings
):
    settings.ORDER_DETAILS_SECONDS = 3600
    filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    url = f"/orders/{order.number}/"

    def placed_ago(seconds: int) -> None:
        session = filled_cart.session
        session[ORDERS_KEY] = [[order.pk, int(time.time()) - seconds]]
        session.save()

    placed_ago(3590)
    page = filled_cart.get(url)
    for value in PERSONAL:
        assertContains(page, value)

    placed_ago(3610)
    page = filled_cart.get(url)
    assert page.status_code == 200
    for value in PERSONAL:
        assertNotContains(page, value)
    assertContains(page, f'Your order number is <strong class="order-number">{order.number}</strong>.</p>')
    content = text(parse(page.content))
    assert "Status: Awaiting payment. Payment: Bank transfer" in content
    assert "Magnesium $18.50 2 $37.00" in content
    assert "Total $83.00" in content
    assert (
        "To protect your privacy, this page shows your name, address and email only for 1 hour after the order "
        "is placed. Your confirmation email has them."
    ) in content


def test_an_order_remembered_before_the_time_was_kept_shows_no_personal_data(filled_cart, checkout_form):
    filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    session = filled_cart.session
    session[ORDERS_KEY] = [order.pk]  # as sessions stored it before
    session.save()
    page = filled_cart.get(f"/orders/{order.number}/")
    assertContains(page, order.number)
    assertNotContains(page, "Sam Placeholder")


def test_a_line_bought_on_sale_shows_the_price_it_was_and_keeps_it_after_the_sale(filled_cart, checkout_form, products):
    filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    assert [line.regular_price for line in order.lines.all()] == [None, Decimal("29.00"), None]
    products[1].sale_price = None  # the sale ends: the order keeps what it was sold at
    products[1].save()
    page = parse(filled_cart.get(f"/orders/{order.number}/").content)
    prices = [text(row.children[1]) for row in find_all(find_all(page, "tbody")[0], "tr")]
    assert prices == ["$18.50", "Sale price $24.00 was $29.00", "$22.00"]
