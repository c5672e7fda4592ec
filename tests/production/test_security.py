"""Security headers, size limits and the deployment check, on the production settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_article, make_product
from tests.html import find_all, parse


def production_environment(**overrides: str) -> dict[str, str]:
    """The environment a deployment sets (see the README's Deploy section)."""
    return (
        {"PATH": os.environ["PATH"]}
        | {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "shop.example",
            "DATABASE_URL": "postgres://shop@db.internal:5432/shop",
            "REDIS_URL": "redis://cache.internal:6379/0",
        }
        | overrides
    )


@pytest.mark.thorough  # starts Python anew
def test_check_deploy_has_no_warnings_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.thorough  # starts Python anew
def test_check_deploy_warns_when_https_is_switched_off():
    """The check above can fail: served without HTTPS, cookies and HSTS are not secured."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(HTTPS="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W010" in result.stderr  # SESSION_COOKIE_SECURE (with the sessions app installed)


@pytest.fixture
def pages(db):
    article = make_article()
    product = make_product()
    return [
        reverse("home"),
        article.get_absolute_url(),
        product.get_absolute_url(),
        reverse("shop:list"),
        reverse("cart:detail"),
        reverse("admin:login"),
        "/no-such-page/",
    ]


PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(),"
    " fullscreen=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(),"
    " payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)


def csp_of(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def assert_security_headers(response, label) -> None:
    csp = csp_of(response)
    assert csp["script-src"] == "'self'", label
    assert "unsafe" not in csp["script-src"] and "unsafe" not in csp["default-src"], label
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
    assert response["X-Frame-Options"] == "DENY", label
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY, label


def test_every_page_carries_the_security_headers(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert_security_headers(response, url)


def test_cached_pages_and_error_and_checkout_pages_carry_the_security_headers(client, pages):
    assert client.get(pages[1], headers={"Accept-Encoding": "gzip"})["X-Page-Cache"] == "miss"
    hit = client.get(pages[1], headers={"Accept-Encoding": "gzip"})
    assert (hit["X-Page-Cache"], hit["Content-Encoding"]) == ("hit", "gzip")
    assert_security_headers(hit, "a page from the cache")
    assert csp_of(hit)["style-src"] == "'self'"

    product = make_product(name="Header test product")
    forged = client.post(
        reverse("cart:add"), {"product": product.pk, "quantity": 1}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert forged.status_code == 403
    assert_security_headers(forged, "the cross-origin refusal")

    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1}, headers={"Sec-Fetch-Site": "same-origin"})
    checkout = client.get(reverse("orders:checkout"))
    assert checkout.status_code == 200 and b"Header test product" in checkout.content
    assert_security_headers(checkout, "the checkout")


@pytest.mark.urls("tests.production.error_urls")
def test_the_server_error_page_carries_the_security_headers(client, db):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert_security_headers(response, "the 500 page")
    assert csp_of(response)["style-src"] == "'self'"


def test_site_pages_allow_no_inline_style(client, pages):
    """Only the admin's pages set style attributes: the site's policy allows none (its pages use none)."""
    for url in [*pages[:5], pages[6], reverse("orders:checkout"), reverse("admin:login")]:
        assert csp_of(client.get(url))["style-src"] == "'self'", url


def test_admin_pages_allow_inline_style(admin_client, pages):
    article = make_article()
    for url in [
        reverse("admin:index"),
        reverse("admin:catalogue_product_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),  # django-simple-history sets a style attribute
        # The project's 400 for a bad filter:
        reverse("admin:catalogue_product_changelist") + "?created_at__year=99999999",
    ]:
        response = admin_client.get(url)
        assert response.status_code in {200, 400}, url
        assert csp_of(response)["style-src"] == "'self' 'unsafe-inline'", url
        assert_security_headers(response, url)


def test_pages_have_no_inline_scripts_or_event_handlers(client, pages):
    """The policy forbids inline script, so none may be needed: every script is a file of the site's own,
    but for JSON-LD, a data block that is never run (tests/browser/test_guides.py shows the policy allows it)."""
    for url in pages[:5]:
        document = parse(client.get(url).content)
        scripts = [s for s in find_all(document, "script") if dict(s.attributes).get("type") != "application/ld+json"]
        assert scripts, url
        for script in scripts:
            assert dict(script.attributes)["src"].startswith("/static/"), url
            assert not script.children, url
        for element in _elements(document):
            handlers = [name for name, _ in element.attributes if name.startswith("on")]
            assert not handlers, (url, element.name, handlers)


def _elements(node):
    for child in node.children:
        if not isinstance(child, str):
            yield child
            yield from _elements(child)


@pytest.fixture
def over_https(settings):
    """The settings a deployment has with HTTPS=1 (the default with DEBUG off)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True


def test_over_https_responses_carry_hsts_and_cookies_are_secure(client, over_https, db):
    product = make_product()
    response = client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1}, secure=True)
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    page = client.get(reverse("orders:checkout"), secure=True)  # the cart forms carry no token; checkout does
    assert page.cookies["csrftoken"]["secure"]


def test_over_https_plain_http_is_redirected_but_the_health_check_is_not(client, over_https, db):
    response = client.get(reverse("home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get(reverse("healthz")).status_code == 200


def test_an_oversized_form_gets_400_and_changes_nothing(client, db, cart, settings):
    product = make_product()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1, "padding": "x" * 2048})
    assert response.status_code == 400
    assert cart.count == 0


def test_a_form_with_too_many_fields_gets_400(client, db, cart):
    product = make_product()
    fields = {f"field{n}": "x" for n in range(500)} | {"product": product.pk, "quantity": 1}
    assert client.post(reverse("cart:add"), fields).status_code == 400
    assert cart.count == 0


def test_a_request_larger_than_the_limit_gets_413_before_it_is_read(client, db, settings):
    settings.MAX_REQUEST_BYTES = 4096
    response = client.post(reverse("cart:add"), data=b"x" * 5000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert b"Request too large" in response.content
    assert response["Content-Security-Policy"]


def test_a_bad_content_length_gets_400(client, db):
    response = client.generic("POST", reverse("cart:add"), b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400
