"""The project's template filters ({% load site %}; TEMPLATES' "libraries" in settings.py)."""

from django import template

from fatigue_site.canonical import absolute_url

register = template.Library()


@register.filter
def absolute(url: str) -> str:
    """`url` on the site's address: social tags need absolute addresses."""
    return absolute_url(url)
