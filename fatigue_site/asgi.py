"""The ASGI application, for an ASGI server."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fatigue_site.settings")

application = get_asgi_application()

if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
