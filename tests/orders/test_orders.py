"""Orders after checkout: racing for the last unit, cancelling, the admin, failing mail."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from cart.cart import Cart
from catalogue.models import Product
from core import pages
from orders import status, tasks
from orders.models import Order
from tests.factories import CUSTOMER, checkout_fields, make_bank_transfer, make_product, place_order_through_checkout
from tests.html import form_values


class FailingMailer:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class ShopMailboxDown(locmem.EmailBackend):
    """A mail server that takes mail for customers and refuses the shop's own address."""

    def send_messages(self, messages):
        if any(settings.SHOP_EMAIL in message.to for message in messages):
            raise ConnectionRefusedError("shop mailbox down")
        return super().send_messages(messages)


def status_form(client, order: Order, new_status: str, **fields: str) -> dict:
    """The order change form as the admin renders it, with the status (and any other field) changed."""
    data = form_values(client.get(f"/admin/orders/order/{order.pk}/change/"), id="order_form")
    return data | {"status": [new_status]} | {name: [value] for name, value in fields.items()}


@pytest.mark.django_db(transaction=True)
def test_two_sessions_racing_for_the_last_unit_get_exactly_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs on PostgreSQL (DATABASE_URL), as CI does")
    product = make_product(name="Yoga mat", price=Decimal("35.00"), stock=1)
    make_bank_transfer()
    clients, forms = [], []
    for _ in range(2):
        client = Client()
        client.post("/cart/add/", {"product": product.pk, "quantity": 1})
        clients.append(client)
        forms.append(CUSTOMER | checkout_fields(client.get("/checkout/")))

    barrier, responses = threading.Barrier(2), {}

    def submit(number: int) -> None:
        try:
            barrier.wait()
            responses[number] = clients[number].post("/checkout/", forms[number])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses.values()) == [302, 409]
    loser = next(r for r in responses.values() if r.status_code == 409)
    assert "Yoga mat: you asked for 1, it has sold out." in loser.content.decode()
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 0


@pytest.mark.django_db
def test_cancel_restores_stock_once(filled_cart, products):
    order = place_order_through_checkout(filled_cart)
    assert [p.stock for p in Product.objects.order_by("pk")] == [8, 4, 2]
    assert status.cancel(order) is True
    assert status.cancel(order) is False
    assert [p.stock for p in Product.objects.order_by("pk")] == [10, 5, 3]
    assert order.status == Order.Status.CANCELLED
    assert list(order.events.values_list("kind", flat=True)) == ["placed", "awaiting_payment", "cancelled"]


