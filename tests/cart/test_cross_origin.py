"""The cart's forms carry no CSRF token (they sit on cached pages): the browser's Sec-Fetch-Site and
Origin headers tell a forged cross-site POST from the visitor's own, and the forged one gets 403."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from cart.cart import Cart
from tests.factories import make_article, make_product

ACTIONS = ["/cart/add/", "/cart/update/", "/cart/remove/", "/cart/clear/", "/cart/undo/"]
FORGED = {
    "Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    "Sec-Fetch-Site same-site": {"Sec-Fetch-Site": "same-site", "Origin": "https://shop.testserver"},
    "Origin only (no Fetch Metadata)": {"Origin": "https://evil.example"},
    "Origin null": {"Origin": "null"},
    "other scheme": {"Origin": "https://testserver"},
}
OWN = {
    "Sec-Fetch-Site same-origin": {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    "Sec-Fetch-Site none (typed)": {"Sec-Fetch-Site": "none"},
    "Origin only, ours": {"Origin": "http://testserver"},
    "neither header (not a browser)": {},
}


@pytest.fixture
def product(db):
    return make_product(stock=10)


@pytest.fixture
def article_with_product(product):
    article = make_article()
    article.product_links.create(product=product)
    return article


@pytest.fixture
def cart_holder(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", ACTIONS)
@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_forged_cross_site_post_is_403_and_changes_nothing(cart_holder, product, url, headers):
    response = cart_holder.post(url, {"product": product.pk, "quantity": 5}, headers=headers)
    assert response.status_code == 403
    assertContains(response, "This form could not be sent", status_code=403)
    assert [(line.product, line.quantity) for line in Cart(cart_holder.session).lines] == [(product, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", OWN.values(), ids=OWN.keys())
def test_own_post_needs_no_token(product, headers):
    client = Client(enforce_csrf_checks=True)  # Django's token check is on, and no token is sent
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=headers)
    assert response.status_code == 302
    assert Cart(client.session).count == 1


@pytest.mark.django_db
def test_a_trusted_origin_may_post(client, product, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://shop.example"]
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://shop.example"}
    assert client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=headers).status_code == 302


@pytest.mark.django_db
def test_cart_pages_carry_no_csrf_token_or_cookie(client, product, article_with_product):
    for url in ["/", "/shop/", product.get_absolute_url(), article_with_product.get_absolute_url(), "/cart/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert b"csrfmiddlewaretoken" not in response.content, url
        assert "csrftoken" not in response.cookies, url
