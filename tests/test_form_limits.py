"""Every form's text fields fit the columns their values are stored in: a value the form accepts is never
refused by the database (PostgreSQL's varchar limits; a DataError is a 500).

The forms are found, not listed: every form class of the project's apps and the admin's form for every
registered model and inline. A form that stores nothing by itself is named in LOOKUPS; a form whose
cleaned data becomes a model's row without being a ModelForm is mapped in STORED_AS.
"""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import RequestFactory

from cart.forms import CouponForm, ProductForm, QuantityForm
from orders.addresses import AddressForm
from orders.forms import CheckoutForm, PaymentChoiceForm, TrackOrderForm
from orders.models import Order

APPS = ["catalogue", "articles", "cart", "orders", "fatigue_site"]
TEXT_FIELDS = (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField)

# Forms whose values are looked up or compared, never stored as typed.
LOOKUPS = {CouponForm, ProductForm, QuantityForm, PaymentChoiceForm, TrackOrderForm}
# Forms whose cleaned data becomes a row: the model, and the column of each field (by its name unless
# renamed here; None for a field stored nowhere).
STORED_AS: dict[type[forms.BaseForm], tuple[type[models.Model], dict[str, str | None]]] = {
    AddressForm: (Order, {}),
    CheckoutForm: (Order, {"token": "idempotency_key", "expected_total": None}),
}


def project_form_classes() -> set[type[forms.BaseForm]]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            skipped = (".migrations", ".management", ".testing", ".wsgi", ".asgi")  # no forms; side effects
            if not any(part in module.name for part in skipped):
                importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in APPS:
                found.add(subclass)
    return found


def admin_form_classes() -> list[type[forms.BaseForm]]:
    """The form of every registered model's add page and of each of its inlines, as a superuser gets them."""
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    found = []
    for model_admin in admin.site._registry.values():
        found.append(model_admin.get_form(request))
        found += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
    return found


def columns(form_class: type[forms.BaseForm]) -> dict[str, models.Field | None]:
    """The column each of the form's fields is stored in (None: not stored)."""
    meta = getattr(form_class, "_meta", None)
    if meta is not None and getattr(meta, "model", None) is not None:
        model, renamed = meta.model, {}
    else:
        stored = next((STORED_AS[base] for base in form_class.__mro__ if base in STORED_AS), None)
        assert stored, f"{form_class.__qualname__}: add it to LOOKUPS or STORED_AS"
        model, renamed = stored
    names = {field.name: field for field in model._meta.concrete_fields}
    return {name: names.get(renamed.get(name, name)) for name in form_class.base_fields}


def problems(form_class: type[forms.BaseForm]) -> list[str]:
    found = []
    for name, column in columns(form_class).items():
        field = form_class.base_fields[name]
        if column is None or column.max_length is None:
            continue
        where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        if isinstance(field, TEXT_FIELDS):
            if field.max_length is None or field.max_length > column.max_length:
                found.append(f"{where}: max_length {field.max_length}, column {column.max_length}")
        elif isinstance(field, forms.ChoiceField):
            for value in (str(key) for key, _ in field.choices if len(str(key)) > column.max_length):
                found.append(f"{where}: choice {value!r} longer than the column's {column.max_length}")
    return found


def test_every_project_form_is_a_model_form_a_lookup_or_mapped_to_its_columns():
    unmapped = {
        form.__qualname__
        for form in project_form_classes()
        if form not in LOOKUPS and not hasattr(form, "_meta") and not set(form.__mro__) & STORED_AS.keys()
    }
    assert unmapped == set()


@pytest.mark.parametrize("form_class", sorted(project_form_classes() - LOOKUPS, key=str), ids=lambda f: f.__name__)
def test_project_form_text_fields_fit_their_columns(form_class):
    assert problems(form_class) == []


def test_admin_form_text_fields_fit_their_columns():
    assert [problem for form_class in admin_form_classes() for problem in problems(form_class)] == []


def test_the_check_finds_a_field_longer_than_its_column_or_without_a_limit():
    class TooLong(CheckoutForm):
        email = forms.EmailField(max_length=320)
        phone = forms.CharField()

    where = "tests.test_form_limits.test_the_check_finds_a_field_longer_than_its_column_or_without_a_limit"
    assert problems(TooLong) == [
        f"{where}.<locals>.TooLong.email: max_length 320, column 254",
        f"{where}.<locals>.TooLong.phone: max_length None, column 40",
    ]
