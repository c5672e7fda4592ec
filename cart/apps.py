from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

    def ready(self) -> None:
        from cart.models import Product
        from fatigue_site import pages

        pages.watch(Product)  # prices and stock changed through save(); bulk changes call pages.content_changed()
