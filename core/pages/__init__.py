"""The shared page cache: pages that are the same for every visitor without a session.

A visitor who sends no session cookie (no cart, no message waiting, not logged in) gets the guides
and the shop's pages from the cache: no SQL query, no template. A visitor whose session holds only a
cart gets the same stored page with their own mini cart put between its two markers; everyone else
gets the page rendered for them. A stored page holds nothing of one visitor: it is stored only when
the response sets no cookie (so no session, no CSRF token) and is not marked private, and the cart's
forms carry no token (core/crossorigin.py protects them instead).

One job a module:
- storage.py: the generation, Redis and each process's copies, a page cut around its mini cart, the
  stamp a fragment kept for shared pages is stored under (fragment_stamp());
- invalidation.py: what starts a new generation (watch_app, content_changed), the deploy check;
- middleware.py: which requests are shared (shared_page, shared_path) and the middleware;
- gzipjoin.py: a gzip stream from pieces compressed apart.

Entries also expire after PAGE_CACHE_SECONDS, which bounds how late a scheduled guide appears in the
lists; a new release (storage.release()) starts with fresh pages.
"""

from core.canonical import canonical_host
from core.pages.invalidation import check_shared_cache, content_changed, watch_app
from core.pages.middleware import PageCacheMiddleware, serve_mini_carts, shared_page
from core.pages.storage import (
    MINI_CART_END,
    MINI_CART_START,
    fragment_stamp,
    generation,
    local,
    page_key,
    release,
    stamp,
    stored_page,
)

__all__ = [
    "MINI_CART_END",
    "MINI_CART_START",
    "PageCacheMiddleware",
    "canonical_host",
    "check_shared_cache",
    "content_changed",
    "fragment_stamp",
    "generation",
    "local",
    "page_key",
    "release",
    "serve_mini_carts",
    "shared_page",
    "stamp",
    "stored_page",
    "watch_app",
]


def reset() -> None:
    """Forget this process's copies (tests, after the cache was emptied)."""
    local.forget()
