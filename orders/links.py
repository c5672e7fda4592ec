"""Signed links to an order's page, for the emails: whoever has the link sees the order, until it expires.

The link carries the order number, signed with SECRET_KEY (salted for this use) and the time it was
made; it is good for ORDER_LINK_MAX_AGE_DAYS days. Nothing is stored, so a link cannot be revoked
before then, except by changing SECRET_KEY (which also ends every session).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks, signing
from django.urls import reverse

from core.canonical import site_url
from orders.models import Order

SALT = "orders.links.order-page"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def token(order: Order) -> str:
    return signing.TimestampSigner(salt=SALT).sign(order.number)


def number_for(value: str) -> str:
    """The order number a token was made for; LinkExpired or LinkInvalid if it cannot be trusted."""
    max_age = timedelta(days=settings.ORDER_LINK_MAX_AGE_DAYS)
    try:
        return signing.TimestampSigner(salt=SALT).unsign(value, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error


def order_url(order: Order) -> str:
    """The full address of the order's signed link."""
    return site_url() + reverse("orders:link", kwargs={"token": token(order)})


def check_links_can_be_built(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A deploy check (registered in OrdersConfig.ready()): the emails' links need the site's host name,
    from SITE_URL, SITE_HOST or a plain ALLOWED_HOSTS entry, or they would read https:///orders/..."""
    if urlsplit(site_url()).hostname:
        return []
    message = f"Links in emails cannot be built: the site's address, {site_url()!r}, names no host."
    hint = (
        "Set SITE_URL (e.g. https://shop.example) or SITE_HOST, or name the host in ALLOWED_HOSTS: "
        "* and .example.com patterns name none."
    )
    return [checks.Error(message, hint=hint, id="orders.E001")]
