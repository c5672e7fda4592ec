"""A product named in a guide's text links to its pick on the page: `[magnesium](product:<slug>)`."""

import io

import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from articles import markdown
from tests.articles.test_sources import guide_form
from tests.factories import make_article, make_product
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def body_links(response) -> list[tuple[str, str]]:
    body = find_all(parse(response.content), "div", **{"class": "guide__body"})[0]
    return [(text(link), dict(link.attributes)["href"]) for link in find_all(body, "a")]


def test_a_product_link_goes_to_the_products_pick_once_the_guide_mentions_it(client):
    magnesium = make_product(name="Magnesium", slug="magnesium")
    guide = make_article(body="Low [magnesium](product:magnesium) levels.\n")
    assert body_links(client.get(guide.get_absolute_url())) == []  # not mentioned yet: plain words
    guide.product_links.create(product=magnesium)
    response = client.get(guide.get_absolute_url())
    assert body_links(response) == [("magnesium", "#product-magnesium")]
    assert find_all(parse(response.content), "li", id="product-magnesium")  # the pick it points at
    guide.product_links.all().delete()
    assert body_links(client.get(guide.get_absolute_url())) == []


def test_a_link_to_a_product_the_guide_does_not_mention_is_text_and_named():
    rendered = markdown.render("[**iron** tablets](product:iron) and [a site](https://example.org)", products=set())
    assert rendered.unknown_products == ("iron",)
    assert "<strong>iron</strong> tablets and" in rendered.html
    assert "product:" not in rendered.html and 'href="https://example.org"' in rendered.html


def test_the_admin_refuses_a_product_link_without_the_product_mentioned(login_as):
    make_product(slug="iron")
    response = login_as("Editors").post("/admin/articles/article/add/", guide_form(body="[Iron](product:iron)."))
    assertContains(response, "The body links product:iron, but that product is not among those mentioned below.")


@pytest.mark.thorough  # the demo content
def test_the_demo_guide_links_the_nutrients_it_names_to_their_picks(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get("/guides/deep-muscle-fatigue/")
    assert body_links(response) == [
        ("iron", "#product-iron-vitamin-c"),
        ("magnesium", "#product-magnesium-glycinate"),
        ("potassium", "#product-potassium-citrate"),
        ("protein", "#product-plant-protein"),
    ]
    assertNotContains(response, "product:")
