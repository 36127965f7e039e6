"""A camt document's entries and their transaction details, and the look-ups both levels share.

An entry (``Ntry``) is one bank posting; its ``TxDtls`` are the payments it stands for. A batch
whose payments each state an amount that adds up to the entry is split into one transaction per
payment; otherwise the entry stays whole, with the payments' texts and references joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dunwell.ingest.bank.model import BankTransaction, Direction, StatementProblem

Element = Any  # lxml ships no type information

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_DIRECTIONS = {"CRDT": Direction.CREDIT, "DBIT": Direction.DEBIT}
_SIGN = {Direction.CREDIT: 1, Direction.DEBIT: -1}
_STATUSES = {"PDNG": "pending", "INFO": "for information only", "FUTR": "future"}


class Doc:
    """Look-ups below an element in the document's namespace, whichever version that is."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def all(self, element: Element, path: str) -> list[Element]:
        return list(element.iterfind(_qualified(self.namespace, path)))

    def find(self, element: Element, path: str) -> Element | None:
        return element.find(_qualified(self.namespace, path))

    def text(self, element: Element, *paths: str) -> str | None:
        """The first of ``paths`` that holds text, whitespace collapsed."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return " ".join(str(found.text).split())
        return None


@lru_cache(maxsize=512)
def _qualified(namespace: str, path: str) -> str:
    return "/".join(f"{{{namespace}}}{step}" if namespace else step for step in path.split("/"))


class _BadEntry(Exception):
    """An entry that cannot be read: it becomes a ``bad_entry`` problem."""


@dataclass(frozen=True, slots=True)
class _Details:
    """One TxDtls: what a payment says about itself."""

    amount: Decimal | None  # in the entry's currency, when stated and valid
    direction: Direction | None
    parties: dict[Direction, tuple[str | None, str | None]]  # counterparty (name, account) by direction
    texts: tuple[str, ...]  # Ustrd lines, then the structured block's free text and document numbers
    references: tuple[str, ...]  # creditor references (CdtrRefInf/Ref), in order
    end_to_end_id: str | None
    bank_code: str | None
    info: str | None  # AddtlTxInf


def read_entry(
    doc: Doc, entry: Element, prefix: str
) -> tuple[list[BankTransaction], tuple[Direction | None, Decimal | None], list[StatementProblem]]:
    """The entry's transactions (none if it is not booked or unreadable), its direction and amount
    for the file's control totals, and its problems."""
    amount, currency = money(doc, entry)
    direction = _DIRECTIONS.get(doc.text(entry, "CdtDbtInd") or "")
    facts = (direction, amount)
    try:
        if amount is None:
            raise _BadEntry(f"amount {doc.text(entry, 'Amt')!r} is not a valid amount")
        if direction is None:
            raise _BadEntry(f"credit/debit indicator {doc.text(entry, 'CdtDbtInd')!r} is not CRDT or DBIT")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise _BadEntry(f"currency {currency!r} is not an ISO 4217 code")
        status = doc.text(entry, "Sts/Cd", "Sts") or "BOOK"
        if status != "BOOK":
            meaning = _STATUSES.get(status, "not booked")
            message = f"status {status} ({meaning}): not a booked entry, left out"
            return [], facts, [problem("not_booked", message, entry, prefix)]
        if amount == 0:
            return [], facts, [problem("zero_amount", "amount is zero: left out", entry, prefix)]
        booking = _date(doc, entry, "BookgDt")
        value = _date(doc, entry, "ValDt") or booking
        if value is None:
            raise _BadEntry("neither a booking date nor a value date")
        details = [_details(doc, tx, currency) for tx in doc.all(entry, "NtryDtls/TxDtls")]
    except _BadEntry as exc:
        return [], facts, [problem("bad_entry", str(exc), entry, prefix)]
    common: dict[str, Any] = {
        "line": entry.sourceline or 0,
        "value_date": value,
        "booking_date": booking,
        "currency": currency,
        "reversal": (doc.text(entry, "RvslInd") or "").lower() in ("true", "1"),
    }
    reference, entry_code = doc.text(entry, "NtryRef", "AcctSvcrRef"), _bank_code(doc, entry)
    problems = []
    if len(details) > 1:
        signed = [(d.amount or Decimal(0)) * _SIGN[d.direction or direction] for d in details]
        if all(d.amount for d in details) and sum(signed) == amount * _SIGN[direction]:
            parts = enumerate(zip(details, signed, strict=True), start=1)
            return [_part(common, reference, n, d, s, entry_code) for n, (d, s) in parts], facts, []
        message = f"{len(details)} payments that do not add up to the entry's {amount} {currency}: kept whole"
        problems.append(problem("batch_not_split", message, entry, prefix))
    common["entry_ref"] = reference
    info = doc.text(entry, "AddtlNtryInf")
    return [_transaction(common, details, amount, direction, entry_code, info)], facts, problems


