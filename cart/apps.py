from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

    def ready(self) -> None:
        from cart import mini_cart
        from cart.models import CartLine, Coupon
        from core import pages

        # Products' prices and stock show on shared pages (bulk changes call pages.content_changed());
        # cart lines do not: a change to them moves the cart's own version (cart/cart.py). Nor do
        # coupons: a visitor with one in their session gets pages rendered for them (session_keys.QUIET).
        pages.watch_app(self, ignore=(CartLine, Coupon))
        pages.serve_mini_carts(mini_cart.for_session)
