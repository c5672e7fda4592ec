"""Rate limits: how often one client, session or mailbox may do something costly in a while.

Each limit is a fixed window: a counter in the cache named for the window, made by add() and raised by
incr(), both atomic (in Redis, and under a lock in the local memory cache), so parallel requests cannot
slip past a limit together. take() raises the counters of all of an action's limits at once; over any
of them it gives them all back, so a refused try costs nothing under the other limits (a stranger
refused for one pair of keys does not use up the ceiling those keys share with the customer). When
the cache cannot be reached, nothing is limited: turning every visitor away while Redis is down would
cost more than a burst of requests. Checkout and tracking (orders/limits.py), coupon tries
(cart/limits.py) and rendered searches (fatigue_site/search.py) all count here.
"""

import hashlib
import logging
import math
import time
from contextlib import suppress
from ipaddress import ip_network

from django.core.cache import cache
from django.http import HttpRequest

from core.cache import counted
from core.clients import client_ip

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """A limit is reached; its window ends in `retry_after` seconds."""

    def __init__(self, retry_after: int, message: str = "") -> None:
        super().__init__(message or f"Too many requests: please try again in {retry_after} seconds.")
        self.retry_after = retry_after


def minutes(seconds: int) -> str:
    """`seconds` as the whole minutes a visitor is asked to wait: "1 minute", "12 minutes"."""
    count = math.ceil(seconds / 60)
    return f"{count} minute{'' if count == 1 else 's'}"


def client_network(request: HttpRequest) -> str:
    """The client's address; for IPv6 its /64, which one home or host usually holds whole."""
    address = client_ip(request) or "unknown"
    return str(ip_network(f"{address}/64", strict=False)) if ":" in address else address


def mailbox(email: str) -> str:
    """The mailbox an address reaches, as far as a limit should believe it: case folded, a +tag dropped
    (name+anything@ reaches name@) and dots in the name dropped (a.lice@ reaches alice@, as at Gmail).

    Dots are dropped at every domain, not only Gmail's: many providers and custom domains in front of
    Gmail ignore them too, and a limit had better count two people as one (who then share a limit) than
    one person as many (who then escapes it)."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+')[0].replace('.', '')}@{domain}"


def take(
    what: str, limits: dict[str, tuple[str, int]], *, window: int, refusal: type[RateLimited] = RateLimited
) -> list[str]:
    """Count one `what` under each named (value, limit) in this window of `window` seconds and return the
    counters' keys; over any limit, give them all back and raise `refusal`. A limit of 0 is no limit."""
    now = int(time.time())
    taken: list[str] = []
    for name, (value, limit) in limits.items():
        if not limit:
            continue
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # any value makes a short, safe key
        key = f"{what}-limit:{name}:{digest}:{window}:{now // window}"
        count = counted(key, window)
        if count == 0:  # the cache is away: core/cache.py answers a failed incr() with 0
            logger.warning("%s limits not applied: the cache is unavailable", what.capitalize())
            break
        taken.append(key)
        if count > limit:
            give_back(taken)
            raise refusal(retry_after=window - now % window)
    return taken


def give_back(keys: list[str]) -> None:
    """Uncount what take() counted (an action that did not happen after all)."""
    for key in keys:
        with suppress(ValueError):  # expired since: freed with its window
            cache.decr(key)
