"""A visitor with three products checks out in a real browser and gets an order number."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checkout_with_three_products(site, page):
    page.goto(site + "/shop/")
    for name in ["Magnesium glycinate capsules", "Foam roller", "Yoga mat"]:
        page.get_by_role("button", name=f"Add to cart: {name}").click()
    expect(page.locator("#mini-cart-count")).to_have_text("3 items in")
    page.locator(".mini-cart__toggle").click()
    page.locator("#mini-cart-panel").get_by_role("link", name="Proceed to checkout").click()

    page.get_by_label("Full name").fill("Sam Placeholder")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Address").fill("1 Demo Street")
    page.get_by_label("Postcode").fill("AB1 2CD")
    page.get_by_label("City").fill("Demo City")
    page.get_by_label("Country").select_option("GB")
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
