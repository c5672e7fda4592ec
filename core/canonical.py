"""The site's one address and each page's one spelling.

The page cache stores a page only under its one spelling (core/pages/middleware.py,
shared_path()), and the canonical link, the sitemap, the feed and the social tags name the same
address: the canonical host over the site's scheme (site_url()), the path, and for a list's later
pages exactly `?page=N` (a sitemap section's, `?p=N`).
"""

import re
from urllib.parse import urljoin

from django.conf import settings

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


def canonical_host() -> str:
    """The one host name shared pages are served for: SITE_HOST, else the first plain ALLOWED_HOSTS entry."""
    plain = (host for host in settings.ALLOWED_HOSTS if host and "*" not in host and not host.startswith("."))
    return settings.SITE_HOST or next(plain, "")


def site_url() -> str:
    """The site's address, without a trailing slash: SITE_URL, else the canonical host over HTTP(S)."""
    return settings.SITE_URL or f"{'https' if settings.HTTPS else 'http'}://{canonical_host()}"


def absolute_url(url: str) -> str:
    """`url` (a path, or a URL already absolute) on the site's address."""
    return urljoin(site_url() + "/", url)


def page_parameter(view) -> str | None:
    """The query parameter numbering the pages of `view`: `page` on a list (a view with paginate_by),
    else the one shared_page() was given (the sitemap's sections: `p`); None for a view of one page."""
    if getattr(getattr(view, "view_class", None), "paginate_by", None):
        return "page"
    return getattr(view, "page_parameter", None)


def kept_query(view, query: str) -> str | None:
    """The query string of the page's one spelling: none, or exactly `page=N` on a list (`p=N` on a
    sitemap section); None when `query` is anything else (`?&`, `?page=01`, `?utm_source=x`...)."""
    name, _, number = query.partition("=")
    if query == "" or (name and name == page_parameter(view) and PAGE_NUMBER.fullmatch(number)):
        return query
    spelled = getattr(view, "spelled", None)  # a view whose query strings are its own (search's ?q=)
    return query if spelled and spelled(query) else None


def canonical_url(request) -> str:
    """The absolute address of the request's page in its one spelling; a list's first page without
    `?page=1`, and any other query string dropped."""
    view = request.resolver_match.func if request.resolver_match else None
    query = kept_query(view, request.META.get("QUERY_STRING", ""))
    return absolute_url(request.path + (f"?{query}" if query and not query.endswith("=1") else ""))
