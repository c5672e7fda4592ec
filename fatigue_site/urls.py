from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.views import EditorialPageView, HomeView, PersonView, search_page
from fatigue_site.pages import shared_page
from fatigue_site.views import bench_floor, healthz

handler500 = "fatigue_site.views.server_error"

urlpatterns = [
    path("", shared_page(HomeView.as_view()), name="home"),
    path("guides/", include("articles.urls")),
    path("people/<slug:slug>/", shared_page(PersonView.as_view()), name="person"),
    path("search/", search_page, name="search"),  # not shared: one page per query
    path("shop/", include("cart.shop_urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]
if settings.BENCH_FLOOR:
    urlpatterns += [path("bench/floor", bench_floor)]  # make bench's yardstick
# Last, after everything above (media included): an editorial page takes only an address nothing else
# has, and EditorialPage.clean() refuses a slug whose address resolves elsewhere.
urlpatterns += [path("<slug:slug>/", shared_page(EditorialPageView.as_view()), name="page")]
