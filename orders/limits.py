"""How many orders one visitor may place in a while: counted per session, per client address and per email;
and how often one may ask "Track an order" to email an order's link: per client address, per email and
client address together, and per email.

Each limit is a fixed window (ORDER_LIMIT_WINDOW_SECONDS) counted by core/ratelimits.py. A place
is taken before the order is placed and given back when it is not, so only placed orders count. When the
cache cannot be reached, checkout goes on without limits: turning every customer away while Redis is down
would cost more than a burst of unpaid orders, which expire (manage.py cancel_unpaid_orders).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest

from core import ratelimits
from core.ratelimits import client_network, mailbox


class LimitReached(ratelimits.RateLimited):
    """This session, client address or email has placed as many orders as a window allows."""

    reason = (
        "We take only a few orders at a time from one browser, network or email address, and that many "
        "were placed recently."
    )
    kept = " (your cart and the details below are kept)"

    def __init__(self, retry_after: int) -> None:
        wait = ratelimits.minutes(retry_after)
        super().__init__(
            retry_after, f"{self.reason} Please try again in {wait}{self.kept}, or email us at {settings.SHOP_EMAIL}."
        )


class TrackingLimitReached(LimitReached):
    """This client address, email from this address, or email has asked for its order links as often as a
    window allows."""

    reason = "We send only a few order links at a time to one network or email address, and that many were asked for."
    kept = ""


@contextmanager
def order_slot(request: HttpRequest, *, cart_key: str, email: str) -> Iterator[None]:
    """Take a place for one order under each limit, or raise LimitReached; give them back if the block raises."""
    limits = {
        # The cart's key, not the session key: it stays when placing an order gives the session a new key.
        "session": (cart_key, settings.ORDER_LIMIT_PER_SESSION),
        "address": (client_network(request), settings.ORDER_LIMIT_PER_ADDRESS),
        "email": (mailbox(email), settings.ORDER_LIMIT_PER_EMAIL),
    }
    taken = _take("checkout", limits, LimitReached)
    try:
        yield
    except BaseException:
        ratelimits.give_back(taken)
        raise


def count_tracking_request(request: HttpRequest, *, email: str) -> None:
    """Count one "Track an order" request, matching or not, or raise TrackingLimitReached.

    One email's tries are counted per client network (low) as well as in all (higher): a stranger who
    knows the email is stopped by the pair's limit long before the email's own ceiling, and the tries
    refused do not count, so the customer can still ask from their own address."""
    network, box = client_network(request), mailbox(email)
    limits = {
        "address": (network, settings.TRACK_LIMIT_PER_ADDRESS),
        "email-address": (f"{box} {network}", settings.TRACK_LIMIT_PER_EMAIL_AND_ADDRESS),
        "email": (box, settings.TRACK_LIMIT_PER_EMAIL),
    }
    _take("tracking", limits, TrackingLimitReached)


def _take(what: str, limits: dict[str, tuple[str, int]], refusal: type[LimitReached]) -> list[str]:
    return ratelimits.take(what, limits, window=settings.ORDER_LIMIT_WINDOW_SECONDS, refusal=refusal)
