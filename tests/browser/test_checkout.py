"""A visitor with three products checks out in a real browser and gets an order number."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from orders import links
from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def test_checkout_with_three_products(site, page):
    page.goto(site + "/shop/")
    for name in ["Magnesium glycinate capsules", "Foam roller", "Yoga mat"]:
        page.get_by_role("button", name=f"Add to cart: {name}").click()
    expect(page.locator("#mini-cart-count")).to_have_text("3 items in")
    page.locator(".mini-cart__toggle").click()
    page.locator("#mini-cart-panel").get_by_role("link", name="Proceed to checkout").click()

    fill_delivery_details(page)
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is placed")
    number = page.locator(".order-number").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", number)
    expect(page.locator("#mini-cart-count")).to_have_text("0 items in")
    assert Order.objects.get().number == number
    assert Order.objects.get().lines.count() == 3


def test_checkout_form_errors_are_announced_and_keep_the_input(site, page):
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(page.locator("#mini-cart-count")).to_have_text("1 item in")
    page.goto(site + "/checkout/")
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Sam Placeholder")
    assert not Order.objects.exists()


def fill_delivery_details(page: Page) -> None:
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Address").fill("1 Demo Street")
    page.get_by_label("Postcode").fill("AB1 2CD")
    page.get_by_label("City").fill("Demo City")
    page.get_by_label("Country").select_option("GB")


def open_checkout_with_a_foam_roller(site: str, page: Page) -> None:
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(page.locator("#mini-cart-count")).to_have_text("1 item in")
    page.goto(site + "/checkout/")


def check_out_with_bank_transfer(page: Page) -> str:
    """Place the order on the checkout page, choosing a bank transfer; return the order number."""
    fill_delivery_details(page)
    payment = page.get_by_role("group", name="How would you like to pay?")
    expect(payment.get_by_role("radio", name="Bank transfer")).to_be_checked()
    payment.get_by_role("radio", name="Cash on delivery").check()
    payment.get_by_role("radio", name="Bank transfer").check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is placed")
    return page.locator(".order-number").first.inner_text()


def test_checkout_choosing_bank_transfer_on_a_phone_shows_the_bank_details(site, page):
    page.set_viewport_size(PHONE)
    open_checkout_with_a_foam_roller(site, page)
    page.screenshot(path=ARTIFACTS / "checkout-phone.png", full_page=True)
    number = check_out_with_bank_transfer(page)
    details = page.locator(".payment-details")
    expect(details).to_contain_text(f"Payment reference{number}")
    expect(details).to_contain_text("DEMO BANK (placeholder)")
    page.screenshot(path=ARTIFACTS / "order-bank-transfer-phone.png", full_page=True)
    # Nothing sticks out sideways on a phone: the page is as wide as the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Order.objects.get().status == "awaiting_payment"


def test_axe_finds_no_violations_on_the_checkout_the_order_page_and_tracking(site, page):
    open_checkout_with_a_foam_roller(site, page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    check_out_with_bank_transfer(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(site + f"/orders/link/{links.token(Order.objects.get())}/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(site + "/orders/track/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_label("Order number").fill("AAAA-AAAA")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_text("If an order with that number was placed")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
