"""The shop's pages: the product list (by category too) and a product's page."""

from django.urls import reverse
from django.views.generic import DetailView

from catalogue import structured_data
from catalogue.models import Product, ProductCategory
from core.lists import CategoryListView

RELATED_PRODUCTS = 4


class ProductListView(CategoryListView):
    """The shop, or one of its categories (/shop/category/<slug>/), with a link to each category."""

    queryset = Product.objects.active().listed()
    category_model = ProductCategory
    paginate_by = 12
    context_object_name = "products"

    def categories(self):
        return ProductCategory.objects.with_active_products()


class ProductDetailView(DetailView):
    queryset = Product.objects.active().with_facts().select_related("category")
    context_object_name = "product"

    def get_context_data(self, **kwargs):
        product = self.object
        breadcrumbs: list[dict[str, str | None]] = [
            {"title": "Home", "url": reverse("home")},
            {"title": "Shop", "url": reverse("shop:list")},
        ]
        if product.category:
            breadcrumbs.append({"title": product.category.name, "url": product.category.get_absolute_url()})
        breadcrumbs.append({"title": product.name, "url": None})
        return super().get_context_data(
            breadcrumbs=breadcrumbs,
            guides=product.articles.published().only("title", "slug"),
            related=Product.objects.active().listed().related_to(product)[:RELATED_PRODUCTS],
            structured_data=structured_data.product(product),
            **kwargs,
        )
