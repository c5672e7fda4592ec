"""The session keys that more than one app reads: the cart and checkout write them, and the page
cache serves a visitor whose session holds nothing else the shared pages (cart/mini_cart.py)."""

CART = "cart"  # the cart's key: its lines are CartLine rows under it
CART_UNDO = "cart_undo"  # what "Remove All Items" removed, for a while, so that it can be undone
CHECKOUT_TOKEN = "checkout_token"  # the next order's idempotency key
ORDERS = "orders"  # the orders this session placed, with when
COUPON = "coupon"  # the discount code the visitor applied (not quiet: the mini cart shows the discount)

# What a session may hold for its visitor to get the shared pages with their own mini cart: none of
# these is shown on a shared page. Anything else (a login, a message, a key added later) is rendered for.
QUIET = frozenset({CART, CART_UNDO, CHECKOUT_TOKEN, ORDERS})
