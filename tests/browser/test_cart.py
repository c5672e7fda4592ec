"""The cart in a real browser: the walk from the issue with and without JavaScript, the drawer, tabs, back button,
and what the shopper sees of an add where they are (desktop and phone)."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = "/guides/deep-muscle-fatigue/"
MAGNESIUM = "Magnesium glycinate capsules"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def badge(page: Page):
    return page.locator("#mini-cart-count")


def walk(page: Page, site: str, *, javascript: bool) -> None:
    """Read the guide, add magnesium, open My Cart, set 3, add a second product, remove all."""
    page.goto(site + GUIDE)
    page.evaluate("window.notReloaded = true") if javascript else None
    page.get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(badge(page)).to_have_text("1 item in")
    if javascript:
        assert page.evaluate("window.notReloaded") is True
        expect(page.locator("#cart-status")).to_have_text(
            f"Added 1 × {MAGNESIUM} to your cart. Your cart has 1 item, subtotal $18.50."
        )
    else:
        expect(page.get_by_text(f"Added 1 × {MAGNESIUM} to your cart.")).to_be_visible()

    page.locator(".mini-cart__toggle").click()
    panel = page.locator("#mini-cart-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(f"{MAGNESIUM} × 1 $18.50")
    panel.get_by_role("link", name="View cart").click()
    expect(page).to_have_url(site + "/cart/")

    page.get_by_label(f"Quantity of {MAGNESIUM}").fill("3")
    page.get_by_role("button", name=f"Update {MAGNESIUM}").click()
    expect(page.locator("#cart-contents")).to_contain_text("Subtotal $55.50")
    expect(badge(page)).to_have_text("3 items in")

    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(badge(page)).to_have_text("4 items in")

    page.goto(site + "/cart/")
    page.locator("#cart-contents").get_by_role("button", name="Remove All Items").click()
    expect(page.locator("#cart-contents")).to_contain_text("No products in the cart.")
    expect(badge(page)).to_have_text("0 items in")
    expect(page.get_by_role("button", name="Undo: put the items back")).to_be_visible()


def test_the_cart_walk_with_javascript(site, page):
    walk(page, site, javascript=True)


def test_the_cart_walk_without_javascript(site, no_js_page):
    walk(no_js_page, site, javascript=False)


def test_a_visitor_with_a_cart_gets_the_cached_guide_with_their_own_mini_cart(site, page, browser):
    newcomer = browser.new_context()  # a visitor without cookies puts the guide in the cache
    newcomer.new_page().goto(site + GUIDE)
    newcomer.close()
    page.goto(site + GUIDE)
    page.get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(badge(page)).to_have_text("1 item in")

    response = page.goto(site + GUIDE)
    assert (response.headers["x-page-cache"], response.headers["content-encoding"]) == ("hit, own mini cart", "gzip")
    expect(badge(page)).to_have_text("1 item in")
    page.locator(".mini-cart__toggle").click()
    expect(page.locator("#mini-cart-panel")).to_contain_text(f"{MAGNESIUM} × 1 $18.50")
    expect(page.locator(".site-footer")).to_contain_text("are placeholders")  # the whole stream was decoded


def test_undo_puts_the_items_back_in_place(site, page):
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(badge(page)).to_have_text("1 item in")
    page.goto(site + "/cart/")
    page.locator("#cart-contents").get_by_role("button", name="Remove All Items").click()
    page.get_by_role("button", name="Undo: put the items back").click()
    expect(page.locator("#cart-contents")).to_contain_text("Foam roller")
    expect(badge(page)).to_have_text("1 item in")


def test_drawer_keyboard_escape_closes_and_returns_focus(site, page):
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Yoga mat").click()
    expect(badge(page)).to_have_text("1 item in")
    toggle = page.locator(".mini-cart__toggle")
    panel = page.locator("#mini-cart-panel")

    focus_in_panel = "document.getElementById('mini-cart-panel').contains(document.activeElement)"
    toggle.focus()
    page.keyboard.press("Tab")
    expect(toggle).not_to_be_focused()
    assert page.evaluate(focus_in_panel) is False  # closed: nothing in it takes focus

    toggle.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("link", name="Yoga mat")).to_be_focused()
    assert page.evaluate(focus_in_panel) is True
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()


def test_badge_is_right_in_a_second_tab(site, page):
    other = page.context.new_page()
    other.goto(site + GUIDE)
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(badge(page)).to_have_text("1 item in")
    expect(badge(other)).to_have_text("1 item in")


def test_badge_is_right_after_the_back_button(site, page):
    page.goto(site + GUIDE)
    page.get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(badge(page)).to_have_text("1 item in")
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(badge(page)).to_have_text("2 items in")
    page.go_back()
    expect(page).to_have_url(site + GUIDE)
    expect(badge(page)).to_have_text("2 items in")


def test_axe_finds_no_violations_on_the_cart_page_and_the_open_drawer(site, page):
    page.goto(site + "/shop/")
    page.get_by_role("button", name="Add to cart: Foam roller").click()
    expect(badge(page)).to_have_text("1 item in")
    page.goto(site + "/cart/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator(".mini-cart__toggle").click()
    expect(page.locator("#mini-cart-panel")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["/shop/", "/shop/category/supplements/", "/shop/foam-roller/"])
def test_axe_finds_no_violations_on_shop_pages(site, page, path):
    page.goto(site + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_rapid_clicks_all_count_and_the_badge_shows_the_last_state(site, page):
    page.goto(site + "/shop/")
    button = page.get_by_role("button", name="Add to cart: Foam roller")
    button.click()
    button.click()
    button.click()
    expect(badge(page)).to_have_text("3 items in")
    page.reload()
    expect(badge(page)).to_have_text("3 items in")


# What the shopper sees of an add where they are: at the form, and the count without scrolling back.


def first_pick(page: Page):
    return page.locator(".pick").first


def scroll_to_first_pick(page: Page) -> None:
    """Read down to the products, as the shopper in the issue did (the header's place has scrolled away)."""
    first_pick(page).scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)  # a little further, so the pick is not where the page starts
    first_pick(page).scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 100  # the top of the page, where the header sits, is out of view


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_an_add_from_the_first_pick_is_answered_at_the_form_with_the_count_in_view(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + GUIDE)
    scroll_to_first_pick(page)
    pick = first_pick(page)
    image = pick.locator("img")
    expect(image).to_have_attribute("loading", "lazy")
    before = image.bounding_box()
    pick.get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()

    feedback = pick.locator(".add-form__feedback")
    expect(feedback).to_have_text("Added · View cart")
    expect(feedback).to_be_in_viewport()
    expect(badge(page)).to_have_text("1 item in")
    expect(badge(page)).to_be_in_viewport()
    expect(page.locator("#cart-status")).to_have_text(
        f"Added 1 × {MAGNESIUM} to your cart. Your cart has 1 item, subtotal $18.50."
    )
    assert image.bounding_box() == before  # nothing moved when the answer came
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"added-{screen}.png")

    feedback.get_by_role("link", name="View cart").click()
    expect(page).to_have_url(site + "/cart/")


