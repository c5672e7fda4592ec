"""Text that goes on one line stays on one line: every one-line field (a CharField) of the project's models
refuses control characters. (What was stored before the rule still reaches the feed: tests/test_discovery.py.)"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from fatigue_site.validators import one_line
from tests.columns import PROJECT_APPS


def one_line_fields() -> list[models.CharField]:
    """What an editor or a shopper can type on one line: editable CharFields (slugs, emails and URLs
    included) but those limited to a list of choices."""
    return [
        field
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField)
        and field.editable
        and not field.choices
        and not field.name.startswith("history_")  # simple_history's own columns: nobody types them
    ]


def test_every_one_line_field_of_the_project_refuses_control_characters():
    assert len(one_line_fields()) > 40  # the rule reads the models: they were found
    assert [str(field) for field in one_line_fields() if one_line not in field.validators] == []


@pytest.mark.parametrize("value", ["Sleep\x1bwell", "Sleep\nwell", "Sleep\x85well", "Sleep\u2028well"])
def test_one_line_refuses_control_characters_and_line_separators(value):
    with pytest.raises(ValidationError, match="on one line"):
        one_line(value)
