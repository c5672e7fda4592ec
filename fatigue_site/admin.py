"""The admin site: Django's, with the site's name, a filter value out of range refused politely, and the
inline styles its pages need allowed on them alone."""

from functools import update_wrapper

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

# The admin's pages (a list, django-simple-history's history list) set a few style attributes; the site's
# own pages set none, and their policy allows none. The login page is no admin_view and keeps that policy.
ADMIN_CSP = settings.SECURE_CSP | {"style-src": [*settings.SECURE_CSP["style-src"], CSP.UNSAFE_INLINE]}


REVIEW_PERIOD_DAYS = settings.REVIEW_PERIOD_DAYS


class AdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} admin"
    site_title = site_header
    index_template = "admin/site_index.html"

    def index(self, request, extra_context=None):
        """The admin's index, telling editors how many guides are due for their medical review."""
        if request.user.has_perm("articles.view_article"):
            # By name: this module is imported as the admin app is configured, before any model.
            articles = apps.get_model("articles", "Article").objects
            due = {"reviews_due": articles.review_due().count(), "review_period_days": REVIEW_PERIOD_DAYS}
            extra_context = due | (extra_context or {})
        return super().index(request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Django's admin view, under ADMIN_CSP; a list answers 400 where a filter value in the address is
        out of range.

        Django turns most bad filter values into its "?e=1" list, but not a number too large for a
        date or an integer: a year of 99999999 fails only when the query runs (ValueError), a longer
        one, or the last day of year 9999 in the date hierarchy, as an OverflowError."""
        inner = super().admin_view(view, cacheable)
        if getattr(view, "__name__", "") != "changelist_view":
            return csp_override(ADMIN_CSP)(inner)

        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except (OverflowError, ValueError):
                if request.method != "GET":
                    raise
                message = "A filter value in the address is out of range: go back to the list and choose one there."
                return HttpResponse(message, status=400, content_type="text/plain")

        return csp_override(ADMIN_CSP)(update_wrapper(guarded, inner))


class AdminConfig(DjangoAdminConfig):
    default_site = "fatigue_site.admin.AdminSite"
