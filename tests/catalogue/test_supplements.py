"""Supplement Facts on the product page, kinds, and the admin that edits them."""

from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from catalogue.models import Ingredient, Product, SupplementFacts
from tests.factories import make_facts, make_ingredient, make_product, make_supplement
from tests.html import find_all, form_values, parse, text
from tests.test_fuzz import BAD_VALUES

pytestmark = pytest.mark.django_db

DISCLAIMER = "Food supplements are not a substitute for a varied, balanced diet."


def facts_table(response):
    tables = find_all(parse(response.content), "table", **{"class": "facts-label__table"})
    return tables[0] if tables else None


def rows(table) -> list[str]:
    return [text(row) for row in find_all(find_all(table, "tbody")[0], "tr")]


def test_supplement_page_shows_the_facts_table_and_the_disclaimer(client):
    product = make_supplement(name="Magnesium glycinate capsules")
    response = client.get(product.get_absolute_url())
    table = facts_table(response)
    caption = text(find_all(table, "caption")[0])
    assert caption == "Supplement Facts Serving size 2 capsules Servings per container 30"
    headers = [(text(th), dict(th.attributes)["scope"]) for th in find_all(find_all(table, "thead")[0], "th")]
    assert headers == [("Ingredient", "col"), ("Amount per serving", "col"), ("% Daily Value", "col")]
    assert rows(table) == ["Magnesium 200 mg 48%", "Glycine 1.5 g † Daily Value not established"]
    assert [dict(th.attributes)["scope"] for th in find_all(find_all(table, "tbody")[0], "th")] == ["row", "row"]
    assert text(find_all(table, "tfoot")[0]) == "† Daily Value not established."
    label = text(find_all(parse(response.content), "div", **{"class": "facts-label"})[0])
    assert label.endswith("Other ingredients: Rice flour. Allergens: None known. Warnings: Keep away from children.")
    assertContains(response, DISCLAIMER)
    assertNotContains(response, "Demo values")


def test_footnote_only_when_an_ingredient_has_no_established_daily_value(client):
    product = make_product(kind=Product.Kind.SUPPLEMENT)
    make_facts(product)
    make_ingredient(product, name="Vitamin C", amount=Decimal("80.000"), daily_value=Decimal("88.9"))
    table = facts_table(client.get(product.get_absolute_url()))
    assert rows(table) == ["Vitamin C 80 mg 88.9%"]
    assert not find_all(table, "tfoot")


def test_demo_facts_say_so_in_the_caption(client):
    product = make_product(kind=Product.Kind.SUPPLEMENT)
    make_facts(product, demo_values=True)
    caption = text(find_all(facts_table(client.get(product.get_absolute_url())), "caption")[0])
    assert caption.startswith("Supplement Facts Demo values, not a real product’s label Serving size")


def test_equipment_page_shows_no_facts_no_warnings_and_no_supplement_disclaimer(client):
    mat = make_product(name="Yoga mat", kind=Product.Kind.EQUIPMENT)
    make_facts(mat, warnings="Stale warning.")  # written past the admin's check: still not shown
    response = client.get(mat.get_absolute_url())
    assert facts_table(response) is None
    assertNotContains(response, "Stale warning.")
    assertNotContains(response, DISCLAIMER)


def test_supplement_without_facts_yet_shows_the_disclaimer_only(client):
    product = make_product(kind=Product.Kind.SUPPLEMENT)
    response = client.get(product.get_absolute_url())
    assert facts_table(response) is None
    assertContains(response, DISCLAIMER)


@pytest.mark.parametrize("ingredient_count", [1, 8])
def test_product_page_runs_four_queries_whatever_the_number_of_ingredients(ingredient_count, django_assert_num_queries):
    product = make_product(kind=Product.Kind.SUPPLEMENT)
    make_facts(product)
    for _ in range(ingredient_count):
        make_ingredient(product)
    # The product with its facts, its ingredients, the guides that mention it, and the footer's links
    # (read once per generation of the page cache). No category: no related products to ask for. A
    # visitor without a session: no session or cart query.
    with django_assert_num_queries(4):
        response = Client().get(product.get_absolute_url())
    assert len(rows(facts_table(response))) == ingredient_count


