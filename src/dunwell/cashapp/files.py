"""Cash application on files alone (no database): the evaluation contract other tools use.

OPEN.csv holds the canonical invoice fields (``invoice_id, customer_id, customer_name, issue_date,
due_date, currency, amount, open_amount, po_number, document_type``) plus, optionally,
``customer_account`` and ``customer_aliases`` (several separated by ``;``), ``customer_parent``
(the customer id of the group company that may pay for it) and ``terms`` (in the notation, e.g.
"2/10 net 30", for its early-payment discount; a code such as "NA32" offers none, as there is no
catalogue here). A bad row is reported with its line and reason and left out; the good rows still
load. TRUTH.csv holds ``payment_ref,
invoice_id, amount`` (and optionally ``customer_id``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dunwell.cashapp.matching_run import discount_offered
from dunwell.cashapp.remitted import remitted_items
from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.terms import read_terms
from dunwell.ingest.bank import BankTransaction, Direction, StatementFile
from dunwell.matching.evaluate import MATCH_COLUMNS, MatchRow
from dunwell.matching.records import CustomerProfile, IncomingPayment, OpenItem

REQUIRED = ("invoice_id", "customer_id", "issue_date", "due_date", "currency", "amount")


class CashFileError(DunwellError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="cashapp_file_invalid", kind=ErrorKind.INVALID)


@dataclass
class OpenItemsFile:
    """What an OPEN.csv holds: its open items, a profile of each customer they name, and the rows
    that could not be read."""

    items: list[OpenItem] = field(default_factory=list)
    customers: list[CustomerProfile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line N: reason"


def read_open_items(path: Path) -> OpenItemsFile:
    found = OpenItemsFile()
    names: dict[str, str] = {}
    accounts: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    parents: dict[str, str] = {}
    for line, row in _rows(path, REQUIRED):
        try:
            currency = row["currency"].strip().upper()
            scale = Decimal(10) ** -minor_unit_exponent(currency)  # one minor unit
            amount = _minor(row["amount"], scale)
            open_text = (row.get("open_amount") or "").strip()
            open_minor = _minor(open_text, scale) if open_text else amount
            kind = (row.get("document_type") or "invoice").strip().lower()
            issued = date.fromisoformat(row["issue_date"].strip())
            discount, until = 0, None
            if kind in ("credit_memo", "credit", "cm"):
                amount, open_minor = -abs(amount), -abs(open_minor)
            else:
                discount, until = discount_offered(read_terms(row.get("terms")), amount, issued)
            item = OpenItem(
                item_id=_required(row, "invoice_id"),
                customer_id=_required(row, "customer_id"),
                currency=currency,
                open_minor=open_minor,
                amount_minor=amount,
                issue_date=issued,
                due_date=date.fromisoformat(row["due_date"].strip()),
                po_number=(row.get("po_number") or "").strip() or None,
                discount_minor=discount,
                discount_until=until,
            )
        except (ValueError, InvalidOperation, DunwellError) as exc:
            found.problems.append(f"line {line}: {exc}")
            continue
        customer = item.customer_id
        names.setdefault(customer, (row.get("customer_name") or "").strip() or customer)
        accounts.setdefault(customer, set()).update(_split(row.get("customer_account")))
        aliases.setdefault(customer, set()).update(_split(row.get("customer_aliases")))
        parent = (row.get("customer_parent") or "").strip()
        if parent and parent != customer:
            parents.setdefault(customer, parent)
        if item.open_minor != 0:
            found.items.append(item)
    found.customers = [
        CustomerProfile(
            c, names[c], tuple(sorted(accounts[c])), tuple(sorted(aliases[c])), parent_id=parents.get(c)
        )
        for c in names
    ]
    return found


def payments_of(statement: StatementFile, source: Path) -> list[IncomingPayment]:
    """The credits of a statement as payments; ``payment_ref`` is the entry reference, else
    ``file:line``."""
    payments = []
    for transaction in statement.transactions:
        if transaction.direction is not Direction.CREDIT or transaction.reversal:
            continue
        payments.append(_payment(transaction, source))
    return payments


def _payment(t: BankTransaction, source: Path) -> IncomingPayment:
    scale = Decimal(10) ** -minor_unit_exponent(t.currency)
    return IncomingPayment(
        payment_ref=t.entry_ref or f"{source.name}:{t.line}",
        amount_minor=int((t.amount / scale).to_integral_value()),
        currency=t.currency,
        value_date=t.value_date,
        payer_name=t.payer_name,
        payer_account=t.payer_account,
        remittance=t.remittance,
        structured_reference=t.structured_reference,
        remittance_items=remitted_items(t),
    )


def write_matches(path: Path, rows: list[MatchRow]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MATCH_COLUMNS)
        for r in rows:
            writer.writerow((r.payment_ref, r.invoice_id, r.amount if r.invoice_id else "", r.status,
                             f"{r.confidence:.4f}", r.rank, r.customer_id, r.evidence))  # fmt: skip


def read_matches(path: Path) -> list[MatchRow]:
    rows = []
    for line, row in _rows(path, ("payment_ref", "invoice_id", "amount", "status", "confidence")):
        try:
            rows.append(
                MatchRow(
                    payment_ref=row["payment_ref"],
                    invoice_id=row["invoice_id"].strip(),
                    amount=Decimal(row["amount"] or "0"),
                    status=row["status"].strip(),
                    confidence=float(row["confidence"] or 0),
                    rank=int(row.get("rank") or 1),
                    customer_id=(row.get("customer_id") or "").strip(),
                    evidence=row.get("evidence") or "",
                )
            )
        except (ValueError, InvalidOperation) as exc:
            raise CashFileError(f"{path}: line {line}: {exc}") from exc
    return rows


def read_truth(path: Path) -> tuple[list[tuple[str, str, Decimal]], dict[str, str] | None]:
    truth, customers = [], {}
    for line, row in _rows(path, ("payment_ref", "invoice_id", "amount")):
        try:
            truth.append((row["payment_ref"], row["invoice_id"].strip(), Decimal(row["amount"])))
        except InvalidOperation as exc:
            raise CashFileError(f"{path}: line {line}: amount {row['amount']!r} is not a number") from exc
        if row.get("customer_id"):
            customers[row["payment_ref"]] = row["customer_id"].strip()
    return truth, customers or None


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CashFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise CashFileError(f"{path}: missing column(s) {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, row


def _minor(text: str, scale: Decimal) -> int:
    value = Decimal(text.strip().replace(",", ""))
    minor = value / scale
    if minor != minor.to_integral_value():
        raise ValueError(f"amount {text!r} has more decimals than the currency allows")
    return int(minor)


def _required(row: dict[str, str], name: str) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        raise ValueError(f"{name} is empty")
    return value


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]
