"""Paying: the choice at checkout, the bank details and the steps a shop manager takes, each emailed."""

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from cart.cart import Cart
from catalogue.models import Product
from orders import status, tasks
from orders.models import Order, OrderEvent, PaymentMethod
from tests.factories import make_bank_transfer, place_order_through_checkout
from tests.html import find_all, form_values, parse, text
from tests.orders.test_orders import status_form

pytestmark = pytest.mark.django_db

BANK_DETAILS = [
    "Placeholder Shop Ltd",
    "Placeholder Bank",
    "GB33 BUKB 2020 1555 5555 55",
    "BUKBGB22",
]


def run_queued_emails() -> None:
    """What the worker would do: run each queued task once, in order."""
    for result in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()


def in_days(days: int) -> str:
    """The date `days` from today in the shop's time zone, as the order page and emails write it."""
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.day} {day:%B %Y}"


def test_the_checkout_says_by_when_a_bank_transfer_is_to_be_paid(filled_cart, payment_methods, settings):
    settings.UNPAID_ORDER_HOLD_DAYS = 4
    fieldset = find_all(parse(filled_cart.get("/checkout/").content), "fieldset", **{"class": "payment-choice"})[0]
    assert (
        f"Bank transfer Pay from your bank after ordering, by {in_days(4)}: we show you the bank details and email "
        "them to you."
    ) in text(fieldset)


def test_the_checkout_offers_the_enabled_methods_in_a_fieldset_with_the_first_chosen(filled_cart, payment_methods):
    PaymentMethod.objects.create(kind="bank_transfer", name="Old account", enabled=False, account_holder="x")
    page = filled_cart.get("/checkout/")
    fieldset = find_all(parse(page.content), "fieldset", **{"class": "payment-choice"})[0]
    assert text(find_all(fieldset, "legend")[0]) == "How would you like to pay?"
    radios = find_all(fieldset, "input", type="radio")
    assert [dict(radio.attributes) for radio in radios] == [
        {"type": "radio", "name": "payment_method", "value": str(payment_methods["bank"].pk), "required": None,
         "id": "id_payment_method_0", "aria-describedby": "id_payment_method_0-summary", "checked": None},
        {"type": "radio", "name": "payment_method", "value": str(payment_methods["cod"].pk), "required": None,
         "id": "id_payment_method_1", "aria-describedby": "id_payment_method_1-summary"},
    ]  # fmt: skip
    assert "Cash on delivery Pay in cash when your parcel arrives. For delivery to Ireland, United Kingdom only." in (
        text(fieldset)
    )
    assertNotContains(page, "Old account")


def test_checkout_with_bank_transfer_awaits_payment_and_shows_the_bank_details_and_the_date_to_pay_by(
    filled_cart, checkout_form, settings
):
    settings.UNPAID_ORDER_HOLD_DAYS = 3
    response = filled_cart.post("/checkout/", checkout_form())
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.number}/"
    assert order.status == "awaiting_payment"
    assert order.payment_method.kind == "bank_transfer"
    assert list(order.events.values_list("kind", flat=True)) == ["placed", "awaiting_payment"]

    page = text(parse(filled_cart.get(f"/orders/{order.number}/").content))
    assert "Status: Awaiting payment. Payment: Bank transfer" in page
    assert (
        f"How to pay Please transfer $83.00 to the account below with your order number {order.number} as the "
        f"payment reference. We ship your order once the payment arrives. Please pay by {in_days(3)}: after that "
        f"the order is cancelled and its items go back on sale. Amount $83.00 Pay by {in_days(3)} Payment reference "
        f"{order.number} Account holder Placeholder Shop Ltd Bank Placeholder Bank IBAN or account number "
        "GB33 BUKB 2020 1555 5555 55 Sort code or BIC BUKBGB22"
    ) in page


def test_the_confirmation_email_carries_the_bank_details_the_order_number_as_reference_and_the_date_to_pay_by(
    filled_cart, settings
):
    settings.UNPAID_ORDER_HOLD_DAYS = 5
    order = place_order_through_checkout(filled_cart)
    tasks.send_confirmation.call(order.pk)
    body = mail.outbox[0].body
    assert f"Please pay by {in_days(5)}: after that the order is cancelled and its items go back on sale." in body
    assert f"Pay by: {in_days(5)}" in body
    assert f"Payment reference: {order.number}" in body
    assert "Amount: $83.00" in body
    for detail in BANK_DETAILS:
        assert detail in body


