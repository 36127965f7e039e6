# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""Which of the five languages a reply is written in, by counting their commonest short words: good
enough to choose how figures are read (``1.250`` in German is 1250) and to report per language."""

from __future__ import annotations

import re

LANGUAGES = ("en", "de", "fr", "es", "nl")
_LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "nl": "nl_NL"}
#: Words common in one language and rare in the others ("de", "la", "en" are shared, so left out).
_COMMON_WORDS = {
    "en": "the and we you is are will our for this to of please have be on your with not it that paid pay",
    "de": "der die das und wir sie ist sind nicht ein eine mit für ich bitte den dem zu auf uns ihre haben wird",
    "fr": "le les et nous vous est sont pas une pour avec je du des sur notre votre merci ce cette avons facture",
    "es": "el los las y usted es son no una para con yo del que por favor nuestra nuestro su hemos se factura pago",
    "nl": "het een wij u zijn niet met voor ik van op ons uw graag dank hebben wordt deze dat factuur zal",
}
_WORDS = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}


def detect_language(text: str) -> str:
    """The likeliest of ``LANGUAGES``; English when nothing tells."""
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    scores = {language: sum(t in words for t in tokens) for language, words in _WORDS.items()}
    best = max(LANGUAGES, key=lambda language: (scores[language], language == "en"))
    return best if scores[best] > 0 else "en"


def locale_of(language: str) -> str:
    return _LOCALES.get(language, "en_GB")
