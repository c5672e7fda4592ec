"""The shared page cache: pages that are the same for every visitor without a session.

A visitor who sends no session cookie (no cart, no message waiting, not logged in) gets the
guides and the shop's pages from the cache: no SQL query, no template. A visitor whose session
holds only a cart gets the same stored page with their own mini cart put between its two markers
(cart/mini_cart.py); everyone else gets the page rendered for them. A stored page holds nothing of
one visitor: it is stored only when the response sets no cookie (so no session, no CSRF token) and
is not marked private, and the cart's forms carry no token (fatigue_site/crossorigin.py protects
them instead).

Any change to what these pages show (a guide, FAQ, category, author, product, price, stock) moves
the cache's generation (now, and again when its transaction commits), and every page is rendered
afresh on its next visit; so does a new release (see release()). Entries also expire after
PAGE_CACHE_SECONDS, which bounds how late a scheduled guide appears in the lists.
"""

import functools
import gzip
import pickle
import re
import struct
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from fatigue_site.cache import after_lost_writes

GENERATION_KEY = "pages:generation"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
PAGE_QUERY = re.compile(r"page=[1-9][0-9]{0,3}")
LOCAL_PAGES = 200  # pages each process keeps a copy of, the most recently served
MINI_CART_START, MINI_CART_END = b"<!--mini-cart-->", b"<!--/mini-cart-->"  # in templates/includes/header.html


def token(key: str, timeout: int | None = None) -> str | None:
    """The random token stored under `key`, made when there is none (every process agrees on the one
    made first); None when the cache cannot be reached. Tokens mark versions: a new one is never an
    old one come back, so nothing stored under an earlier token is ever taken for current."""
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=timeout)
        value = cache.get(key)
    return value


def renew(key: str, timeout: int | None = None) -> str:
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=timeout)
    return value


def now_and_on_commit(move) -> None:
    """Call `move` (a version's renewal) now, and again when the current transaction commits: what
    another process renders from the data as it was before the commit is kept under the version in
    between, never under the one that follows the commit."""
    move()
    if connection.in_atomic_block:
        transaction.on_commit(move)


def generation() -> str | None:
    """The current generation of shared pages; None when the cache cannot be reached."""
    return token(GENERATION_KEY)


def _new_generation() -> None:
    local.moved_to(renew(GENERATION_KEY))


class LocalCopies:
    """This process's copies of the generation and of the pages it served last, so that most hits
    cost no round trip to Redis. The generation is asked of the cache at most every
    PAGE_GENERATION_CHECK_SECONDS: a change made in another process is seen here within that
    interval (50 ms), one made in this process at once. Responses are kept pickled, so every
    visitor gets a response object of their own; split pages (SplitPage) are kept as they are."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.generation: str | None = None
        self.checked = float("-inf")
        self.pages: OrderedDict[str, tuple[str, float, object]] = OrderedDict()

    def current_generation(self) -> str | None:
        if self.generation is None or time.monotonic() - self.checked >= settings.PAGE_GENERATION_CHECK_SECONDS:
            self.moved_to(generation())
        return self.generation

    def moved_to(self, value: str | None) -> None:
        self.generation, self.checked = value, time.monotonic()

    def get(self, key: str, current: str):
        """(expires, value) kept under `key` for the current generation, or None."""
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry[0] != current or entry[1] < time.time():
                return None
            self.pages.move_to_end(key)
        return entry[1:]

    def put(self, key: str, current: str, expires: float, value) -> None:
        with self.lock:
            self.pages[key] = (current, expires, value)
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)


local = LocalCopies()
after_lost_writes.append(_new_generation)  # a lost write may have been an invalidation: replace everything


def content_changed(**kwargs) -> None:
    """Start a new generation, now and when the transaction commits. (A signal receiver.)"""
    now_and_on_commit(_new_generation)


def watch(*models) -> None:
    """Start a new generation whenever a row of one of these models is saved or deleted.

    Signals rather than calls in each write path: the admin, the import and seed commands and
    anything added later all write these rows, and a missed path would serve stale prices. Bulk
    writes send no signal; they call content_changed() themselves (orders/placing.py, Order.cancel)."""
    for model in models:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-save-{model._meta.label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-delete-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(content_changed, sender=field.remote_field.through, dispatch_uid=f"pages-m2m-{field}")


def page_key(path: str, encoding: str) -> str:
    """Where the shared page at `path` (a canonical path, see _shared_path) is stored."""
    return f"page:v3:{release()}:{encoding}:{path}"


def canonical_host() -> str:
    """The one host name shared pages are served for: SITE_HOST, else the first plain ALLOWED_HOSTS entry."""
    return settings.SITE_HOST or next(
        (host for host in settings.ALLOWED_HOSTS if host not in {"*", ""} and not host.startswith(".")), ""
    )


def release() -> str:
    """What this deployment serves: RELEASE if the deployment sets it (a build id), else the hash of
    the static files' manifest, and the settings that pages show. A deploy or a restart that changes
    any of them starts with fresh pages."""
    shown = f"{settings.SITE_NAME}|{settings.CURRENCY}|{settings.CART_MAX_QUANTITY}|{settings.FREE_SHIPPING_FROM}"
    build = settings.RELEASE or getattr(staticfiles_storage, "manifest_hash", "")
    return f"{build}-{zlib.crc32(shown.encode()):08x}"


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With several processes, a change must reach them all: the page cache needs a shared cache."""
    if settings.PAGE_CACHE_SECONDS and "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        hint = "Set REDIS_URL, or PAGE_CACHE_SECONDS=0 to turn the page cache off."
        message = "The page cache is local to each process: a change made in one is not seen by the others."
        return [checks.Warning(message, hint=hint, id="pages.W001")]
    return []