def test_checkout_with_cash_on_delivery_is_new_with_nothing_to_transfer(filled_cart, checkout_form, payment_methods):
    filled_cart.post("/checkout/", checkout_form(payment_method=str(payment_methods["cod"].pk)))
    order = Order.objects.get()
    assert (order.status, order.payment_method) == ("new", payment_methods["cod"])
    assert list(order.events.values_list("kind", flat=True)) == ["placed"]
    page = filled_cart.get(f"/orders/{order.number}/")
    assertContains(page, "Please pay $83.00 in cash to the courier when your parcel arrives.")
    assertNotContains(page, "Placeholder Bank")


def test_a_method_switched_off_after_the_page_was_shown_is_refused_and_the_cart_kept(
    filled_cart, checkout_form, payment_methods
):
    form = checkout_form(payment_method=str(payment_methods["cod"].pk))
    PaymentMethod.objects.filter(pk=payment_methods["cod"].pk).update(enabled=False)
    response = filled_cart.post("/checkout/", form)
    assertContains(response, "The way to pay you chose is no longer offered. Please choose another.", status_code=400)
    assertContains(response, 'value="1 Demo Street"', status_code=400)
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


def test_cash_on_delivery_is_refused_for_a_country_it_is_not_offered_in(filled_cart, checkout_form, payment_methods):
    response = filled_cart.post(
        "/checkout/", checkout_form(payment_method=str(payment_methods["cod"].pk), country="FR")
    )
    assertContains(
        response,
        "Cash on delivery is not offered for delivery to France. Please choose another way to pay.",
        status_code=400,
    )
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4
    in_france = {"country": "FR", "postcode": "75001", "city": "Paris"}
    assert filled_cart.post("/checkout/", checkout_form(**in_france)).status_code == 302  # a bank transfer is


def test_with_no_method_enabled_the_checkout_says_so_and_places_nothing(filled_cart, checkout_form):
    PaymentMethod.objects.update(enabled=False)
    page = filled_cart.get("/checkout/")
    assertContains(page, "No way to pay is offered at the moment, so orders cannot be placed.")
    response = filled_cart.post("/checkout/", checkout_form(payment_method=""))
    assertContains(response, "Choose how you would like to pay.", status_code=400)
    assert not Order.objects.exists()


