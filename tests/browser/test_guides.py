"""What only a browser can show about the guides: rendering, keyboard use, accessibility."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import make_sourced_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
GUIDE = "/guides/deep-muscle-fatigue/"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_guide_page_opens_on_desktop_and_phone(site, page, screen):
    page.set_viewport_size(VIEWPORTS[screen])
    page.goto(site + GUIDE)
    expect(page.get_by_role("heading", level=1)).to_have_text("What Causes Deep Muscle Fatigue (Even After Rest)?")
    expect(page.get_by_role("heading", name="FAQs", level=2)).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"guide-{screen}.png", full_page=True)


def test_faq_disclosures_open_and_close_with_the_keyboard(site, page):
    page.goto(site + GUIDE)
    question = page.get_by_text("Why does muscle fatigue persist even after rest?")
    answer = page.get_by_text("It may be caused by incomplete recovery")
    expect(answer).to_be_hidden()

    page.get_by_role("link", name="FAQs").focus()  # the contents entry, then Tab onward to the questions
    question.focus()
    page.keyboard.press("Enter")
    expect(answer).to_be_visible()
    page.keyboard.press("Space")
    expect(answer).to_be_hidden()

    page.keyboard.press("Tab")
    expect(page.get_by_text("Can deep muscle fatigue indicate serious illness?")).to_be_focused()


def test_contents_link_moves_to_its_section(site, page):
    page.goto(site + GUIDE)
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Conclusion").click()
    assert page.url.endswith("#conclusion")
    expect(page.get_by_role("heading", name="Conclusion")).to_be_in_viewport()


def test_a_citation_and_its_back_link_work_with_the_keyboard(site, page):
    guide = make_sourced_article(title="A guide with sources")
    page.goto(site + guide.get_absolute_url())
    citation = page.get_by_role("link", name="Source 2", exact=True)
    citation.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#source-second")
    source = page.locator("#source-second")
    expect(source).to_be_in_viewport()
    source.get_by_role("link", name="Back to where source 2 is cited").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#cite-second")
    expect(citation).to_be_in_viewport()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/guides/",
        GUIDE,
        "sourced guide",
        "/people/demo-medical-reviewer-placeholder/",
        "/editorial-policy/",
        "/shop/iron-vitamin-c/",  # a supplement: its Supplement Facts label
    ],
)
def test_axe_finds_no_accessibility_violations(site, page, path):
    if path == "sourced guide":  # with sources and a "when to see a doctor" callout
        path = make_sourced_article(title="A guide with sources").get_absolute_url()
    page.goto(site + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# Scripts run in the page: record the policy's violations; the types of the JSON-LD nodes; an inline script.
RECORD_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation', event => window.violations.push(event.violatedDirective));"
)
JSON_LD_TYPES = (
    "scripts => scripts.flatMap(script => [JSON.parse(script.textContent)].flat().map(node => node['@type']))"
)
ADD_INLINE_SCRIPT = (
    "() => { const script = document.createElement('script');"
    " script.textContent = 'window.ran = true'; document.head.append(script); }"
)


@pytest.mark.parametrize(
    ("path", "types"),
    [
        ("/", ["Organization", "WebSite"]),
        (GUIDE, ["BreadcrumbList", "MedicalWebPage", "FAQPage"]),
        ("/shop/iron-vitamin-c/", ["BreadcrumbList", "Product"]),
    ],
)
def test_structured_data_breaks_no_content_security_policy(site, page, path, types):
    """JSON-LD is a data block, never run, so script-src 'self' does not apply to it: Chromium reports no
    violation. The last step shows that it would report one for an inline script, which could run."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(site + path)
    assert page.eval_on_selector_all('script[type="application/ld+json"]', JSON_LD_TYPES) == types

    with page.expect_console_message(lambda message: message.type == "error") as refused:
        page.evaluate(ADD_INLINE_SCRIPT)
    assert "Content Security Policy" in refused.value.text
    assert page.evaluate("window.ran") is None
    # Reported in order: anything the page itself broke would have come before the inline script's refusal.
    assert (errors, page.evaluate("window.violations")) == ([refused.value.text], ["script-src-elem"])
