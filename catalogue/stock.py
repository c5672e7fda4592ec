"""Stock moves after a product is on sale: an order takes units, a cancelled order puts them back. The
catalogue owns them, and so knows what they mean for shared pages, which show "In stock" and the most
one may order: a move that changes what they show starts a new page generation."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case, F, Value, When

from catalogue.models import Product
from core import pages


def take_stock(lines: list[tuple[Product, int]]) -> None:
    """Take each quantity off its product's stock. The caller holds the products' row locks and has
    checked that there is enough of each."""
    shown_before = [product.max_order_quantity for product, _ in lines]
    for product, quantity in lines:
        product.stock -= quantity
    Product.objects.bulk_update([product for product, _ in lines], ["stock"])
    if shown_before != [product.max_order_quantity for product, _ in lines]:
        pages.content_changed()


def restore_stock(quantities: Iterable[tuple[int | None, int]]) -> None:
    """Put back (product id, quantity) pairs in one statement; a product deleted since (id None) is skipped.
    Shared pages start anew only when what they show of a product changes (as for take_stock)."""
    back: dict[int, int] = {}
    for product_id, quantity in quantities:
        if product_id is not None:
            back[product_id] = back.get(product_id, 0) + quantity
    if not back:
        return
    before = dict(Product.objects.select_for_update().filter(pk__in=back).values_list("pk", "stock"))
    added = Case(*(When(pk=pk, then=Value(quantity)) for pk, quantity in back.items()), default=Value(0))
    Product.objects.filter(pk__in=back).update(stock=F("stock") + added)
    limit = settings.CART_MAX_QUANTITY
    if any(min(stock, limit) != min(stock + back[pk], limit) for pk, stock in before.items()):
        pages.content_changed()
