from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

    def ready(self) -> None:
        from cart import mini_cart
        from core import pages

        # No shared page shows a cart's rows: a change to its lines moves the cart's own version
        # (cart/cart.py), and a visitor with a coupon in their session gets pages rendered for them
        # (session_keys.QUIET). So nothing here is watched (the catalogue's models are, catalogue/apps.py);
        # the page cache asks this app for a visitor's mini cart.
        pages.serve_mini_carts(mini_cart.for_session)
