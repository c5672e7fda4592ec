"""Serving shared pages: which requests are shared, the middleware that answers them from storage,
and the visitor's own mini cart joined into a shared page.

A page is shared when its view is opted in with shared_page() in urls.py (like cache_page: a view
that subclasses a shared one is not shared unless its URL says so) and the request is a plain GET
of that page's one spelling by a visitor with no session, or a session that holds only a cart. The
middleware sits above gzip, session, CSRF and messages (fatigue_site/settings.py): a hit is answered
before they run, and on a miss it sees every cookie they set before it stores anything.
"""

import functools
import re
import zlib
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from core.cache import counted
from core.canonical import canonical_host, kept_query
from core.pages.storage import cached, local, page_key, split_page, store
from core.ratelimits import client_network

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
POPULAR_SLOTS = 4096  # counters of how often pages shared once popular were asked, a generation

# The visitor's own mini cart for a shared page: (session, path, generation) -> HTML, or None when
# the page must be rendered for them. The cart app registers it (cart/apps.py, cart/mini_cart.py).
MiniCart = Callable[[object, str, str], bytes | None]
_mini_cart: list[MiniCart] = []


def serve_mini_carts(mini_cart: MiniCart) -> None:
    """Serve visitors with a cart the shared pages, with `mini_cart` joined in."""
    _mini_cart[:] = [mini_cart]


def shared_page(view, page_parameter: str | None = None, spelled=None, popular_after: int = 0):
    """Share this view's page between visitors without a session (in urls.py: shared_page(View.as_view())).
    A list's pages are shared as `?page=N`; a view numbering its pages otherwise names its parameter.

    A view whose query strings are its own (search's ?q=) passes `spelled`, which says whether a query
    string is a page's one spelling, and `popular_after`: such a page is stored only once it has been
    asked for that many times in the current generation, and at most PAGE_CACHE_POPULAR_PAGES of them
    a generation, so junk queries cannot fill the cache (see _popular_enough)."""
    view.shared_page = True
    if page_parameter:
        view.page_parameter = page_parameter
    if spelled:
        view.spelled, view.popular_after = spelled, popular_after
    return view


@functools.lru_cache(maxsize=1024)
def _shared_view_at(path: str, urlconf: str):
    """The shared view at `path`, or None; remembered, as a path's view only changes with the code."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match.func if getattr(match.func, "shared_page", False) else None


def shared_path(request) -> str | None:
    """The path under which this request's page is shared, or None when it is not a shared page.

    Only one spelling of each page is shared: the canonical host (any port), the path, and for a list
    nothing or exactly `?page=N`. Anything else (`?&`, `?page=1&`, `?page=%31`, `?page=01`, another
    host name) is rendered and not stored, so junk URLs cannot fill the cache."""
    view = _shared_view_at(request.path_info, settings.ROOT_URLCONF)
    if view is None or split_domain_port(request.get_host())[0] != canonical_host():
        return None
    if kept_query(view, request.META.get("QUERY_STRING", "")) is None:
        return None
    return request.get_full_path()


def _popular_enough(request, key: str, current: str) -> bool:
    """Whether a page just missed may be stored: always, for a view shared from its first visit; for
    one shared once popular, when the page has been asked for by `popular_after` clients in this
    generation (and then, if its answer is storable, when the generation's budget allows:
    _within_budget). The counts are kept in a fixed number of slots (POPULAR_SLOTS a generation,
    expiring with it), so junk queries add no counters; two pages sharing a slot only become popular a
    little sooner.

    A client network counts once a slot: a marker per (client, slot), expiring with the generation,
    says it asked already. So one address cannot make a query popular, nor spend the budget alone by
    asking many queries often; it adds at most POPULAR_SLOTS small markers a generation."""
    after = getattr(_shared_view_at(request.path_info, settings.ROOT_URLCONF), "popular_after", 0)
    if not after:
        return True
    slot = zlib.crc32(key.encode()) % POPULAR_SLOTS
    client = zlib.crc32(client_network(request).encode())
    first_asking = cache.add(f"pages:asker:{current}:{slot}:{client:x}", 1, settings.PAGE_CACHE_SECONDS)
    return first_asking and counted(f"pages:asked:{current}:{slot}", settings.PAGE_CACHE_SECONDS) >= after


def _within_budget(request, current: str) -> bool:
    """For a page shared once popular, whose answer is storable: whether one more of the generation's
    PAGE_CACHE_POPULAR_PAGES may be stored (counted only now, so a refused or failed answer spends none)."""
    if not getattr(_shared_view_at(request.path_info, settings.ROOT_URLCONF), "popular_after", 0):
        return True
    return 0 < counted(f"pages:popular:{current}", settings.PAGE_CACHE_SECONDS) <= settings.PAGE_CACHE_POPULAR_PAGES


def _is_page_visit(request) -> bool:
    """A plain GET of a whole page with no message waiting for the visitor (a cookie that was deleted
    may still come back empty)."""
    return (
        request.method == "GET"
        and "HX-Request" not in request.headers
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _with_mini_cart(request, path: str, current: str, encoding: str):
    """The shared page with the visitor's own mini cart in place of the empty one, or None when the
    page must be rendered for them (not cached yet, or a session that holds more than a cart)."""
    if not _mini_cart or (split := split_page(path, current)) is None:
        return None
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session = session_store(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    fragment = _mini_cart[0](session, path, current)
    if fragment is None:
        request.session = session  # read once: SessionMiddleware takes it (core/middleware.py)
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
    """Serve shared pages from storage, compressed or not as the visitor asked; store them on a miss.
    The headers of the middleware below it (CSP, X-Frame-Options) are stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        store_as = None
        path = settings.PAGE_CACHE_SECONDS > 0 and _is_page_visit(request) and shared_path(request)
        if path and (current := local.current_generation()):
            encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                if (response := _with_mini_cart(request, path, current, encoding)) is not None:
                    return response
            else:
                key = page_key(path, encoding)
                if stored := cached(key, current):
                    response = stored[1]
                    response["X-Page-Cache"] = "hit"
                    return response
                if _popular_enough(request, key, current):
                    store_as = (key, current)

        response = self.get_response(request)
        if store_as and _is_storable(response) and _within_budget(request, store_as[1]):
            response["X-Page-Cache"] = "miss"
            store(*store_as, response)
        return response
