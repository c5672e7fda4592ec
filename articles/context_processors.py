from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from articles.models import EditorialPage
from core import pages


def footer_links() -> list[dict[str, str]]:
    """The editorial pages the footer links, {title, url} in their order. Read once per page generation
    (a page's save starts a new one), then from the cache: a page rendered afresh pays no query for it."""
    stamp = pages.fragment_stamp()  # read before the pages are
    key = f"footer-links:{stamp}"
    if stamp and (links := cache.get(key)) is not None:
        return links
    links = [{"title": page.title, "url": page.get_absolute_url()} for page in EditorialPage.objects.in_footer()]
    if stamp:
        cache.set(key, links, settings.PAGE_CACHE_SECONDS)
    return links


def footer(request):
    # Lazy: a page without the site's footer (the admin) reads nothing.
    return {"footer_links": SimpleLazyObject(footer_links)}
