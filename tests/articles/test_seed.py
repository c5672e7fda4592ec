"""The seed guide, loaded by seed_demo, renders complete and well structured."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import FAQ, Article
from tests.html import children, find_all, parse, text

CAPTURE = Path(__file__).with_name("seed_capture.txt")
SEED_URL = "/guides/deep-muscle-fatigue/"
CART_LINES = {"0", "My Cart", "No products in the cart.", "Remove All Items"}

pytestmark = [pytest.mark.thorough, pytest.mark.django_db]  # seed_demo for each test


@pytest.fixture
def seed_page(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get(SEED_URL)
    assert response.status_code == 200
    return response


def _section_list(page, heading_id: str, tag: str):
    """The first `tag` list after the h2 with `heading_id`, among the body's top-level elements."""
    body = find_all(parse(page.content), "div", **{"class": "guide__body"})[0]
    top = [child for child in body.children if not isinstance(child, str)]
    start = next(i for i, el in enumerate(top) if el.name == "h2" and ("id", heading_id) in el.attributes)
    return next(el for el in top[start + 1 :] if el.name == tag)


def test_every_sentence_of_the_captured_page_is_on_the_guide(seed_page):
    page_text = text(seed_page.content)
    for line in CAPTURE.read_text().splitlines():
        line = re.sub(r"^(\d+\.|•|Q:|A:)\s*", "", line.strip())
        if line and line not in CART_LINES:
            assert line in page_text


def test_every_section_heading_is_rendered_and_in_the_contents(seed_page):
    headings = [text(h) for h in find_all(parse(seed_page.content), "h2")]
    sections = [
        "Introduction",
        "What Is Deep Muscle Fatigue?",
        "Common Causes of Deep Muscle Fatigue",
        "Signs Your Muscle Fatigue Needs Attention",
        "Ways to Reduce Deep Muscle Fatigue",
        "Conclusion",
        "FAQs",
    ]
    assert [h for h in headings if h in sections] == sections
    toc = find_all(parse(seed_page.content), "nav", **{"class": "toc"})[0]
    assert [text(a) for a in find_all(toc, "a")] == sections


def test_causes_are_numbered_one_to_six_with_chronic_conditions_nested_under_four(seed_page):
    causes = children(_section_list(seed_page, "common-causes-of-deep-muscle-fatigue", "ol"), "li")
    assert [text(find_all(li, "strong")[0]) for li in causes] == [
        "Overtraining or Physical Strain",
        "Poor Sleep Quality",
        "Nutritional Deficiencies",
        "Chronic Conditions",
        "Lactic Acid and Metabolic Build-Up",
        "Stress and Nervous System Fatigue",
    ]
    nested = [children(find_all(li, "ul")[0], "li") if find_all(li, "ul") else [] for li in causes]
    assert [len(items) for items in nested] == [0, 0, 0, 3, 0, 0]
    assert text(nested[3][0]).startswith("Fibromyalgia:")


def test_ways_to_reduce_are_five_steps_each_with_two_sub_points(seed_page):
    steps = children(_section_list(seed_page, "ways-to-reduce-deep-muscle-fatigue", "ol"), "li")
    assert [text(find_all(li, "strong")[0]) for li in steps] == [
        "Prioritize Rest and Recovery",
        "Improve Sleep Quality",
        "Support Nutrition and Hydration",
        "Gentle Movement & Mind–Body Techniques",
        "Professional Support",
    ]
    assert [len(children(find_all(li, "ul")[0], "li")) for li in steps] == [2, 2, 2, 2, 2]


def test_all_four_faqs_are_disclosures_in_order(seed_page):
    faqs = find_all(parse(seed_page.content), "details", **{"class": "faq"})
    assert [text(find_all(faq, "summary")[0]) for faq in faqs] == [
        "Why does muscle fatigue persist even after rest?",
        "Can deep muscle fatigue indicate serious illness?",
        "Are supplements helpful for muscle recovery?",
        "Is light exercise safe when experiencing deep fatigue?",
    ]


def test_summary_is_the_meta_description(seed_page):
    assert (
        '<meta name="description" content="Feeling muscle fatigue even after rest? Learn what causes deep muscle '
        'fatigue, why your body can feel constantly tired, and strategies to recover effectively.">'
    ) in seed_page.content.decode()


def test_demo_people_are_marked_as_placeholders(seed_page):
    page_text = text(seed_page.content)
    assert "By Demo author (placeholder)" in page_text
    assert "Medically reviewed by Demo medical reviewer (placeholder)" in page_text


def test_seed_demo_twice_leaves_one_article_with_four_faqs():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.count() == 1
    assert FAQ.objects.count() == 4


def test_seed_demo_leaves_an_edited_guide_alone():
    call_command("seed_demo", stdout=io.StringIO())
    Article.objects.update(title="Edited by staff")
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.get().title == "Edited by staff"
