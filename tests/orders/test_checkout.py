from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertRedirects

from cart.cart import Cart
from catalogue.models import Product
from orders.models import Order
from orders.placing import place_order
from tests.columns import values_longer_than_their_columns
from tests.factories import CUSTOMER, make_product
from tests.forms import long_values, parse_page
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def test_checkout_page_shows_the_form_and_the_summary_with_shipping(filled_cart):
    page = filled_cart.get("/checkout/")
    labels = ["Full name", "Email", "Phone (optional)", "Country", "Address line 1", "City", "State", "ZIP code"]
    for label in labels:
        assertContains(page, label)
    summary = text(find_all(parse(page.content), "section", **{"class": "checkout__summary"})[0])
    assert "Magnesium 2 $37.00" in summary
    assert "Subtotal $83.00 Shipping Free Total $83.00" in summary


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections, as in production
def test_happy_path_places_one_order_snapshots_lines_and_empties_the_cart(
    filled_cart, checkout_form, products, run_worker
):
    response = filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
    assert [(line.product_name, line.sku, line.unit_price, line.quantity) for line in order.lines.all()] == [
        ("Magnesium", "MAG", Decimal("18.50"), 2),
        ("Protein", "PRO", Decimal("24.00"), 1),
        ("Roller", "ROL", Decimal("22.00"), 1),
    ]
    assert (order.subtotal, order.shipping, order.total) == (Decimal("83.00"), Decimal("0.00"), Decimal("83.00"))
    assert [p.stock for p in Product.objects.order_by("pk")] == [8, 4, 2]
    assert Cart(filled_cart.session).lines == []

    confirmation = filled_cart.get(f"/orders/{order.number}/")
    assertContains(confirmation, order.number)
    assertContains(confirmation, "$83.00")

    assert mail.outbox == []  # nothing is sent by the request itself
    run_worker()
    assert [m.to for m in mail.outbox] == [["sam@example.com"], ["orders@localhost"]]
    assert order.number in mail.outbox[0].subject
    assert "2 × Magnesium (MAG): $37.00" in mail.outbox[0].body
    order.refresh_from_db()
    assert order.emails_sent


def test_confirmation_is_visible_only_to_the_session_that_placed_it(filled_cart, checkout_form):
    filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    assert Client().get(f"/orders/{order.number}/").status_code == 404


def test_shipping_fee_below_the_threshold_and_the_nudge(client, products):
    client.post("/cart/add/", {"product": products[0].pk, "quantity": 1})
    page = client.get("/cart/")
    assertContains(page, "Add $31.50 more for free shipping.")
    summary = text(find_all(parse(client.get("/checkout/").content), "section", **{"class": "checkout__summary"})[0])
    assert "Subtotal $18.50 Shipping $4.95 Total $23.45" in summary


def test_double_submit_creates_exactly_one_order(filled_cart, checkout_form):
    data = checkout_form()
    first = filled_cart.post("/checkout/", data)
    second = filled_cart.post("/checkout/", data)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.number}/"
    assert [p.stock for p in Product.objects.order_by("pk")] == [8, 4, 2]


def test_a_retry_after_the_answer_was_lost_shows_the_order_placed_by_the_first_try(
    filled_cart, checkout_form, products, payment_methods
):
    """The server placed the order and died before it could answer or save the session: the browser retries."""
    form = checkout_form()
    order = place_order(
        cart=Cart(filled_cart.session),
        customer=CUSTOMER,
        payment_method=payment_methods["bank"],
        idempotency_key=form["token"],
        expected_total=Decimal(form["expected_total"]),
        network="127.0.0.1",
    )

    retry = filled_cart.post("/checkout/", form)

    assertRedirects(retry, f"/orders/{order.number}/", fetch_redirect_response=False)
    assert Order.objects.count() == 1
    assert DBTaskResult.objects.count() == 2  # its two emails, queued once, with the order
    assert filled_cart.get(f"/orders/{order.number}/").status_code == 200
    assert sum(product.stock for product in Product.objects.all()) == 10 + 5 + 3 - 4


def test_another_visitor_cannot_claim_an_order_by_its_token(filled_cart, checkout_form, products):
    form = checkout_form()
    filled_cart.post("/checkout/", form)
    stranger = Client()
    stranger.get("/checkout/")
    response = stranger.post("/checkout/", form)
    assert response.status_code == 400  # their cart is empty: nothing to place, and no order to show
    assert Order.objects.count() == 1


def test_empty_cart_cannot_check_out(client):
    assertRedirects(client.get("/checkout/"), "/cart/", fetch_redirect_response=False)
    response = client.post("/checkout/", CUSTOMER | {"token": "x" * 32, "expected_total": "0"})
    assertContains(response, "Your cart is empty, so there is nothing to order.", status_code=400)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        # Of valid form, and longer than the column (a DataError on PostgreSQL once).
        ("email", "a" * 250 + "@example.com", "Ensure this value has at most 254 characters (it has 262)."),
        ("postcode", "<script>", "Enter a valid postcode, for example EC1Y 8SY or GIR 0AA."),
        ("name", "", "This field is required."),
        ("address", "", "This field is required."),
        ("country", "XX", "Select a valid choice."),
    ],
)
def test_bad_details_are_a_400_with_the_message_and_nothing_lost(filled_cart, checkout_form, field, value, message):
    response = filled_cart.post("/checkout/", checkout_form(**{field: value}))
    assertContains(response, message, status_code=400)
    assertContains(response, 'value="1 Demo Street"' if field != "address" else 'value="AB1 2DE"', status_code=400)
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


