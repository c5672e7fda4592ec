"""The shop's section of the sitemap: the products it sells (fatigue_site/sitemaps.py)."""

from cart.models import Product
from fatigue_site.sitemaps import UpdatedSitemap


class ProductSitemap(UpdatedSitemap):
    def items(self):
        return Product.objects.active().only("slug", "updated_at").order_by("pk")
