"""Two requests of one session at once (a double click, two tabs) must both count. Proven on PostgreSQL."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client

from cart.cart import Cart
from tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: runs on PostgreSQL (DATABASE_URL), as CI does")


def add_concurrently(session_key: str, product_id: int, *, threads: int, adds_each: int) -> list[int]:
    barrier = threading.Barrier(threads)
    statuses: list[int] = []

    def worker():
        try:
            client = Client()
            client.cookies["sessionid"] = session_key
            barrier.wait()
            for _ in range(adds_each):
                statuses.append(client.post("/cart/add/", {"product": product_id, "quantity": 1}).status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return statuses


def new_session() -> SessionStore:
    session = SessionStore()
    session.save()
    return session


def test_simultaneous_adds_in_one_session_all_count():
    product = make_product(stock=100)
    session = new_session()
    statuses = add_concurrently(session.session_key, product.pk, threads=2, adds_each=10)
    assert statuses == [302] * 20
    assert Cart(SessionStore(session.session_key)).quantity_of(product) == 20


def test_simultaneous_adds_never_pass_the_stock():
    product = make_product(stock=7)
    session = new_session()
    statuses = add_concurrently(session.session_key, product.pk, threads=2, adds_each=6)
    assert sorted(statuses) == [302] * 7 + [400] * 5
    assert Cart(SessionStore(session.session_key)).quantity_of(product) == 7
