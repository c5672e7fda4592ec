"""The shopper's whole way, on a phone, as the issue's "done when" tells it: add a product from the guide and
see it happen, apply a coupon, check out by bank transfer to a US address (the state is asked for), get the
email with the bank details and the link back, and see the order paid and then shipped with its tracking
number after a shop manager's two steps in the admin."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from cart.models import Coupon
from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
GUIDE = "/guides/deep-muscle-fatigue/"
MAGNESIUM = "Magnesium glycinate capsules"


def send_queued_emails() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_shopper_on_a_phone_from_guide_to_shipped_order(site, page, browser, django_user_model):
    Coupon.objects.create(code="SPRING10", amount=Decimal("10"))
    call_command("setup_roles", stdout=io.StringIO())
    manager = django_user_model.objects.create_user("manager", password="a long placeholder password", is_staff=True)
    manager.groups.add(Group.objects.get(name="Shop managers"))
    page.set_viewport_size(PHONE)

    # The guide: an add from its first pick is answered at the form, and the count is in view.
    page.goto(site + GUIDE)
    pick = page.locator(".picks li").first
    pick.scroll_into_view_if_needed()
    pick.get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(pick.locator(".add-form__feedback")).to_have_text("Added · View cart")
    expect(page.locator("#mini-cart-count")).to_have_text("1 item in")
    expect(page.locator("#mini-cart-count")).to_be_in_viewport()

    # The cart: a coupon, typed as a shopper types it.
    pick.get_by_role("link", name="View cart").click()
    page.get_by_label("Coupon code").fill(" spring10 ")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".cart-summary__discount")).to_have_text("Discount (SPRING10) −$1.85")
    page.get_by_role("link", name="Proceed to checkout").last.click()

    # Checkout to a US address: the state is asked for; a bank transfer.
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Country").select_option("US")
    expect(page.locator("#address-fields")).not_to_have_attribute("aria-busy", "true")
    page.get_by_label("Address line 1").fill("1 Demo Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#div_id_region")).to_contain_text("This field is required.")
    page.get_by_label("State").select_option(label="Illinois")
    page.get_by_label("ZIP code").fill("62704")
    page.get_by_role("group", name="How would you like to pay?").get_by_role("radio", name="Bank transfer").check()
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is placed")
    order = Order.objects.get()
    assert (order.coupon_code, order.total, order.region) == ("SPRING10", Decimal("21.60"), "IL")
    expect(page.locator(".payment-details")).to_contain_text(f"Payment reference{order.number}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "journey-confirmation-phone.png", full_page=True)

    # The email: the bank details, the order number as the reference, and the link back to the order.
    send_queued_emails()
    confirmation = next(email for email in mail.outbox if email.to == ["sam@example.com"])
    assert "DEMO BANK (placeholder)" in confirmation.body and order.number in confirmation.body
    link = re.search(r"^http://\S+/orders/link/\S+/$", confirmation.body, re.MULTILINE)[0]
    path = re.sub(r"^http://[^/]+", "", link)

    # The shop manager: marks it paid from the list, then shipped with a tracking number on its page.
    admin = browser.new_context().new_page()
    admin.goto(site + "/admin/login/")
    admin.get_by_label("Username").fill("manager")
    admin.get_by_label("Password").fill("a long placeholder password")
    admin.get_by_role("button", name="Log in").click()
    admin.goto(site + "/admin/orders/order/")
    admin.get_by_role("checkbox", name=re.compile(order.number)).check()
    admin.locator("select[name=action]").select_option(label="Mark as paid (emails the customer)")
    admin.get_by_role("button", name="Run").click()
    expect(admin.get_by_text("1 order(s) now paid.")).to_be_visible()
    admin.get_by_role("link", name=order.number).click()
    admin.get_by_label("Status").select_option("shipped")
    admin.get_by_label("Tracking number").fill("TRACK-12345")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("was changed successfully")).to_be_visible()

    # The shopper, back through the link: paid, then shipped with its tracking number.
    page.goto(site + path)
    history = page.locator(".order-history")
    expect(history).to_contain_text("Paid")
    expect(history).to_contain_text("Shipped")
    expect(page.locator("main")).to_contain_text("TRACK-12345")
    page.screenshot(path=ARTIFACTS / "journey-shipped-phone.png", full_page=True)
    send_queued_emails()
    subjects = [email.subject for email in mail.outbox if email.to == ["sam@example.com"]]
    assert len(subjects) == 3  # the confirmation, paid, shipped