def shared_page(view):
    """Mark a view whose page is the same for every visitor without a session."""
    view.shared_page = True
    return view


def _is_page_visit(request) -> bool:
    """A plain GET of a whole page with no message waiting for the visitor (a cookie that was deleted
    may still come back empty)."""
    return (
        request.method == "GET"
        and "HX-Request" not in request.headers
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


@functools.lru_cache(maxsize=1024)
def _shared_view_at(path: str, urlconf: str):
    """The shared view at `path`, or None; remembered, as a path's view only changes with the code."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", match.func)
    return view if getattr(view, "shared_page", False) else None


def _shared_path(request) -> str | None:
    """The path under which this request's page is shared, or None when it is not a shared page.

    Only one spelling of each page is shared: the canonical host (any port), the path, and for a list
    nothing or exactly `?page=N`. Anything else (`?&`, `?page=1&`, `?page=%31`, `?page=01`, another
    host name) is rendered and not stored, so junk URLs cannot fill the cache."""
    view = _shared_view_at(request.path_info, settings.ROOT_URLCONF)
    if view is None or split_domain_port(request.get_host())[0] != canonical_host():
        return None
    query = request.META.get("QUERY_STRING", "")
    if query == "" or (getattr(view, "paginate_by", None) and PAGE_QUERY.fullmatch(query)):
        return request.get_full_path()
    return None


def _stored(key: str, current: str):
    """(expires, response) stored under `key` for the current generation, or None."""
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == current:
        return stored[1:]
    return None  # none, older, or in a shape an earlier release stored


def _cached(key: str, current: str):
    """(expires, a copy of the page) stored under `key` for the current generation (this process's
    copy, else Redis's), or None."""
    if kept := local.get(key, current):
        return kept[0], pickle.loads(kept[1])
    if stored := _stored(key, current):
        local.put(key, current, stored[0], pickle.dumps(stored[1]))
    return stored


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS (RFC 1952)


def _deflate(data: bytes, *, last: bool, level: int = 6) -> bytes:
    """`data` as raw deflate blocks from a compressor of its own (so they refer to nothing before
    them), ending on a byte boundary, the last block marked final only if `last`: pieces compressed
    apart this way join into one stream (as pigz does)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


@dataclass(frozen=True)
class SplitPage:
    """A shared page cut around its mini cart, each side compressed once: a visitor's page is then
    the two sides with their mini cart between them, and only the mini cart is compressed for them."""

    headers: tuple[tuple[str, str], ...]
    head: bytes  # up to and with the opening marker
    tail: bytes  # from the closing marker on
    head_deflated: bytes
    tail_deflated: bytes
    head_crc: int

    @classmethod
    def of(cls, page) -> "SplitPage | None":
        body = gzip.decompress(page.content) if page.get("Content-Encoding") == "gzip" else page.content
        if body.count(MINI_CART_START) != 1 or body.count(MINI_CART_END) != 1:
            return None
        before, start, rest = body.partition(MINI_CART_START)
        _, end, after = rest.partition(MINI_CART_END)
        dropped = {"Content-Length", "Content-Encoding", "X-Page-Cache"}
        headers = tuple((name, value) for name, value in page.items() if name not in dropped)
        head, tail = before + start, end + after
        return cls(headers, head, tail, _deflate(head, last=False), _deflate(tail, last=True), zlib.crc32(head))

    def body(self, middle: bytes, *, gzipped: bool) -> bytes:
        if not gzipped:
            return self.head + middle + self.tail
        checksum = zlib.crc32(self.tail, zlib.crc32(middle, self.head_crc))
        size = len(self.head) + len(middle) + len(self.tail)
        deflated = self.head_deflated + _deflate(middle, last=False, level=1) + self.tail_deflated
        return GZIP_HEADER + deflated + struct.pack("<II", checksum, size & 0xFFFFFFFF)


def _split_page(path: str, current: str) -> SplitPage | None:
    """The shared page at `path` cut around its mini cart: this process's copy, else made from the
    stored page (either encoding) and kept as long as that page."""
    key = page_key(path, "split")
    if kept := local.get(key, current):
        return kept[1]
    stored = _cached(page_key(path, "gzip"), current) or _cached(page_key(path, "identity"), current)
    if stored is None or (split := SplitPage.of(stored[1])) is None:
        return None
    local.put(key, current, stored[0], split)
    return split


def _with_mini_cart(request, path: str, current: str, encoding: str):
    """The shared page with the visitor's own mini cart in place of the empty one, or None when the
    page must be rendered for them (not cached yet, or a session that holds more than a cart)."""
    from cart import mini_cart  # (an app's module: imported once the apps are loaded)

    if (split := _split_page(path, current)) is None:
        return None
    session = mini_cart.session_of(request)
    fragment = mini_cart.for_session(session, path, current)
    if fragment is None:
        request.session = session  # read once: SessionMiddleware takes it (fatigue_site/middleware.py)
        return None
    response = HttpResponse(split.body(fragment, gzipped=encoding == "gzip"))
    for name, value in split.headers:
        response[name] = value
    patch_cache_control(response, private=True)
    if encoding == "gzip":
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    response["X-Page-Cache"] = "hit, own mini cart"
    return response


def _is_storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Serve shared pages from the cache, compressed or not as the visitor asked.

    A hit (this process's copy, else Redis) is answered before the middleware below runs (session,
    CSRF, messages: nothing of theirs applies to a visitor without cookies). A miss goes down the
    whole stack, and on its way back this middleware sees every cookie they set before it stores
    anything. It sits above gzip, so a page is compressed once, not on every visit; the headers of
    the middleware below it (CSP, X-Frame-Options) are stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        store_as = None
        path = settings.PAGE_CACHE_SECONDS > 0 and _is_page_visit(request) and _shared_path(request)
        if path and (current := local.current_generation()):
            encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                if (response := _with_mini_cart(request, path, current, encoding)) is not None:
                    return response
            else:
                key = page_key(path, encoding)
                if stored := _cached(key, current):
                    response = stored[1]
                    response["X-Page-Cache"] = "hit"
                    return response
                store_as = (key, current)

        response = self.get_response(request)
        if store_as and _is_storable(response):
            key, current = store_as
            response["X-Page-Cache"] = "miss"
            expires = time.time() + settings.PAGE_CACHE_SECONDS
            cache.set(key, (current, expires, response), settings.PAGE_CACHE_SECONDS)
            local.put(key, current, expires, pickle.dumps(response))
        return response
