from django.urls import path

from catalogue import views
from core.pages import shared_page

app_name = "shop"

urlpatterns = [
    path("", shared_page(views.ProductListView.as_view()), name="list"),
    path("category/<slug:slug>/", shared_page(views.ProductListView.as_view()), name="category"),
    path("<slug:slug>/", shared_page(views.ProductDetailView.as_view()), name="product"),
]
