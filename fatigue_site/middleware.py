"""Refuse request bodies larger than the site ever needs before anything reads them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def request_size_limit(get_response):
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
