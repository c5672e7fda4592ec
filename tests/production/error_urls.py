"""The site's URLs plus views that fail, to see what a visitor and the logs get when a request errors."""

from django.db import DataError, OperationalError
from django.urls import path

from fatigue_site.urls import urlpatterns as site_urlpatterns

handler500 = "fatigue_site.views.server_error"


def broken(request):
    fields = request.POST  # the body is read, as a real form view would
    raise RuntimeError(f"the view failed with {len(fields)} fields")


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def bad_query(request):
    raise DataError("A string literal cannot contain NUL (0x00) characters.")


urlpatterns = [
    path("broken/", broken),
    path("database-down/", database_down),
    path("bad-query/", bad_query),
    *site_urlpatterns,
]
