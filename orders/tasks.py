"""Order emails, sent by the task worker so that a slow or failing mail server never holds up a page.

One task per email: a failed send is retried alone, and each email records when it went out, so a
retry (or a task run twice) never sends it again.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import Task, task
from django.template.loader import render_to_string
from django.utils import timezone

from core.money import format_money
from orders import links, payment
from orders.models import Order, OrderEvent

RETRY_AFTER = timedelta(minutes=5)

STATUS_SUBJECTS = {
    OrderEvent.Kind.PAID: "We have received your payment for order {number}",
    OrderEvent.Kind.SHIPPED: "Your order {number} is on its way",
    OrderEvent.Kind.CANCELLED: "Your order {number} is cancelled",
}


def _order(order_id: int) -> Order:
    return Order.objects.select_related("payment_method").prefetch_related("lines", "events").get(pk=order_id)


def _context(order: Order, **extra) -> dict:
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "payment": payment.instructions(order),
        "order_url": links.order_url(order),
        "site_name": settings.SITE_NAME,
    } | extra


def _send(again: Task, object_id: int, attempt: int, *, subject: str, template: str, context: dict, to: str) -> None:
    """Send one email; if it fails, queue `again` for `object_id` later (up to ORDER_EMAIL_ATTEMPTS) and raise."""
    try:
        EmailMessage(subject=subject, body=render_to_string(template, context), to=[to]).send()
    except Exception:
        if attempt < settings.ORDER_EMAIL_ATTEMPTS:
            again.using(run_after=timezone.now() + RETRY_AFTER * attempt).enqueue(object_id, attempt + 1)
        raise  # the failed attempt stays visible to staff in the task results


def _send_once(
    again: Task,
    order_id: int,
    attempt: int,
    *,
    sent_at: str,
    template: str,
    subject: Callable[[Order], str],
    to: Callable[[Order], str],
) -> None:
    """Send one of an order's emails unless its `sent_at` field says it went out; then record that it did."""
    order = _order(order_id)
    if getattr(order, sent_at) is not None:
        return
    _send(again, order_id, attempt, subject=subject(order), template=template, context=_context(order), to=to(order))
    Order.objects.filter(pk=order_id).update(**{sent_at: timezone.now()})


def _shop_notice_subject(order: Order) -> str:
    name = " ".join(order.name.split())  # one line, even for a name saved before the form checked it
    return f"New order {order.number}: {format_money(order.total)} from {name}"


@task
def send_confirmation(order_id: int, attempt: int = 1) -> None:
    """Email the customer their order confirmation, with how to pay and the link to the order."""
    _send_once(
        send_confirmation,
        order_id,
        attempt,
        sent_at="confirmation_sent_at",
        template="orders/email/confirmation.txt",
        subject=lambda order: f"Your order {order.number} at {settings.SITE_NAME}",
        to=lambda order: order.email,
    )


@task
def send_shop_notice(order_id: int, attempt: int = 1) -> None:
    """Email the shop that an order came in."""
    _send_once(
        send_shop_notice,
        order_id,
        attempt,
        sent_at="shop_notice_sent_at",
        template="orders/email/shop_notification.txt",
        subject=_shop_notice_subject,
        to=lambda order: settings.SHOP_EMAIL,
    )


@task
def send_status_email(event_id: int, attempt: int = 1) -> None:
    """Email the customer that their order was paid, shipped or cancelled."""
    event = OrderEvent.objects.get(pk=event_id)
    if event.email_sent_at is not None:
        return
    order = _order(event.order_id)
    subject = STATUS_SUBJECTS[OrderEvent.Kind(event.kind)].format(number=order.number)
    _send(
        send_status_email,
        event_id,
        attempt,
        subject=subject,
        template="orders/email/status.txt",
        context=_context(order, event=event),
        to=order.email,
    )
    OrderEvent.objects.filter(pk=event_id).update(email_sent_at=timezone.now())


@task
def send_order_link(order_id: int, attempt: int = 1) -> None:
    """Email the customer the link to their order again, as "Track an order" asked."""
    order = _order(order_id)
    subject = f"Your order {order.number} at {settings.SITE_NAME}: the link to it"
    _send(
        send_order_link,
        order_id,
        attempt,
        subject=subject,
        template="orders/email/order_link.txt",
        context=_context(order),
        to=order.email,
    )


@task
def send_order_emails(order_id: int, attempt: int = 1) -> None:
    """Queued before each email had a task of its own: queue them now (each is sent once)."""
    send_confirmation.enqueue(order_id)
    send_shop_notice.enqueue(order_id)
