"""Sixteen shoppers, each in a browser session of their own, add to their carts and check out at the same
moment (and an editor saves a guide): every checkout is answered without a server error, every order is
in the database and the stock is exact. On SQLite against the server as `make run` starts it (runserver
with the task worker beside it, on a database file); on PostgreSQL against gunicorn, as `make serve`
runs it."""

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.testing.servers import AppServer, Visitor
from orders.models import Order
from tests.factories import CUSTOMER, make_bank_transfer, make_product
from tests.forms import parse_page

SHOPPERS = 16
STOCK = 100
# Every shopper here comes from 127.0.0.1: the per-address checkout limit would refuse all but ten, and
# the units their unpaid orders hold would count as one client's (orders/holds.py).
NO_ADDRESS_LIMIT = {"ORDER_LIMIT_PER_ADDRESS": "0", "UNPAID_UNITS_PER_PRODUCT": "0", "UNPAID_UNITS_TOTAL": "0"}
STAFF_PASSWORD = "a-placeholder-staff-password"


@dataclass
class Answer:
    status: int
    order: str = ""  # the order's number, when the checkout placed one


def shop(url: str, product_id: int, shopper: int, start: threading.Barrier) -> Answer:
    """One shopper: open a product page, put one in the cart, open the checkout, and place the order
    when every other shopper is ready to place theirs."""
    visitor = Visitor()
    visitor.http.timeout = 60
    product_page = visitor.get(f"{url}/shop/")
    assert product_page.status_code == 200
    added = visitor.post(f"{url}/cart/add/", {"product": product_id, "quantity": 1})
    assert added.status_code == 302, added.text[:300]
    fields = visitor.checkout_fields(url)
    start.wait()
    email = f"shopper{shopper}@example.com"
    response = visitor.post(f"{url}/checkout/", CUSTOMER | fields | {"email": email})
    location = response.headers.get("location", "")
    return Answer(response.status_code, location.split("/")[2] if location.startswith("/orders/") else "")


def edit_unchanged(url: str, path: str, start: threading.Barrier) -> Answer:
    """A member of staff who saves a guide's admin form unchanged, in the same moment as the checkouts."""
    visitor = Visitor()
    visitor.http.timeout = 60
    visitor.get(f"{url}/admin/login/")
    logged_in = visitor.post(f"{url}/admin/login/", {"username": "admin", "password": STAFF_PASSWORD, "next": "/"})
    assert logged_in.status_code == 302, logged_in.text[:300]
    [form] = [
        form for form in parse_page(visitor.get(url + path).text).forms if form.attributes.get("id") == "article_form"
    ]
    start.wait()
    return Answer(visitor.post(url + path, form.data()).status_code)


def at_once(url: str, product_id: int, staff_edit: str = "") -> tuple[list[Answer], Answer | None]:
    """SHOPPERS shoppers checking out and, if `staff_edit` names an admin change page, an editor saving it."""
    start = threading.Barrier(SHOPPERS + bool(staff_edit))
    answers: list[Answer | BaseException] = [RuntimeError("no answer")] * (SHOPPERS + 1)

    def run(index: int) -> None:
        try:
            if index < SHOPPERS:
                answers[index] = shop(url, product_id, index, start)
            else:
                answers[index] = edit_unchanged(url, staff_edit, start)
        except BaseException as error:  # reported below, with the others' answers
            start.abort()
            answers[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(SHOPPERS + bool(staff_edit))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [answer for answer in answers[: len(threads)] if isinstance(answer, BaseException)]
    assert not failures, [failure for failure in failures if not isinstance(failure, threading.BrokenBarrierError)]
    checkouts = [answer for answer in answers[:SHOPPERS] if isinstance(answer, Answer)]
    edit = answers[SHOPPERS]
    return checkouts, edit if isinstance(edit, Answer) else None


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def run_environment(database: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    """`make run`'s environment (DEBUG on) on the SQLite file `database`."""
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **NO_ADDRESS_LIMIT,
        **env,
    }


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """A SQLite file as `make run` leaves it: migrated, with the demo content. Made once, copied per test."""
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default: SQLite (the PostgreSQL run has its own test below)")
    folder = tmp_path_factory.mktemp("demo")
    env = run_environment(folder / "db.sqlite3", folder, DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD)
    for command in (
        ("migrate",),
        ("seed_demo",),
        ("createsuperuser", "--noinput", "--username=admin", "--email=a@example.com"),
    ):
        subprocess.run(manage(*command), cwd=settings.BASE_DIR, env=env, check=True, capture_output=True)
    return folder / "db.sqlite3"


@contextmanager
def make_run(demo_database: Path, tmp_path: Path, **env: str) -> Iterator[tuple[str, Path]]:
    """`make run` on a copy of the demo database: runserver with the task worker beside it."""
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(demo_database) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
    environment = run_environment(database, tmp_path, **env)
    server = AppServer(environment, tmp_path / "runserver.log")
    server.command = lambda: manage("runserver", f"127.0.0.1:{server.port}", "--noreload")  # type: ignore[method-assign]
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            manage("db_worker"), cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        server.start()
        yield server.url, database
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=15)


