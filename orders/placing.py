"""Turn a cart into an order: one transaction that locks, checks, snapshots, decrements and empties."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from cart.cart import Cart, shipping_for
from cart.models import Coupon, Product
from cart.money import format_money
from fatigue_site import pages
from fatigue_site.ratelimits import mailbox
from orders import payment, tasks
from orders.models import Order, OrderEvent, OrderLine, PaymentMethod


class OrderNotPlaced(Exception):
    """The cart cannot become an order as it is; `problems` says why, in words for the visitor."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class SummaryMismatch(OrderNotPlaced):
    """The total the visitor agreed to is not the cart's: a tampered or stale page."""


def place_order(
    *, cart: Cart, customer: dict, payment_method: PaymentMethod, idempotency_key: str, expected_total: Decimal
) -> Order:
    """Place the order for `cart`, or return the one already placed with this key (a double submit)."""
    if existing := Order.objects.filter(idempotency_key=idempotency_key).first():
        return existing
    try:
        with transaction.atomic():
            order = _place(cart, customer, payment_method, idempotency_key, expected_total)
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
        # By mailbox: alice+1@ and a.lice@ are the same customer as alice@ (fatigue_site/ratelimits.py).
        used = Order.objects.filter(coupon_code=coupon.code, mailbox=mailbox(email)).exclude(
            status=Order.Status.CANCELLED
        )
        if used.count() >= coupon.per_email_limit:
            raise OrderNotPlaced([f"The code {coupon.code} has been used with {email} as often as it may be."])
    return coupon


def _place(
    cart: Cart, customer: dict, payment_method: PaymentMethod, idempotency_key: str, expected_total: Decimal
) -> Order:
    # Lock the cart's lines, then its products, in a fixed order: a second submit of the same
    # cart waits here and then finds the cart empty; two carts racing for the last unit queue up.
    rows = cart.lock_lines()
    if not rows:
        if existing := Order.objects.filter(idempotency_key=idempotency_key).first():
            return existing
        raise OrderNotPlaced(["Your cart is empty."])
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

    lines = [(products[row.product_id], row.quantity) for row in rows]
    subtotal = sum((product.current_price * quantity for product, quantity in lines), start=Decimal("0.00"))
    coupon = _locked_coupon(cart, subtotal, customer["email"])
    discount = coupon.discount_on(subtotal) if coupon else Decimal("0.00")
    shipping = shipping_for(subtotal)
    total = subtotal - discount + shipping
    if total != expected_total:
        raise SummaryMismatch(["The order summary you sent does not match your cart. Check it and place it again."])
    order = Order.objects.create(
        idempotency_key=idempotency_key,
        subtotal=subtotal,
        coupon_code=coupon.code if coupon else "",
        discount=discount,
        shipping=shipping,
        total=total,
        payment_method=payment_method,
        status=payment.initial_status(payment_method),
        **customer,
    )
    if coupon:
        Coupon.objects.filter(pk=coupon.pk).update(times_used=F("times_used") + 1)
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.PLACED)
    if order.status == Order.Status.AWAITING_PAYMENT:
        OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.AWAITING_PAYMENT)
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
    shown_before = [product.max_order_quantity for product, _ in lines]
    for product, quantity in lines:
        product.stock -= quantity
    Product.objects.bulk_update([product for product, _ in lines], ["stock"])
    if shown_before != [product.max_order_quantity for product, _ in lines]:
        pages.content_changed()  # the shared pages show "In stock" and the most one may order
    cart.remove_ordered(rows)
    # The email tasks are rows in the same transaction: they are queued if and only if the order is placed,
    # even when the process dies right after the commit. One task per email: each is retried alone.
    tasks.send_confirmation.enqueue(order.pk)
    tasks.send_shop_notice.enqueue(order.pk)
    return order
