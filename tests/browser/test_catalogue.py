"""A reader's way through the demo catalogue in a real browser, on desktop and phone: from home to a
category, a product and back to a guide that mentions it (screenshots in test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
GUIDE_TITLE = "What Causes Deep Muscle Fatigue (Even After Rest)?"


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_from_home_to_a_category_a_product_and_a_guide_that_mentions_it(site, page, screen):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + "/")
    expect(page.get_by_role("heading", name="From the shop")).to_be_visible()
    expect(page.get_by_role("link", name="Muscle & Recovery (1 guide)")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"home-{screen}.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop").click()
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Recovery equipment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery equipment")
    expect(page.locator("[aria-current=page]")).to_have_text("Recovery equipment")
    page.screenshot(path=ARTIFACTS / f"category-{screen}.png", full_page=True)

    page.get_by_role("link", name="Foam roller", exact=True).click()
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link")).to_have_text(["Home", "Shop", "Recovery equipment"])
    expect(crumbs.locator("[aria-current=page]")).to_have_text("Foam roller")
    expect(page.get_by_role("heading", name="More in Recovery equipment")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"product-{screen}.png", full_page=True)

    page.get_by_role("link", name=GUIDE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE_TITLE)


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_the_home_pages_own_search_box_shows_on_a_desktop_and_leaves_the_header_alone_on_a_phone(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + "/")
    home_box, header_box = page.locator("#home-search-q"), page.locator("#site-search-q")
    expect(header_box).to_be_visible()
    if screen == "phone":  # the header's box is just above: one is enough
        expect(home_box).to_be_hidden()
        return
    page.get_by_label("Search guides and products", exact=True).and_(home_box).fill("magnesium")
    home_box.press("Enter")
    expect(page).to_have_url(site + "/search/?q=magnesium")
    expect(page.get_by_role("link", name="Magnesium glycinate capsules")).to_be_visible()
