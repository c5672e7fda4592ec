import unicodedata

from django.core.exceptions import ValidationError


def one_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters (C0 and C1, as ESC): these fields go on one line,
    into email headers and the feed's XML, which cannot carry most of them."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters.", code="one_line"
        )
