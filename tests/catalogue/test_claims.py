"""The claims check on product copy: disease-claim words as whole words, in any case."""

import pytest

from catalogue.claims import disease_claim_words


@pytest.mark.parametrize(
    ("copy", "found"),
    [
        ("Cures fatigue.", ["cures"]),
        ("It TREATS cramps, and treats them again; prevention too.", ["treats", "prevention"]),
        ("Helps heal. Diagnosed? Curing, cured, healing.", ["heal", "diagnosed", "curing", "cured", "healing"]),
        ("Supports normal muscle function.", []),
        ("Healthy, health, healthful, pretreated, untreatable, procured, secure, preventable.", []),
        ("", []),
    ],
)
def test_claim_words_are_found_as_whole_words_in_any_case(copy, found):
    assert disease_claim_words(copy) == found


def test_the_words_come_from_settings(settings):
    settings.DISEASE_CLAIM_WORDS = ["detox", "anti-ageing"]
    assert disease_claim_words("A detox tea, anti-ageing, that cures.") == ["detox", "anti-ageing"]
    settings.DISEASE_CLAIM_WORDS = []
    assert disease_claim_words("Cures all.") == []
