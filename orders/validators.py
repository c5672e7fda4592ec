import unicodedata

from django.core.exceptions import ValidationError


def one_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters: these fields go on one line (and into email headers)."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters.", code="one_line"
        )
