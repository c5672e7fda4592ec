from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.views import HomeView

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = admin.site.site_header

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("guides/", include("articles.urls")),
    path("shop/", include("cart.shop_urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("admin/", admin.site.urls),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
