"""Search in a real browser: from the header of a guide, on desktop and phone, with and without JavaScript."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = "/guides/deep-muscle-fatigue/"
GUIDE_TITLE = "What Causes Deep Muscle Fatigue (Even After Rest)?"
MAGNESIUM = "Magnesium glycinate capsules"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "tablet": {"width": 768, "height": 1024},  # the search box on a row of its own below the header's links
    "phone": {"width": 390, "height": 844},
}


def search_from_the_header(page: Page, words: str) -> None:
    box = page.get_by_role("search").get_by_role("searchbox", name="Search guides and products")
    expect(box).to_be_in_viewport()
    box.fill(words)
    box.press("Enter")


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_magnesium_searched_from_a_guide_finds_the_guide_and_the_product(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + GUIDE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"search-header-{screen}.png")
    search_from_the_header(page, "magnesium")

    expect(page).to_have_url(f"{site}/search/?q=magnesium")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    guides = page.get_by_role("region", name="Guides")
    products = page.get_by_role("region", name="Products")
    expect(guides.get_by_role("link", name=GUIDE_TITLE)).to_be_visible()
    expect(products.get_by_role("link", name=MAGNESIUM)).to_be_visible()
    for group in (guides, products):
        expect(group.locator(".search-result__snippet mark").first).to_have_text("magnesium", ignore_case=True)
    expect(page.get_by_role("searchbox", name="Search guides and products")).to_have_value("magnesium")
    page.screenshot(path=ARTIFACTS / f"search-{screen}.png", full_page=True)

    products.get_by_role("link", name=MAGNESIUM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MAGNESIUM)


def test_search_works_without_javascript(site, no_js_page):
    no_js_page.goto(site + GUIDE)
    search_from_the_header(no_js_page, "potassium")
    expect(no_js_page.get_by_text("results for “potassium”")).to_be_visible()
    expect(no_js_page.get_by_role("link", name=GUIDE_TITLE)).to_be_visible()


def test_no_results_suggests_where_to_look(site, page):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site + "/search/?q=zebra")
    expect(page.get_by_text("No results for “zebra”.")).to_be_visible()
    page.get_by_role("link", name="the shop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shop")


@pytest.mark.parametrize("query", ["magnesium", "zebra", ""])
def test_axe_finds_no_accessibility_violations_on_the_search_page(site, page, query):
    page.goto(f"{site}/search/?q={query}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
