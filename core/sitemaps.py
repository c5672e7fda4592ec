"""The sitemap: an index at /sitemap.xml naming one section a kind of page (each in pages of
Sitemap.limit addresses), every address on the site's own address (core/canonical.py) whatever
host the request came in on. The sections are listed in fatigue_site/urls.py."""

import datetime
from typing import Any, cast
from urllib.parse import urlsplit

from django.contrib import sitemaps
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from core.canonical import absolute_url, site_url


class Sitemap(sitemaps.Sitemap):
    """A section of the sitemap, on the site's address rather than the request's (Django's default)."""

    limit = 5000  # well under the protocol's 50,000 a file, so a page stays quick to render

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(site_url()).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(site_url()).netloc


class UpdatedSitemap(Sitemap):
    """A section of rows that carry `updated_at`: each row's last change, and the section's latest."""

    def lastmod(self, item) -> datetime.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        return cast(QuerySet, self.items()).aggregate(latest=Max("updated_at"))["latest"]


class StaticSitemap(Sitemap):
    """The lists: home, the guides, the shop."""

    def items(self) -> list[str]:
        return ["home", "articles:list", "shop:list"]

    def location(self, item: str) -> str:
        return reverse(item)


@x_robots_tag
def index(request: HttpRequest, sitemaps: dict[str, Any]) -> TemplateResponse:
    """Each section's pages, with the section's latest change where it has one. Django's own index
    view takes the host from the request; the sections' pages are Django's view (section_page below)."""
    entries = []
    for name, section_class in sitemaps.items():
        section = section_class()
        location = absolute_url(reverse("sitemap-section", kwargs={"section": name}))
        lastmod = section.get_latest_lastmod()
        entries.append({"location": location, "last_mod": lastmod})
        entries += [
            {"location": f"{location}?p={page}", "last_mod": lastmod} for page in section.paginator.page_range[1:]
        ]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def section_page(request: HttpRequest, sitemaps: dict[str, Any], section: str) -> TemplateResponse:
    """One section's page (`?p=N`): Django's view, wrapped so that urls.py can share this one."""
    return django_sitemap(request, sitemaps, section=section)