# The admin


def change_url(product: Product) -> str:
    return f"/admin/catalogue/product/{product.pk}/change/"


def admin_form(client, url: str, **changes: str) -> dict[str, list[str]]:
    """The product form as the admin renders it, with `changes` (field names as the form sends them)."""
    return (
        form_values(client.get(url), id="product_form")
        | {name: [value] for name, value in changes.items()}
        | {"_save": ["Save"]}
    )


def field_errors(response, name: str) -> list[str]:
    """The errors the admin shows on the field `name` of the product form or one of its inlines."""
    if "-" in name:
        prefix, index, field = name.rsplit("-", 2)
        formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)
        form = formset.formset.forms[int(index)]
        return list(form.errors.get(field, []) if field != "__all__" else form.non_field_errors())
    return list(response.context["adminform"].form.errors.get(name, []))


def test_admin_refuses_a_disease_claim_naming_the_word_and_saves_nothing(login_as):
    product = make_product(description="Magnesium in capsules.")
    manager = login_as("Shop managers")
    response = manager.post(
        change_url(product), admin_form(manager, change_url(product), description="Cures fatigue.", stock="7")
    )
    assert response.status_code == 200
    assert field_errors(response, "description") == [
        "Product copy may make structure/function claims only, not disease claims; remove: cures"
    ]
    product.refresh_from_db()
    assert (product.description, product.stock) == ("Magnesium in capsules.", 50)


def test_admin_names_every_claim_word_on_the_field_it_is_in(login_as):
    product = make_product()
    manager = login_as("Shop managers")
    data = admin_form(manager, change_url(product), name="Heal-all", short_description="Treats and PREVENTS; treats.")
    response = manager.post(change_url(product), data)
    assert field_errors(response, "name")[0].endswith("remove: heal")
    assert field_errors(response, "short_description")[0].endswith("remove: treats, prevents")


def test_admin_saves_structure_function_copy(login_as):
    product = make_product()
    manager = login_as("Shop managers")
    copy = "Magnesium supports normal muscle function. Healthy, pretreated, healthful."
    response = manager.post(change_url(product), admin_form(manager, change_url(product), description=copy))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.description == copy


def test_admin_saves_facts_and_ingredients_inline_in_order(login_as, client):
    product = make_product(kind=Product.Kind.SUPPLEMENT)
    manager = login_as("Shop managers")
    data = admin_form(
        manager,
        change_url(product),
        **{
            "facts-0-serving_size": "1 tablet",
            "facts-0-servings_per_container": "90",
            "facts-0-warnings": "Keep out of reach of children.",
            "ingredients-TOTAL_FORMS": "2",
            "ingredients-0-order": "2",
            "ingredients-0-name": "Iron",
            "ingredients-0-amount": "14",
            "ingredients-0-unit": "mg",
            "ingredients-0-daily_value": "78",
            "ingredients-1-order": "1",
            "ingredients-1-name": "Vitamin C",
            "ingredients-1-amount": "80",
            "ingredients-1-unit": "mg",
            "ingredients-1-daily_value": "",
        },
    )
    response = manager.post(change_url(product), data)
    assert response.status_code == 302
    assert SupplementFacts.objects.values_list("serving_size", "servings_per_container").get() == ("1 tablet", 90)
    assert list(product.ingredients.values_list("name", "amount", "daily_value")) == [
        ("Vitamin C", Decimal("80.000"), None),
        ("Iron", Decimal("14.000"), Decimal("78.0")),
    ]
    manager.logout()
    assert rows(facts_table(client.get(product.get_absolute_url()))) == [
        "Vitamin C 80 mg † Daily Value not established",
        "Iron 14 mg 78%",
    ]


