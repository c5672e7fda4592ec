"""The shop's structure: categories with their pages and the shop's filter, and on a product's page the
guides that mention it and more from its category."""

import pytest
from django.db.models import ProtectedError
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import make_article, make_product, make_product_category
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_in_shelf():
    return make_product(name="Magnesium", category=make_product_category(name="Supplements"))


def card_names(response) -> list[str]:
    cards = find_all(parse(response.content), "article", **{"class": "card product-card"})
    return [text(find_all(card, "a")[0]) for card in cards]


def filter_links(response) -> list[tuple[str, bool]]:
    """The shop's categories as links: (text, whether it is marked as the page shown)."""
    nav = find_all(parse(response.content), "nav", **{"aria-label": "Categories"})
    links = find_all(nav[0], "a") if nav else []
    return [(text(link), ("aria-current", "page") in link.attributes) for link in links]


def test_a_category_page_lists_its_active_products_only(client):
    supplements = make_product_category(name="Supplements", slug="supplements", description="Capsules and powders.")
    make_product(name="Magnesium", category=supplements)
    make_product(name="Retired zinc", category=supplements, is_active=False)
    make_product(name="Foam roller", category=make_product_category())
    make_product(name="Unfiled")
    response = client.get("/shop/category/supplements/")
    assertContains(response, "<h1>Supplements</h1>", html=True)
    assertContains(response, '<p class="lead">Capsules and powders.</p>', html=True)
    assert card_names(response) == ["Magnesium"]
    assert "<title>Supplements · Shop · Steady Strength</title>" in response.text
    assert '<meta name="description" content="Capsules and powders.">' in response.text


def test_an_unknown_category_is_404(client):
    assert client.get("/shop/category/no-such-shelf/").status_code == 404


def test_a_category_is_paginated_twelve_to_a_page_like_the_shop(client):
    shelf = make_product_category(slug="shelf")
    for number in range(13):
        make_product(name=f"Item {number:02}", category=shelf)
    first, second = client.get("/shop/category/shelf/"), client.get("/shop/category/shelf/?page=2")
    assert (len(card_names(first)), card_names(second)) == (12, ["Item 12"])
    assertContains(second, "Page 2 of 2")
    assert find_all(parse(second.content), "a", rel="prev")[0].attributes[0] == ("href", "?page=1")
    assert client.get("/shop/category/shelf/?page=3").status_code == 404


def test_the_shop_links_each_category_with_an_active_product_and_marks_the_one_shown(client):
    supplements = make_product_category(name="Supplements", slug="supplements", order=1)
    equipment = make_product_category(name="Recovery equipment", slug="recovery-equipment", order=2)
    empty, retired = make_product_category(name="Empty shelf"), make_product_category(name="Retired shelf")
    make_product(category=equipment)
    make_product(category=supplements)
    make_product(category=retired, is_active=False)
    assert empty.products.count() == 0
    assert filter_links(client.get("/shop/")) == [("All", True), ("Supplements", False), ("Recovery equipment", False)]
    assert filter_links(client.get(equipment.get_absolute_url())) == [
        ("All", False),
        ("Supplements", False),
        ("Recovery equipment", True),
    ]
    nav = find_all(parse(client.get("/shop/").content), "nav", **{"aria-label": "Categories"})[0]
    assert [dict(a.attributes)["href"] for a in find_all(nav, "a")] == [
        "/shop/",
        "/shop/category/supplements/",
        "/shop/category/recovery-equipment/",
    ]


def test_a_shop_without_categories_shows_no_filter(client):
    make_product()
    assert filter_links(client.get("/shop/")) == []


def test_a_category_with_products_cannot_be_deleted():
    shelf = make_product_category()
    make_product(category=shelf)
    with pytest.raises(ProtectedError):
        shelf.delete()


def test_a_product_page_names_its_category_in_the_breadcrumbs(client):
    shelf = make_product_category(name="Recovery equipment", slug="recovery-equipment")
    filed, unfiled = make_product(name="Foam roller", category=shelf), make_product(name="Loose item")
    crumbs = find_all(parse(client.get(filed.get_absolute_url()).content), "nav", **{"aria-label": "Breadcrumb"})[0]
    assert text(crumbs) == "Home Shop Recovery equipment Foam roller"
    assert [dict(a.attributes)["href"] for a in find_all(crumbs, "a")] == ["/", "/shop/", shelf.get_absolute_url()]
    crumbs = find_all(parse(client.get(unfiled.get_absolute_url()).content), "nav", **{"aria-label": "Breadcrumb"})[0]
    assert text(crumbs) == "Home Shop Loose item"


