"""A visitor checks out in a real browser and gets an order number: with the country's address fields, on a
phone and on a desktop, and without JavaScript."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from orders import links
from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
US_ADDRESS = ["Sam Placeholder", "1 Demo Street", "Apt 2", "SPRINGFIELD, IL 62704", "UNITED STATES"]


def choose_country(page: Page, code: str) -> None:
    """Pick a country and wait until its address fields are in (swapped in the background with JavaScript)."""
    page.get_by_label("Country").select_option(code)
    expect(page.locator("#address-fields")).not_to_have_attribute("aria-busy", "true")


def add_foam_roller(page: Page, site: str) -> None:
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(page.locator("#mini-cart-count")).to_have_text("1 item in")


PHONE = VIEWPORTS["phone"]


def fill_delivery_details(page: Page) -> None:
    """A delivery address in Great Britain (a country cash on delivery is offered in, in the demo)."""
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("sam@example.com")
    choose_country(page, "GB")
    page.get_by_label("Address line 1").fill("1 Demo Street")
    page.get_by_label("Postcode").fill("AB1 2DE")
    page.get_by_label("Town or city").fill("Demo City")


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


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_us_order_with_a_state_and_a_zip_code(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    add_foam_roller(page, site)
    page.goto(site + "/checkout/")
    expect(page.get_by_role("button", name="Update the address fields")).to_be_hidden()  # JavaScript does it
    choose_country(page, "GB")
    expect(page.get_by_label("State")).to_have_count(0)
    page.get_by_label("Country").focus()
    choose_country(page, "US")
    expect(page.get_by_label("Country")).to_be_focused()  # the fields changed after it, not the page
    expect(page.get_by_role("status").filter(has_text="address fields")).to_have_text(
        "The address fields are now those for United States."
    )

    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Address line 1").fill("1 Demo Street")
    page.get_by_label("Address line 2 (optional)").fill("Apt 2")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State").select_option(label="Illinois")
    page.get_by_label("ZIP code").fill("62704")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"checkout-us-{screen}.png", full_page=True)
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is placed")
    assert page.locator("address").inner_text().splitlines() == US_ADDRESS
    page.screenshot(path=ARTIFACTS / f"confirmation-us-{screen}.png", full_page=True)
    order = Order.objects.get()
    assert (order.address_line2, order.region, order.postcode, order.country) == ("Apt 2", "IL", "62704", "US")


def test_a_wrong_zip_code_is_told_next_to_the_field_and_the_typing_kept(site, page):
    page.set_viewport_size(VIEWPORTS["phone"])
    add_foam_roller(page, site)
    page.goto(site + "/checkout/")
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("State").select_option("IL")
    page.get_by_label("ZIP code").fill("ABCDE")
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#div_id_postcode")).to_contain_text("Enter a valid ZIP code, for example 95014 or 22162-1010.")
    expect(page.get_by_label("ZIP code")).to_have_value("ABCDE")
    expect(page.get_by_label("State")).to_have_value("IL")
    expect(page.get_by_label("Full name")).to_have_value("Sam Placeholder")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "checkout-us-errors-phone.png", full_page=True)
    assert not Order.objects.exists()


def test_changing_the_country_without_javascript(site, no_js_page):
    page = no_js_page
    add_foam_roller(page, site)
    page.goto(site + "/checkout/")
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Address line 1").fill("1 Demo Street")
    page.get_by_label("Country").select_option("GB")
    expect(page.get_by_label("State")).to_be_visible()  # nothing happens until the button is pressed
    page.get_by_role("button", name="Update the address fields").click()

    expect(page.get_by_label("Postcode")).to_be_visible()
    expect(page.get_by_label("State")).to_have_count(0)
    expect(page.get_by_label("Full name")).to_have_value("Sam Placeholder")
    expect(page.get_by_label("Address line 1")).to_have_value("1 Demo Street")
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "checkout-gb-no-js.png", full_page=True)

    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Town or city").fill("Demo City")
    page.get_by_label("Postcode").fill("AB1 2DE")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is placed")
    lines = ["Sam Placeholder", "1 Demo Street", "DEMO CITY", "AB1 2DE", "UNITED KINGDOM"]
    assert page.locator("address").inner_text().splitlines() == lines


def test_checkout_form_errors_are_announced_and_keep_the_input(site, page):
    add_foam_roller(page, site)
    page.goto(site + "/checkout/")
    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Sam Placeholder")
    assert not Order.objects.exists()


def test_axe_finds_no_violations_on_the_checkout_page(site, page):
    add_foam_roller(page, site)
    page.goto(site + "/checkout/")
    choose_country(page, "GB")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def open_checkout_with_a_foam_roller(site: str, page: Page) -> None:
    add_foam_roller(page, site)
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
