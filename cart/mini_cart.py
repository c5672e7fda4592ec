"""A visitor's own mini cart for a shared page, so that a visitor with a cart gets the guides and the
shop from the page cache too (fatigue_site/pages.py puts it between the page's two markers,
MINI_CART_START and MINI_CART_END).

It is rendered by the same template as on a page rendered for the visitor, and kept in the cache
under the cart's key: a secret that only the visitor's session leads to (a hash of their session
key, stored in the session). A kept mini cart is used only while three stamps still hold: the
release (templates), the shared pages' generation (any product, price or stock change) and the
cart's version (any change to its lines, cart.cart.lines_changed). Only a session that holds
nothing a page shows but the cart (no login, no message, no "Undo" still on offer) is served this
way; any other gets the page rendered for it.
"""

from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from cart.cart import SESSION_KEY, UNDO_KEY, Cart, version, version_key
from fatigue_site import pages
from orders.session import ORDERS_KEY, TOKEN_KEY

# What a session may hold for its visitor to be served this way: the cart's keys, and checkout's
# (its one-time token, the orders this session may see), which no shared page shows. Any other key
# (a login, a message that did not fit in its cookie, anything added later) is rendered for.
QUIET_KEYS = {SESSION_KEY, UNDO_KEY, TOKEN_KEY, ORDERS_KEY}


def session_of(request):
    """The visitor's session, read as SessionMiddleware would read it."""
    return import_module(settings.SESSION_ENGINE).SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def for_session(session, path: str, generation: str) -> bytes | None:
    """The visitor's mini cart for the page at `path`, or None when their page must be rendered for them."""
    if not set(session.keys()) <= QUIET_KEYS:  # (an unknown or expired session has none)
        return None
    cart = Cart(session)
    if cart.key is None or cart.can_undo:
        return None
    kept_key, cart_version_key = f"mini-cart:{pages.release()}:{cart.key}:{path}", version_key(cart.key)
    found = cache.get_many([cart_version_key, kept_key])
    stamp = (generation, found.get(cart_version_key) or version(cart.key))
    kept = found.get(kept_key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        return kept[1]
    # Read after the stamp: lines changed since are kept under a stamp that no longer holds.
    html = render_to_string("cart/includes/mini_cart.html", {"cart": cart, "next": path}).encode()
    if stamp[1] is not None:
        cache.set(kept_key, (stamp, html), settings.PAGE_CACHE_SECONDS)
    return html
