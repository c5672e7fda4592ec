"""The shop's sections of the sitemap: the products it sells and its categories (core/sitemaps.py)."""

from catalogue.models import Product, ProductCategory
from core.sitemaps import Sitemap, UpdatedSitemap


class ProductSitemap(UpdatedSitemap):
    def items(self):
        return Product.objects.active().only("slug", "updated_at").order_by("pk")


class ProductCategorySitemap(Sitemap):
    """The categories with a product on sale: the others' pages list nothing."""

    def items(self):
        return ProductCategory.objects.with_active_products().only("slug").order_by("pk")
