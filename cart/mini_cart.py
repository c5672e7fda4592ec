"""A visitor's own mini cart for a shared page, so that a visitor with a cart gets the guides and the
shop from the page cache too (core/pages.py puts it between the page's two markers,
MINI_CART_START and MINI_CART_END).

It is rendered by the same template as on a page rendered for the visitor, and kept in the cache
under the cart's key: a secret that only the visitor's session leads to (a hash of their session
key, stored in the session). A kept mini cart is used only while three stamps still hold: the
release (templates), the shared pages' generation (any product, price or stock change) and the
cart's version (any change to its lines: Cart moves it). Only a session that holds nothing a page
shows but the cart (no login, no message, no "Undo" still on offer) is served this way; any other
gets the page rendered for it. The cart app registers for_session() with the page cache
(cart/apps.py), which never imports the cart.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from cart.cart import Cart, version, version_key
from core import pages, session_keys


def for_session(session, path: str, generation: str) -> bytes | None:
    """The visitor's mini cart for the page at `path`, or None when their page must be rendered for them."""
    if not set(session.keys()) <= session_keys.QUIET:  # (an unknown or expired session has none)
        return None
    cart = Cart(session)
    if cart.key is None or cart.can_undo:
        return None
    kept_key, cart_version_key = f"mini-cart:{cart.key}:{path}", version_key(cart.key)
    found = cache.get_many([cart_version_key, kept_key])
    stamp = (pages.stamp(generation), found.get(cart_version_key) or version(cart.key))
    kept = found.get(kept_key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        return kept[1]
    # Read after the stamp: lines changed since are kept under a stamp that no longer holds.
    html = render_to_string("cart/includes/mini_cart.html", {"cart": cart, "next": path}).encode()
    if stamp[1] is not None:
        cache.set(kept_key, (stamp, html), settings.PAGE_CACHE_SECONDS)
    return html
