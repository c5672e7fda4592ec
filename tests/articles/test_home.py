"""The home page gives a reader somewhere to go: featured guides then the newest, the guides' categories,
featured products and a search box."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import make_article, make_category, make_product
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def section(response, heading_id: str):
    return find_all(parse(response.content), "section", **{"aria-labelledby": heading_id})[0]


def guide_titles(response) -> list[str]:
    return [text(title) for title in find_all(section(response, "home-guides"), "h3", **{"class": "card__title"})]


def test_home_shows_featured_guides_first_then_the_newest_six_in_all(client):
    now = timezone.now()
    newest = [make_article(title=f"New {number}", published_at=now - timedelta(hours=number)) for number in range(6)]
    featured = make_article(title="Featured old guide", featured=True, published_at=now - timedelta(days=300))
    make_article(title="Featured draft", featured=True, status=Article.Status.DRAFT, published_at=None)
    make_article(title="Featured scheduled", featured=True, published_at=now + timedelta(hours=1))
    response = client.get("/")
    assert guide_titles(response) == [featured.title, *(guide.title for guide in newest[:5])]
    assertNotContains(response, "Featured draft")
    assertNotContains(response, "Featured scheduled")


def test_home_links_each_category_with_published_guides_and_counts_them(client):
    sleep, muscles = make_category(name="Sleep"), make_category(name="Muscles")
    empty = make_category(name="Only drafts")
    for _ in range(2):
        make_article(category=sleep)
    make_article(category=muscles)
    make_article(category=sleep, status=Article.Status.DRAFT, published_at=None)
    make_article(category=empty, status=Article.Status.DRAFT, published_at=None)
    make_article(category=empty, published_at=timezone.now() + timedelta(days=1))
    links = find_all(section(client.get("/"), "home-topics"), "a")
    assert [(text(link), dict(link.attributes)["href"]) for link in links] == [
        ("Muscles (1 guide)", muscles.get_absolute_url()),
        ("Sleep (2 guides)", sleep.get_absolute_url()),
    ]


def test_home_shows_up_to_four_active_featured_products_with_their_add_forms(client):
    featured = [make_product(name=f"Featured {number}", featured=True) for number in range(5)]
    make_product(name="Plain product")
    make_product(name="Retired featured", featured=True, is_active=False)
    products = section(client.get("/"), "home-products")
    cards = find_all(products, "article", **{"class": "card product-card"})
    assert [text(find_all(card, "a")[0]) for card in cards] == [product.name for product in featured[:4]]
    buttons = find_all(products, "button", type="submit")
    assert [dict(button.attributes)["aria-label"] for button in buttons] == [
        f"Add to cart: {product.name}" for product in featured[:4]
    ]


def test_home_without_featured_products_leaves_the_shop_section_out(client):
    make_product(name="Plain product")
    response = client.get("/")
    assertNotContains(response, "From the shop")
    assertNotContains(response, "Plain product")


def test_home_has_a_labelled_search_box_beside_the_headers_with_its_own_id(client):
    page = parse(client.get("/").content)
    forms = find_all(page, "form", role="search")
    assert [dict(form.attributes)["action"] for form in forms] == ["/search/", "/search/"]
    assert [dict(form.attributes).get("aria-label") for form in forms] == [None, "Search guides and products"]
    home = forms[1]
    assert [dict(field.attributes)["id"] for field in find_all(page, "input", type="search")] == [
        "site-search-q",
        "home-search-q",
    ]
    label = find_all(home, "label", **{"for": "home-search-q"})[0]
    assert (text(label), dict(label.attributes)["class"]) == ("Search guides and products", "site-search__label")
    assert dict(home.attributes)["method"] == "get"


def test_home_runs_four_queries_however_many_guides_categories_and_products(client, django_assert_num_queries):
    for count in (3, 30):
        while Article.objects.count() < count:
            make_article(category=make_category(), featured=True)
            make_product(featured=True)
        # The guides, the categories with their counts, the featured products, the footer's links.
        with django_assert_num_queries(4):
            response = Client().get("/")
        assert len(guide_titles(response)) == min(count, 6)


def test_a_guide_featured_outside_the_admin_goes_first_on_home_at_once():
    make_article(title="Newest guide")
    older = make_article(title="Older guide", published_at=timezone.now() - timedelta(days=30))
    assert guide_titles(Client().get("/")) == ["Newest guide", "Older guide"]
    assert Client().get("/")["X-Page-Cache"] == "hit"
    older.featured = True
    older.save()
    assert guide_titles(Client().get("/")) == ["Older guide", "Newest guide"]


def test_a_product_featured_outside_the_admin_shows_on_home_at_once():
    product = make_product(name="Foam roller")
    assertNotContains(Client().get("/"), "Foam roller")
    product.featured = True
    product.save()
    assertContains(Client().get("/"), 'aria-label="Add to cart: Foam roller"')
