import io

import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from catalogue.claims import disease_claim_words
from catalogue.models import Ingredient, Product, ProductCategory, SupplementFacts
from tests.factories import make_product
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def test_shop_lists_active_products_twelve_to_a_page(client):
    for _ in range(13):
        make_product()
    make_product(name="Retired product", is_active=False)
    first = client.get("/shop/")
    assert len(find_all(parse(first.content), "article", **{"class": "card product-card"})) == 12
    assertContains(client.get("/shop/?page=2"), "Page 2 of 2")
    assertNotContains(first, "Retired product")


def test_product_page_has_price_and_add_to_cart(client):
    product = make_product(name="Foam roller")
    response = client.get("/shop/" + product.slug + "/")
    assertContains(response, "<h1>Foam roller</h1>", html=True)
    assertContains(response, 'aria-label="Add to cart: Foam roller"')


def test_inactive_product_page_is_404(client):
    product = make_product(is_active=False)
    assert client.get(product.get_absolute_url()).status_code == 404


@pytest.mark.thorough  # the demo content
def test_seed_demo_adds_seven_products_linked_to_the_guide_in_order():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.get()
    assert [p.name for p in article.mentioned_products()] == [
        "Magnesium glycinate capsules",
        "Potassium citrate tablets",
        "Iron with vitamin C tablets",
        "Plant protein powder, unflavoured",
        "Electrolyte hydration mix",
        "Foam roller",
        "Yoga mat",
    ]
    assert Product.objects.count() == 7
    assert all(p.image and p.image_alt and p.renditions for p in Product.objects.all())
    assert (SupplementFacts.objects.count(), Ingredient.objects.count()) == (5, 9)  # once, not twice


@pytest.mark.thorough  # the demo content
def test_seed_demo_gives_the_supplements_facts_marked_as_demo_values(client):
    call_command("seed_demo", stdout=io.StringIO())
    kinds = dict(Product.objects.values_list("slug", "kind"))
    assert [slug for slug, kind in kinds.items() if kind == "equipment"] == ["foam-roller", "yoga-mat"]
    supplements = Product.objects.filter(kind=Product.Kind.SUPPLEMENT)
    assert supplements.count() == 5
    assert all(product.facts.demo_values for product in supplements)
    page = client.get("/shop/iron-vitamin-c/")
    assertContains(page, "Demo values, not a real product’s label")
    assertContains(page, "Iron (as ferrous bisglycinate)")
    assertNotContains(client.get("/shop/yoga-mat/"), "Supplement Facts")


@pytest.mark.thorough  # the demo content
def test_seed_demo_files_the_products_in_two_categories_and_features_the_guide_and_four_products():
    call_command("seed_demo", stdout=io.StringIO())
    filed = {c.name: sorted(c.products.values_list("slug", flat=True)) for c in ProductCategory.objects.all()}
    assert filed == {
        "Supplements": [
            "electrolyte-mix",
            "iron-vitamin-c",
            "magnesium-glycinate",
            "plant-protein",
            "potassium-citrate",
        ],  # fmt: skip
        "Recovery equipment": ["foam-roller", "yoga-mat"],
    }
    assert list(filed) == ["Supplements", "Recovery equipment"]  # in the shop's order
    featured = Product.objects.filter(featured=True).values_list("slug", flat=True)
    assert sorted(featured) == ["electrolyte-mix", "foam-roller", "magnesium-glycinate", "yoga-mat"]
    assert Article.objects.get().featured is True
    for category in ProductCategory.objects.all():
        assert disease_claim_words(category.description) == []
        assert "placeholder products for the demo shop" in category.description


@pytest.mark.thorough  # the demo content
def test_seed_demo_files_a_demo_loaded_before_categories_and_then_leaves_staffs_choices_alone():
    call_command("seed_demo", stdout=io.StringIO())
    Product.objects.update(category=None)
    ProductCategory.objects.all().delete()  # as a demo loaded before there were categories
    call_command("seed_demo", stdout=io.StringIO())
    assert not Product.objects.filter(category=None).exists()
    Product.objects.filter(slug="yoga-mat").update(category=None)  # staff unfiled it
    call_command("seed_demo", stdout=io.StringIO())
    assert Product.objects.get(slug="yoga-mat").category is None


@pytest.mark.thorough  # the demo content
def test_seed_demo_keeps_a_link_that_staff_removed_removed():
    call_command("seed_demo", stdout=io.StringIO())
    Article.objects.get().product_links.filter(product__sku="DEMO-MAT-01").delete()
    call_command("seed_demo", stdout=io.StringIO())
    assert "Yoga mat" not in [p.name for p in Article.objects.get().mentioned_products()]


@pytest.mark.thorough  # the demo content
def test_demo_product_copy_makes_no_disease_claims_and_says_it_is_a_placeholder():
    call_command("seed_demo", stdout=io.StringIO())
    for product in Product.objects.all():
        copy = f"{product.name} {product.short_description} {product.description}"
        assert disease_claim_words(copy) == [], product.name
        product.full_clean()  # the admin would save it as it is
        assert "placeholder product for the demo shop" in copy.lower()


def test_prices_are_formatted_in_the_configured_currency(client):
    make_product(name="Protein", price="1234.50")
    assert "$1,234.50" in text(client.get("/shop/").content)
