"""Coupons: a code typed on the cart page, its discount shown everywhere the cart's total is, and its
uses counted when an order is placed, one order at a time."""

import threading
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from cart.models import Coupon
from orders.models import Order
from tests.factories import (
    CUSTOMER,
    checkout_fields,
    make_article,
    make_bank_transfer,
    make_coupon,
    make_product,
    place_order_through_checkout,
)
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return make_product(name="Magnesium", price=Decimal("20.00"), stock=50)


@pytest.fixture
def shopper(client, product):
    """A visitor with 2 × 20.00 in their cart: subtotal 40.00, shipping 4.95. The shop takes bank transfers."""
    make_bank_transfer()
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    return client


def apply(client, code: str):
    return client.post("/cart/coupon/", {"code": code})


def coupon_error(response) -> str:
    return text(find_all(parse(response.content), "p", id="coupon-error")[0])


def test_a_code_in_any_case_with_spaces_applies_and_every_total_agrees(shopper):
    make_coupon(code="SPRING10", amount=Decimal("10"))
    response = apply(shopper, "  spring10 ")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    cart_page = shopper.get("/cart/")
    assertContains(cart_page, "Coupon SPRING10 applied.")
    assertContains(cart_page, "Coupon <strong>SPRING10</strong> applied: −$4.00", html=True)
    summary = text(find_all(parse(cart_page.content), "div", **{"class": "cart-summary"})[0])
    assert "Subtotal $40.00 Discount (SPRING10) −$4.00 Total with shipping $40.95" in summary
    mini = text(find_all(parse(cart_page.content), "div", id="mini-cart-panel")[0])
    assert "Discount (SPRING10) −$4.00" in mini
    checkout = shopper.get("/checkout/")
    assertContains(checkout, "<th scope='row' colspan='2'>Discount (SPRING10)</th><td>−$4.00</td>", html=True)
    assert checkout.context["form"].initial["expected_total"] == Decimal("40.95")

    order = place_order_through_checkout(shopper)
    assert (order.coupon_code, order.discount, order.total) == ("SPRING10", Decimal("4.00"), Decimal("40.95"))
    assert Coupon.objects.get().times_used == 1
    assertContains(shopper.get(f"/orders/{order.number}/"), "Discount (SPRING10)")


def test_a_fixed_amount_never_takes_more_than_the_subtotal(shopper):
    make_coupon(code="BIG", kind=Coupon.Kind.FIXED, amount=Decimal("100.00"))
    apply(shopper, "big")
    assertContains(shopper.get("/cart/"), "applied: −$40.00")


def test_a_percentage_is_rounded_to_the_cent():
    coupon = make_coupon(amount=Decimal("12.5"))
    assert coupon.discount_on(Decimal("18.50")) == Decimal("2.31")


UNUSABLE = "That code cannot be used. Check it and try again."
CLOSED = {
    "switched off": {"is_active": False},
    "expired": {"ends_at": timezone.now() - timedelta(days=1)},
    "not yet valid": {"starts_at": timezone.now() + timedelta(days=1)},
    "used up": {"usage_limit": 2, "times_used": 2},
}


@pytest.mark.parametrize(
    ("coupon", "typed", "message"),
    [
        (None, "NOPE", UNUSABLE),
        *((closed, "CODE", UNUSABLE) for closed in CLOSED.values()),
        ({"minimum_subtotal": Decimal("50.00")}, "CODE", "The code CODE needs a subtotal of $50.00: add $10.00 more."),
        (None, "", "Type a coupon code."),
        (None, "<script>", "A coupon code is letters, digits, hyphens or underscores."),
        (None, "x" * 10_000, "A coupon code is at most 40 characters."),
    ],
)
def test_a_code_that_cannot_be_used_is_explained_and_the_cart_is_kept(shopper, coupon, typed, message):
    if coupon is not None:
        make_coupon(code="CODE", **coupon)
    response = apply(shopper, typed)
    assert response.status_code == 400
    assert coupon_error(response) == message
    assert response.context["cart"].count == 2
    code_input = find_all(parse(response.content), "input", id="id_code")[0]
    assert dict(code_input.attributes).get("value", "") == typed  # what was typed is kept
    assertNotContains(shopper.get("/cart/"), "applied:")


