"""How many orders one visitor may place in a while: counted per session, per client address and per email;
and how often one may ask "Track an order" to email an order's link: per client address and per email.

Each limit is a fixed window (ORDER_LIMIT_WINDOW_SECONDS): a counter in the cache named for the
window, made by add() and raised by incr(), both atomic (in Redis, and under a lock in the local
memory cache), so parallel checkouts cannot slip past a limit together. A place is taken before the
order is placed and given back when it is not, so only placed orders count. When the cache cannot
be reached, checkout goes on without limits: turning every customer away while Redis is down would
cost more than a burst of unpaid orders, which expire (manage.py cancel_unpaid_orders).
"""

import hashlib
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from ipaddress import ip_network

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.cache import counted
from core.clients import client_ip

logger = logging.getLogger(__name__)


class LimitReached(Exception):
    """This session, client address or email has placed as many orders as a window allows."""

    reason = (
        "We take only a few orders at a time from one browser, network or email address, and that many "
        "were placed recently."
    )
    kept = " (your cart and the details below are kept)"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = math.ceil(retry_after / 60)
        super().__init__(
            f"{self.reason} Please try again in {minutes} minute{'' if minutes == 1 else 's'}{self.kept}, "
            f"or email us at {settings.SHOP_EMAIL}."
        )


class TrackingLimitReached(LimitReached):
    """This client address or email has asked for its order links as often as a window allows."""

    reason = "We send only a few order links at a time to one network or email address, and that many were asked for."
    kept = ""


def client_network(request: HttpRequest) -> str:
    """The client's address; for IPv6 its /64, which one home or host usually holds whole."""
    address = client_ip(request) or "unknown"
    return str(ip_network(f"{address}/64", strict=False)) if ":" in address else address


def mailbox(email: str) -> str:
    """The mailbox an address reaches: case folded, a +tag dropped (name+anything@ reaches name@)."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+')[0]}@{domain}"


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
        _give_back(taken)
        raise


def count_tracking_request(request: HttpRequest, *, email: str) -> None:
    """Count one "Track an order" request, matching or not, or raise TrackingLimitReached."""
    limits = {
        "address": (client_network(request), settings.TRACK_LIMIT_PER_ADDRESS),
        "email": (mailbox(email), settings.TRACK_LIMIT_PER_EMAIL),
    }
    _take("tracking", limits, TrackingLimitReached)


def _take(what: str, limits: dict[str, tuple[str, int]], refusal: type[LimitReached]) -> list[str]:
    """Raise the counter of each (value, limit) in this window and return their keys; over a limit, give
    them back and raise `refusal`."""
    window = settings.ORDER_LIMIT_WINDOW_SECONDS
    now = int(time.time())
    taken: list[str] = []
    for name, (value, limit) in limits.items():
        if not limit:
            continue  # 0: no limit
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        key = f"{what}-limit:{name}:{digest}:{window}:{now // window}"
        count = counted(key, window)
        if count == 0:  # the cache is away: core/cache.py answers a failed incr() with 0
            logger.warning("%s limits not applied: the cache is unavailable", what.capitalize())
            break
        taken.append(key)
        if count > limit:
            _give_back(taken)
            raise refusal(retry_after=window - now % window)
    return taken


def _give_back(keys: list[str]) -> None:
    for key in keys:
        with suppress(ValueError):  # expired since: freed with its window
            cache.decr(key)
