"""manage.py cancel_unpaid_orders: unpaid orders expire, and their stock comes back once."""

import io
import secrets
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.utils import timezone

from cart.cart import Cart
from cart.models import Product
from orders import status
from orders.models import Order, PaymentMethod
from orders.placing import place_order
from tests.factories import CUSTOMER, make_bank_transfer, make_product

pytestmark = pytest.mark.django_db


def placed(product: Product, quantity: int, *, days_ago: float, status: str = Order.Status.AWAITING_PAYMENT) -> Order:
    """A bank-transfer order for `quantity` of `product`, placed `days_ago` days ago and now in `status`."""
    cart = Cart(SessionStore())
    cart.add(product, quantity)
    method = PaymentMethod.objects.first() or make_bank_transfer()
    order = place_order(
        cart=cart,
        customer=CUSTOMER,
        payment_method=method,
        idempotency_key=secrets.token_hex(16),
        expected_total=cart.total,
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago), status=status)
    return order


def cancel_unpaid(*args: str) -> str:
    out = io.StringIO()
    call_command("cancel_unpaid_orders", *args, stdout=out)
    return out.getvalue()


def test_old_unpaid_orders_are_cancelled_and_their_stock_comes_back_once():
    product = make_product(stock=20)
    old = placed(product, 3, days_ago=8)
    older = placed(product, 2, days_ago=30)
    assert Product.objects.get().stock == 15

    assert cancel_unpaid("--older-than", "7") == "Cancelled 2 unpaid orders placed more than 7 days ago.\n"
    assert Product.objects.get().stock == 20
    assert set(Order.objects.values_list("pk", "status", "stock_restored")) == {
        (old.pk, "cancelled", True),
        (older.pk, "cancelled", True),
    }

    assert cancel_unpaid("--older-than", "7") == "Cancelled 0 unpaid orders placed more than 7 days ago.\n"
    assert Product.objects.get().stock == 20


def test_newer_paid_shipped_and_cancelled_orders_are_left_alone():
    product = make_product(stock=20)
    recent = placed(product, 1, days_ago=6.9)
    paid = placed(product, 1, days_ago=30, status=Order.Status.PAID)
    shipped = placed(product, 1, days_ago=30, status=Order.Status.SHIPPED)
    cancelled = placed(product, 1, days_ago=30)
    status.cancel(cancelled)
    assert Product.objects.get().stock == 17

    assert cancel_unpaid("--older-than", "7") == "Cancelled 0 unpaid orders placed more than 7 days ago.\n"
    assert Product.objects.get().stock == 17
    assert dict(Order.objects.values_list("pk", "status")) == {
        recent.pk: "awaiting_payment",
        paid.pk: "paid",
        shipped.pk: "shipped",
        cancelled.pk: "cancelled",
    }


def test_one_order_is_counted_in_the_singular():
    placed(make_product(stock=5), 1, days_ago=2)
    assert cancel_unpaid("--older-than", "1") == "Cancelled 1 unpaid order placed more than 1 day ago.\n"


@pytest.mark.parametrize("days", ["0", "-3"])
def test_the_age_must_be_at_least_a_day(days):
    placed(make_product(stock=5), 1, days_ago=2)
    with pytest.raises(CommandError, match="--older-than must be a whole number of days, 1 or more."):
        cancel_unpaid("--older-than", days)
    assert Order.objects.get().status == "awaiting_payment"


def test_the_age_is_required():
    with pytest.raises(CommandError, match="--older-than"):
        cancel_unpaid()