def test_marking_paid_in_the_admin_records_it_and_emails_the_customer(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    manager = login_as("Shop managers")
    response = manager.post("/admin/orders/order/", {"action": "mark_paid", "_selected_action": [order.pk]})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    event = order.events.last()
    assert event.kind == "paid"
    assert DBTaskResult.objects.filter(task_path="orders.tasks.send_status_email").count() == 1

    run_queued_emails()
    paid = [m for m in mail.outbox if m.subject == f"We have received your payment for order {order.number}"]
    assert len(paid) == 1
    assert "we have received your payment of $83.00" in paid[0].body
    assert "Placeholder Bank" not in paid[0].body  # nothing left to pay
    event.refresh_from_db()
    assert event.email_sent_at is not None
    tasks.send_status_email.call(event.pk)  # run again: sent once
    assert len(mail.outbox) == 3  # with the confirmation and the shop's notice
    page = manager.get(f"/admin/orders/order/{order.pk}/change/")
    assertContains(page, "Awaiting payment")  # the history inline
    assertContains(page, "Paid")


def test_shipping_with_a_tracking_number_and_link_emails_both(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    status.move(order, "paid")
    manager = login_as("Shop managers")
    data = status_form(
        manager, order, "shipped", tracking_number="TRK123", tracking_url="https://carrier.example/t/TRK123"
    )
    assert manager.post(f"/admin/orders/order/{order.pk}/change/", data).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "TRK123")
    mail.outbox.clear()
    run_queued_emails()
    shipped = [m for m in mail.outbox if "on its way" in m.subject]
    assert len(shipped) == 1
    assert "Tracking number: TRK123\nFollow your parcel: https://carrier.example/t/TRK123" in shipped[0].body


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://carrier.example/x", "not a link"])
def test_a_tracking_link_must_be_http_or_https(filled_cart, login_as, link):
    order = place_order_through_checkout(filled_cart)
    status.move(order, "paid")
    manager = login_as("Shop managers")
    response = manager.post(
        f"/admin/orders/order/{order.pk}/change/", status_form(manager, order, "shipped", tracking_url=link)
    )
    assertContains(response, "Enter a valid URL.")
    order.refresh_from_db()
    assert order.status == "paid"


def test_cancelling_emails_the_customer_and_restores_stock_once(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    manager = login_as("Shop managers")
    for _ in range(2):
        manager.post("/admin/orders/order/", {"action": "cancel_orders", "_selected_action": [order.pk]})
    assert [p.stock for p in Product.objects.order_by("pk")] == [10, 5, 3]
    order.refresh_from_db()
    assert order.events.filter(kind="cancelled").count() == 1
    mail.outbox.clear()
    run_queued_emails()
    assert [m.subject for m in mail.outbox if "cancelled" in m.subject] == [f"Your order {order.number} is cancelled"]


def test_an_order_awaiting_payment_cannot_be_shipped(filled_cart):
    order = place_order_through_checkout(filled_cart)
    assert status.move(order, "shipped") is False
    assert Order.objects.get().status == "awaiting_payment"


def test_the_daily_job_cancels_old_bank_transfers_and_leaves_cash_on_delivery(
    filled_cart, checkout_form, payment_methods, products
):
    place_order_through_checkout(filled_cart)
    filled_cart.post("/cart/add/", {"product": products[0].pk, "quantity": 1})
    place_order_through_checkout(filled_cart, payment_method=str(payment_methods["cod"].pk))
    Order.objects.update(created_at=timezone.now() - timedelta(days=30))
    Order.objects.exclude(pay_by=None).update(pay_by=timezone.now() - timedelta(days=1))
    out = io.StringIO()
    call_command("cancel_unpaid_orders", stdout=out)
    assert out.getvalue() == "Cancelled 1 unpaid order past the date to pay by.\n"
    assert sorted(Order.objects.values_list("status", flat=True)) == ["cancelled", "new"]
    assert OrderEvent.objects.filter(kind="cancelled").count() == 1


def test_a_bank_transfer_method_needs_its_account_details_in_the_admin(login_as):
    manager = login_as("Shop managers")
    data = {"kind": "bank_transfer", "name": "Bank transfer", "enabled": "on", "position": "1", "countries": ""}
    response = manager.post("/admin/orders/paymentmethod/add/", data)
    assertContains(response, "A direct bank transfer method needs this.")
    assert not PaymentMethod.objects.exists()


def test_cash_on_delivery_needs_known_country_codes_in_the_admin(login_as):
    manager = login_as("Shop managers")
    data = {"kind": "cash_on_delivery", "name": "COD", "enabled": "on", "position": "2", "countries": "gb, XX"}
    assertContains(manager.post("/admin/orders/paymentmethod/add/", data), "Not a two-letter country code: XX.")
    data["countries"] = "gb,ie, GB"
    assert manager.post("/admin/orders/paymentmethod/add/", data).status_code == 302
    assert PaymentMethod.objects.get().countries == "GB, IE"


def test_the_kind_of_a_saved_method_cannot_change(login_as):
    method = make_bank_transfer()
    manager = login_as("Shop managers")
    data = form_values(manager.get(f"/admin/orders/paymentmethod/{method.pk}/change/"), id="paymentmethod_form")
    assert "kind" not in data
    manager.post(f"/admin/orders/paymentmethod/{method.pk}/change/", data | {"kind": ["cash_on_delivery"]})
    method.refresh_from_db()
    assert method.kind == "bank_transfer"


@pytest.mark.thorough  # the demo content
def test_the_demo_methods_are_plainly_placeholders_and_loaded_once():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    bank, cod = PaymentMethod.objects.all()
    assert (bank.kind, bank.enabled, bank.bank_name) == ("bank_transfer", True, "DEMO BANK (placeholder)")
    assert "placeholder" in bank.account_holder and "(example)" in bank.account_number
    assert (cod.kind, cod.enabled, cod.country_codes) == ("cash_on_delivery", True, ["GB", "IE"])


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_racing_restore_the_stock_once(filled_cart):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs on PostgreSQL (DATABASE_URL), as CI does")
    order = place_order_through_checkout(filled_cart)
    barrier, results = threading.Barrier(2), []

    def cancel() -> None:
        try:
            barrier.wait()
            results.append(status.cancel(Order.objects.get(pk=order.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert [p.stock for p in Product.objects.order_by("pk")] == [10, 5, 3]
    assert OrderEvent.objects.filter(kind="cancelled").count() == 1
