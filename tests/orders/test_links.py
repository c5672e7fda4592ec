"""Finding an order again: the signed link in its emails, and "Track an order", which emails it again."""

import io
import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from orders import links, status, tasks
from orders.models import Order
from orders.views import TRACK_ANSWER
from tests.factories import place_order_through_checkout
from tests.html import parse, text

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


@pytest.fixture
def order(filled_cart):
    return place_order_through_checkout(filled_cart)


def link_path(order) -> str:
    return f"/orders/link/{links.token(order)}/"


def link_tasks() -> list:
    return list(DBTaskResult.objects.filter(task_path="orders.tasks.send_order_link"))


def test_the_confirmation_email_links_to_the_order_page_which_opens_in_another_browser(order):
    tasks.send_confirmation.call(order.pk)
    url = re.search(r"^(http://\S+/orders/link/\S+/)$", mail.outbox[0].body, re.MULTILINE)[1]
    page = Client().get(re.sub(r"^http://[^/]+", "", url))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    content = text(parse(page.content))
    assert f"Order {order.number}" in content
    assert "Status: Awaiting payment" in content
    assert f"Payment reference {order.number}" in content
    assert "Magnesium $18.50 2 $37.00" in content
    address = "Sam Placeholder<br>1 Demo Street<br>DEMO CITY<br>AB1 2DE<br>UNITED KINGDOM"
    assertContains(page, f"<address>{address}</address>")
    assert re.search(r"History \d+ \w+ \d{4}, \d\d:\d\d Placed \d+ \w+ \d{4}, \d\d:\d\d Awaiting payment", content)


def test_the_order_page_shows_shipping_with_its_tracking_link(order):
    status.move(order, "paid")
    status.move(order, "shipped", tracking_number="TRK9", tracking_url="https://carrier.example/TRK9")
    page = Client().get(link_path(order))
    assertContains(page, '(<a href="https://carrier.example/TRK9" rel="noreferrer">follow your parcel</a>)')
    assert "Shipped: tracking number TRK9" in text(parse(page.content))
    assertNotContains(page, "How to pay")  # paid: nothing left to do


def test_each_status_email_carries_the_link(order):
    status.move(order, "paid")
    event = order.events.get(kind="paid")
    tasks.send_status_email.call(event.pk)
    assert link_path(order) in mail.outbox[0].body


def test_a_tampered_link_is_a_clear_404(order):
    token = links.token(order)
    for bad in [token[:-1] + ("A" if token[-1] != "A" else "B"), token.replace(order.number, "AAAA-AAAA"), "nonsense"]:
        response = Client().get(f"/orders/link/{bad}/")
        assertContains(response, "This link is not valid: ask for a new one", status_code=404)
        assertContains(response, 'href="/orders/track/"', status_code=404)
        assert order.number not in text(parse(response.content))


def test_a_link_signed_for_another_purpose_is_refused(order):
    token = signing.TimestampSigner().sign(order.number)  # the same key, without this use's salt
    assertContains(Client().get(f"/orders/link/{token}/"), "This link is not valid", status_code=404)


def test_an_expired_link_is_a_clear_410_with_the_way_to_a_new_one(order, settings):
    settings.ORDER_LINK_MAX_AGE_DAYS = 30
    with mock.patch("time.time", return_value=time.time() - 31 * DAY):
        old = links.token(order)
    with mock.patch("time.time", return_value=time.time() - 29 * DAY):
        recent = links.token(order)
    response = Client().get(f"/orders/link/{old}/")
    assertContains(response, "This link has expired: ask for a new one", status_code=410)
    assertContains(response, 'href="/orders/track/"', status_code=410)
    assert Client().get(f"/orders/link/{recent}/").status_code == 200


def test_the_link_for_an_order_of_the_session_that_placed_it_keeps_the_session_page_working(filled_cart, order):
    assert filled_cart.get(f"/orders/{order.number}/").status_code == 200
    assert filled_cart.get(link_path(order)).status_code == 200
    assert Client().get(f"/orders/{order.number}/").status_code == 404


def test_cart_checkout_and_confirmation_link_to_tracking(filled_cart, products):
    assertContains(filled_cart.get("/cart/"), 'href="/orders/track/"')
    assertContains(filled_cart.get("/checkout/"), 'href="/orders/track/"')
    order = place_order_through_checkout(filled_cart)
    assertContains(filled_cart.get(f"/orders/{order.number}/"), 'href="/orders/track/"')


def test_tracking_gives_the_same_answer_for_a_match_and_a_mismatch_and_emails_only_a_match(order):
    answers = []
    for number, email in [
        (order.number, "SAM@example.com"),
        (order.number.lower().replace("-", " "), "sam@example.com"),
        (order.number, "someone@example.com"),
        ("ZZZZ-ZZZZ", "sam@example.com"),
    ]:
        visitor = Client()
        response = visitor.post("/orders/track/", {"number": number, "email": email})
        assertRedirects(response, "/orders/track/", fetch_redirect_response=False)
        answers.append(text(parse(visitor.get("/orders/track/").content)))
    assert len(set(answers)) == 1
    assert TRACK_ANSWER in answers[0]
    assert [task.args_kwargs["args"] for task in link_tasks()] == [[order.pk], [order.pk]]

    tasks.send_order_link.call(order.pk)
    assert mail.outbox[0].to == ["sam@example.com"]
    assert link_path(order) in mail.outbox[0].body


