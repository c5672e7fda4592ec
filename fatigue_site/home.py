"""The home page: somewhere to go, from every app's content."""

from django.views.generic import ListView

from articles.models import Article, Category
from catalogue.models import Product
from core import structured_data as site_data

HOME_GUIDES = 6
HOME_PRODUCTS = 4


class HomeView(ListView):
    """Somewhere to go: featured guides, then the newest; the guides' categories; featured products."""

    template_name = "home.html"
    context_object_name = "articles"
    extra_context = {"structured_data": site_data.home}  # called when the page is rendered

    def get_queryset(self):
        return Article.objects.published().listed().featured_first().select_related("category")[:HOME_GUIDES]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=Category.objects.with_guide_counts(),
            products=Product.objects.active().listed().featured()[:HOME_PRODUCTS],
            **kwargs,
        )