def test_a_refused_add_says_why_at_the_form(site, page):
    page.goto(site + GUIDE)
    pick = page.locator("#product-yoga-mat")
    pick.get_by_label("Quantity of Yoga mat").fill("3")
    pick.get_by_role("button", name="Add to cart: Yoga mat").click()
    expect(badge(page)).to_have_text("3 items in")
    pick.get_by_role("button", name="Add to cart: Yoga mat").click()
    expect(pick.locator(".add-form__feedback")).to_have_text(
        "Not added. You can have at most 3 of Yoga mat in your cart; it has 3 already."
    )
    expect(page.locator("#cart-status")).to_have_text(
        "You can have at most 3 of Yoga mat in your cart; it has 3 already."
    )
    expect(pick.get_by_label("Quantity of Yoga mat")).to_have_accessible_description(
        "Not added. You can have at most 3 of Yoga mat in your cart; it has 3 already."
    )


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_without_javascript_an_add_lands_at_the_pick_with_its_message_in_view(site, no_js_page, screen):
    page = no_js_page
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + GUIDE)
    first_pick(page).get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(page).to_have_url(site + GUIDE + "#product-magnesium-glycinate")
    message = first_pick(page).locator(".add-form__feedback")
    expect(message).to_have_text(f"Added 1 × {MAGNESIUM} to your cart. View cart")
    expect(message).to_be_in_viewport()
    expect(first_pick(page).get_by_role("heading", name=MAGNESIUM)).to_be_in_viewport()
    expect(badge(page)).to_have_text("1 item in")
    if screen == "phone":  # on a desktop the header has scrolled out of view with the page's top
        expect(badge(page)).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"added-without-javascript-{screen}.png")


def test_a_line_removed_on_the_cart_page_with_the_keyboard_moves_focus_to_the_next(site, page):
    page.goto(site + "/shop/")
    for name in ("Foam roller", "Yoga mat"):
        page.get_by_role("button", name=f"Add to cart: {name}").click()
    expect(badge(page)).to_have_text("2 items in")
    page.goto(site + "/cart/")
    table = page.locator(".cart-table")
    table.get_by_role("button", name="Remove Foam roller").focus()
    page.keyboard.press("Enter")
    expect(badge(page)).to_have_text("1 item in")
    expect(table.get_by_role("button", name="Remove Yoga mat")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cart-contents")).to_contain_text("No products in the cart.")
    expect(page.get_by_role("heading", name="My Cart", level=1)).to_be_focused()


def test_a_line_removed_from_the_mini_cart_with_the_keyboard_moves_focus_to_the_next(site, page):
    page.goto(site + "/shop/")
    for name in ("Foam roller", "Yoga mat"):
        page.get_by_role("button", name=f"Add to cart: {name}").click()
    expect(badge(page)).to_have_text("2 items in")
    toggle = page.locator(".mini-cart__toggle")
    panel = page.locator("#mini-cart-panel")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("link", name="Foam roller")).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Remove Foam roller")).to_be_focused()
    page.keyboard.press("Enter")

    expect(badge(page)).to_have_text("1 item in")
    expect(panel.get_by_role("button", name="Remove Yoga mat")).to_be_focused()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "mini-cart-after-remove.png")
    page.keyboard.press("Enter")
    expect(panel).to_contain_text("No products in the cart.")
    expect(panel.get_by_role("heading", name="My Cart")).to_be_focused()
    expect(panel).to_be_visible()


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_axe_finds_no_violations_on_the_guide_with_picks_after_an_add(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + GUIDE)
    first_pick(page).get_by_role("button", name=f"Add to cart: {MAGNESIUM}").click()
    expect(first_pick(page).locator(".add-form__feedback")).to_have_text("Added · View cart")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=ARTIFACTS / f"guide-with-picks-{screen}.png", full_page=True)


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_axe_finds_no_violations_on_the_cart_page_with_a_sale_price(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + "/shop/plant-protein/")
    page.get_by_role("button", name="Add to cart: Plant protein powder, unflavoured").click()
    expect(badge(page)).to_have_text("1 item in")
    page.goto(site + "/cart/")
    expect(page.locator("#cart-contents")).to_contain_text("Sale price $24.00 was $29.00")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator(".mini-cart__toggle").click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"cart-{screen}.png", full_page=True)
