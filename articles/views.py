from functools import partial
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from articles import structured_data
from articles.models import ARTICLE_SEARCH, Article, Author, Category, EditorialPage, SlugRedirect
from cart.models import PRODUCT_SEARCH, Product
from core import pages, ratelimits, search
from core import structured_data as site_data
from core.lists import CategoryListView

RELATED_GUIDES = 3
RESULTS_PER_PAGE = 10
SEARCH_WINDOW_SECONDS = 60  # SEARCH_LIMIT_PER_MINUTE
SEARCHED_TOO_OFTEN = (
    "You have searched many times in the last minute. Please wait {seconds} seconds, then search again."
)
TOOK_TOO_LONG = "That search took too long; try fewer or more specific words."


def _with_people(queryset):
    return queryset.select_related("category", "author", "reviewed_by")


HOME_GUIDES = 6
HOME_PRODUCTS = 4


class HomeView(ListView):
    """Somewhere to go: featured guides, then the newest; the guides' categories; featured products."""

    template_name = "articles/home.html"
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


class ArticleListView(CategoryListView):
    """The guides, or one category's (/guides/category/<slug>/), with a link to each category."""

    queryset = Article.objects.published().listed().select_related("category")
    category_model = Category
    paginate_by = 10
    context_object_name = "articles"

    def categories(self):
        return Category.objects.with_published_guides()


class ArticleDetailView(DetailView):
    context_object_name = "article"
    preview = False

    def get(self, request, *args, **kwargs):
        # Read before the guide is (see fragment_stamp). None: the body is not cached.
        self.stamp = None if self.preview else pages.fragment_stamp()
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A guide whose slug changed after publishing keeps its old address.
            moved = SlugRedirect.objects.filter(old_slug=kwargs["slug"], article__in=Article.objects.published())
            if self.preview or not (redirect := moved.select_related("article").first()):
                raise
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())

    def get_queryset(self):
        return _with_people(Article.objects.published())

    def get_context_data(self, **kwargs):
        # The body below the header is the same for every visitor, so the template caches it (for
        # visitors with a cart, whose page is rendered for them). FAQs, products and related guides
        # are lazy: the cache's generation changes with any of them, and a cached body costs no query.
        # So is the structured data, cached beside the body; it reads the FAQs and sources the body shows.
        article = self.object
        faqs, references = article.faqs.all(), article.references.all()
        related = Article.objects.published().listed().related_to(article).select_related("category")
        breadcrumbs = [
            {"title": "Home", "url": reverse("home")},
            {"title": "Guides", "url": reverse("articles:list")},
            {"title": article.category.name, "url": article.category.get_absolute_url()},
            {"title": article.title, "url": None},
        ]
        return super().get_context_data(
            faqs=faqs,
            references=references,
            structured_data=partial(structured_data.guide, article, faqs, references),
            products=article.mentioned_products,
            related=related[:RELATED_GUIDES],
            breadcrumbs=breadcrumbs,
            preview=self.preview,
            body_seconds=settings.PAGE_CACHE_SECONDS,
            body_stamp=self.stamp,
            **kwargs,
        )


class PersonView(ListView):
    """A writer's or reviewer's page: who they are, and the published guides they wrote or reviewed,
    newest first, a page at a time."""

    paginate_by = 12
    context_object_name = "articles"
    template_name = "articles/person_detail.html"

    def get_queryset(self):
        self.person = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Article.objects.published().listed().by(self.person).select_related("category")

    def get_context_data(self, **kwargs):
        breadcrumbs = [{"title": "Home", "url": reverse("home")}, {"title": self.person.name, "url": None}]
        return super().get_context_data(person=self.person, breadcrumbs=breadcrumbs, **kwargs)


class EditorialPageView(DetailView):
    """An editorial page (About, Editorial policy, Terms...) at the site's root."""

    model = EditorialPage
    context_object_name = "page"
    template_name = "articles/page_detail.html"

    def get_context_data(self, **kwargs):
        breadcrumbs = [{"title": "Home", "url": reverse("home")}, {"title": self.object.title, "url": None}]
        return super().get_context_data(breadcrumbs=breadcrumbs, **kwargs)


