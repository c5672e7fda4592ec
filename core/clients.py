"""Who is asking: the client's address, as far as the proxies in front of the site can be trusted.

Behind a load balancer every request comes from the balancer's address; the visitor's own is the
one the balancer appended to X-Forwarded-For. Only the entries added by our own proxies can be
believed (a client may send any X-Forwarded-For it likes), so with TRUSTED_PROXIES=N the address
is the Nth entry from the right; with 0 (the default, no proxy) it is REMOTE_ADDR and the header is
ignored. Login lockouts (django-axes) and the rate limits (core/ratelimits.py) key on this.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when it is not known (what the trusted proxies say is not an
    address, or a request made in code, like the test client's force_login)."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        # Fewer entries than proxies: the request did not come through all of them.
        address = forwarded[-settings.TRUSTED_PROXIES] if len(forwarded) >= settings.TRUSTED_PROXIES else ""
    try:
        ip = ip_address(address)
    except ValueError:
        return None
    # A server listening on IPv6 sees an IPv4 client as ::ffff:a.b.c.d: the client is the IPv4 address.
    return str(getattr(ip, "ipv4_mapped", None) or ip)
