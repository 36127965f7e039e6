"""Structured remittance inside bank text: X12 820 segments in ACH addenda, and invoice lists.

CCD+ and CTX addenda carry X12 820 segments as the payer's system wrote them: ``RMR*IV*104233*PI*
1500.00*1550.00*50.00~`` (the open item: reference qualifier, reference, payment action, amount
paid, invoice amount, discount, then an adjustment reason and amount), ``ADX*-50.00*01~`` (an
adjustment of the item before it: amount, reason code), ``REF``, ``NTE``, ``N1*PR*<payer>`` and
the trace ``TRN``. Banks print them with ``~`` or ``\\`` terminators, with none (segments run on
after a blank or a ``*``), and wrap them across ``88`` records; segments are found by their ids.
Lockbox text lists invoices instead: ``INV 104233 1,500.00 INV 104240 2,000.00``.

Amounts are ``Decimal`` in major units as sent (X12 ``R`` values: an optional sign and decimal
point); an element that is no number reads as None.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from dunwell.ingest.bank.model import RemittanceItem

#: X12 segment ids seen in 820 addenda (a known id followed by ``*`` starts a segment).
_IDS = "|".join(
    ("ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "ENT", "NM1", "RMR",
     "NTE", "ADX", "IT1", "SAC", "TXP", "DED", "LX", "FIR", "AMT", "SE", "GE", "IEA")
)  # fmt: skip
_SEGMENT = re.compile(rf"(?<![A-Za-z0-9])(?:{_IDS})\*")
_TERMINATOR = re.compile(r"[~\\]")
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)-?")
_INVOICE_WORD = re.compile(
    r"\b(?:INV(?:OICE)?\s*(?:NO|NBR|NUM)\b\.?|INV(?:OICE)?S?)\s*[#:.]?\s*", re.IGNORECASE
)
_LIST_AMOUNT = re.compile(r"\$?((?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})(?![\w.])")
_LIST_REFERENCE = re.compile(r"#?([A-Za-z0-9][A-Za-z0-9/-]*)")
_LIST_GAP = re.compile(r"[\s,;]*")


def segments(text: str) -> list[tuple[str, list[str]]]:
    """The X12 segments in ``text`` in order: id and elements (``RMR*IV*1~`` -> ``RMR, [IV, 1]``)."""
    starts = [m.start() for m in _SEGMENT.finditer(text)]
    if not starts:
        return []
    found = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        body = _cut(text[start:end])[0]
        elements = [e.strip() for e in body.split("*")]
        while len(elements) > 1 and not elements[-1]:  # "*" before the next segment's id
            elements.pop()
        found.append((elements[0], elements[1:]))
    return found


def remittance_items(text: str) -> tuple[RemittanceItem, ...]:
    """Each ``RMR`` as an item, its ``ADX`` adjustments added (an ``ADX`` before any ``RMR`` is an
    item of its own, referenced by its ``ADX04`` if any)."""
    items: list[RemittanceItem] = []
    for segment_id, elements in segments(text):
        element = [*elements, "", "", "", "", "", "", "", ""]
        if segment_id == "RMR":
            adjustment, reason = amount(element[7]), element[6] or None
            items.append(
                RemittanceItem(
                    reference=element[1],
                    paid=amount(element[3]),
                    invoiced=amount(element[4]),
                    discount=amount(element[5]),
                    adjustment=adjustment,
                    adjustment_reason=reason if adjustment is not None else None,
                )
            )
        elif segment_id == "ADX":
            value, reason = amount(element[0]), element[1] or None
            if items and items[-1].reference and (value is not None or reason):
                items[-1] = _adjusted(items[-1], value, reason)
            elif value is not None:
                items.append(RemittanceItem(element[3], adjustment=value, adjustment_reason=reason))
    return tuple(items)


def _adjusted(item: RemittanceItem, value: Decimal | None, reason: str | None) -> RemittanceItem:
    total = item.adjustment if value is None else (item.adjustment or Decimal(0)) + value
    reasons = [r for r in (item.adjustment_reason, reason) if r]
    return RemittanceItem(
        item.reference,
        item.paid,
        item.invoiced,
        item.discount,
        total,
        ",".join(dict.fromkeys(reasons)) or None,
    )


def amount(value: str) -> Decimal | None:
    """An X12 ``R`` amount ("1500", "-50.00", "50.00-", "1,500.00") in major units, else None."""
    value = value.strip().replace(",", "")
    if not _AMOUNT.fullmatch(value):
        return None
    if value.endswith("-"):
        value = "-" + value[:-1].lstrip("+-")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def n1_payer(text: str) -> str:
    """The payer an ``N1*PR*<name>`` segment names, else ""."""
    return next((e[1] for sid, e in segments(text) if sid == "N1" and len(e) > 1 and e[0] == "PR"), "")


def readable(text: str) -> str:
    """``text`` with its X12 segments reduced to what a person reads: the references of ``RMR`` and
    ``REF``, the text of ``NTE``; the rest (trace, names, dates, amounts) is the bank's detail."""
    starts = [m.start() for m in _SEGMENT.finditer(text)]
    if not starts:
        return text
    parts = [text[: starts[0]]]
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        body, after = _cut(text[start:end])
        elements = [e.strip() for e in body.split("*")]
        element = [*elements[1:], "", "", ""]
        if elements[0] == "RMR":
            parts.append(element[1])
        elif elements[0] == "REF":
            parts.append(f"{element[1]} {element[2]}")
        elif elements[0] == "NTE":
            parts.append(element[1])
        parts.append(after)
    return " ".join(" ".join(parts).split())


def _cut(segment: str) -> tuple[str, str]:
    """A segment's text up to its terminator, and what follows the terminator (free text)."""
    pieces = _TERMINATOR.split(segment, maxsplit=1)
    return pieces[0], pieces[1] if len(pieces) > 1 else ""


def invoice_list(text: str) -> tuple[RemittanceItem, ...]:
    """Items of a lockbox-style list: ``INV 104233 1,500.00 104240 2,000.00`` (an amount belongs to
    the reference before it; a reference has a digit)."""
    items: list[RemittanceItem] = []
    for word in _INVOICE_WORD.finditer(text):
        position = word.end()
        while True:
            gap = _LIST_GAP.match(text, position)
            position = gap.end() if gap else position
            paid = _LIST_AMOUNT.match(text, position)
            if paid and items and items[-1].paid is None and items[-1].reference:
                items[-1] = RemittanceItem(items[-1].reference, paid=amount(paid.group(1)))
                position = paid.end()
                continue
            reference = _LIST_REFERENCE.match(text, position)
            if paid or reference is None or not any(c.isdigit() for c in reference.group(1)):
                break
            items.append(RemittanceItem(reference.group(1)))
            position = reference.end()
    return tuple(items)
