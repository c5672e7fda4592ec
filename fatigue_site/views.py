"""Project-wide views: the health check, robots.txt and the error page that tells a database outage apart."""

import sys

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from core.canonical import absolute_url
from core.errors import unavailable

HEALTH_KEY = "healthz"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache answer; 503 naming each part that does not."""
    failed = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        failed.append("database")
    try:
        # The resilient cache hides Redis errors from pages; here they must show.
        if hasattr(cache, "ping"):  # core.cache.ResilientRedisCache
            cache.ping()
        else:  # another backend (local memory in development)
            cache.set(HEALTH_KEY, "ok", 5)
    except (RedisError, OSError):
        failed.append("cache")
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Where crawlers need not go (carts, checkout, orders, searches, staff previews, the admin), and the sitemap."""
    text = render_to_string("robots.txt", {"sitemap_url": absolute_url(reverse("sitemap"))})
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain page with no details: 503 while the database is unreachable (a lost or refused
    connection, a timeout), 500 for anything else, a failing query included: that is a bug, and
    monitoring must not read it as an outage."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The floor `make bench` measures pages against: one line, through all the middleware (BENCH_FLOOR=1)."""
    return HttpResponse("ok", content_type="text/plain")
