"""Finding document references in remittance text.

Payers quote invoice numbers exactly, with prefixes ("INV-", "Invoice #", "Rg."), cut short,
with a digit wrong or two swapped, or only their own PO number; some quote an ISO 11649 creditor
reference. This module extracts the tokens and judges how well a token names a document; which
documents exist is the engine's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from rapidfuzz.distance import DamerauLevenshtein
from stdnum import iso11649
from stdnum.be import ogm_vcs

from dunwell.matching.normalize import reference_key

MIN_TOKEN = 4  # shorter runs of digits are amounts, days and counts, not references
_RUN = re.compile(r"[A-Za-z0-9]+")
#: A number written with separators ("2025-004211", "RE-2025/04211", "90.001.234"): read whole
#: as well as in its parts, since ERPs number documents that way.
_JOINED = re.compile(r"[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)+")
#: Dates and amounts written in the text ("03.11.2025", "2025-11-03", "1.500,00", "1,500.00"):
#: never references, and read as such they would name documents by accident.
_NOT_REFERENCES = re.compile(
    r"(?<![\w.,/-])(?:"
    r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}"  # 03.11.2025, 3/11/25
    r"|(?:19|20)\d{2}-\d{2}-\d{2}"  # 2025-11-03
    r"|\d{1,2}[./]\d{1,2}\.?(?=\s|$)"  # 03/11, 3.11.
    r"|(?:\d{1,3}(?:[.,\s']\d{3})+|\d+)[.,]\d{2}"  # 1.500,00  1,500.00  1500.00
    r")(?![\w,/-]|\.\d)"
)
_PREFIX = re.compile(
    r"^(?:INVOICE|INVOICES|INV|RE|RG|RECH|RECHNUNG|FACT|FACTUUR|FACTURE|NO|NR|NUM|BILL)+", re.I
)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_RF = re.compile(r"RF\d{2}[A-Z0-9]{1,21}", re.I)
_OGM = re.compile(r"\+\+\+\s*\d{3}\s*/\s*\d{4}\s*/\s*\d{5}\s*\+\+\+|\*\*\*\d{3}/\d{4}/\d{5}\*\*\*")
#: An early-payment discount the payer says it took: "abzgl. 2% Skonto", "korting 2%", "2 % discount".
_DISCOUNT_WORDS = r"(?:skonto|discount|disc\.?|korting|escompte|rabatt|sconto|descuento)"
_PERCENT = r"(?P<{name}>\d{{1,2}}(?:[.,]\d{{1,2}})?)\s*%"
_STATED_DISCOUNT = re.compile(
    rf"{_PERCENT.format(name='before')}\s*{_DISCOUNT_WORDS}|{_DISCOUNT_WORDS}\s*(?:von\s+|of\s+|de\s+)?{_PERCENT.format(name='after')}",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"\b(?:LESS|MINUS|CREDIT|CM|GUTSCHRIFT)\b|\./\.", re.I)


class ReferenceFit(StrEnum):
    STRUCTURED = "structured"  # a valid creditor reference naming the document
    EXACT = "exact"
    PREFIXED = "prefixed"  # the number behind a prefix such as "INV-"
    #: The document's number without its prefix or leading zeros ("104233" for "INV-0104233"):
    #: how US payers and most ERPs' payment runs quote it.
    NUMBER = "number"
    MISTYPED = "mistyped"  # one digit wrong or two swapped
    TRUNCATED = "truncated"  # the start or the end of the number


@dataclass(frozen=True, slots=True)
class Tokens:
    """What a remittance offers: candidate references, and a creditor reference's payload."""

    tokens: tuple[str, ...]  # reference keys, longest first, without duplicates
    structured: str | None  # the payload of a valid ISO 11649 reference
    mentions_credit: bool  # "LESS CM..." and the like: credit memos are netted
    #: Neighbouring words glued together ("INV-004 137" -> "INV004137"): a number a bank broke
    #: where its record ended. Looked up exactly only, never read loosely.
    spliced: tuple[str, ...] = ()


