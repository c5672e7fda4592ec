"""Faults handled in the process: Redis unreachable or flushed, request errors, the health check."""

import io
import logging
import time

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from core import pages
from core.testing.servers import use_redis
from tests.factories import make_article, make_product
from tests.html import badge

LIVE_REDIS = "redis://127.0.0.1:6379/15"  # a database of its own, flushed by these tests
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def live_redis(settings):
    server = redis.Redis.from_url(LIVE_REDIS)
    server.flushdb()
    use_redis(settings, LIVE_REDIS)
    yield server
    server.flushdb()


@pytest.fixture
def dead_redis(settings):
    use_redis(settings, DEAD_REDIS)


@pytest.fixture
def product(db):
    article = make_article()
    product = make_product(name="Magnesium test capsules")
    article.products.add(product, through_defaults={"order": 1})
    return product


def cart_count(client) -> int:
    return client.get(reverse("cart:detail")).context["cart"].count


def test_with_redis_unreachable_every_page_renders_and_every_cart_action_works(client, dead_redis, product, caplog):
    article = product.articles.get()
    for url in [reverse("home"), article.get_absolute_url(), product.get_absolute_url(), reverse("shop:list")]:
        assert client.get(url).status_code == 200, url

    assert client.post(reverse("cart:add"), {"product": product.pk, "quantity": 2}).status_code == 302
    assert cart_count(client) == 2
    assert client.post(reverse("cart:update"), {"product": product.pk, "quantity": 3}).status_code == 302
    assert cart_count(client) == 3
    htmx = client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert cart_count(client) == 4
    assert client.get(reverse("cart:mini")).status_code == 200
    assert client.get(reverse("orders:checkout")).status_code == 200
    assert client.post(reverse("cart:remove"), {"product": product.pk}).status_code == 302
    assert cart_count(client) == 0
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    assert client.post(reverse("cart:clear")).status_code == 302
    assert cart_count(client) == 0

    records = caplog.get_records("setup") + caplog.records
    warnings = [r for r in records if r.name == "core.cache" and r.levelno == logging.WARNING]
    assert warnings and "Cache unavailable, carrying on without it: ConnectionError" in warnings[0].getMessage()


def test_with_redis_unreachable_a_page_asks_it_once_and_logs_one_line(client, dead_redis, product, caplog):
    article = product.articles.get()
    caches["default"].unavailable_until = 0.0  # as if the last failure were long ago
    assert client.get(article.get_absolute_url()).status_code == 200
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1  # then the cache is skipped for a moment, not asked again on every call


def test_a_cart_survives_a_redis_flush(client, live_redis, product):
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 2})
    assert live_redis.dbsize() > 0  # the session is cached in Redis ...
    live_redis.flushdb()
    assert cart_count(client) == 2  # ... and kept in the database


def test_health_check_answers_ok_when_database_and_cache_answer(client, live_redis, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_names_the_cache_when_redis_is_unreachable(client, dead_redis, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["cache"]}


@pytest.fixture
def request_log():
    """What the django.request logger writes, through the formatter the settings configure."""
    logger = logging.getLogger("django.request")
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logger.handlers[0].formatter)
    logger.addHandler(handler)
    yield handler.stream
    logger.removeHandler(handler)


@pytest.mark.urls("tests.production.error_urls")
def test_a_request_error_is_one_log_line_with_its_traceback_and_nothing_sensitive(client, db, request_log):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "s3ss10n-value-that-must-not-be-logged"
    secret_fields = {"email": "visitor@example.com", "password": "hunter2-secret", "card": "4111 1111 1111 1111"}

    response = client.post("/broken/", secret_fields)

    assert response.status_code == 500
    assert b"Traceback" not in response.content
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    assert "ERROR django.request Internal Server Error: /broken/" in lines[0]
    assert "Traceback (most recent call last)" in lines[0] and "RuntimeError: the view failed with 3 fields" in lines[0]
    for secret in [*secret_fields.values(), "s3ss10n-value"]:
        assert secret not in lines[0]


@pytest.mark.urls("tests.production.error_urls")
def test_a_database_outage_shows_the_plain_503_page(client, db):
    client.raise_request_exception = False
    response = client.get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"We'll be back in a moment" in response.content
    assert b"5432" not in response.content and b"Traceback" not in response.content


@pytest.mark.urls("tests.production.error_urls")
def test_a_failing_query_is_a_500_not_an_outage(client, db):
    client.raise_request_exception = False
    response = client.get("/bad-query/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/orders/AB%00C-DEFG/", {}),
        ("post", "/checkout/", {"token": "a\x00b"}),
        ("get", "/admin/orders/order/", {"status": "\x00"}),
        ("get", "/admin/orders/order/", {"q": "x\x00"}),
        ("get", "/shop/", {"page\x00": "1"}),
    ],
)
def test_a_nul_character_anywhere_in_a_request_is_a_400(admin_client, method, url, data):
    response = getattr(admin_client, method)(url, data)
    assert (response.status_code, response.content) == (400, b"Bad request: a NUL character is not allowed.")


def test_the_first_cache_call_after_a_lost_write_starts_a_new_generation(live_redis, db):
    before = pages.generation()
    caches["default"].unavailable_until = time.monotonic() + 60
    caches["default"].set("cart:version:some-cart", "new")  # lost: Redis is away
    caches["default"].unavailable_until = 0.0
    caches["default"].get("anything")  # any call, in any request, once Redis answers
    assert pages.generation() not in {None, before}  # so every process drops what that write would have


def test_a_cart_change_made_while_redis_was_away_shows_once_it_is_back(client, live_redis, product, settings):
    settings.PAGE_GENERATION_CHECK_SECONDS = 0  # look at the generation on every request
    guide = product.articles.get().get_absolute_url()
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 2})
    client.get(reverse("cart:detail"))  # the "added" message is shown here
    Client().get(guide)
    kept = client.get(guide)
    assert (kept["X-Page-Cache"], badge(kept)) == ("hit, own mini cart", "2 items in")

    caches["default"].unavailable_until = time.monotonic() + 60  # Redis away: the cart's new version is lost
    htmx = client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    caches["default"].unavailable_until = 0.0  # back

    Client().get(guide)  # a new generation: the lost write may have been an invalidation
    response = client.get(guide)
    assert (response["X-Page-Cache"], badge(response)) == ("hit, own mini cart", "3 items in")
