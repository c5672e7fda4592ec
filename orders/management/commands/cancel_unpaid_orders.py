from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from orders.models import Order


class Command(BaseCommand):
    help = (
        "Cancel orders still new (never marked paid) that were placed more than DAYS days ago, putting their "
        "stock back. Safe to run again; meant for a daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="days")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--older-than must be a whole number of days, 1 or more.")
        placed_before = timezone.now() - timedelta(days=days)
        cancelled = 0
        unpaid = Order.objects.filter(status=Order.Status.NEW, created_at__lt=placed_before)
        for pk in unpaid.values_list("pk", flat=True):
            with transaction.atomic():
                # Checked again under the row's lock: staff may have marked it paid since the list was read.
                order = Order.objects.select_for_update().filter(pk=pk, status=Order.Status.NEW).first()
                if order is not None:
                    order.cancel()
                    cancelled += 1
        orders, day_s = ("order" if cancelled == 1 else "orders"), ("day" if days == 1 else "days")
        self.stdout.write(f"Cancelled {cancelled} unpaid {orders} placed more than {days} {day_s} ago.")