def test_a_closed_code_is_answered_exactly_as_a_code_that_does_not_exist(shopper):
    """Switched off, expired, not yet valid, used up or never made: tries tell nothing about which codes exist."""
    answers = {"missing": apply(shopper, "code")}
    for name, closed in CLOSED.items():
        coupon = make_coupon(code="CODE", **closed)
        answers[name] = apply(shopper, "code")
        coupon.delete()
    assert {(response.status_code, coupon_error(response)) for response in answers.values()} == {(400, UNUSABLE)}
    forms = {str(find_all(parse(response.content), "form", action="/cart/coupon/")) for response in answers.values()}
    assert len(forms) == 1


def test_coupon_tries_are_limited_per_session_with_a_429(shopper, settings):
    settings.COUPON_TRIES_PER_SESSION, settings.COUPON_TRIES_PER_ADDRESS = 3, 100
    make_coupon(code="SPRING10")
    assert [apply(shopper, f"GUESS{number}").status_code for number in range(3)] == [400] * 3

    refused = apply(shopper, "SPRING10")  # even the right code, once over the limit
    assert refused.status_code == 429
    assert coupon_error(refused).startswith("You have tried many codes in a short while. Please try again in ")
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused.context["cart"].count == 2
    assertNotContains(shopper.get("/cart/"), "applied:")
    another = Client()  # another browser on the same network
    another.post("/cart/add/", {"product": refused.context["cart"].lines[0].product.pk, "quantity": 1})
    assert apply(another, "SPRING10").status_code == 302


def test_coupon_tries_are_limited_per_client_address_whatever_the_session(settings, product):
    settings.COUPON_TRIES_PER_SESSION, settings.COUPON_TRIES_PER_ADDRESS = 100, 3
    guesses = [Client(REMOTE_ADDR="203.0.113.5").post("/cart/coupon/", {"code": f"GUESS{n}"}) for n in range(4)]
    assert [response.status_code for response in guesses] == [400, 400, 400, 429]
    assert Client(REMOTE_ADDR="198.51.100.7").post("/cart/coupon/", {"code": "GUESS9"}).status_code == 400


def test_coupon_tries_default_to_ten_an_hour_per_session_and_thirty_per_address(settings):
    assert settings.COUPON_TRIES_WINDOW_SECONDS == 3600
    assert (settings.COUPON_TRIES_PER_SESSION, settings.COUPON_TRIES_PER_ADDRESS) == (10, 30)


def test_removing_the_coupon(shopper):
    make_coupon(code="SPRING10")
    apply(shopper, "SPRING10")
    response = shopper.post("/cart/coupon/remove/", follow=True)
    assertContains(response, "Coupon removed.")
    assertNotContains(response, "Discount (SPRING10)")


