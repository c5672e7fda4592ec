from django.core.management.base import BaseCommand
from django.utils import timezone

from orders import status
from orders.models import Order


class Command(BaseCommand):
    help = (
        "Cancel orders still awaiting payment (bank transfers never marked paid) whose pay-by date has passed "
        "(UNPAID_ORDER_HOLD_DAYS after the order's day, fixed when it was placed), putting their stock back and "
        "emailing the customer. Cash-on-delivery orders are paid when they arrive, so they are left alone. Safe "
        "to run again; meant for a daily cron job."
    )

    def add_arguments(self, parser):
        # Cron lines written before orders carried their own pay-by date pass this; it must not break them.
        parser.add_argument("--older-than", type=int, metavar="DAYS", help="No longer used: each order's date decides.")

    def handle(self, *args, **options):
        if options["older_than"] is not None:
            self.stderr.write("--older-than is no longer used: each order is cancelled after its own pay-by date.")
        unpaid = Order.objects.filter(status=Order.Status.AWAITING_PAYMENT, pay_by__lt=timezone.now())
        # Checked again under the row's lock: staff may have marked it paid since the list was read.
        cancelled = sum(
            status.cancel(order, only_from=Order.Status.AWAITING_PAYMENT) for order in unpaid.order_by("pk")
        )
        orders = "order" if cancelled == 1 else "orders"
        self.stdout.write(f"Cancelled {cancelled} unpaid {orders} past the date to pay by.")
