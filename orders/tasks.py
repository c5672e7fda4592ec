"""Order emails, sent by the task worker so that a slow or failing mail server never holds up a page."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from cart.money import format_money
from orders.models import Order

RETRY_AFTER = timedelta(minutes=5)


@task
def send_order_emails(order_id: int, attempt: int = 1) -> None:
    """Email the customer their confirmation and the shop its notification; retry a failed send later."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    if order.emails_sent_at is not None:
        return
    context = {"order": order, "lines": list(order.lines.all()), "site_name": settings.SITE_NAME}
    context["payment_instructions"] = settings.PAYMENT_INSTRUCTIONS
    try:
        if order.confirmation_sent_at is None:
            EmailMessage(
                subject=f"Your order {order.number} at {settings.SITE_NAME}",
                body=render_to_string("orders/email/confirmation.txt", context),
                to=[order.email],
            ).send()
            # Recorded at once, so that a retry for the shop's notice does not send the customer another.
            Order.objects.filter(pk=order_id).update(confirmation_sent_at=timezone.now())
        name = " ".join(order.name.split())  # one line, even for a name saved before the form checked it
        EmailMessage(
            subject=f"New order {order.number}: {format_money(order.total)} from {name}",
            body=render_to_string("orders/email/shop_notification.txt", context),
            to=[settings.SHOP_EMAIL],
        ).send()
    except Exception:
        if attempt < settings.ORDER_EMAIL_ATTEMPTS:
            send_order_emails.using(run_after=timezone.now() + RETRY_AFTER * attempt).enqueue(order_id, attempt + 1)
        raise  # the failed attempt stays visible to staff in the task results
    Order.objects.filter(pk=order_id).update(emails_sent_at=timezone.now())
