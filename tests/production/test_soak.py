"""Kill the app server in the middle of a stream of cart and checkout requests: no cart line and no order
is lost or doubled. `make soak` runs this longer (SOAK_SECONDS) and prints what it checked."""

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from cart.models import CartLine
from catalogue.models import Product
from core.testing.servers import Visitor
from orders.models import Order, OrderLine
from tests.factories import CUSTOMER, make_bank_transfer, make_product

pytestmark = pytest.mark.slow

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "10"))
VISITORS = 4
KILLS = 2
INITIAL_STOCK = 10_000


@dataclass
class Ledger:
    """What one visitor was told. An add whose answer was lost in a kill may or may not have happened
    ('unsure'); a checkout is repeated with the same token until it gets an answer."""

    acked: Counter = field(default_factory=Counter)
    unsure: Counter = field(default_factory=Counter)
    orders: list[tuple[str, Counter, Counter]] = field(default_factory=list)
    requests: int = 0
    lost_answers: int = 0
    unsure_adds: int = 0
    retried_checkouts: int = 0
    refused: list[str] = field(default_factory=list)


def shop(visitor: Visitor, url: str, products: list[Product], deadline: float, ledger: Ledger, seed: int) -> None:
    chance = random.Random(seed)

    def send(method, path, data=None):
        """(response, None) or (None, 'refused') when nothing reached the server, (None, 'lost') otherwise."""
        ledger.requests += 1
        try:
            return (visitor.get(url + path) if method == "GET" else visitor.post(url + path, data)), None
        except httpx.ConnectError:
            time.sleep(0.05)  # the server is restarting; try again shortly
            return None, "refused"
        except httpx.TransportError:
            ledger.lost_answers += 1
            return None, "lost"

    while send("GET", products[0].get_absolute_url())[0] is None:  # sets the CSRF cookie
        pass
    while time.monotonic() < deadline:
        if sum(ledger.acked.values()) >= 3 and chance.random() < 0.3:
            fields = None
            while fields is None and time.monotonic() < deadline + 10:
                try:
                    fields = visitor.checkout_fields(url)
                except (httpx.TransportError, AssertionError):
                    time.sleep(0.05)
            form = CUSTOMER | fields
            while True:  # the same token until an answer comes: a retry must not place a second order
                response, failure = send("POST", "/checkout/", form)
                if response is not None:
                    break
                ledger.retried_checkouts += failure == "lost"
            if response.status_code == 302 and response.headers["location"].startswith("/orders/"):
                number = response.headers["location"].split("/")[2]
                ledger.orders.append((number, ledger.acked, ledger.unsure))
                ledger.acked, ledger.unsure = Counter(), Counter()
            elif response.status_code == 400 and "This order has been placed already." in response.text:
                # The answer was lost after the order gave the session a new key: the retry's old cookie
                # may not see it, but the order is there, once (found by its token).
                number = Order.objects.get(idempotency_key=form["token"]).number
                ledger.orders.append((number, ledger.acked, ledger.unsure))
                ledger.acked, ledger.unsure = Counter(), Counter()
            else:
                ledger.refused.append(f"checkout answered {response.status_code}")
        else:
            product = chance.choice(products)
            response, failure = send("POST", "/cart/add/", {"product": product.pk, "quantity": 1})
            if response is not None and response.status_code == 302:
                ledger.acked[product.pk] += 1
            elif failure == "lost":
                ledger.unsure[product.pk] += 1
                ledger.unsure_adds += 1
            elif response is not None:
                ledger.refused.append(f"add answered {response.status_code}")


def within(actual: Counter, acked: Counter, unsure: Counter) -> bool:
    return all(acked[pk] <= actual[pk] <= acked[pk] + unsure[pk] for pk in set(actual) | set(acked))


def test_killing_the_app_server_loses_and_doubles_nothing(start_server):
    products = [make_product(name=f"Soak product {n}", stock=INITIAL_STOCK) for n in range(3)]
    make_bank_transfer()
    # The checkout limits and the caps on unpaid stock are off: this test places many orders from one address
    # with one email.
    server = start_server(
        workers=2,
        ORDER_LIMIT_PER_SESSION="0",
        ORDER_LIMIT_PER_EMAIL="0",
        ORDER_LIMIT_PER_ADDRESS="0",
        UNPAID_UNITS_PER_PRODUCT="0",
        UNPAID_UNITS_TOTAL="0",
    )
    visitors = [(Visitor(), Ledger()) for _ in range(VISITORS)]
    started = time.monotonic()
    deadline = started + SOAK_SECONDS
    threads = [
        threading.Thread(target=shop, args=(visitor, server.url, products, deadline, ledger, seed))
        for seed, (visitor, ledger) in enumerate(visitors)
    ]
    for thread in threads:
        thread.start()
    for kill in range(1, KILLS + 1):
        time.sleep(max(0.0, started + SOAK_SECONDS * kill / (KILLS + 1) - time.monotonic()))
        server.kill()
        server.start()
    for thread in threads:
        thread.join()

    ledgers = [ledger for _, ledger in visitors]
    placed = [order for ledger in ledgers for order in ledger.orders]
    ordered, applied_unsure = Counter(), 0
    for number, acked, unsure in placed:
        lines = Counter({line.product_id: line.quantity for line in OrderLine.objects.filter(order__number=number)})
        assert within(lines, acked, unsure), (number, lines, acked, unsure)
        ordered += lines
        applied_unsure += (lines - acked).total()
    for visitor, ledger in visitors:
        if "sessionid" in visitor.http.cookies:
            with override_settings(SECRET_KEY=server.env["SECRET_KEY"]):  # the session as the server signed it
                key = SessionStore(visitor.session_key).get("cart")  # (each order gives the session a new key)
            cart = Counter({line.product_id: line.quantity for line in CartLine.objects.filter(cart_key=key)})
            assert within(cart, ledger.acked, ledger.unsure), (cart, ledger.acked, ledger.unsure)
        assert not ledger.refused, ledger.refused
    assert Order.objects.count() == len({number for number, _, _ in placed}) == len(placed)
    # Each order's two emails (the customer's confirmation, the shop's notice) queued exactly once.
    assert DBTaskResult.objects.count() == 2 * len(placed)
    for product in Product.objects.filter(pk__in=[p.pk for p in products]):
        assert product.stock == INITIAL_STOCK - ordered[product.pk]
    assert len(placed) > 0 and sum(ledger.requests for ledger in ledgers) > 100

    print(
        f"\nsoak: {SOAK_SECONDS:.0f} s, {VISITORS} visitors, the server SIGKILLed {KILLS} times; "
        f"{sum(ledger.requests for ledger in ledgers)} requests, "
        f"{sum(ledger.lost_answers for ledger in ledgers)} answers lost in the kills: "
        f"to {sum(ledger.unsure_adds for ledger in ledgers)} adds (of those since ordered, {applied_unsure} had "
        f"been applied, none twice) and to {sum(ledger.retried_checkouts for ledger in ledgers)} checkouts "
        "(retried with the same token).\n"
        f"checked: {len(placed)} orders, each exactly once in the database with the lines the visitor was told of "
        f"(lost answers at most once), {len(placed)} email tasks, stock of {len(products)} products, "
        f"and {VISITORS} carts against what their visitors were told."
    )
