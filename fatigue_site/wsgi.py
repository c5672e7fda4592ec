"""The WSGI application that the web server (gunicorn) runs."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fatigue_site.settings")

application = get_wsgi_application()

if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")
