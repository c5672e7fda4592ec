from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from articles.models import EditorialPage
from core import pages


def footer_links() -> list[dict[str, str]]:
    """The editorial pages the footer links, {title, url} in their order. Read once per page generation
    (a page's save starts a new one), then from the cache: a page rendered afresh pays no query for it."""
    # The generation is read before the pages are, as for the guide's body (articles/views.py): links
    # read from data older than a change are kept under the generation before it, never the new one.
    current = pages.local.current_generation() if settings.PAGE_CACHE_SECONDS > 0 else None
    key = f"footer-links:{pages.release()}:{current}"
    if current and (links := cache.get(key)) is not None:
        return links
    links = [{"title": page.title, "url": page.get_absolute_url()} for page in EditorialPage.objects.in_footer()]
    if current:
        cache.set(key, links, settings.PAGE_CACHE_SECONDS)
    return links


def footer(request):
    # Lazy: a page without the site's footer (the admin) reads nothing.
    return {"footer_links": SimpleLazyObject(footer_links)}