def _part(
    common: dict[str, Any],
    reference: str | None,
    n: int,
    details: _Details,
    signed: Decimal,
    code: str | None,
) -> BankTransaction:
    """One payment of a split batch; its key is the entry's reference with its place in the batch."""
    common = {**common, "entry_ref": f"{reference}/{n}" if reference else None}
    direction = Direction.CREDIT if signed > 0 else Direction.DEBIT
    return _transaction(common, [details], abs(signed), direction, details.bank_code or code, None)


def _transaction(
    common: dict[str, Any],
    details: list[_Details],
    amount: Decimal,
    direction: Direction,
    bank_code: str | None,
    entry_info: str | None,
) -> BankTransaction:
    """One transaction from the entry and the payments it stands for (one, or a batch kept whole)."""
    parties = {d.parties[direction] for d in details if d.parties[direction] != (None, None)}
    name, account = parties.pop() if len(parties) == 1 else (None, None)
    references = list(dict.fromkeys(r for d in details for r in d.references))
    texts = [t for d in details for t in d.texts] + references[1:]
    if not texts:  # no remittance at all: the bank's own description is the only text there is
        texts = [t for t in (*(d.info for d in details), entry_info) if t][:1]
    ends = {d.end_to_end_id for d in details}
    return BankTransaction(
        amount=amount,
        direction=direction,
        payer_name=name,
        payer_account=account,
        remittance=" ".join(texts),
        structured_reference=references[0] if references else None,
        end_to_end_id=ends.pop() if len(ends) == 1 else None,
        bank_code=bank_code,
        **common,
    )


def _details(doc: Doc, tx: Element, currency: str) -> _Details:
    amount, ccy = money(doc, tx) if doc.find(tx, "Amt") is not None else money(doc, tx, "AmtDtls/TxAmt/Amt")
    amount = amount if ccy == currency else None  # a payment in another currency cannot split the entry
    texts = [" ".join(str(u.text).split()) for u in doc.all(tx, "RmtInf/Ustrd") if u.text and u.text.strip()]
    references: list[str] = []
    for block in doc.all(tx, "RmtInf/Strd"):
        reference = doc.text(block, "CdtrRefInf/Ref")
        references += [reference] if reference else []
        texts += [t for t in (doc.text(block, "RfrdDocInf/Nb"), doc.text(block, "AddtlRmtInf")) if t]
    end_to_end = doc.text(tx, "Refs/EndToEndId")
    return _Details(
        amount=amount,
        direction=_DIRECTIONS.get(doc.text(tx, "CdtDbtInd") or ""),
        parties={Direction.CREDIT: _party(doc, tx, "Dbtr"), Direction.DEBIT: _party(doc, tx, "Cdtr")},
        texts=tuple(texts),
        references=tuple(references),
        end_to_end_id=None if (end_to_end or "").upper() == "NOTPROVIDED" else end_to_end,
        bank_code=_bank_code(doc, tx),
        info=doc.text(tx, "AddtlTxInf"),
    )


def _party(doc: Doc, tx: Element, role: str) -> tuple[str | None, str | None]:
    """The counterparty's name and account: the debtor of a credit, the creditor of a debit. The
    name moved under ``Pty`` in version 8; an agent or the ultimate party stands in when absent."""
    base = f"RltdPties/{role}"
    name = doc.text(tx, f"{base}/Nm", f"{base}/Pty/Nm", f"{base}/Agt/FinInstnId/Nm")
    name = name or doc.text(tx, f"RltdPties/Ultmt{role}/Nm", f"RltdPties/Ultmt{role}/Pty/Nm")
    account = doc.text(tx, f"{base}Acct/Id/IBAN", f"{base}Acct/Id/Othr/Id")
    return name, account


def _bank_code(doc: Doc, element: Element) -> str | None:
    domain = [doc.text(element, f"BkTxCd/Domn/{p}") for p in ("Cd", "Fmly/Cd", "Fmly/SubFmlyCd")]
    if domain[0]:
        return "/".join(part for part in domain if part)
    return doc.text(element, "BkTxCd/Prtry/Cd")


def _date(doc: Doc, element: Element, path: str) -> date | None:
    text = doc.text(element, f"{path}/Dt", f"{path}/DtTm")
    if text is None:
        return None
    day = calendar_day(text)
    if day is None:
        raise _BadEntry(f"{path} {text!r} is not a date")
    return day


def calendar_day(text: str | None) -> date | None:
    """The calendar day as the bank wrote it (a DtTm's own date, not converted to another zone)."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def money(doc: Doc, parent: Element, path: str = "Amt") -> tuple[Decimal | None, str]:
    """The amount at ``path`` and its currency (``Ccy``); None for an amount that is not valid."""
    element = doc.find(parent, path)
    if element is None:
        return None, ""
    return camt_amount(doc.text(parent, path)), str(element.get("Ccy", ""))


def camt_amount(text: str | None) -> Decimal | None:
    """A camt amount is unsigned digits with an optional fraction: no sign, exponent, NaN or inf."""
    return Decimal(text) if text and _AMOUNT.fullmatch(text) else None


def problem(code: str, message: str, element: Element, prefix: str) -> StatementProblem:
    line = element.sourceline
    where = f"{prefix}line {line}: " if line else prefix
    return StatementProblem(code, f"{where}{message}", line)
