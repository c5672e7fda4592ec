"""The admin site: Django's, with the site's name, and a filter value out of range refused politely."""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpResponse


class AdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} admin"
    site_title = site_header

    def admin_view(self, view, cacheable=False):
        """Django's admin view, answering 400 where a number in the address is too large for a date or
        an integer (the changelist's date filters raise OverflowError, e.g. ?created_at__year=99999999)."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except OverflowError:
                message = "A value in the address is out of range: go back to the list and choose a filter there."
                return HttpResponse(message, status=400, content_type="text/plain")

        return update_wrapper(guarded, inner)


class AdminConfig(DjangoAdminConfig):
    default_site = "fatigue_site.admin.AdminSite"
