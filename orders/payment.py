"""Where a payment provider plugs in.

Today the shop takes payment on delivery or by bank transfer, so after an order is placed the
visitor goes straight to the confirmation page, which shows the configured instructions. A
provider would start its payment here (create a session with the order's number and total,
return its URL) and confirm it in a webhook view that marks the order paid.
"""

from django.conf import settings
from django.urls import reverse

from orders.models import Order


def next_step_url(order: Order) -> str:
    return reverse("orders:confirmation", kwargs={"number": order.number})


def instructions() -> str:
    return settings.PAYMENT_INSTRUCTIONS
