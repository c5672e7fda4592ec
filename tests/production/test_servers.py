"""The site served by gunicorn on the production settings, in other processes, facing real faults."""

import time
from decimal import Decimal

import pytest

from cart.models import CartLine
from core.testing.servers import Visitor, use_redis
from tests.factories import make_article, make_product
from tests.production.conftest import SERVER_REDIS

pytestmark = pytest.mark.slow


@pytest.fixture
def product(postgres):
    return make_product(name="Magnesium test capsules", stock=100)


def test_two_app_servers_serve_one_visitors_cart_interchangeably(start_server, product):
    first, second = start_server(), start_server()
    visitor = Visitor()
    visitor.get(f"{first.url}{product.get_absolute_url()}")

    assert visitor.post(f"{first.url}/cart/add/", {"product": product.pk, "quantity": 2}).status_code == 302
    on_second = visitor.get(f"{second.url}/cart/").text
    assert "Magnesium test capsules" in on_second

    assert visitor.post(f"{second.url}/cart/update/", {"product": product.pk, "quantity": 5}).status_code == 302
    assert visitor.post(f"{first.url}/cart/add/", {"product": product.pk, "quantity": 1}).status_code == 302
    assert [line.quantity for line in CartLine.objects.all()] == [6]
    assert "No products in the cart." not in visitor.get(f"{second.url}/cart/").text

    assert visitor.post(f"{second.url}/cart/clear/", {}).status_code == 302
    assert "No products in the cart." in visitor.get(f"{first.url}/cart/").text
    assert not CartLine.objects.exists()


def test_database_outage_is_a_quick_plain_503_and_the_site_recovers_by_itself(start_server, postgres, product):
    server = start_server()
    visitor = Visitor()
    page = f"{server.url}{product.get_absolute_url()}"
    assert visitor.get(page).status_code == 200
    assert visitor.post(f"{server.url}/cart/add/", {"product": product.pk, "quantity": 1}).status_code == 302

    postgres.stop()
    started = time.monotonic()
    down = visitor.get(page)
    waited = time.monotonic() - started
    assert down.status_code == 503
    assert "back in a moment" in down.text
    assert "Traceback" not in down.text and "5432" not in down.text
    assert down.headers["X-Frame-Options"] == "DENY" and "script-src 'self'" in down.headers["Content-Security-Policy"]
    assert waited < 5
    assert visitor.get(f"{server.url}/static/css/site.css").status_code == 200  # the 503 page's styles
    health = visitor.get(f"{server.url}/healthz")
    assert (health.status_code, health.json()["failed"]) == (503, ["database"])

    postgres.start()
    assert visitor.get(page).status_code == 200
    assert visitor.get(f"{server.url}/healthz").status_code == 200
    assert "Magnesium test capsules" in visitor.get(f"{server.url}/cart/").text  # the cart was kept

    log = server.log.read_text().splitlines()
    path = product.get_absolute_url()
    [page_error] = [line for line in log if f" ERROR django.request Service Unavailable: {path}\\n" in line]
    assert "Traceback (most recent call last)" in page_error and "OperationalError" in page_error
    assert not any(visitor.session_key in line for line in log)


def test_a_price_change_reaches_every_server_at_once(start_server, server_redis, product, settings):
    """Each server keeps its own copy of the page cache's generation for 50 ms at most."""
    article = make_article()
    article.product_links.create(product=product)
    first, second = start_server(), start_server()
    visitor = Visitor()  # no cookies: the shared, cached page
    for server in (first, second):
        visitor.get(f"{server.url}{article.get_absolute_url()}")
        page = visitor.get(f"{server.url}{article.get_absolute_url()}")
        assert page.headers["X-Page-Cache"] == "hit" and "$10.00" in page.text

    use_redis(settings, SERVER_REDIS)
    product.price = Decimal("12.00")
    product.save()  # a staff edit in another process, sharing the servers' Redis

    deadline = time.monotonic() + 1
    for server in (first, second):
        while "$12.00" not in (page := visitor.get(f"{server.url}{article.get_absolute_url()}")).text:
            assert time.monotonic() < deadline, "the new price did not reach a server within a second"
        assert "$10.00" not in page.text
