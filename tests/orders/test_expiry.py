"""Unpaid orders expire: each is due by the end of a day fixed when it is placed, then manage.py
cancel_unpaid_orders cancels it, and its stock comes back once."""

import io
import secrets
from datetime import datetime, time, timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cart.cart import Cart
from catalogue.models import Product
from orders import status
from orders.models import Order, PaymentMethod
from orders.placing import place_order
from tests.factories import CUSTOMER, make_bank_transfer, make_cash_on_delivery, make_product

pytestmark = pytest.mark.django_db


def placed(
    product: Product,
    quantity: int,
    *,
    due_in_days: float | None = None,
    status: str = Order.Status.AWAITING_PAYMENT,
    method: PaymentMethod | None = None,
) -> Order:
    """An order for `quantity` of `product` (a bank transfer unless `method` says otherwise), now in `status`,
    whose pay-by date is moved to `due_in_days` from now (negative: past) if given."""
    cart = Cart(SessionStore())
    cart.add(product, quantity)
    order = place_order(
        cart=cart,
        customer=CUSTOMER,
        payment_method=method or PaymentMethod.objects.filter(kind="bank_transfer").first() or make_bank_transfer(),
        idempotency_key=secrets.token_hex(16),
        expected_total=cart.total,
        network="127.0.0.1",
    )
    if due_in_days is not None:
        Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() + timedelta(days=due_in_days), status=status)
    return Order.objects.get(pk=order.pk)


def cancel_unpaid() -> str:
    out = io.StringIO()
    call_command("cancel_unpaid_orders", stdout=out)
    return out.getvalue()


def test_a_bank_transfer_is_due_by_the_end_of_the_day_hold_days_ahead_and_cash_on_delivery_never(settings):
    settings.UNPAID_ORDER_HOLD_DAYS = 3
    product = make_product(stock=20)
    bank = placed(product, 1)
    cash = placed(product, 1, method=make_cash_on_delivery())
    end_of_day = datetime.combine(
        timezone.localdate() + timedelta(days=3), time.max, tzinfo=timezone.get_current_timezone()
    )
    assert bank.pay_by == end_of_day
    assert cash.pay_by is None


def test_the_hold_is_a_setting(settings):
    settings.UNPAID_ORDER_HOLD_DAYS = 10
    order = placed(make_product(stock=20), 1)
    assert timezone.localdate(order.pay_by) == timezone.localdate() + timedelta(days=10)


def test_orders_past_their_date_are_cancelled_and_their_stock_comes_back_once():
    product = make_product(stock=20)
    old = placed(product, 3, due_in_days=-0.1)
    older = placed(product, 2, due_in_days=-20)
    assert Product.objects.get().stock == 15

    assert cancel_unpaid() == "Cancelled 2 unpaid orders past the date to pay by.\n"
    assert Product.objects.get().stock == 20
    assert set(Order.objects.values_list("pk", "status", "stock_restored")) == {
        (old.pk, "cancelled", True),
        (older.pk, "cancelled", True),
    }

    assert cancel_unpaid() == "Cancelled 0 unpaid orders past the date to pay by.\n"
    assert Product.objects.get().stock == 20


def test_the_daily_job_reads_the_date_on_the_order_not_how_long_ago_it_was_placed(settings):
    settings.UNPAID_ORDER_HOLD_DAYS = 3
    order = placed(make_product(stock=20), 1)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=30))
    settings.UNPAID_ORDER_HOLD_DAYS = 1  # a shorter hold later moves no date already promised
    assert cancel_unpaid() == "Cancelled 0 unpaid orders past the date to pay by.\n"
    assert Order.objects.get().status == "awaiting_payment"


def test_orders_still_in_time_paid_shipped_and_cancelled_orders_are_left_alone():
    product = make_product(stock=20)
    recent = placed(product, 1, due_in_days=0.1)
    paid = placed(product, 1, due_in_days=-20, status=Order.Status.PAID)
    shipped = placed(product, 1, due_in_days=-20, status=Order.Status.SHIPPED)
    cancelled = placed(product, 1, due_in_days=-20)
    status.cancel(cancelled)
    assert Product.objects.get().stock == 17

    assert cancel_unpaid() == "Cancelled 0 unpaid orders past the date to pay by.\n"
    assert Product.objects.get().stock == 17
    assert dict(Order.objects.values_list("pk", "status")) == {
        recent.pk: "awaiting_payment",
        paid.pk: "paid",
        shipped.pk: "shipped",
        cancelled.pk: "cancelled",
    }


def test_a_cron_line_from_before_the_dates_still_runs_and_is_told_the_option_is_unused():
    due, in_time = make_product(stock=5), make_product(stock=5)
    placed(due, 1, due_in_days=-1)
    placed(in_time, 1, due_in_days=1)
    out, err = io.StringIO(), io.StringIO()
    call_command("cancel_unpaid_orders", "--older-than", "14", stdout=out, stderr=err)
    assert out.getvalue() == "Cancelled 1 unpaid order past the date to pay by.\n"
    assert err.getvalue() == "--older-than is no longer used: each order is cancelled after its own pay-by date.\n"


def test_one_order_is_counted_in_the_singular():
    placed(make_product(stock=5), 1, due_in_days=-1)
    assert cancel_unpaid() == "Cancelled 1 unpaid order past the date to pay by.\n"


@pytest.mark.thorough  # migrates back and forth
@pytest.mark.django_db(transaction=True)  # the schema changes, which SQLite cannot do inside the test's transaction
def test_orders_awaiting_payment_before_the_date_existed_keep_the_14_days_they_were_promised():
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0007_order_line_regular_price")])
    old_order = executor.loader.project_state([("orders", "0007_order_line_regular_price")]).apps.get_model(
        "orders", "Order"
    )
    placed_at = timezone.now() - timedelta(days=2)
    fields = CUSTOMER | {"subtotal": 10, "shipping": 0, "total": 10}
    unpaid = old_order.objects.create(idempotency_key="a", status="awaiting_payment", **fields)
    cash = old_order.objects.create(idempotency_key="b", status="new", **fields)
    old_order.objects.update(created_at=placed_at)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Order.objects.get(pk=unpaid.pk).pay_by == placed_at + timedelta(days=14)
    assert Order.objects.get(pk=cash.pk).pay_by is None