def first_product(database: Path) -> tuple[int, int]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT id, stock FROM cart_product WHERE is_active ORDER BY id").fetchone()


def first_guide(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT id FROM articles_article ORDER BY id").fetchone()[0]


@pytest.mark.thorough
def test_sixteen_shoppers_check_out_at_once_on_sqlite(demo_database, tmp_path):
    with make_run(demo_database, tmp_path) as (url, database):
        product_id, stock = first_product(database)
        answers, edit = at_once(url, product_id, staff_edit=f"/admin/articles/article/{first_guide(database)}/change/")
        log = (tmp_path / "runserver.log").read_text()
        with sqlite3.connect(database) as db:
            orders = {row[0] for row in db.execute("SELECT number FROM orders_order")}
            (left,) = db.execute("SELECT stock FROM cart_product WHERE id = ?", (product_id,)).fetchone()
    assert [answer.status for answer in answers] == [302] * SHOPPERS, log[-3000:]
    assert edit is not None and edit.status == 302, log[-3000:]
    assert orders == {answer.order for answer in answers}
    assert left == stock - SHOPPERS


@pytest.mark.slow
def test_sixteen_shoppers_check_out_at_once_on_postgresql(start_server):
    make_bank_transfer()
    product = make_product(stock=STOCK)
    server: AppServer = start_server(workers=2, **NO_ADDRESS_LIMIT)
    answers, _ = at_once(server.url, product.pk)
    assert [answer.status for answer in answers] == [302] * SHOPPERS, server.log.read_text()[-3000:]
    assert set(Order.objects.values_list("number", flat=True)) == {answer.order for answer in answers}
    product.refresh_from_db()
    assert product.stock == STOCK - SHOPPERS


@pytest.mark.thorough
def test_a_lock_that_outlasts_its_timeout_answers_503_and_keeps_what_was_typed(demo_database, tmp_path):
    with make_run(demo_database, tmp_path, DB_LOCK_TIMEOUT="0.2") as (url, database):
        product_id, stock = first_product(database)
        visitor = Visitor()
        visitor.get(f"{url}/shop/")
        visitor.post(f"{url}/cart/add/", {"product": product_id, "quantity": 1})
        form = CUSTOMER | visitor.checkout_fields(url) | {"name": "Ada Typed", "address": "7 Kept Lane"}
        second = Visitor()  # a cart, and no checkout opened yet: opening it stores a token in the session
        second.get(f"{url}/shop/")
        second.post(f"{url}/cart/add/", {"product": product_id, "quantity": 1})
        writer = sqlite3.connect(database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another writer that holds the lock past the timeout
        try:
            refused = visitor.post(f"{url}/checkout/", form)
            added = visitor.post(f"{url}/cart/add/", {"product": product_id, "quantity": 1})
            opened = second.get(f"{url}/checkout/")  # only its session's save waits for the lock
        finally:
            writer.rollback()
            writer.close()
        placed = visitor.post(f"{url}/checkout/", form)
        with sqlite3.connect(database) as db:
            numbers = [row[0] for row in db.execute("SELECT number FROM orders_order")]
            (left,) = db.execute("SELECT stock FROM cart_product WHERE id = ?", (product_id,)).fetchone()

    assert refused.status_code == 503 and refused.headers["retry-after"] == "30"
    assert "The shop is very busy this moment and your order was not placed." in refused.text
    assert 'value="Ada Typed"' in refused.text and 'value="7 Kept Lane"' in refused.text
    assert added.status_code == 503 and added.headers["retry-after"] == "30"
    assert opened.status_code == 503 and opened.headers["retry-after"] == "30"
    assert "We&#x27;ll be back in a moment" in added.text or "We'll be back in a moment" in added.text
    assert placed.status_code == 302 and numbers == [placed.headers["location"].split("/")[2]]
    assert left == stock - 1