@pytest.mark.django_db
def test_shop_manager_marks_an_order_paid_then_shipped_in_the_admin(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    manager = login_as("Shop managers")
    listing = manager.get("/admin/orders/order/")
    assertContains(listing, order.number)
    assertContains(listing, "Sam Placeholder")
    for new_status in ["paid", "shipped"]:
        response = manager.post(f"/admin/orders/order/{order.pk}/change/", status_form(manager, order, new_status))
        assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"


@pytest.mark.django_db
def test_a_shipped_order_cannot_go_back(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    Order.objects.filter(pk=order.pk).update(status="shipped")
    manager = login_as("Shop managers")
    response = manager.post(f"/admin/orders/order/{order.pk}/change/", status_form(manager, order, "paid"))
    assertContains(response, "An order that is shipped cannot become paid.")


@pytest.mark.django_db
def test_order_lines_are_read_only_and_orders_cannot_be_added_or_deleted(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    manager = login_as("Shop managers")
    page = manager.get(f"/admin/orders/order/{order.pk}/change/")
    assertContains(page, "Magnesium")
    assert 'name="lines-0-quantity"' not in page.content.decode()
    assert manager.get("/admin/orders/order/add/").status_code == 403
    assert manager.get(f"/admin/orders/order/{order.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_editors_do_not_see_orders(login_as):
    assert login_as("Editors").get("/admin/orders/order/").status_code == 403


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections, as in production
def test_failing_mail_server_keeps_the_order_retries_and_shows_the_failure(filled_cart, settings, run_worker, login_as):
    settings.MAILERS = {"default": {"BACKEND": "tests.orders.test_orders.FailingMailer"}}
    order = place_order_through_checkout(filled_cart)
    assert Order.objects.filter(pk=order.pk).exists()
    assert Cart(filled_cart.session).lines == []
    run_worker()
    results = DBTaskResult.objects.all()
    assert sorted((r.task_path.rsplit(".", 1)[1], r.status) for r in results) == [
        ("send_confirmation", "FAILED"),
        ("send_confirmation", "READY"),  # each email failed once, and its retry waits
        ("send_shop_notice", "FAILED"),
        ("send_shop_notice", "READY"),
    ]
    assert all("mail server down" in r.traceback for r in results if r.status == "FAILED")
    order.refresh_from_db()
    assert (order.confirmation_sent_at, order.shop_notice_sent_at) == (None, None)
    assert mail.outbox == []
    manager = login_as("Shop managers")
    unsent = manager.get("/admin/orders/order/?shop_notice_sent_at__isempty=1")
    assertContains(unsent, order.number)
    assertContains(unsent, 'alt="False"')  # the "Emails sent" column
    assertContains(manager.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED"), "send_shop_notice")


@pytest.mark.django_db(transaction=True)
def test_a_failing_shop_notice_is_retried_alone_and_the_customer_gets_one_confirmation(
    filled_cart, settings, run_worker
):
    settings.MAILERS = {"default": {"BACKEND": "tests.orders.test_orders.ShopMailboxDown"}}
    order = place_order_through_checkout(filled_cart)
    run_worker()
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    waiting = DBTaskResult.objects.filter(status="READY")
    assert [r.task_path for r in waiting] == ["orders.tasks.send_shop_notice"]  # only the failed email is retried
    order.refresh_from_db()
    assert order.confirmation_sent_at is not None
    assert order.shop_notice_sent_at is None

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    waiting.update(run_after=timezone.now())  # its five minutes are up
    run_worker()
    assert [m.to for m in mail.outbox] == [["sam@example.com"], ["orders@localhost"]]
    order.refresh_from_db()
    assert order.shop_notice_sent_at is not None


@pytest.mark.django_db
def test_each_email_task_run_again_sends_nothing_more(filled_cart):
    order = place_order_through_checkout(filled_cart)
    for _ in range(2):
        tasks.send_confirmation.call(order.pk)
        tasks.send_shop_notice.call(order.pk)
    assert [m.to for m in mail.outbox] == [["sam@example.com"], ["orders@localhost"]]


@pytest.mark.django_db
def test_a_task_queued_before_the_split_queues_both_emails(filled_cart):
    order = place_order_through_checkout(filled_cart)
    DBTaskResult.objects.all().delete()
    tasks.send_order_emails.call(order.pk)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "orders.tasks.send_confirmation",
        "orders.tasks.send_shop_notice",
    ]


@pytest.mark.django_db
def test_a_name_with_a_line_break_from_before_the_check_still_reaches_the_shop_on_one_line(filled_cart):
    order = place_order_through_checkout(filled_cart)
    Order.objects.filter(pk=order.pk).update(name="Sam\r\nBcc: victim@example.com")
    tasks.send_shop_notice.call(order.pk)
    assert [m.to for m in mail.outbox] == [["orders@localhost"]]
    assert mail.outbox[0].subject == f"New order {order.number}: $83.00 from Sam Bcc: victim@example.com"
    assert mail.outbox[0].bcc == []


@pytest.mark.django_db
def test_order_admin_search_by_number(filled_cart, login_as):
    order = place_order_through_checkout(filled_cart)
    assertContains(login_as("Shop managers").get(f"/admin/orders/order/?q={order.number}"), order.number)


def test_session_store_is_the_database():
    assert SessionStore.__module__ == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_cancelling_starts_new_shared_pages_only_when_what_they_show_of_a_product_changes(
    payment_methods, django_capture_on_commit_callbacks
):
    plenty, last_one = make_product(sku="PLENTY", stock=50), make_product(sku="LAST", stock=1)
    orders = {}
    for product in (plenty, last_one):
        shopper = Client()
        shopper.post("/cart/add/", {"product": product.pk, "quantity": 1})
        orders[product.sku] = place_order_through_checkout(shopper)

    before = pages.generation()
    with django_capture_on_commit_callbacks(execute=True):
        status.cancel(orders["PLENTY"])  # 49 to 50: still "in stock", still at most 20 a line
    assert pages.generation() == before
    with django_capture_on_commit_callbacks(execute=True):
        status.cancel(orders["LAST"])  # sold out to in stock
    assert pages.generation() != before
    assert list(Product.objects.order_by("sku").values_list("sku", "stock")) == [("LAST", 1), ("PLENTY", 50)]
