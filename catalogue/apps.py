from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"

    def ready(self) -> None:
        from core import pages

        # Every product, shelf and label shows on shared pages. Bulk stock moves call
        # pages.content_changed() themselves (catalogue/stock.py).
        pages.watch_app(self)