def test_the_tracking_form_refuses_bad_input_with_a_400(order):
    response = Client().post("/orders/track/", {"number": order.number, "email": "not-an-email"})
    assertContains(response, "Enter a valid email address.", status_code=400)
    assert link_tasks() == []


def test_tracking_is_limited_per_email_with_a_429(order, settings):
    settings.TRACK_LIMIT_PER_EMAIL, settings.TRACK_LIMIT_PER_ADDRESS = 2, 100
    for address in ["198.51.100.1", "198.51.100.2"]:
        Client().post("/orders/track/", {"number": order.number, "email": "sam@example.com"}, REMOTE_ADDR=address)
    response = Client().post(
        "/orders/track/", {"number": order.number, "email": "Sam+x@example.com"}, REMOTE_ADDR="198.51.100.3"
    )
    assertContains(response, "We send only a few order links at a time", status_code=429)
    assert 0 < int(response["Retry-After"]) <= settings.ORDER_LIMIT_WINDOW_SECONDS
    assertContains(response, 'value="Sam+x@example.com"', status_code=429)
    assert len(link_tasks()) == 2


def test_tracking_is_limited_per_client_address_matching_or_not(order, settings):
    settings.TRACK_LIMIT_PER_EMAIL, settings.TRACK_LIMIT_PER_ADDRESS = 100, 3
    for number in range(3):
        Client().post("/orders/track/", {"number": f"AAAA-AAA{number + 2}", "email": f"{number}@example.com"})
    response = Client().post("/orders/track/", {"number": order.number, "email": "sam@example.com"})
    assert response.status_code == 429
    assert link_tasks() == []


def test_a_stranger_who_knows_the_email_cannot_lock_its_owner_out_of_tracking(order, settings):
    settings.TRACK_LIMIT_PER_EMAIL_AND_ADDRESS, settings.TRACK_LIMIT_PER_EMAIL = 3, 20
    tries = {"number": "AAAA-AAAA", "email": "sam@example.com"}
    stranger = [Client().post("/orders/track/", tries, REMOTE_ADDR="198.51.100.66").status_code for _ in range(6)]
    assert stranger == [302, 302, 302, 429, 429, 429]

    response = Client().post(
        "/orders/track/", {"number": order.number, "email": "sam@example.com"}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 302
    assert [task.args_kwargs["args"] for task in link_tasks()] == [[order.pk]]


def test_one_email_has_a_ceiling_across_addresses_and_refused_tries_do_not_count_against_it(order, settings):
    settings.TRACK_LIMIT_PER_EMAIL_AND_ADDRESS, settings.TRACK_LIMIT_PER_EMAIL = 2, 4
    tries = {"number": order.number, "email": "sam@example.com"}
    first = [Client().post("/orders/track/", tries, REMOTE_ADDR="198.51.100.1").status_code for _ in range(5)]
    second = [Client().post("/orders/track/", tries, REMOTE_ADDR="198.51.100.2").status_code for _ in range(2)]
    folded = tries | {"email": "S.am+x@example.com"}  # the same mailbox
    third = Client().post("/orders/track/", folded, REMOTE_ADDR="198.51.100.3")
    assert (first, second, third.status_code) == ([302, 302, 429, 429, 429], [302, 302], 429)
    assertContains(third, "We send only a few order links at a time", status_code=429)
    assert len(link_tasks()) == 4


def test_tracking_limits_default_to_three_per_email_and_address_ten_per_address_twenty_per_email(settings):
    assert settings.TRACK_LIMIT_PER_EMAIL_AND_ADDRESS == 3
    assert (settings.TRACK_LIMIT_PER_ADDRESS, settings.TRACK_LIMIT_PER_EMAIL) == (10, 20)


@pytest.mark.parametrize("hosts", [["*"], [".shop.example"], ["*", ".shop.example", "*.shop.example"]])
def test_check_deploy_fails_when_the_links_in_emails_would_name_no_host(settings, hosts):
    settings.SITE_URL, settings.SITE_HOST, settings.ALLOWED_HOSTS, settings.HTTPS = "", "", hosts, True
    with pytest.raises(SystemCheckError, match=r"orders\.E001.*Links in emails cannot be built: the site's address, "):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())
    assert [message.id for message in links.check_links_can_be_built(None)] == ["orders.E001"]
    call_command("check", stdout=io.StringIO())  # a deploy check only: development is not stopped


@pytest.mark.parametrize(
    ("site_url", "site_host", "hosts", "link_start"),
    [
        ("https://shop.example", "", ["*"], "https://shop.example/orders/link/"),
        ("", "shop.example", ["*"], "https://shop.example/orders/link/"),
        ("", "", ["*", "shop.example"], "https://shop.example/orders/link/"),
    ],
)
def test_a_site_url_site_host_or_named_host_is_enough_for_the_links(settings, site_url, site_host, hosts, link_start):
    settings.SITE_URL, settings.SITE_HOST, settings.ALLOWED_HOSTS, settings.HTTPS = site_url, site_host, hosts, True
    assert links.check_links_can_be_built(None) == []
    assert links.order_url(Order(number="K7MW-4QX9")).startswith(link_start)
