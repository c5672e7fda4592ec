"""Control characters in text people type: none on one line, only line breaks and tabs in longer text.

The models' text fields carry these (tests/test_control_characters.py reads the models), and so do the
checkout's fields: what is stored is written again into pages, emails and the feed's XML."""

import unicodedata

from django.core.exceptions import ValidationError

KEPT_IN_TEXT = "\t\n\r"


def one_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters (C0 and C1, as ESC): these fields go on one line,
    into email headers and the feed's XML, which cannot carry most of them."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters.", code="one_line"
        )


def multi_line(value: str) -> None:
    """Refuse control characters (C0 and C1, as ESC) but line breaks and tabs, in text written on several lines."""
    if any(unicodedata.category(char) == "Cc" and char not in KEPT_IN_TEXT for char in value):
        raise ValidationError(
            "Remove the control characters (such as ESC, often pasted from another program) from this text; "
            "line breaks and tabs are fine.",
            code="multi_line",
        )
