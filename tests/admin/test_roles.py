"""Editors run guides, shop managers run products; neither crosses over, and logins resist guessing."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from pytest_django.asserts import assertContains

from fatigue_site.management.commands.setup_roles import ROLES
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
        "kind": product.kind,
        # The inlines' management forms (Supplement Facts, ingredients): none sent, none there.
        **{f"{prefix}-{name}": "0" for prefix in ("facts", "ingredients") for name in ("TOTAL_FORMS", "INITIAL_FORMS")},
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


def test_setup_roles_reads_the_permissions_in_one_query_a_group(django_assert_num_queries):
    # Per group: its permissions; the group (looked up, then made in a savepoint); its permissions set (read, insert).
    with django_assert_num_queries(2 * 7 + 2):  # and the command's own savepoint
        call_command("setup_roles", stdout=io.StringIO())


def test_setup_roles_names_a_permission_that_does_not_exist(monkeypatch):
    monkeypatch.setitem(ROLES["Editors"], "articles", {"article": ["view", "publish"]})
    with pytest.raises(CommandError, match=r"^No such permission: articles\.publish_article$"):
        call_command("setup_roles", stdout=io.StringIO())
    assert not Group.objects.exists()


def test_editor_cannot_change_products(login_as):
    product = make_product(price=Decimal("10.00"))
    editor = login_as("Editors")
    url = f"/admin/catalogue/product/{product.pk}/change/"
    assert editor.get(url).status_code == 200  # view only, to pick products for guides
    assert editor.post(url, product_form(product, price="1.00")).status_code == 403
    assert editor.get("/admin/catalogue/product/add/").status_code == 403
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
        f"/admin/catalogue/product/{product.pk}/change/", product_form(product, price="19.90", stock="2")
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
    assert manager.post("/admin/catalogue/product/", data).status_code == 302
    product.refresh_from_db()
    assert product.stock == 0
    listing = manager.get("/admin/catalogue/product/?stock=out")
    assertContains(listing, product.name)


def test_staff_without_a_group_see_nothing(login_as):
    nobody = login_as(None)
    assertContains(nobody.get("/admin/"), "You don’t have permission to view or edit anything.")
    assert nobody.get("/admin/articles/article/").status_code == 403
    assert nobody.get("/admin/catalogue/product/").status_code == 403


def test_editors_may_delete_drafts_but_not_published_guides(login_as):
    draft, published = make_article(status="draft", published_at=None), make_article()
    editor = login_as("Editors")
    assert editor.get(f"/admin/articles/article/{draft.pk}/delete/").status_code == 200
    assert editor.get(f"/admin/articles/article/{published.pk}/delete/").status_code == 403


def test_editors_cannot_delete_a_guide_that_was_once_published(login_as, django_user_model):
    unpublished = make_article()
    unpublished.status = "draft"
    unpublished.save()
    editor = login_as("Editors")
    assert editor.get(f"/admin/articles/article/{unpublished.pk}/delete/").status_code == 403
    editor.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [unpublished.pk], "post": "yes"}
    )
    assert type(unpublished).objects.filter(pk=unpublished.pk).exists()
    superuser = django_user_model.objects.create_superuser("root", password="pw")
    editor.force_login(superuser)
    assert editor.post(f"/admin/articles/article/{unpublished.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not type(unpublished).objects.filter(pk=unpublished.pk).exists()


@pytest.mark.parametrize(("group", "status"), [("Editors", 200), ("Shop managers", 403), (None, 403)])
def test_only_staff_who_edit_guides_can_preview_a_draft(login_as, group, status):
    draft = make_article(status="draft", published_at=None)
    assert login_as(group).get(f"/guides/{draft.slug}/preview/").status_code == status


def bad_logins(client, username: str, count: int = 5, **headers) -> list[int]:
    return [
        client.post("/admin/login/", {"username": username, "password": f"guess-{n}"}, **headers).status_code
        for n in range(count)
    ]


def good_login(client, username: str, **headers) -> int:
    return client.post("/admin/login/", {"username": username, "password": "right-password"}, **headers).status_code


@pytest.fixture
def staff(django_user_model):
    for username in ("editor", "manager"):
        django_user_model.objects.create_user(username, password="right-password", is_staff=True)


def test_five_bad_logins_lock_out_that_username_from_that_address(client, staff):
    assert bad_logins(client, "editor", REMOTE_ADDR="10.0.0.1") == [200, 200, 200, 200, 429]
    locked = client.post("/admin/login/", {"username": "editor", "password": "right-password"}, REMOTE_ADDR="10.0.0.1")
    assertContains(locked, "Too many failed logins", status_code=429)
    assert "_auth_user_id" not in client.session


def test_bad_logins_from_elsewhere_do_not_lock_out_the_real_user(client, staff):
    for attempt in range(5):
        bad_logins(client, "editor", count=1, REMOTE_ADDR=f"10.0.0.{attempt}")
    bad_logins(client, "editor", REMOTE_ADDR="10.0.9.9")  # and one address locked for good measure
    assert good_login(client, "editor", REMOTE_ADDR="192.0.2.7") == 302


def test_one_visitors_bad_logins_do_not_lock_out_other_staff_at_the_same_address(client, staff):
    bad_logins(client, "editor", REMOTE_ADDR="10.0.0.1")
    assert good_login(client, "manager", REMOTE_ADDR="10.0.0.1") == 302


def test_behind_the_balancer_the_lockout_keys_on_the_visitors_own_address(client, staff, settings):
    settings.TRUSTED_PROXIES = 1
    balancer = {"REMOTE_ADDR": "10.1.1.1"}  # every request comes from the balancer
    attacker = bad_logins(client, "editor", HTTP_X_FORWARDED_FOR="203.0.113.9", **balancer)
    assert attacker == [200, 200, 200, 200, 429]
    # The real user, through the same balancer, and an attacker who forges the header's first entry.
    assert good_login(client, "editor", HTTP_X_FORWARDED_FOR="198.51.100.4", **balancer) == 302
    client.logout()
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.4, 203.0.113.9", **balancer}
    assert good_login(client, "editor", **forged) == 429  # the balancer appended the attacker's address


def test_editors_cannot_bulk_delete_published_guides(login_as):
    published = make_article()
    editor = login_as("Editors")
    editor.post(
        "/admin/articles/article/", {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"}
    )
    assert type(published).objects.filter(pk=published.pk).exists()
