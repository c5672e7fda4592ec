from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.feeds import LatestGuidesFeed
from articles.sitemaps import CategorySitemap, EditorialPageSitemap, GuideSitemap, PersonSitemap
from articles.views import EditorialPageView, PersonView
from catalogue.sitemaps import ProductCategorySitemap, ProductSitemap
from core import sitemaps
from core.pages import shared_page
from fatigue_site.home import HomeView
from fatigue_site.search import one_search_spelling, search_page
from fatigue_site.views import bench_floor, healthz, robots_txt

handler500 = "fatigue_site.views.server_error"

# The sitemap's sections (core/sitemaps.py): one a kind of page, each paginated.
SITEMAPS = {
    "lists": sitemaps.StaticSitemap,
    "guides": GuideSitemap,
    "categories": CategorySitemap,
    "people": PersonSitemap,
    "pages": EditorialPageSitemap,
    "products": ProductSitemap,
    "product-categories": ProductCategorySitemap,
}

urlpatterns = [
    path("", shared_page(HomeView.as_view()), name="home"),
    path("guides/", include("articles.urls")),
    path("people/<slug:slug>/", shared_page(PersonView.as_view()), name="person"),
    # One page per query: a first page of results is shared once popular, and only so many of them.
    path("search/", shared_page(search_page, spelled=one_search_spelling, popular_after=3), name="search"),
    path("shop/", include("catalogue.urls")),
    path("cart/", include("cart.urls")),
    path("", include("orders.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The same for every visitor, so shared too: any change to what they list starts fresh ones.
    path("robots.txt", shared_page(robots_txt), name="robots"),
    path("sitemap.xml", shared_page(sitemaps.index), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        shared_page(sitemaps.section_page, page_parameter="p"),  # Django's sitemap views number pages ?p=N
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("feed/", shared_page(LatestGuidesFeed()), name="feed"),
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
