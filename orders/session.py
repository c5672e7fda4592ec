"""What a visitor's session holds of checkout: its one-time token, and the orders it placed with when.

The keys live in core/session_keys.py: the page cache serves a session that holds only them and
the cart's the shared pages.
"""

import secrets
import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from core import session_keys
from orders.models import Order

TOKEN_KEY = session_keys.CHECKOUT_TOKEN
ORDERS_KEY = session_keys.ORDERS  # [[order id, Unix time it was placed], ...], the last KEPT_ORDERS
KEPT_ORDERS = 20


def token(session: SessionBase) -> str:
    """The session's checkout token, made on first use: it becomes the next order's idempotency key."""
    value = session.get(TOKEN_KEY)
    if not isinstance(value, str) or len(value) != 32:
        value = session[TOKEN_KEY] = secrets.token_urlsafe(24)
    return value


def placed_orders(session: SessionBase) -> dict[int, int]:
    """The orders this session placed: each order's id, with the Unix time it was placed."""
    stored = session.get(ORDERS_KEY)
    placed = {}
    for item in stored if isinstance(stored, list) else []:
        if isinstance(item, list) and len(item) == 2 and all(type(n) is int for n in item):
            placed[item[0]] = item[1]
        elif type(item) is int:  # remembered before the time was: its personal data is not shown again
            placed[item] = 0
    return placed


def remember(session: SessionBase, order: Order) -> None:
    """This session placed `order`: it may see it, under a new session key, and its next checkout gets a new token."""
    placed = placed_orders(session)
    if order.pk not in placed:
        placed[order.pk] = int(time.time())
        session[ORDERS_KEY] = [[pk, placed_at] for pk, placed_at in placed.items()][-KEPT_ORDERS:]
        # Whoever else holds the old cookie (a shared computer, a cookie that leaked) must not see the
        # order. The data, the cart's key among it, moves to the new key.
        session.cycle_key()
    session.pop(TOKEN_KEY, None)


def shows_personal_data(session: SessionBase, order: Order) -> bool:
    """Return True while the order's confirmation may show its name, address and email to this session."""
    placed_at = placed_orders(session).get(order.pk)
    return placed_at is not None and time.time() - placed_at < settings.ORDER_DETAILS_SECONDS
