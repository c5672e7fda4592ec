from django.conf import settings

from core.canonical import canonical_url

SITE_DESCRIPTION = "Plain-language health guides and everyday recovery basics."


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_description": SITE_DESCRIPTION,
        "canonical_url": canonical_url(request),
    }
