"""Version tokens in the cache: a random value that marks what is current (the shared pages'
generation, a cart's lines). A new token is never an old one come back, so nothing kept under an
earlier token is ever taken for current. The page cache and the cart both use these."""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction


def current(key: str, timeout: int | None = None) -> str | None:
    """The token stored under `key`, made when there is none (every process agrees on the one made
    first); None when the cache cannot be reached."""
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=timeout)
        value = cache.get(key)
    return value


def renew(key: str, timeout: int | None = None) -> str:
    """Store a new token under `key` and return it."""
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=timeout)
    return value


def now_and_on_commit(move: Callable[[], object]) -> None:
    """Call `move` (a token's renewal) now, and again when the current transaction commits: what
    another process renders from the data as it was before the commit is kept under the token in
    between, never under the one that follows the commit."""
    move()
    if connection.in_atomic_block:
        transaction.on_commit(move)
