"""Where shared pages are kept: Redis (shared by every process, under the current generation) and a
copy in each process of the pages it served last, so that most hits cost no round trip."""

import gzip
import pickle
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache

from core import versions
from core.pages import gzipjoin

GENERATION_KEY = "pages:generation"
LOCAL_PAGES = 200  # pages each process keeps a copy of, the most recently served
MINI_CART_START, MINI_CART_END = b"<!--mini-cart-->", b"<!--/mini-cart-->"  # in templates/includes/header.html


def generation() -> str | None:
    """The current generation of shared pages; None when the cache cannot be reached."""
    return versions.current(GENERATION_KEY)


def new_generation() -> None:
    local.moved_to(versions.renew(GENERATION_KEY))


class LocalCopies:
    """This process's copies of the generation and of the pages it served last. The generation is
    asked of the cache at most every PAGE_GENERATION_CHECK_SECONDS: a change made in another process
    is seen here within that interval (50 ms), one made in this process at once. Responses are kept
    pickled, so every visitor gets a response object of their own; split pages are kept as they are."""

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


def stamp(generation: str) -> str:
    """What a fragment kept for shared pages is stored under: this release and a generation of content."""
    return f"{release()}:{generation}"


def fragment_stamp() -> str | None:
    """The stamp for a fragment rendered now (a guide's body, the footer's links), or None when fragments
    are not kept (PAGE_CACHE_SECONDS=0, or the cache is away). Read it before the data the fragment shows:
    a fragment built from data older than a change is then kept under the stamp before it, never the new one."""
    current = local.current_generation() if settings.PAGE_CACHE_SECONDS > 0 else None
    return stamp(current) if current else None


def release() -> str:
    """What this deployment serves: RELEASE if the deployment sets it (a build id), else the hash of
    the static files' manifest, and the settings that pages show. A deploy or a restart that changes
    any of them starts with fresh pages."""
    shown = f"{settings.SITE_NAME}|{settings.CURRENCY}|{settings.CART_MAX_QUANTITY}|{settings.FREE_SHIPPING_FROM}"
    build = settings.RELEASE or getattr(staticfiles_storage, "manifest_hash", "")
    return f"{build}-{zlib.crc32(shown.encode()):08x}"


def page_key(path: str, encoding: str) -> str:
    """Where the shared page at `path` (its one spelling, see middleware.shared_path) is stored."""
    return f"page:v3:{release()}:{encoding}:{path}"


def _stored(key: str, current: str):
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == current:
        return stored[1:]
    return None  # none, older, or in a shape an earlier release stored


def cached(key: str, current: str):
    """(expires, a copy of the page) stored under `key` for the current generation (this process's
    copy, else Redis's), or None."""
    if kept := local.get(key, current):
        return kept[0], pickle.loads(kept[1])
    if stored := _stored(key, current):
        local.put(key, current, stored[0], pickle.dumps(stored[1]))
    return stored


def store(key: str, current: str, response) -> None:
    expires = time.time() + settings.PAGE_CACHE_SECONDS
    cache.set(key, (current, expires, response), settings.PAGE_CACHE_SECONDS)
    local.put(key, current, expires, pickle.dumps(response))


def stored_page(path: str, encoding: str = "identity"):
    """The page the cache holds for `path` now (Redis's, not this process's copy), or None."""
    current = generation()
    stored = _stored(page_key(path, encoding), current) if current else None
    return stored[1] if stored else None


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
        deflated = gzipjoin.deflate(head, last=False), gzipjoin.deflate(tail, last=True)
        return cls(headers, head, tail, *deflated, zlib.crc32(head))

    def body(self, middle: bytes, *, gzipped: bool) -> bytes:
        if not gzipped:
            return self.head + middle + self.tail
        crc = zlib.crc32(self.tail, zlib.crc32(middle, self.head_crc))
        pieces = [self.head_deflated, gzipjoin.deflate(middle, last=False, level=1), self.tail_deflated]
        return gzipjoin.member(pieces, crc, len(self.head) + len(middle) + len(self.tail))


def split_page(path: str, current: str) -> SplitPage | None:
    """The shared page at `path` cut around its mini cart: this process's copy, else made from the
    stored page (either encoding) and kept as long as that page."""
    key = page_key(path, "split")
    if kept := local.get(key, current):
        return kept[1]
    stored = cached(page_key(path, "gzip"), current) or cached(page_key(path, "identity"), current)
    if stored is None or (split := SplitPage.of(stored[1])) is None:
        return None
    local.put(key, current, stored[0], split)
    return split
