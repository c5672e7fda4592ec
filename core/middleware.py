"""The project's middleware: a Permissions-Policy header, a request size limit, no NUL characters, the 503
page for a database too busy to write, and sessions that the page cache can hand on."""

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from core.errors import database_busy, unavailable


def permissions_policy(get_response):
    """Refuse the browser features the site never uses (PERMISSIONS_POLICY), on every response."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def request_size_limit(get_response):
    """Refuse request bodies larger than the site ever needs before anything reads them."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length header.", status=400, content_type="text/plain")
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return HttpResponse(f"Request too large: the limit is {limit} MB.", status=413, content_type="text/plain")
        return get_response(request)

    return middleware


def refuse_nul(get_response):
    """Refuse a NUL character in the path, the query string or a form field: no text on this site has
    one, and PostgreSQL cannot store or compare one (a query with it fails as a server error)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponse("Bad request: a NUL character is not allowed.", status=400, content_type="text/plain")
        return get_response(request)

    return middleware


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class DatabaseBusyMiddleware:
    """A write that outwaited its lock timeout (SQLite under many writers) answers the 503 page with
    Retry-After, with DEBUG on too: the visitor may try again, and nothing is half-written, since the
    transaction that waited was rolled back."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable() if database_busy(exception) else None


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's session middleware that takes the session the page cache has read already, and marks
    every response that shows a visitor's session private: a shared cache in front (a CDN, a proxy)
    must never keep a page with someone's cart in it."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):  # see core/pages/middleware.py: _with_mini_cart
            super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            response = super().process_response(request, response)
        except (OperationalError, SessionInterrupted) as error:  # its save waited past the lock timeout (SQLite)
            if not database_busy(error):
                raise
            return unavailable()
        if request.session.accessed and not request.session.is_empty():
            patch_cache_control(response, private=True)
        return response