def test_a_coupon_that_expires_before_the_order_refuses_it_with_the_reason(shopper):
    coupon = make_coupon(code="SPRING10")
    apply(shopper, "SPRING10")
    checkout = shopper.get("/checkout/")
    data = CUSTOMER | checkout_fields(checkout)
    Coupon.objects.filter(pk=coupon.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    response = shopper.post("/checkout/", data)
    assert response.status_code == 409
    assertContains(response, "The code SPRING10 expired on", status_code=409)
    assert not Order.objects.exists()
    cart_page = shopper.get("/cart/")
    assert cart_page.context["cart"].count == 2  # nothing lost
    assertNotContains(cart_page, "Discount (SPRING10)")


def test_a_code_used_up_meanwhile_is_taken_off_the_cart_with_a_notice(shopper):
    make_coupon(code="ONCE", usage_limit=1)
    apply(shopper, "ONCE")
    Coupon.objects.filter(code="ONCE").update(times_used=1)
    cart_page = shopper.get("/cart/")
    assertContains(cart_page, "The code ONCE has been used up. We took it off your cart.")
    assert cart_page.context["cart"].total == Decimal("44.95")


def test_the_per_email_limit_counts_the_customers_orders(shopper, product):
    make_coupon(code="WELCOME", per_email_limit=1)
    apply(shopper, "WELCOME")
    place_order_through_checkout(shopper)
    shopper.post("/cart/add/", {"product": product.pk, "quantity": 1})
    apply(shopper, "WELCOME")
    checkout = shopper.get("/checkout/")
    data = CUSTOMER | checkout_fields(checkout)
    data["email"] = CUSTOMER["email"].upper()
    response = shopper.post("/checkout/", data)
    assertContains(response, "The code WELCOME has been used with", status_code=409)
    assert Order.objects.count() == 1


@pytest.mark.parametrize("spelled", ["alice+1@example.com", "a.lice@example.com", "A.L.ICE+shop@Example.COM"])
def test_a_one_per_customer_code_counts_every_spelling_of_one_mailbox(product, spelled):
    make_bank_transfer()
    make_coupon(code="WELCOME", per_email_limit=1)
    first = Client()
    first.post("/cart/add/", {"product": product.pk, "quantity": 1})
    apply(first, "WELCOME")
    place_order_through_checkout(first, email="alice@example.com")

    again = Client()
    again.post("/cart/add/", {"product": product.pk, "quantity": 1})
    apply(again, "WELCOME")
    response = again.post("/checkout/", CUSTOMER | checkout_fields(again.get("/checkout/")) | {"email": spelled})
    assertContains(response, f"The code WELCOME has been used with {spelled} as often as it may be.", status_code=409)
    assert list(Order.objects.values_list("email", "mailbox")) == [("alice@example.com", "alice@example.com")]


def test_orders_placed_before_the_mailbox_column_are_counted_by_it_too(shopper):
    place_order_through_checkout(shopper, email="A.Lice+old@Example.com")
    Order.objects.update(mailbox="")  # as the column was added
    import_module("orders.migrations.0009_order_mailbox").fill_mailboxes(apps, None)
    assert Order.objects.get().mailbox == "alice@example.com"


def test_a_visitor_with_a_coupon_gets_the_guide_rendered_with_their_discount(shopper, product):
    guide = make_article()
    Client().get(guide.get_absolute_url())  # the shared page, stored
    make_coupon(code="SPRING10")
    apply(shopper, "SPRING10")
    response = shopper.get(guide.get_absolute_url())
    assert "X-Page-Cache" not in response  # not the shared page: rendered for this visitor
    assertContains(response, "Discount (SPRING10)")


def test_shop_managers_keep_coupons_and_the_form_explains_mistakes(login_as):
    manager = login_as("Shop managers")
    data = {"code": "summer-5", "description": "", "kind": "percent", "amount": "150", "minimum_subtotal": "0"}
    data |= {"starts_at_0": "2026-06-01", "starts_at_1": "00:00:00", "ends_at_0": "2026-05-01", "ends_at_1": "00:00:00"}
    data |= {"is_active": "on"}
    response = manager.post("/admin/cart/coupon/add/", data)
    assertContains(response, "A percentage is at most 100.")
    assertContains(response, "The end must come after the start.")
    assert not Coupon.objects.exists()
    data |= {"amount": "5", "ends_at_0": "2026-07-01"}
    response = manager.post("/admin/cart/coupon/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Coupon.objects.get().code == "SUMMER-5"


@pytest.mark.django_db(transaction=True)
def test_twenty_shoppers_racing_for_a_coupon_with_three_uses_left_get_three_discounts(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs on PostgreSQL (DATABASE_URL), as CI does")
    settings.ORDER_LIMIT_PER_ADDRESS = 0  # twenty shoppers from one test client's address
    make_coupon(code="RACE", usage_limit=5, times_used=2)
    make_bank_transfer()
    shoppers, forms = [], []
    for number in range(20):
        client = Client()
        product = make_product(price=Decimal("20.00"), stock=1)  # a product each: only the coupon is shared
        client.post("/cart/add/", {"product": product.pk, "quantity": 1})
        client.post("/cart/coupon/", {"code": "RACE"})
        page = client.get("/checkout/")
        shoppers.append(client)
        forms.append(CUSTOMER | {"email": f"shopper{number}@example.com"} | checkout_fields(page))
    barrier, statuses = threading.Barrier(20), []

    def submit(number: int) -> None:
        try:
            barrier.wait()
            statuses.append(shoppers[number].post("/checkout/", forms[number]).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] * 3 + [409] * 17
    assert Order.objects.filter(coupon_code="RACE").count() == 3
    assert Coupon.objects.get(code="RACE").times_used == 5
