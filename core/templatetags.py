"""The project's template filters ({% load site %}; TEMPLATES' "libraries" in settings.py)."""

from django import template
from django.utils.safestring import SafeString

from core import structured_data
from core.canonical import absolute_url

register = template.Library()


@register.filter
def absolute(url: str) -> str:
    """`url` on the site's address: social tags need absolute addresses."""
    return absolute_url(url)


@register.filter
def json_ld(data) -> SafeString:
    """A page's structured data (a node or a list of them, or a callable returning one, which the template
    calls) as a <script type="application/ld+json"> element; nothing for none."""
    return structured_data.script(data)


@register.filter
def breadcrumb_list(crumbs) -> dict:
    """The page's breadcrumbs (the `breadcrumbs` context of includes/breadcrumbs.html) as a BreadcrumbList."""
    return structured_data.breadcrumb_list(crumbs)
