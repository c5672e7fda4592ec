"""Turn a cart into an order: one transaction of named steps that lock, check, total, create, snapshot,
take stock and empty the cart."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from cart.cart import Cart, shipping_for
from cart.models import CartLine, Coupon
from catalogue.models import Product
from catalogue.stock import take_stock
from core.money import format_money
from core.ratelimits import mailbox
from orders import holds, payment, tasks
from orders.models import Order, OrderEvent, OrderLine, PaymentMethod


class OrderNotPlaced(Exception):
    """The cart cannot become an order as it is; `problems` says why, in words for the visitor."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class SummaryMismatch(OrderNotPlaced):
    """The total the visitor agreed to is not the cart's: a tampered or stale page."""


def place_order(
    *,
    cart: Cart,
    customer: dict,
    payment_method: PaymentMethod,
    idempotency_key: str,
    expected_total: Decimal,
    network: str,
) -> Order:
    """Place the order for `cart`, or return the one already placed with this key (a double submit).
    `network` is the client's (limits.client_network): with the cart and the email, it says whose stock it holds."""
    if existing := Order.objects.filter(idempotency_key=idempotency_key).first():
        return existing
    try:
        with transaction.atomic():
            order = _place(cart, customer, payment_method, idempotency_key, expected_total, network)
    except IntegrityError:
        # The same key won a race from another tab or a double click: that order is this order.
        if existing := Order.objects.filter(idempotency_key=idempotency_key).first():
            return existing
        raise
    return order


def _locked_coupon(cart: Cart, subtotal: Decimal, email: str) -> Coupon | None:
    """The cart's coupon, locked until the order's transaction ends (so that its uses are counted one
    order at a time, and a code with 3 uses left gives exactly 3 orders), or OrderNotPlaced saying why
    it cannot be used."""
    if cart.coupon is None:
        return None
    coupon = Coupon.objects.select_for_update().get(pk=cart.coupon.pk)
    if refusal := coupon.refusal(subtotal):
        raise OrderNotPlaced([refusal])
    if coupon.per_email_limit is not None:
        # By mailbox: alice+1@ and a.lice@ are the same customer as alice@ (core/ratelimits.py).
        used = Order.objects.filter(coupon_code=coupon.code, mailbox=mailbox(email)).exclude(
            status=Order.Status.CANCELLED
        )
        if used.count() >= coupon.per_email_limit:
            raise OrderNotPlaced([f"The code {coupon.code} has been used with {email} as often as it may be."])
    return coupon


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    coupon: Coupon | None
    discount: Decimal
    shipping: Decimal
    total: Decimal


def _place(
    cart: Cart,
    customer: dict,
    payment_method: PaymentMethod,
    idempotency_key: str,
    expected_total: Decimal,
    network: str,
) -> Order:
    """The steps of placing an order, in one transaction; any OrderNotPlaced rolls back all of them."""
    # Lock the cart's lines, then its products, in a fixed order: a second submit of the same
    # cart waits here and then finds the cart empty; two carts racing for the last unit queue up.
    rows = cart.lock_lines()
    if not rows:
        if existing := Order.objects.filter(idempotency_key=idempotency_key).first():
            return existing
        raise OrderNotPlaced(["Your cart is empty."])
    lines = _available_lines(rows)
    # Counted under the products' locks: two orders of one client for the same product queue up here.
    holder = holds.Holder.of(cart_key=rows[0].cart_key, email=customer["email"], network=network)
    if problems := holds.refusals(holder, lines):
        raise OrderNotPlaced(problems)
    totals = _totals(cart, lines, customer["email"])
    if totals.total != expected_total:
        raise SummaryMismatch(["The order summary you sent does not match your cart. Check it and place it again."])
    order = _create_order(totals, customer, payment_method, idempotency_key, holder)
    _snapshot_lines(order, lines)
    take_stock(lines)
    cart.remove_ordered(rows)
    # The email tasks are rows in the same transaction: they are queued if and only if the order is placed,
    # even when the process dies right after the commit. One task per email: each is retried alone.
    tasks.send_confirmation.enqueue(order.pk)
    tasks.send_shop_notice.enqueue(order.pk)
    return order


def _available_lines(rows: list[CartLine]) -> list[tuple[Product, int]]:
    """Each cart line's product, locked, with its quantity; OrderNotPlaced if any is gone, short or repriced."""
    locked = Product.objects.select_for_update().filter(pk__in=[row.product_id for row in rows]).order_by("pk")
    products: dict[int | None, Product] = {product.pk: product for product in locked}
    problems = []
    for row in rows:
        product = products.get(row.product_id)
        if product is None or not product.is_active:
            problems.append(f"{row.product_name} is no longer available.")
        elif product.stock < row.quantity:
            left = f"only {product.stock} left" if product.stock else "it has sold out"
            problems.append(f"{product.name}: you asked for {row.quantity}, {left}.")
        elif product.current_price != row.unit_price_seen:
            old, new = format_money(row.unit_price_seen), format_money(product.current_price)
            problems.append(f"The price of {product.name} changed from {old} to {new}.")
    if problems:
        raise OrderNotPlaced(problems)
    return [(products[row.product_id], row.quantity) for row in rows]


def _totals(cart: Cart, lines: list[tuple[Product, int]], email: str) -> Totals:
    subtotal = sum((product.current_price * quantity for product, quantity in lines), start=Decimal("0.00"))
    coupon = _locked_coupon(cart, subtotal, email)
    discount = coupon.discount_on(subtotal) if coupon else Decimal("0.00")
    shipping = shipping_for(subtotal)
    return Totals(subtotal, coupon, discount, shipping, total=subtotal - discount + shipping)


def _create_order(
    totals: Totals, customer: dict, payment_method: PaymentMethod, idempotency_key: str, holder: holds.Holder
) -> Order:
    """The order row with its amounts as charged, its first events, and the coupon's use counted."""
    order = Order.objects.create(
        idempotency_key=idempotency_key,
        subtotal=totals.subtotal,
        coupon_code=totals.coupon.code if totals.coupon else "",
        discount=totals.discount,
        shipping=totals.shipping,
        total=totals.total,
        payment_method=payment_method,
        status=payment.initial_status(payment_method),
        pay_by=payment.pay_by(payment_method),
        **holder.fields(),
        **customer,
    )
    if totals.coupon:
        Coupon.objects.filter(pk=totals.coupon.pk).update(times_used=F("times_used") + 1)
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.PLACED)
    if order.status == Order.Status.AWAITING_PAYMENT:
        OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.AWAITING_PAYMENT)
    return order


def _snapshot_lines(order: Order, lines: list[tuple[Product, int]]) -> None:
    """The order's lines as sold: name, SKU and prices copied, so later edits of a product change no order."""
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=product,
            product_name=product.name,
            sku=product.sku,
            unit_price=product.current_price,
            regular_price=product.price if product.on_sale else None,
            quantity=quantity,
        )
        for product, quantity in lines
    )
