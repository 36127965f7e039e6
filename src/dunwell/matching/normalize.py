"""Canonical forms of what payers write: company names, references and account numbers.

Bank statements cut names at 35 characters, drop or change the legal suffix ("Inc." / "LLC" /
nothing), abbreviate ("Intl", "Mfg") and shout in capitals. Comparing canonical forms turns most
of these into exact matches, so fuzzy matching is left for real misspellings.
"""

from __future__ import annotations

import re
import unicodedata

#: Legal-form words dropped from names (after punctuation is removed and case folded).
LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "pty",
        "pvt",
        "ulc",
        "lc",
        "pc",
        "kft",
        "sp",
        "zoo",
        "the",
    }
)
#: Abbreviations banks and payers use, mapped to one canonical word.
ABBREVIATIONS = {
    "intl": "international",
    "int": "international",
    "mfg": "manufacturing",
    "svcs": "services",
    "svc": "services",
    "dist": "distribution",
    "distr": "distribution",
    "bros": "brothers",
    "assoc": "associates",
    "assocs": "associates",
    "hldgs": "holdings",
    "hldg": "holdings",
    "grp": "group",
    "natl": "national",
    "tech": "technologies",
    "techs": "technologies",
    "mgmt": "management",
    "ind": "industries",
    "inds": "industries",
    "ent": "enterprises",
    "fds": "foods",
    "&": "and",
    "n": "and",
}
#: Where statements cut the payer's name.
NAME_CUT = 35

_WORD = re.compile(r"[a-z0-9&]+")


def name_key(name: str) -> str:
    """A company name reduced to its distinctive words: case, accents, punctuation, legal forms
    and abbreviations made uniform ("ACME INTL CORP." and "Acme International, Inc." agree)."""
    if name.isascii():  # most names: nothing to fold
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace(".", "").replace("'", "")
    words = [ABBREVIATIONS.get(w, w) for w in _WORD.findall(text)]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def cut_name_key(name: str) -> str | None:
    """The key of a name the bank may have cut at ``NAME_CUT`` characters (None if it was shorter)."""
    if len(name) < NAME_CUT:
        return None
    return name_key(name)


#: What ``str.isalnum`` rejects: ``\w`` is the same class plus the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")


def reference_key(text: str) -> str:
    """Letters and digits only, upper case: "INV-0042/a" -> "INV0042A"."""
    if text.isalnum():  # most document numbers: a million of them are keyed when a book is loaded
        return text.upper()
    return _NOT_ALNUM.sub("", text.upper())


def account_key(account: str | None) -> str | None:
    if not account:
        return None
    key = reference_key(account)
    return key or None
