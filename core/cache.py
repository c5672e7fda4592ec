"""Redis as a cache that may fail: an unreachable Redis is a miss and a log line, never an error page.

After a failure the cache is skipped for BREAK_SECONDS, so a Redis that hangs costs one timeout,
not one per cache call of every request, and the log gets one line, not dozens.

A write lost that way may have been an invalidation (a new page generation, a cart's new version),
so the first cache call after Redis answers again runs the `after_lost_writes` hooks first (the page
cache registers one that starts a new generation, core/pages/invalidation.py): whatever such a write
would have replaced is replaced then, for every process. A process that exits before Redis is back
leaves that to the entries' expiry (PAGE_CACHE_SECONDS).
"""

import functools
import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
BREAK_SECONDS = 2.0
writes_lost = threading.Event()  # this process wrote to Redis in vain since it last answered
after_lost_writes: list[Callable[[], None]] = []  # run once Redis answers again after a lost write


def _degrades_to(fallback, *, writes: bool = False):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() >= self.unavailable_until and writes_lost.is_set():
                writes_lost.clear()
                for hook in after_lost_writes:
                    hook()  # it writes through this cache: if Redis is still away, the flag is set again
            if time.monotonic() >= self.unavailable_until:
                try:
                    return method(self, *args, **kwargs)
                except RedisError as error:
                    self.unavailable_until = time.monotonic() + BREAK_SECONDS
                    logger.warning("Cache unavailable, carrying on without it: %s: %s", type(error).__name__, error)
            if writes:
                writes_lost.set()
            return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorator


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, and redis-py 8 spends about
    0.2 ms on each (its table of response callbacks). A client only borrows connections from its
    pool and is safe to share, so keep one per pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}  # id of a connection pool: its client

    def get_client(self, key=None, *, write=False):
        # Django's own private methods, which django-stubs does not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        if id(pool) not in self._clients:
            self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return self._clients[id(pool)]


class ResilientRedisCache(RedisCache):
    unavailable_until = 0.0  # time.monotonic() before which the cache is not asked

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def ping(self) -> None:
        """Ask Redis itself, past the circuit breaker; raises RedisError when it does not answer (/healthz)."""
        self._cache.get_client(write=True).ping()

    get = _degrades_to(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _degrades_to({})(RedisCache.get_many)
    has_key = _degrades_to(False)(RedisCache.has_key)
    set = _degrades_to(None, writes=True)(RedisCache.set)
    add = _degrades_to(False, writes=True)(RedisCache.add)
    touch = _degrades_to(False)(RedisCache.touch)
    set_many = _degrades_to([], writes=True)(RedisCache.set_many)
    delete = _degrades_to(False, writes=True)(RedisCache.delete)
    delete_many = _degrades_to(None, writes=True)(RedisCache.delete_many)
    clear = _degrades_to(None, writes=True)(RedisCache.clear)
    # A counter that cannot be counted reads 0 (core/ratelimits.py then applies no limit).
    incr = _degrades_to(0)(RedisCache.incr)
    decr = _degrades_to(0)(RedisCache.decr)


def counted(key: str, timeout: int) -> int:
    """Raise the counter `key` (kept `timeout` seconds from its first count) by one and return it; 0 when
    the cache cannot be reached. add() then incr(), both atomic, so parallel requests count apart."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired since add() found it: the first of a new window
        cache.add(key, 1, timeout)
        return 1
