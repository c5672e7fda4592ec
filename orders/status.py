"""An order's status changes after it is placed: paid, shipped, cancelled. Each is one transaction that
locks the order, checks the move is allowed, records it (OrderEvent) and queues the customer's email."""

from django.db import transaction

from catalogue.stock import restore_stock
from orders import tasks
from orders.models import Order, OrderEvent


def move(
    order: Order, status: str, *, only_from: str | None = None, tracking_number: str = "", tracking_url: str = ""
) -> bool:
    """Move `order` to `status` if it may go there (and is in `only_from`, if given); return whether it moved.
    Updates `order` in place."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == status or not locked.can_become(status):
            return False
        if only_from is not None and locked.status != only_from:
            return False
        fields = ["status", "updated_at"]
        if status == Order.Status.CANCELLED and not locked.stock_restored:
            _restore_stock(locked)
            fields.append("stock_restored")
        if status not in Order.HOLDING_STATUSES:
            # No longer holding stock unpaid (orders/holds.py): whose it was need not be kept.
            locked.held_by_session = locked.held_by_email = locked.held_by_network = ""
            fields += ["held_by_session", "held_by_email", "held_by_network"]
        if status == Order.Status.SHIPPED:
            locked.tracking_number, locked.tracking_url = tracking_number, tracking_url
            fields += ["tracking_number", "tracking_url"]
        locked.status = status
        locked.save(update_fields=fields)
        event = OrderEvent.objects.create(order=locked, kind=status)
        # A row in this transaction: the email is queued if and only if the change is saved.
        tasks.send_status_email.enqueue(event.pk)
    for name in fields:
        setattr(order, name, getattr(locked, name))
    return True


def cancel(order: Order, *, only_from: str | None = None) -> bool:
    """Cancel the order and put its stock back, once, however often this is called."""
    return move(order, Order.Status.CANCELLED, only_from=only_from)


def _restore_stock(order: Order) -> None:
    restore_stock((line.product_id, line.quantity) for line in order.lines.all())
    order.stock_restored = True
