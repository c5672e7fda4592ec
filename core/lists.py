"""What the guide list and the shop have in common: a list of rows, whole or one category's
(/.../category/<slug>/), with a link to each category that has something to show."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView


class CategoryListView(ListView):
    """A list whose `category_model` is the categories' model, `categories()` those the filter links
    (the ones with something to show); the context gets `category` (None for the whole list) and
    `categories`."""

    category_model: type

    def categories(self):
        raise NotImplementedError

    def get_queryset(self):
        rows = super().get_queryset()
        self.category = None
        if "slug" in self.kwargs:
            self.category = get_object_or_404(self.category_model, slug=self.kwargs["slug"])
            rows = rows.filter(category=self.category)
        return rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, categories=self.categories(), **kwargs)
