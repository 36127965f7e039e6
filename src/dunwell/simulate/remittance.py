"""What a bank statement shows of a payment: the payer's name as the bank has it, and the
remittance text, with the imperfections cash application meets in real files."""

from __future__ import annotations

import random
import string
from enum import StrEnum

from stdnum.iso7064 import mod_97_10

_LEGAL_SUFFIXES = ("Inc.", "Inc", "LLC", "Ltd", "Ltd.", "Corp.", "Corporation", "Co.", "GmbH", "S.A.")
_ABBREVIATIONS = {
    "International": "Intl",
    "Manufacturing": "Mfg",
    "Services": "Svcs",
    "Company": "Co",
    "Distribution": "Dist",
    "Brothers": "Bros",
    "Associates": "Assoc",
    "Holdings": "Hldgs",
}


class ReferenceStyle(StrEnum):
    EXACT = "exact"
    TRUNCATED = "truncated"
    MISTYPED = "mistyped"
    PREFIXED = "prefixed"
    PO_ONLY = "po_only"
    NONE = "none"
    #: An ISO 11649 creditor reference (RF + check digits + the invoice number), as printed on
    #: the invoice for payers to quote; only for a payment of one invoice.
    STRUCTURED = "structured"


#: How often each style occurs: most remittances are usable, a fifth are hard or empty.
STYLE_WEIGHTS = (
    (ReferenceStyle.EXACT, 0.50),
    (ReferenceStyle.STRUCTURED, 0.05),
    (ReferenceStyle.PREFIXED, 0.12),
    (ReferenceStyle.TRUNCATED, 0.08),
    (ReferenceStyle.MISTYPED, 0.07),
    (ReferenceStyle.PO_ONLY, 0.06),
    (ReferenceStyle.NONE, 0.12),
)


def payer_name(rng: random.Random, name: str) -> str:
    """``name`` as a bank statement might show it: suffix changed or dropped, abbreviated, upper case."""
    roll = rng.random()
    if roll < 0.5:
        return name
    words = name.split()
    if words and words[-1] in _LEGAL_SUFFIXES and rng.random() < 0.6:
        words = words[:-1] if rng.random() < 0.5 else [*words[:-1], rng.choice(_LEGAL_SUFFIXES)]
    words = [_ABBREVIATIONS.get(w, w) if rng.random() < 0.7 else w for w in words]
    shown = " ".join(words)
    if roll > 0.8:
        shown = shown.upper()
    return shown[:35]  # many formats cut the name at 35 characters


def remittance_text(
    rng: random.Random,
    style: ReferenceStyle,
    invoice_numbers: list[str],
    po_numbers: list[str | None],
    credit_memo_numbers: list[str] | None = None,
) -> tuple[str, str]:
    """The remittance line for a payment of ``invoice_numbers`` (less ``credit_memo_numbers``) in
    ``style``, and the structured creditor reference quoted (or "")."""
    if style is ReferenceStyle.NONE or not invoice_numbers:
        return rng.choice(("", "PAYMENT", "INVOICE PAYMENT", "THANK YOU")), ""
    if style is ReferenceStyle.STRUCTURED:
        if len(invoice_numbers) == 1 and not credit_memo_numbers:
            reference = creditor_reference(invoice_numbers[0])
            return reference, reference
        style = ReferenceStyle.EXACT
    if style is ReferenceStyle.PO_ONLY:
        known = [po for po in po_numbers if po]
        if known:
            return " ".join(known), ""
        style = ReferenceStyle.EXACT
    shown = [_styled(rng, style, number) for number in invoice_numbers]
    separator = rng.choice((" ", ", ", "/", ";"))
    text = separator.join(shown)
    if credit_memo_numbers:  # a deduction is usually named, so the supplier can reconcile it
        text += rng.choice((" LESS ", " less credit ", " ./. ", " minus ")) + " ".join(credit_memo_numbers)
    return text[:140], ""  # the usual limit of unstructured remittance


def creditor_reference(number: str) -> str:
    """The ISO 11649 creditor reference for ``number`` (letters and digits): RF, two check digits."""
    body = "".join(c for c in number.upper() if c.isalnum())
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def _styled(rng: random.Random, style: ReferenceStyle, number: str) -> str:
    if style is ReferenceStyle.PREFIXED:
        return f"{rng.choice(('INV', 'INV ', 'INV-', 'RE ', 'Invoice #', 'Rg.'))}{number}"
    if style is ReferenceStyle.TRUNCATED:
        return number[rng.randint(2, 4) :] if rng.random() < 0.5 else number[: -rng.randint(1, 2)]
    if style is ReferenceStyle.MISTYPED:
        return _mistyped(rng, number)
    return number


def _mistyped(rng: random.Random, number: str) -> str:
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    if not digits:
        return number
    chars = list(number)
    i = rng.choice(digits)
    if rng.random() < 0.5 and i + 1 < len(chars) and chars[i + 1].isdigit():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]  # swapped neighbours
    else:
        chars[i] = rng.choice([d for d in string.digits if d != chars[i]])
    return "".join(chars)
