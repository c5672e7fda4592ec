"""Checkout limits: how many orders one session, email address or client address may place in an hour."""

from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from cart.cart import Cart
from catalogue.models import Product
from orders.models import Order
from tests.factories import CUSTOMER, checkout_fields, make_product

pytestmark = pytest.mark.django_db

REFUSED = "We take only a few orders at a time from one browser, network or email address"


@pytest.fixture
def product(payment_methods):
    return make_product(name="Magnesium", price=Decimal("18.50"), stock=100)


@pytest.fixture
def limits(settings):
    """Generous limits, lowered one at a time by each test."""
    settings.ORDER_LIMIT_WINDOW_SECONDS = 3600
    settings.ORDER_LIMIT_PER_SESSION = settings.ORDER_LIMIT_PER_EMAIL = settings.ORDER_LIMIT_PER_ADDRESS = 100
    return settings


def ready_to_order(product: Product, client: Client | None = None, **details) -> tuple[Client, dict]:
    """`client` (a new visitor by default) with `product` in their cart, and the checkout form they would send."""
    client = client or Client()
    assert client.post("/cart/add/", {"product": product.pk, "quantity": 1}).status_code == 302
    return client, CUSTOMER | checkout_fields(client.get("/checkout/")) | details


def test_a_session_over_its_limit_is_refused_politely_with_its_typing_and_cart_kept(product, limits):
    limits.ORDER_LIMIT_PER_SESSION = 1
    client, form = ready_to_order(product)
    assert client.post("/checkout/", form).status_code == 302
    client, form = ready_to_order(product, client, address="2 Other Street")

    response = client.post("/checkout/", form)

    assertContains(response, REFUSED, status_code=429)
    assert 0 < int(response["Retry-After"]) <= 3600
    assertContains(response, 'value="2 Other Street"', status_code=429)
    assertContains(response, 'value="Sam Placeholder"', status_code=429)
    assert Cart(client.session).count == 1
    assert Order.objects.count() == 1
    assert Product.objects.get().stock == 99


def test_the_session_limit_survives_the_new_session_key_each_order_brings(product, limits):
    limits.ORDER_LIMIT_PER_SESSION = 2
    client = Client()
    for _ in range(2):
        client, form = ready_to_order(product, client)
        assert client.post("/checkout/", form).status_code == 302
    client, form = ready_to_order(product, client)
    assert client.post("/checkout/", form).status_code == 429
    assert Order.objects.count() == 2


def test_one_email_address_is_limited_across_sessions_whatever_its_case_tag_or_dots(product, limits):
    limits.ORDER_LIMIT_PER_EMAIL = 1
    first, form = ready_to_order(product, email="victim@example.com")
    assert first.post("/checkout/", form).status_code == 302

    second, form = ready_to_order(product, email="V.ictim+shop@Example.COM")
    assertContains(second.post("/checkout/", form), REFUSED, status_code=429)
    third, form = ready_to_order(product, email="someone.else@example.com")
    assert third.post("/checkout/", form).status_code == 302
    assert sorted(Order.objects.values_list("email", flat=True)) == ["someone.else@example.com", "victim@example.com"]


def test_one_client_address_is_limited_across_sessions_and_emails(product, limits):
    limits.ORDER_LIMIT_PER_ADDRESS = 1
    first, form = ready_to_order(product, email="one@example.com")
    assert first.post("/checkout/", form, REMOTE_ADDR="203.0.113.5").status_code == 302

    second, form = ready_to_order(product, email="two@example.com")
    assert second.post("/checkout/", form, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert second.post("/checkout/", form, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert Order.objects.count() == 2


def test_an_ipv6_client_is_limited_by_its_whole_64_network(product, limits):
    limits.ORDER_LIMIT_PER_ADDRESS = 1
    first, form = ready_to_order(product, email="one@example.com")
    assert first.post("/checkout/", form, REMOTE_ADDR="2001:db8:1:2::1").status_code == 302

    second, form = ready_to_order(product, email="two@example.com")
    assert second.post("/checkout/", form, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert second.post("/checkout/", form, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_ipv4_clients_seen_through_an_ipv6_socket_are_told_apart(product, limits):
    limits.ORDER_LIMIT_PER_ADDRESS = 1
    first, form = ready_to_order(product, email="one@example.com")
    assert first.post("/checkout/", form, REMOTE_ADDR="::ffff:203.0.113.5").status_code == 302

    second, form = ready_to_order(product, email="two@example.com")
    assert second.post("/checkout/", form, REMOTE_ADDR="203.0.113.5").status_code == 429  # the same client
    assert second.post("/checkout/", form, REMOTE_ADDR="::ffff:198.51.100.7").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_what_the_client_claims(product, limits):
    limits.TRUSTED_PROXIES = 1
    limits.ORDER_LIMIT_PER_ADDRESS = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes from the load balancer

    first, form = ready_to_order(product, email="one@example.com")
    assert first.post("/checkout/", form, HTTP_X_FORWARDED_FOR="203.0.113.5", **balancer).status_code == 302
    other, form = ready_to_order(product, email="two@example.com")
    assert other.post("/checkout/", form, HTTP_X_FORWARDED_FOR="198.51.100.7", **balancer).status_code == 302

    # The first client again, claiming another address in front of the one the balancer appended.
    again, form = ready_to_order(product, email="three@example.com")
    forged = "192.0.2.99, 203.0.113.5"
    assertContains(again.post("/checkout/", form, HTTP_X_FORWARDED_FOR=forged, **balancer), REFUSED, status_code=429)
    assert Order.objects.count() == 2


def test_refused_orders_do_not_count_against_the_limit(product, limits):
    limits.ORDER_LIMIT_PER_SESSION = 1
    client, form = ready_to_order(product)
    Product.objects.filter(pk=product.pk).update(price=Decimal("19.00"))
    assert client.post("/checkout/", form).status_code == 409  # the price changed: nothing placed
    assert client.post("/checkout/", form | {"expected_total": "0.01"}).status_code == 400
    form = form | {"expected_total": str(client.get("/checkout/").context["form"].initial["expected_total"])}
    assert client.post("/checkout/", form).status_code == 302
    assert Order.objects.count() == 1


def test_a_double_submit_of_a_placed_order_is_not_counted_again(product, limits):
    limits.ORDER_LIMIT_PER_SESSION = 1
    client, form = ready_to_order(product)
    first = client.post("/checkout/", form)
    assert client.post("/checkout/", form)["Location"] == first["Location"]


def test_a_limit_of_zero_is_no_limit(product, limits):
    limits.ORDER_LIMIT_PER_SESSION = 0
    client = Client()
    for _ in range(3):
        client, form = ready_to_order(product, client)
        assert client.post("/checkout/", form).status_code == 302


def test_the_limits_default_to_three_orders_an_hour_per_session_and_email_and_ten_per_address(settings):
    assert settings.ORDER_LIMIT_WINDOW_SECONDS == 3600
    assert (settings.ORDER_LIMIT_PER_SESSION, settings.ORDER_LIMIT_PER_EMAIL) == (3, 3)
    assert settings.ORDER_LIMIT_PER_ADDRESS == 10


def test_with_the_cache_unreachable_checkout_goes_on_without_limits(product, limits, caplog):
    limits.ORDER_LIMIT_PER_SESSION = 1
    limits.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    client = Client()
    for _ in range(2):
        client, form = ready_to_order(product, client)
        assert client.post("/checkout/", form).status_code == 302
    assert Order.objects.count() == 2
    assert "Checkout limits not applied: the cache is unavailable" in caplog.text