ONE_LINE = "Write this on one line, without line breaks, tabs or other control characters."


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Sam Placeholder\nBcc: victim@example.com"),
        ("name", "Sam\rPlaceholder"),
        ("name", "Sam\tPlaceholder"),
        ("name", "Sam\x1bPlaceholder"),
        ("name", "Sam\x85Placeholder"),  # NEXT LINE, a control character outside ASCII
        ("name", "Sam\u2028Placeholder"),  # LINE SEPARATOR
        ("phone", "0123\n456"),
        ("address", "1 Demo Street\nSubject: hello"),
        ("postcode", "AB1\t2DE"),
        ("city", "Demo\x0bCity"),
    ],
)
def test_one_line_fields_refuse_line_breaks_and_control_characters(filled_cart, checkout_form, field, value):
    response = filled_cart.post("/checkout/", checkout_form(**{field: value}))
    assertContains(response, ONE_LINE, status_code=400)
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


@pytest.mark.parametrize(
    "field", ["name", "email", "phone", "address", "address_line2", "city", "postcode", "notes", "country"]
)
def test_values_as_long_as_a_field_takes_are_placed_or_refused_and_always_fit_their_columns(
    filled_cart, checkout_form, products, field
):
    page = filled_cart.get("/checkout/")
    form = next(form for form in parse_page(page.content.decode()).forms if form.action == "/checkout/")
    for value in long_values(*form.kinds.get(field, ("", None))):
        response = filled_cart.post("/checkout/", checkout_form(**{field: value}))
        assert response.status_code in (302, 400), (field, value)
        if response.status_code == 302:  # placed: fill the cart again for the next value
            filled_cart.post("/cart/add/", {"product": products[0].pk, "quantity": 1})
    assert values_longer_than_their_columns() == []


def test_notes_refuse_control_characters_other_than_line_breaks_and_tabs(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(notes="Ring twice.\x1b[2J"))
    assertContains(response, "Remove the control characters (such as ESC", status_code=400)
    assert not Order.objects.exists()


def test_names_in_any_script_and_notes_on_several_lines_are_accepted(filled_cart, checkout_form):
    name = "Zoë O’Brien-Łukasik 王小明 क्\u200dष"  # a zero-width joiner: a format character, not a control
    response = filled_cart.post("/checkout/", checkout_form(name=name, notes="Ring twice.\r\nLeave at the door."))
    assert response.status_code == 302
    assert Order.objects.get().name == name
    assert Order.objects.get().notes == "Ring twice.\r\nLeave at the door."


def test_tampered_order_summary_is_refused(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(expected_total="0.01"))
    assertContains(response, "does not match your cart", status_code=400)
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


def test_a_forged_token_is_refused(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(token="f" * 32))
    assertContains(response, "This checkout page is out of date.", status_code=400)
    assert not Order.objects.exists()


def test_checkout_post_without_csrf_is_403(products):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/checkout/", CUSTOMER).status_code == 403
    assert not Order.objects.exists()


def test_price_change_after_the_cart_was_shown_stops_the_order_and_says_so(filled_cart, checkout_form, products):
    data = checkout_form()
    Product.objects.filter(pk=products[2].pk).update(price=Decimal("25.00"))
    response = filled_cart.post("/checkout/", data)
    assertContains(response, "The price of Roller changed from $22.00 to $25.00.", status_code=409)
    assert not Order.objects.exists()
    # The page now shows the new total; placing it again works.
    assert filled_cart.post("/checkout/", checkout_form()).status_code == 302
    assert Order.objects.get().total == Decimal("86.00")


def test_stock_drop_after_the_cart_was_shown_stops_the_order(filled_cart, checkout_form, products):
    data = checkout_form()
    Product.objects.filter(pk=products[0].pk).update(stock=1)
    response = filled_cart.post("/checkout/", data)
    assertContains(response, "Magnesium: you asked for 2, only 1 left.", status_code=409)
    assert not Order.objects.exists()
    assert Product.objects.get(pk=products[0].pk).stock == 1


def test_product_withdrawn_after_the_cart_was_shown_stops_the_order(filled_cart, checkout_form, products):
    data = checkout_form()
    Product.objects.filter(pk=products[1].pk).update(is_active=False)
    response = filled_cart.post("/checkout/", data)
    assertContains(response, "Protein is no longer available.", status_code=409)
    assert not Order.objects.exists()


def test_cart_and_mini_cart_link_to_checkout(filled_cart):
    page = filled_cart.get("/cart/")
    assert len(find_all(parse(page.content), "a", href="/checkout/")) == 2


def test_order_numbers_are_readable_and_unique(filled_cart, checkout_form, client):
    filled_cart.post("/checkout/", checkout_form())
    number = Order.objects.get().number
    assert len(number) == 9 and number[4] == "-"
    assert not set(number) & set("01OI")


def test_sold_out_line_cannot_reach_checkout(client):
    product = make_product(stock=1)
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    Product.objects.filter(pk=product.pk).update(stock=0)
    page = client.get("/checkout/")
    assertContains(page, "is out of stock and was removed from your cart.")
