"""How much stock one client holds in orders nobody has paid for yet, and how much it may.

Placing an order takes its units off sale at once; a bank transfer then holds them until it is paid or its
pay-by date passes (manage.py cancel_unpaid_orders), cash on delivery until it ships. So that one client
cannot sell the shop out with orders it never pays, the units held by its unpaid orders are capped, per
product (UNPAID_UNITS_PER_PRODUCT) and in all (UNPAID_UNITS_TOTAL). A client is the browser's cart, the
folded email (ratelimits.mailbox) and the client's network (ratelimits.client_network), counted together: orders
that share any of the three count as one client's.

The order stores keyed digests of the three (HMAC with SECRET_KEY), not the values: the digest of an IPv4
address could not be reversed by trying all 2**32 addresses without the key. They are emptied once the
order stops holding stock (orders/status.py).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.utils.crypto import salted_hmac

from catalogue.models import Product
from core.ratelimits import mailbox
from orders.models import Order, OrderLine


def digest(value: str) -> str:
    return salted_hmac("orders.holds", value, algorithm="sha256").hexdigest()[:32]


@dataclass(frozen=True)
class Holder:
    """Who would hold an order's stock until it is paid: the digests stored on the order as held_by_*."""

    session: str
    email: str
    network: str

    @classmethod
    def of(cls, *, cart_key: str, email: str, network: str) -> "Holder":
        return cls(session=digest(cart_key), email=digest(mailbox(email)), network=digest(network))

    def fields(self) -> dict[str, str]:
        return {"held_by_session": self.session, "held_by_email": self.email, "held_by_network": self.network}

    def queue(self) -> None:
        """Wait for any other checkout of this client to end (inside the order's transaction, on PostgreSQL).
        Without it two orders of one client for different products lock different rows, and each counts
        what is held before the other is written. SQLite runs one writing transaction at a time anyway."""
        if connection.vendor == "postgresql":
            keys = sorted({self.session, self.email, self.network})  # one order of locking: no deadlock
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest(%s::text[]) AS key", [keys]
                )

    def units_held(self) -> dict[int | None, int]:
        """The units of each product this holder's unpaid orders hold (None: a product deleted since); one query."""
        mine = Q(order__held_by_session=self.session) | Q(order__held_by_email=self.email)
        mine |= Q(order__held_by_network=self.network)
        held = (
            OrderLine.objects.filter(mine, order__status__in=Order.HOLDING_STATUSES)
            .values("product_id")
            .annotate(units=Sum("quantity"))
            .order_by()
        )
        return {row["product_id"]: row["units"] for row in held}


def refusals(holder: Holder, lines: list[tuple[Product, int]]) -> list[str]:
    """Why `holder` may not hold `lines` as well as what its unpaid orders hold already, in words; [] if it may."""
    per_product, in_all = settings.UNPAID_UNITS_PER_PRODUCT, settings.UNPAID_UNITS_TOTAL
    if not (per_product or in_all):
        return []
    holder.queue()
    held = holder.units_held()
    problems = []
    if per_product:
        for product, quantity in lines:
            already = held.get(product.pk, 0)
            if already + quantity > per_product:
                problems.append(
                    f"{product.name}: you asked for {quantity}, and {_already(already)}we keep at most {per_product} "
                    f"of one product for one customer until it is paid."
                )
    ordered, already = sum(quantity for _, quantity in lines), sum(held.values())
    if in_all and already + ordered > in_all:
        items = "1 item" if ordered == 1 else f"{ordered} items"
        problems.append(
            f"This order has {items}, and {_already(already)}we keep at most {in_all} items for one customer until "
            f"they are paid."
        )
    if problems:
        problems.append(
            f"Once an earlier order is paid, or delivered if you pay on delivery, you can order more; or email us "
            f"at {settings.SHOP_EMAIL}."
        )
    return problems


def _already(units: int) -> str:
    return f"your unpaid orders hold {units} already: " if units else ""
