from django.urls import path

from articles import views
from core.pages import shared_page

app_name = "articles"

urlpatterns = [
    # Shared between visitors (core/pages/): the preview, which subclasses the guide's view, is not.
    path("", shared_page(views.ArticleListView.as_view()), name="list"),
    path("category/<slug:slug>/", shared_page(views.ArticleListView.as_view()), name="category"),
    path("<slug:slug>/", shared_page(views.ArticleDetailView.as_view()), name="detail"),
    path("<slug:slug>/preview/", views.ArticlePreviewView.as_view(), name="preview"),
]
