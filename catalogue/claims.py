"""The claims check on product copy: words of disease claims (settings.DISEASE_CLAIM_WORDS), which a
food supplement's copy may not make, matched as whole words in any case ("heal", not "health")."""

import re
from functools import lru_cache

from django.conf import settings
from django.db import models

REFUSED = "Product copy may make structure/function claims only, not disease claims; remove: {words}"


@lru_cache(maxsize=4)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def disease_claim_words(text: str) -> list[str]:
    """The claim words in `text`, lower case, each once, in the order they first appear."""
    pattern = _pattern(tuple(settings.DISEASE_CLAIM_WORDS))
    if pattern is None:
        return []
    return list(dict.fromkeys(match.group(0).lower() for match in pattern.finditer(text)))


def errors_for(instance: models.Model, fields: list[str]) -> dict[str, str]:
    """An error for each of `fields` whose text makes a disease claim, naming the words to remove."""
    errors = {}
    for name in fields:
        if words := disease_claim_words(getattr(instance, name) or ""):
            errors[name] = REFUSED.format(words=", ".join(words))
    return errors