def extract(remittance: str, structured_reference: str | None = None) -> Tokens:
    found: list[str] = []
    structured = _structured(structured_reference) if structured_reference else None
    for match in _RF.finditer(remittance):
        structured = structured or _structured(match.group())
    if structured_reference and structured is None:
        # A national creditor reference (Belgian, Finnish) carries the document's number.
        payload = national_payload(structured_reference)
        found.extend([payload] if payload else [])
    text = _NOT_REFERENCES.sub(" ", remittance)
    for run in (*_RUN.findall(text), *_JOINED.findall(text)):
        key = reference_key(run)
        stripped = _PREFIX.sub("", key)
        for candidate in (key, stripped):
            if len(candidate) >= MIN_TOKEN and any(c.isdigit() for c in candidate):
                found.append(candidate)
    for printed in _OGM.findall(remittance):  # +++123/4567/89012+++ typed by the payer
        payload = national_payload(printed)
        found.extend([payload] if payload else [])
    unique = sorted(set(found), key=lambda t: (-len(t), t))
    words = text.split()
    spliced = {
        reference_key(a + b)
        for a, b in pairwise(words)
        if a[-1:].isalnum() and b[:1].isalnum() and any(c.isdigit() for c in a + b)
    }
    spliced = {k for k in spliced if len(k) >= 6} - set(unique)
    return Tokens(tuple(unique), structured, bool(_CREDIT.search(remittance)), tuple(sorted(spliced)))


def stated_discount(remittance: str) -> Fraction | None:
    """The discount rate a remittance says was taken ("abzgl. 2% Skonto": 1/50), if it says one."""
    match = _STATED_DISCOUNT.search(remittance)
    if not match:
        return None
    rate = Fraction((match.group("before") or match.group("after")).replace(",", ".")) / 100
    return rate if 0 < rate < Fraction(1, 5) else None


def _structured(reference: str) -> str | None:
    compact = reference_key(reference)
    if compact.startswith("RF") and iso11649.is_valid(compact):
        return compact[4:]
    return None


def national_payload(reference: str) -> str | None:
    """The number a national structured creditor reference carries, without its check digits and
    leading zeros: a Belgian OGM/VCS (12 digits, the last two the first ten mod 97) or a Finnish
    reference (viitenumero: digits and a 7-3-1 check digit); None for anything else."""
    digits = reference_key(reference)
    if not digits.isdigit():
        return None
    if len(digits) == 12 and ogm_vcs.is_valid(digits):
        payload = digits[:10].lstrip("0")
    elif 4 <= len(digits) <= 20 and _finnish_check(digits[:-1]) == int(digits[-1]):
        payload = digits[:-1].lstrip("0")
    else:
        return None
    return payload if len(payload) >= MIN_TOKEN else None


def _finnish_check(base: str) -> int:
    weights = (7, 3, 1)
    total = sum(int(d) * weights[k % 3] for k, d in enumerate(reversed(base)))
    return (10 - total % 10) % 10


def number_key(key: str) -> str | None:
    """The number inside a reference key, as payers quote it without the prefix and the leading
    zeros: "INV0104233" -> "104233", "RE202504211" -> "202504211"; None if it is not one number
    after a prefix of letters (or is too short to name a document)."""
    digits = key.lstrip(_LETTERS).lstrip("0")
    if len(digits) < MIN_TOKEN or not digits.isdigit():
        return None
    return digits


_LAST_GROUP = re.compile(r"[-/.\s_]0*(\d{3,})$")


def sequence_key(document_id: str) -> str | None:
    """The running number after a document number's last separator, as payers quote year-based
    numbers without the year: "5216" for "RE-2025/05216"; None when there is no such group."""
    match = _LAST_GROUP.search(document_id)
    return match.group(1) if match else None


def fit(token: str, document: str) -> ReferenceFit | None:
    """How ``token`` (a reference key) names ``document`` (a reference key), if it does."""
    if token == document:
        return ReferenceFit.EXACT
    if len(token) > len(document) and token.endswith(document) and _PREFIX.fullmatch(token[: -len(document)]):
        return ReferenceFit.PREFIXED
    if len(token) == len(document) and len(token) >= 6 and DamerauLevenshtein.distance(token, document) == 1:
        return ReferenceFit.MISTYPED
    if (
        len(token) >= MIN_TOKEN
        and len(token) < len(document)
        and (document.endswith(token) or (len(token) >= 5 and document.startswith(token)))
    ):
        return ReferenceFit.TRUNCATED
    return None