@method_decorator(staff_member_required, name="dispatch")  # outermost: visitors go to the admin login
@method_decorator(permission_required("articles.change_article", raise_exception=True), name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """Staff who edit guides see a draft or scheduled guide exactly as visitors will; other staff get a 403."""

    preview = True

    def get_queryset(self):
        return _with_people(Article.objects.all()).prefetch_related("faqs")


def _searched_for(asked: str) -> str:
    """The query as the page shows it and searches for: spaces collapsed, cut at MAX_QUERY_LENGTH."""
    return " ".join(asked.split())[: search.MAX_QUERY_LENGTH]


def one_search_spelling(query_string: str) -> bool:
    """Whether `query_string` is the one spelling of a search's first page: `q=` alone, holding the query
    as the page shows it (with words to search for), encoded as the search box sends it. Only such a
    page may be shared by the page cache (urls.py), and only once popular."""
    params = parse_qsl(query_string, keep_blank_values=True)
    if len(params) != 1 or params[0][0] != "q":
        return False
    query = _searched_for(params[0][1])
    return bool(search.words_of(query)) and urlencode({"q": query}) == query_string


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """The guides, then the products, that match ?q=, each group with its count and its pages. A first
    page of results is shared by the page cache once popular (urls.py), so junk queries cannot fill it.

    Only a search rendered here costs anything (one served from the page cache never reaches this view),
    so only these are counted against SEARCH_LIMIT_PER_MINUTE per client network; past it, or when the
    database cuts a query that took too long, the page says so with a status no cache keeps."""
    asked = " ".join(request.GET.get("q", "").split())
    query = _searched_for(asked)
    context: dict[str, object] = {
        "query": query,
        "cut": len(asked) > len(query),
        "limit": search.MAX_QUERY_LENGTH,
        "searched": bool(search.words_of(query)),
    }
    if not context["searched"]:
        return render(request, "articles/search.html", context)
    limit = {"address": (ratelimits.client_network(request), settings.SEARCH_LIMIT_PER_MINUTE)}
    try:
        ratelimits.take("search", limit, window=SEARCH_WINDOW_SECONDS)
        with search.time_limited():
            context |= _results(request, query)
    except ratelimits.RateLimited as refusal:
        response = _refused(request, context, SEARCHED_TOO_OFTEN.format(seconds=refusal.retry_after), status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    except search.TookTooLong:
        return _refused(request, context, TOOK_TOO_LONG, status=503)
    return render(request, "articles/search.html", context)


def _results(request: HttpRequest, query: str) -> dict[str, object]:
    """The pages of guides and products found for `query`, every query run (inside search.time_limited())."""
    found = Article.objects.published().listed().select_related("category").search(query)
    guides = Paginator(found, RESULTS_PER_PAGE)
    products = Paginator(Product.objects.active().listed().search(query), RESULTS_PER_PAGE)
    guides_page = guides.get_page(request.GET.get("page"))
    products_page = products.get_page(request.GET.get("shop_page"))
    return {
        "guides": guides_page,
        "products": products_page,
        "guide_results": [
            {
                "url": guide.get_absolute_url(),
                "title": guide.title,
                "kicker": guide.category.name,
                "snippet": ARTICLE_SEARCH.snippet(guide, query),
            }
            for guide in guides_page
        ],
        "product_results": [
            {
                "url": product.get_absolute_url(),
                "title": product.name,
                "kicker": product.get_kind_display(),
                "snippet": PRODUCT_SEARCH.snippet(product, query),
                "product": product,
            }
            for product in products_page
        ],
        "total": guides.count + products.count,
        "pages_query": urlencode({"q": query}) + "&",
    }


def _refused(request: HttpRequest, context: dict[str, object], message: str, *, status: int) -> HttpResponse:
    """The search page saying why it shows no results; kept by no cache, as the next try may be answered."""
    response = render(request, "articles/search.html", context | {"refused": message}, status=status)
    add_never_cache_headers(response)
    return response
