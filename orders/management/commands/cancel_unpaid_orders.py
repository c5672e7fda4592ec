from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders import status
from orders.models import Order


class Command(BaseCommand):
    help = (
        "Cancel orders still awaiting payment (bank transfers never marked paid) that were placed more than DAYS "
        "days ago, putting their stock back and emailing the customer. Cash-on-delivery orders are paid when "
        "they arrive, so they are left alone. Safe to run again; meant for a daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="days")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--older-than must be a whole number of days, 1 or more.")
        placed_before = timezone.now() - timedelta(days=days)
        unpaid = Order.objects.filter(status=Order.Status.AWAITING_PAYMENT, created_at__lt=placed_before)
        # Checked again under the row's lock: staff may have marked it paid since the list was read.
        cancelled = sum(
            status.cancel(order, only_from=Order.Status.AWAITING_PAYMENT) for order in unpaid.order_by("pk")
        )
        orders, day_s = ("order" if cancelled == 1 else "orders"), ("day" if days == 1 else "days")
        self.stdout.write(f"Cancelled {cancelled} unpaid {orders} placed more than {days} {day_s} ago.")
