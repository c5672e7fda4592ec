"""Text people type holds no control characters: every one-line field (a CharField) of the project's
models refuses them all, line breaks and tabs included; every longer text (a TextField) all but line
breaks and tabs. (What was stored before the rule still reaches the feed: tests/test_discovery.py.)"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from core.validators import multi_line, one_line
from tests.columns import PROJECT_APPS


def typed_fields(kind: type[models.Field]) -> list[models.Field]:
    """The fields of `kind` someone types into: editable, not limited to a list of choices (slugs, emails
    and URLs are CharFields too). The history's copies (simple_history) copy the validators too."""
    return [
        field
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not hasattr(model, "instance_type")
        for field in model._meta.concrete_fields
        if isinstance(field, kind) and field.editable and not field.choices
    ]


def test_every_one_line_field_of_the_project_refuses_control_characters():
    assert len(typed_fields(models.CharField)) > 40  # the rule reads the models: they were found
    assert [str(field) for field in typed_fields(models.CharField) if one_line not in field.validators] == []


def test_every_longer_text_of_the_project_refuses_control_characters_but_line_breaks_and_tabs():
    assert len(typed_fields(models.TextField)) > 10
    assert [str(field) for field in typed_fields(models.TextField) if multi_line not in field.validators] == []


@pytest.mark.parametrize("value", ["Sleep\x1bwell", "Sleep\nwell", "Sleep\twell", "Sleep\x85well", "Sleep\u2028well"])
def test_one_line_refuses_control_characters_and_line_separators(value):
    with pytest.raises(ValidationError, match="on one line"):
        one_line(value)


@pytest.mark.parametrize("value", ["Sleep\x1bwell", "Sleep\x00well", "Sleep\x85well", "Sleep\x7fwell"])
def test_multi_line_refuses_control_characters(value):
    with pytest.raises(ValidationError, match="Remove the control characters"):
        multi_line(value)


def test_multi_line_keeps_line_breaks_and_tabs_and_any_script():
    multi_line("## Why sleep\r\n\n\tMuscles repair during sleep. Zoë 王小明 क्\u200dष\u2028")
