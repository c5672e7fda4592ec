"""Every model in the admin, as a superuser: its list (with odd filters too) and its add form open,
and each object's change form sent back exactly as it was rendered saves without changing it, or is
refused as read-only. Never a 5xx. A model registered later is covered once a few of its objects
exist here (the tests say so when none do).
"""

import logging
from datetime import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from articles.models import Article
from orders import status
from tests.factories import Catalogue, place_order_through_checkout
from tests.forms import Form, exception_of, parse_page

# Transactional, as in production: a failed query on PostgreSQL must not abort the test's transaction
# and turn every later request into an error.
pytestmark = [pytest.mark.thorough, pytest.mark.django_db(transaction=True)]

OBJECTS_PER_MODEL = 3
# Saving a guide stamps "Last updated" unless the editor ticks "minor edit" (articles/admin.py).
CHANGED_BY_A_SAVE = {(Article, "last_updated")}
ODD_FILTERS = [
    "created_at__year=99999999",
    "created_at__month=13",
    "q=%00",
    "status=%00",
    "o=zzz",
    "o=99.-99",
    "p=99999999",
    "p=zzz",
    "e=%00",
]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")


@pytest.fixture
def admin_client(superuser, caplog) -> Client:
    caplog.set_level(logging.CRITICAL, logger="django.request")  # each failure is listed once, by the test
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    return client


@pytest.fixture
def objects(catalogue: Catalogue, roles, superuser, django_user_model, settings):
    """A few objects of every registered model, made the way the site makes them: the shared catalogue
    (tests/factories.py) and what only the admin shows: staff, orders, carts and sign-ins."""
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "pw", is_staff=True)
    editor.groups.set(Group.objects.filter(name="Editors"))
    django_user_model.objects.create_user("reader", "", "pw", first_name="Rea", last_name="Der")

    bank, cod = catalogue.bank_transfer, catalogue.cash_on_delivery
    magnesium, supplement = catalogue.magnesium, catalogue.supplement
    shopper = Client()  # orders (with their lines, history and email tasks) placed through the checkout
    shopper.post("/cart/add/", {"product": magnesium.pk, "quantity": 2})
    shipped = place_order_through_checkout(shopper)
    status.move(shipped, "paid")
    status.move(shipped, "shipped", tracking_number="TRK1", tracking_url="https://carrier.example/TRK1")
    shopper.post("/cart/add/", {"product": magnesium.pk, "quantity": 1})
    place_order_through_checkout(shopper, payment_method=str(cod.pk))
    assert bank.orders.count() == cod.orders.count() == 1
    Client().post("/cart/add/", {"product": supplement.pk, "quantity": 1})  # a cart left as it is

    # Admin sign-ins as django-axes logs them: a success, and a failure (kept in its log, when that is on).
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    signer = Client()
    signer.post("/admin/login/", {"username": "editor", "password": "pw", "next": "/admin/"})
    signer.post("/admin/login/", {"username": "nobody", "password": "wrong", "next": "/admin/"})