def test_admin_refuses_facts_and_ingredients_on_equipment(login_as):
    mat = make_product(kind=Product.Kind.EQUIPMENT)
    manager = login_as("Shop managers")
    data = admin_form(
        manager,
        change_url(mat),
        **{
            "facts-0-serving_size": "1 mat",
            "facts-0-servings_per_container": "1",
            "ingredients-TOTAL_FORMS": "1",
            "ingredients-0-name": "Rubber",
            "ingredients-0-amount": "900",
            "ingredients-0-unit": "g",
        },
    )
    response = manager.post(change_url(mat), data)
    assert response.status_code == 200
    refused = "Only supplements carry Supplement Facts. Set the kind to Supplement, or remove them."
    assert field_errors(response, "facts-0-__all__") == [refused]
    assert field_errors(response, "ingredients-0-__all__") == [refused]
    assert not SupplementFacts.objects.exists() and not Ingredient.objects.exists()


def test_admin_refuses_to_make_a_supplement_with_facts_equipment_unless_they_are_removed(login_as):
    product = make_supplement()
    manager = login_as("Shop managers")
    response = manager.post(change_url(product), admin_form(manager, change_url(product), kind="equipment"))
    assert response.status_code == 200
    assert field_errors(response, "facts-0-__all__")
    product.refresh_from_db()
    assert product.kind == Product.Kind.SUPPLEMENT

    removed = {"facts-0-DELETE": "on", "ingredients-0-DELETE": "on", "ingredients-1-DELETE": "on"}
    response = manager.post(change_url(product), admin_form(manager, change_url(product), kind="equipment", **removed))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.kind == Product.Kind.EQUIPMENT
    assert not SupplementFacts.objects.exists() and not Ingredient.objects.exists()


def test_a_supplement_saved_unchanged_keeps_its_facts_and_ingredients(login_as):
    product = make_supplement(demo_values=True)
    before = label_rows(product)[1:]
    manager = login_as("Shop managers")
    assert manager.post(change_url(product), admin_form(manager, change_url(product))).status_code == 302
    assert label_rows(product)[1:] == before


NEW_FIELDS = ["kind"] + [
    f"facts-0-{name}"
    for name in ("serving_size", "servings_per_container", "other_ingredients", "allergens", "warnings", "demo_values")
] + [f"ingredients-0-{name}" for name in ("order", "name", "amount", "unit", "daily_value")]  # fmt: skip


def label_rows(product: Product) -> tuple:
    return (
        Product.objects.filter(pk=product.pk).values_list("kind", "updated_at").get(),
        list(SupplementFacts.objects.values_list()),
        list(Ingredient.objects.order_by("pk").values_list()),
    )


@pytest.mark.thorough  # a few hundred admin requests
def test_junk_in_any_new_admin_field_is_refused_or_saved_never_a_server_error(login_as):
    product = make_supplement()
    manager = login_as("Shop managers")
    rendered = admin_form(manager, change_url(product))  # sent back each time with one field changed
    for name in NEW_FIELDS:
        for value in BAD_VALUES:
            before = label_rows(product)
            response = manager.post(change_url(product), rendered | {name: [value]})
            # Saved, refused with the form saying why, or refused whole (a NUL: core/middleware.py).
            assert response.status_code in (302, 200, 400), (name, value[:40])
            if response.status_code == 200:
                assert response.context["errors"], (name, value[:40])
            if response.status_code != 302:
                assert label_rows(product) == before, (name, value[:40])


# The page cache


def cached_then_fresh(url: str, change) -> Client:
    """Warm the shared page for `url`, make `change` outside the admin, and return the next visitor's page."""
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    change()
    return Client().get(url)


def test_next_visitor_sees_changed_facts_at_once():
    product = make_supplement()

    def change():
        facts = product.facts
        facts.serving_size = "3 capsules"
        facts.save()

    response = cached_then_fresh(product.get_absolute_url(), change)
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Serving size 3 capsules")


def test_next_visitor_sees_a_changed_added_and_removed_ingredient_at_once():
    product = make_supplement()
    magnesium, glycine = product.ingredients.all()

    def change_amount():
        magnesium.amount = Decimal("250")
        magnesium.save()

    url = product.get_absolute_url()
    assert rows(facts_table(cached_then_fresh(url, change_amount)))[0] == "Magnesium 250 mg 48%"
    zinc = rows(facts_table(cached_then_fresh(url, lambda: make_ingredient(product, name="Zinc", amount=10))))
    assert zinc[-1] == "Zinc 10 mg 25%"
    assert len(rows(facts_table(cached_then_fresh(url, glycine.delete)))) == 2
