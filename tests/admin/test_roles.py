"""Editors run guides, shop managers run products; neither crosses over, and logins resist guessing."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from pytest_django.asserts import assertContains

from tests.factories import make_article, make_product

pytestmark = pytest.mark.django_db


def product_form(product, **overrides) -> dict:
    return {
        "name": product.name,
        "slug": product.slug,
        "sku": product.sku,
        "short_description": product.short_description,
        "description": product.description,
        "price": str(product.price),
        "sale_price": "",
        "stock": str(product.stock),
        "is_active": "on",
        "image_alt": "",
    } | overrides


def test_setup_roles_twice_leaves_two_groups_with_the_same_permissions():
    call_command("setup_roles", stdout=io.StringIO())
    first = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    call_command("setup_roles", stdout=io.StringIO())
    second = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert first == second
    assert set(first) == {"Editors", "Shop managers"}
    assert "change_product" not in first["Editors"]
    assert "change_article" not in first["Shop managers"]


def test_editor_cannot_change_products(login_as):
    product = make_product(price=Decimal("10.00"))
    editor = login_as("Editors")
    url = f"/admin/cart/product/{product.pk}/change/"
    assert editor.get(url).status_code == 200  # view only, to pick products for guides
    assert editor.post(url, product_form(product, price="1.00")).status_code == 403
    assert editor.get("/admin/cart/product/add/").status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("10.00")


def test_shop_manager_cannot_change_guides(login_as):
    article = make_article()
    manager = login_as("Shop managers")
    assert manager.get("/admin/articles/article/").status_code == 403
    assert manager.get(f"/admin/articles/article/{article.pk}/change/").status_code == 403
    assert manager.post(f"/admin/articles/article/{article.pk}/change/", {"title": "Hijacked"}).status_code == 403
    article.refresh_from_db()
    assert article.title != "Hijacked"


def test_shop_manager_changes_price_and_stock_and_the_shop_shows_it_at_once(login_as, client):
    product = make_product(name="Foam roller", price=Decimal("22.00"), stock=5)
    manager = login_as("Shop managers")
    response = manager.post(
        f"/admin/cart/product/{product.pk}/change/", product_form(product, price="19.90", stock="2")
    )
    assert response.status_code == 302
    manager.logout()
    page = client.get(product.get_absolute_url())
    assertContains(page, "$19.90")
    assertContains(page, 'max="2"')


def test_stock_is_editable_in_the_product_list(login_as):
    product = make_product(stock=5)
    manager = login_as("Shop managers")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(product.pk),
        "form-0-sale_price": "",
        "form-0-stock": "0",
        "form-0-is_active": "on",
        "_save": "Save",
    }
    assert manager.post("/admin/cart/product/", data).status_code == 302
    product.refresh_from_db()
    assert product.stock == 0
    listing = manager.get("/admin/cart/product/?stock=out")
    assertContains(listing, product.name)


def test_staff_without_a_group_see_nothing(login_as):
    nobody = login_as(None)
    assertContains(nobody.get("/admin/"), "You don’t have permission to view or edit anything.")
    assert nobody.get("/admin/articles/article/").status_code == 403
    assert nobody.get("/admin/cart/product/").status_code == 403


def test_editors_may_delete_drafts_but_not_published_guides(login_as):
    draft, published = make_article(status="draft", published_at=None), make_article()
    editor = login_as("Editors")
    assert editor.get(f"/admin/articles/article/{draft.pk}/delete/").status_code == 200
    assert editor.get(f"/admin/articles/article/{published.pk}/delete/").status_code == 403


def test_admin_login_locks_out_after_five_failures_for_an_account(client, django_user_model):
    django_user_model.objects.create_user("editor", password="right-password", is_staff=True)
    statuses = [
        client.post(
            "/admin/login/", {"username": "editor", "password": f"guess-{attempt}"}, REMOTE_ADDR=f"10.0.0.{attempt}"
        ).status_code
        for attempt in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account
    locked = client.post("/admin/login/", {"username": "editor", "password": "right-password"}, REMOTE_ADDR="10.0.1.1")
    assert locked.status_code == 429
    assertContains(locked, "Too many failed logins", status_code=429)
    assert "_auth_user_id" not in client.session


def test_admin_login_locks_out_an_address_trying_many_accounts(client):
    for attempt in range(5):
        client.post("/admin/login/", {"username": f"user{attempt}", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    response = client.post("/admin/login/", {"username": "someone-else", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_editors_cannot_bulk_delete_published_guides(login_as):
    published = make_article()
    editor = login_as("Editors")
    editor.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"}
    )
    assert type(published).objects.filter(pk=published.pk).exists()
