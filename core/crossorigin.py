"""Cross-site request protection without a token, for the forms on pages every visitor shares.

The cart's forms sit on cached pages (core/pages/), which cannot carry a per-visitor
CSRF token. Instead the browser says where a request comes from: every current browser sends
Sec-Fetch-Site, and an Origin header on every cross-origin POST. A request that says it comes
from another site is refused. This is the algorithm of Go 1.25's CrossOriginProtection
(net/http). Checkout and the admin keep Django's token as well.
"""

import logging
from functools import wraps

from django.conf import settings
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger("django.security.csrf")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REASON = "Cross-origin request: Sec-Fetch-Site or Origin names another site."


def is_cross_origin(request) -> bool:
    if request.method in SAFE_METHODS:
        return False
    site = request.headers.get("Sec-Fetch-Site")
    if site in ("same-origin", "none"):  # "none": the visitor typed or bookmarked it
        return False
    origin = request.headers.get("Origin")
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    if site is not None:  # same-site or cross-site: another origin
        return True
    if origin is None:  # neither header: not a browser, so no visitor's cookies to abuse
        return False
    return origin != f"{request.scheme}://{request.get_host()}"


def cross_origin_protected(view):
    """Refuse a cross-origin POST to `view` with the CSRF failure page (403); no token needed."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if is_cross_origin(request):
            logger.warning("Forbidden (%s): %s", REASON, request.path)
            return get_callable(settings.CSRF_FAILURE_VIEW)(request, reason=REASON)
        return view(request, *args, **kwargs)

    return checked