def registered():
    """(model, its ModelAdmin, its changelist URL) for every model in the admin."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield model, model_admin, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def admin_url(model, view: str, pk) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(pk)])


def stored(model, pk) -> dict:
    """The row as an editor sees it: text as typed, whole seconds, files by name, many-to-many by key."""
    row = model._default_manager.get(pk=pk)
    values = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or (model, field.name) in CHANGED_BY_A_SAVE:
            continue
        value = getattr(row, field.attname)
        if isinstance(value, str):
            value = "\n".join(value.splitlines()).strip()  # a form strips; a browser sends CRLF line breaks
        elif isinstance(value, datetime):
            value = value.replace(microsecond=0)  # the admin's time inputs show whole seconds
        elif isinstance(value, FieldFile):
            value = value.name
        values[field.name] = value
    for field in model._meta.many_to_many:
        values[field.name] = sorted(getattr(row, field.name).values_list("pk", flat=True))
    return values


def model_form(response, model) -> Form:
    """The page's form for the object (not, say, the header's log out button)."""
    forms = parse_page(response.content.decode()).forms
    found = [form for form in forms if form.attributes.get("id") == f"{model._meta.model_name}_form"]
    assert found, f"{response.wsgi_request.path}: no form with id {model._meta.model_name}_form"
    return found[0]


def errors_of(response) -> str:
    errors = response.context.get("errors") if response.context else None
    return "; ".join(str(error) for error in errors or []) or "(no error shown)"


def check(failures: list[str], client: Client, method: str, url: str, data=None, expect=(200, 302)):
    """Send the request; note it in `failures` if the answer is a 5xx or not one of `expect` (if given)."""
    response = client.get(url) if method == "GET" else client.post(url, data)
    if response.status_code >= 500:
        failures.append(f"{method} {url} -> {response.status_code} {exception_of(response)}")
    elif expect and response.status_code not in expect:
        failures.append(f"{method} {url} -> {response.status_code}")
    return response


def test_every_changelist_and_add_form_opens_and_an_empty_add_is_answered(admin_client, objects):
    failures = []
    for model, model_admin, changelist in registered():
        response = check(failures, admin_client, "GET", changelist, expect=[200])
        if not model_admin.has_add_permission(response.wsgi_request):
            continue
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        if (response := check(failures, admin_client, "GET", add, expect=[200])).status_code == 200:
            # Sent as it comes, mostly empty: errors to fix (200), or a new object (302); never a crash.
            check(failures, admin_client, "POST", add, model_form(response, model).data() | {"_save": "Save"})
    assert not failures, "\n".join(failures)


def test_odd_changelist_filters_are_no_server_error(admin_client, objects):
    failures = []
    for _model, model_admin, changelist in registered():
        queries = list(ODD_FILTERS)
        if dates := model_admin.date_hierarchy:
            queries += [f"{dates}__year=99999999", f"{dates}__month=13", f"{dates}__year=2025&{dates}__month=13"]
            queries += [f"{dates}__year=2025&{dates}__month=2&{dates}__day=31", f"{dates}__year=%00"]
        for entry in model_admin.list_filter:
            name = getattr(entry, "parameter_name", None) or (entry[0] if isinstance(entry, tuple) else entry)
            queries += [f"{name}=%00", f"{name}__exact=%00", f"{name}__isempty=%00", f"{name}__gte=99999999-13-32"]
        for query in dict.fromkeys(queries):  # once each
            check(failures, admin_client, "GET", f"{changelist}?{query}", expect=None)  # anything but a 5xx
    assert not failures, "\n".join(failures)


def save_unchanged(client: Client, model, pk, changelist: str) -> str | None:
    """Open the object's change form and send it back as rendered; what went wrong, or None."""
    change = admin_url(model, "change", pk)
    response = client.get(change)
    if response.status_code != 200:
        return f"GET {change} -> {response.status_code} {exception_of(response)}"
    form = model_form(response, model)
    if "_save" not in form.buttons:
        return None  # read-only: the page offers no Save
    before = stored(model, pk)
    response = client.post(change, form.data() | {"_save": "Save"})
    if response.status_code == 403:
        return None  # refused as read-only
    if response.status_code >= 500:
        return f"POST {change} (the change form as rendered) -> {response.status_code} {exception_of(response)}"
    if response.status_code != 302 or response["Location"] != changelist:
        return f"POST {change} -> {response.status_code}, not saved: {errors_of(response)}"
    if (after := stored(model, pk)) != before:
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        return f"POST {change} changed what it sent back unchanged: {changed}"
    return None


def test_every_object_saves_unchanged_from_its_change_form(admin_client, objects):
    failures, checked = [], {}
    for model, _model_admin, changelist in registered():
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:OBJECTS_PER_MODEL])
        checked[model._meta.label] = len(pks)
        if not pks:
            failures.append(f"{model._meta.label}: no object to round-trip; make a few (tests/factories.py)")
        for pk in pks:
            for view in ("history", "delete"):  # the object's pages that only read
                check(failures, admin_client, "GET", admin_url(model, view, pk), expect=[200, 403])
            if problem := save_unchanged(admin_client, model, pk, changelist):
                failures.append(problem)
    print(f"{len(checked)} models, {sum(checked.values())} objects round-tripped")
    assert not failures, "\n".join(failures)
