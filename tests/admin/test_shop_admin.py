"""Shop managers and editors change what has an image, without uploading it again."""

from decimal import Decimal

import pytest

from catalogue.models import ProductCategory
from tests.factories import make_article, make_product, png
from tests.html import find_all, form_values, parse, text

pytestmark = pytest.mark.django_db


def test_a_shop_manager_changes_the_price_of_a_product_with_an_image(login_as):
    product = make_product(price=Decimal("20.00"), image=png(800, 600), image_alt="A test image")
    stored = product.image.name
    manager = login_as("Shop managers")
    url = f"/admin/catalogue/product/{product.pk}/change/"
    data = form_values(manager.get(url), id="product_form") | {"price": ["18.50"], "_save": ["Save"]}

    response = manager.post(url, data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.image.name, product.image_width) == (Decimal("18.50"), stored, 800)


def test_a_shop_manager_adds_a_category_files_a_product_in_it_and_features_it(login_as, client):
    product = make_product(name="Foam roller")
    manager = login_as("Shop managers")
    add = "/admin/catalogue/productcategory/add/"
    data = form_values(manager.get(add), id="productcategory_form")
    data |= {"name": ["Recovery equipment"], "slug": ["recovery-equipment"], "_save": ["Save"]}
    assert manager.post(add, data).status_code == 302
    category = ProductCategory.objects.get()
    url = f"/admin/catalogue/product/{product.pk}/change/"
    data = form_values(manager.get(url), id="product_form")
    data |= {"category": [str(category.pk)], "featured": ["on"], "_save": ["Save"]}
    assert manager.post(url, data).status_code == 302
    product.refresh_from_db()
    assert (product.category, product.featured) == (category, True)
    make_product(name="Unfiled")
    filed = manager.get(f"/admin/catalogue/product/?category__id__exact={category.pk}")
    assert [text(a) for a in find_all(parse(filed.content), "td", **{"class": "field-name"})] == ["Foam roller"]
    assert client.get("/shop/category/recovery-equipment/").status_code == 200


def test_an_editor_saves_a_guide_with_a_hero_image_unchanged(login_as):
    article = make_article(hero_image=png(1200, 600), hero_image_alt="A test image")
    stored = article.hero_image.name
    editor = login_as("Editors")
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_values(editor.get(url), id="article_form") | {"summary": ["A new summary."], "_save": ["Save"]}

    response = editor.post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.summary, article.hero_image.name) == ("A new summary.", stored)


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("orders/order", "created_at__year=99999999999999999999"),
        ("orders/order", "created_at__year=9999&created_at__month=12&created_at__day=31"),
        ("catalogue/product", "created_at__year=99999999"),
        ("articles/article", "created_at__year=99999999"),
    ],
)
def test_a_date_filter_out_of_range_is_refused_not_a_server_error(admin_client, model, query):
    response = admin_client.get(f"/admin/{model}/?{query}")
    assert response.status_code == 400
    assert response.text.startswith("A filter value in the address is out of range")


@pytest.mark.parametrize("query", ["created_at__year=99999999", "created_at__year=2026&created_at__month=13"])
def test_an_impossible_order_date_gets_djangos_error_list(admin_client, query):
    response = admin_client.get(f"/admin/orders/order/?{query}")
    assert (response.status_code, response["Location"]) == (302, "/admin/orders/order/?e=1")


def test_the_admin_keeps_the_sites_name(admin_client):
    assert "<title>Site administration | Steady Strength admin</title>" in admin_client.get("/admin/").text