def test_a_product_page_links_the_published_guides_that_mention_it(client):
    product = make_product()
    mentioning = make_article(title="Magnesium and sleep")
    draft = make_article(title="Unfinished draft", status=Article.Status.DRAFT, published_at=None)
    unrelated = make_article(title="Unrelated guide")
    for guide in (mentioning, draft):
        guide.product_links.create(product=product)
    response = client.get(product.get_absolute_url())
    section = find_all(parse(response.content), "section", **{"aria-labelledby": "guides-title"})[0]
    assert text(find_all(section, "h2")[0]) == "Mentioned in these guides"
    assert [(text(a), dict(a.attributes)["href"]) for a in find_all(section, "a")] == [
        ("Magnesium and sleep", mentioning.get_absolute_url())
    ]
    assertNotContains(response, unrelated.title)


def test_a_product_no_published_guide_mentions_has_no_such_section(client):
    product = make_product()
    make_article(status=Article.Status.DRAFT, published_at=None).product_links.create(product=product)
    assertNotContains(client.get(product.get_absolute_url()), "Mentioned in these guides")


def test_a_product_page_shows_up_to_four_other_active_products_of_its_category(client):
    shelf = make_product_category(name="Supplements")
    product = make_product(name="Magnesium", category=shelf)
    others = [make_product(name=f"Other {number}", category=shelf) for number in range(5)]
    make_product(name="Retired other", category=shelf, is_active=False)
    make_product(name="Elsewhere", category=make_product_category())
    response = client.get(product.get_absolute_url())
    section = find_all(parse(response.content), "section", **{"class": "related"})[0]
    assert text(find_all(section, "h2")[0]) == "More in Supplements"
    assert card_names(response) == [other.name for other in others[:4]]  # by name, as the shop lists them
    assertContains(response, 'aria-label="Add to cart: Other 0"')


def test_a_product_without_a_category_shows_no_related_products(client):
    make_product(name="Also unfiled")
    response = client.get(make_product(name="Unfiled").get_absolute_url())
    assert card_names(response) == []
    assert find_all(parse(response.content), "section", **{"class": "related"}) == []


@pytest.mark.parametrize("count", [3, 30])
def test_a_product_page_runs_five_queries_however_many_guides_mention_it_and_products_share_its_category(
    client, django_assert_num_queries, count
):
    shelf = make_product_category()
    product = make_product(category=shelf)
    for _ in range(count):
        make_article().product_links.create(product=product)
        make_product(category=shelf)
    # The product with its category and facts, its ingredients, the guides, the related products, and the
    # footer's links (read by the first page rendered after a change, then cached).
    with django_assert_num_queries(5):
        response = client.get(product.get_absolute_url())
    section = find_all(parse(response.content), "section", **{"aria-labelledby": "guides-title"})[0]
    assert (len(find_all(section, "a")), len(card_names(response))) == (count, min(count, 4))


def test_a_category_page_runs_the_same_queries_however_many_products_it_has(client, django_assert_num_queries):
    shelf = make_product_category(slug="shelf")
    for count in (3, 30):
        while shelf.products.count() < count:
            make_product(category=shelf)
        # The category, the count and the page's products, the categories for the filter, the footer's links.
        with django_assert_num_queries(5):
            assert Client().get("/shop/category/shelf/").status_code == 200


# Through the page cache: category and product pages are shared, so a change must show at once.


def test_a_renamed_category_shows_at_once_on_its_page_the_shop_and_its_products(product_in_shelf):
    product, shelf = product_in_shelf, product_in_shelf.category
    urls = [shelf.get_absolute_url(), "/shop/", product.get_absolute_url()]
    for url in urls:
        Client().get(url)
        assert Client().get(url)["X-Page-Cache"] == "hit"
    shelf.name = "Renamed shelf"
    shelf.save()  # as a shell, a command or a data migration would
    for url in urls:
        response = Client().get(url)
        assert response["X-Page-Cache"] == "miss"
        assertContains(response, "Renamed shelf")


def test_a_product_moved_to_another_category_moves_at_once(product_in_shelf):
    product, shelf = product_in_shelf, product_in_shelf.category
    other = make_product_category(name="Other shelf")
    assert card_names(Client().get(shelf.get_absolute_url())) == [product.name]
    product.category = other
    product.save()
    assert card_names(Client().get(shelf.get_absolute_url())) == []
    assert card_names(Client().get(other.get_absolute_url())) == [product.name]


def test_a_guide_that_starts_mentioning_a_product_shows_on_its_page_at_once(product_in_shelf):
    product = product_in_shelf
    guide = make_article(title="A new guide")
    Client().get(product.get_absolute_url())
    assert Client().get(product.get_absolute_url())["X-Page-Cache"] == "hit"
    guide.product_links.create(product=product)
    assertContains(Client().get(product.get_absolute_url()), "A new guide")


def test_a_category_with_nothing_on_sale_says_so_and_is_left_out_of_the_filter(client):
    shelf = make_product_category(name="Retired shelf")
    make_product(name="Retired roller", category=shelf, is_active=False)
    response = client.get(shelf.get_absolute_url())
    assertContains(response, "No products in this category yet.")
    assertNotContains(response, "Retired roller")
    assertNotContains(client.get("/shop/"), shelf.get_absolute_url())
