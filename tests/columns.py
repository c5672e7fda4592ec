"""Stored values against their columns: SQLite stores a value longer than a varchar's limit where
PostgreSQL refuses it (a DataError), so the tests look at the rows themselves."""

from django.apps import apps
from django.db import models
from django.db.models.functions import Length

PROJECT_APPS = {"catalogue", "articles", "cart", "orders"}


def values_longer_than_their_columns() -> list[str]:
    """Every stored text of the project's models that is longer than its column, as "Model.field (pk): length"."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                rows = model._default_manager.annotate(_length=Length(field.name))
                for pk, length in rows.filter(_length__gt=field.max_length).values_list("pk", "_length"):
                    found.append(f"{model._meta.label}.{field.name} ({pk}): {length} > {field.max_length}")
    return found
