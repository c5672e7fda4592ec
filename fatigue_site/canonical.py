"""The site's one address and each page's one spelling.

The page cache stores a page only under its one spelling (fatigue_site/pages/middleware.py,
shared_path()), and the canonical link, the sitemap, the feed and the social tags name the same
address: the canonical host over the site's scheme (site_url()), the path, and for a list's later
pages exactly `?page=N`.
"""

import re
from urllib.parse import urljoin

from django.conf import settings

PAGE_QUERY = re.compile(r"page=[1-9][0-9]{0,3}")


def canonical_host() -> str:
    """The one host name shared pages are served for: SITE_HOST, else the first plain ALLOWED_HOSTS entry."""
    plain = (host for host in settings.ALLOWED_HOSTS if host not in {"*", ""} and not host.startswith("."))
    return settings.SITE_HOST or next(plain, "")


def site_url() -> str:
    """The site's address, without a trailing slash: SITE_URL, else the canonical host over HTTP(S)."""
    return settings.SITE_URL or f"{'https' if settings.HTTPS else 'http'}://{canonical_host()}"


def absolute_url(url: str) -> str:
    """`url` (a path, or a URL already absolute) on the site's address."""
    return urljoin(site_url() + "/", url)


def kept_query(view, query: str) -> str | None:
    """The query string of the page's one spelling: none, or exactly `page=N` on a list (a view with
    paginate_by); None when `query` is anything else (`?&`, `?page=01`, `?utm_source=x`...)."""
    paginated = getattr(getattr(view, "view_class", None), "paginate_by", None)
    if query == "" or (paginated and PAGE_QUERY.fullmatch(query)):
        return query
    return None


def canonical_url(request) -> str:
    """The absolute address of the request's page in its one spelling; a list's first page without
    `?page=1`, and any other query string dropped."""
    view = request.resolver_match.func if request.resolver_match else None
    query = kept_query(view, request.META.get("QUERY_STRING", ""))
    return absolute_url(request.path + (f"?{query}" if query and query != "page=1" else ""))
