"""A product page's JSON-LD (core/structured_data.py): the Product and its Offer, at the price
and stock the page shows."""

from django.conf import settings

from catalogue.models import Product
from core.canonical import absolute_url
from core.structured_data import Node, node

IN_STOCK, OUT_OF_STOCK = "https://schema.org/InStock", "https://schema.org/OutOfStock"


def product(item: Product) -> Node:
    url = absolute_url(item.get_absolute_url())
    offer = node(
        "Offer",
        price=str(item.current_price),
        priceCurrency=settings.CURRENCY,
        url=url,
        availability=IN_STOCK if item.in_stock else OUT_OF_STOCK,
    )
    return node(
        "Product",
        name=item.name,
        description=item.short_description,
        sku=item.sku,
        url=url,
        image=absolute_url(item.image.url) if item.image else None,
        offers=offer,
    )
