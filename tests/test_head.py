"""HEAD, which load balancers and link checkers use, answers as GET does, without a body."""

import pytest

from tests.factories import make_article, make_product, place_order_through_checkout

pytestmark = pytest.mark.django_db


def test_every_page_answers_head_as_it_answers_get(client, db):
    article, product = make_article(), make_product()
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    urls = ["/healthz", "/", "/guides/", "/shop/", "/cart/", "/cart/mini/", "/checkout/", article.get_absolute_url()]
    urls += [product.get_absolute_url(), article.category.get_absolute_url()]
    order = place_order_through_checkout(client)
    urls.append(f"/orders/{order.number}/")

    heads = {url: client.head(url) for url in urls}
    answers = {url: (response.status_code, response.content) for url, response in heads.items()}

    assert answers == {url: (client.get(url).status_code, b"") for url in urls}
    assert {status for status, _ in answers.values()} == {200, 302}  # /checkout/ with the cart now empty
