from django.apps import AppConfig
from django.core import checks


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from orders import links

        checks.register(links.check_links_can_be_built, deploy=True)
