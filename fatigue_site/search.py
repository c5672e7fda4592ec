"""The site search (/search/): published guides, then active products, for one query. The engine (stored
vectors, ranking, highlights, the SQLite fallback, the time limit) is core/search.py."""

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from articles.models import ARTICLE_SEARCH, Article
from catalogue.models import PRODUCT_SEARCH, Product
from core import ratelimits, search

RESULTS_PER_PAGE = 10
SEARCH_WINDOW_SECONDS = 60  # SEARCH_LIMIT_PER_MINUTE
SEARCHED_TOO_OFTEN = (
    "You have searched many times in the last minute. Please wait {seconds} seconds, then search again."
)
TOOK_TOO_LONG = "That search took too long; try fewer or more specific words."


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
        return render(request, "search.html", context)
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
    return render(request, "search.html", context)


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
    response = render(request, "search.html", context | {"refused": message}, status=status)
    add_never_cache_headers(response)
    return response
