"""ISO 20022 camt.052 (account reports), camt.053 (statements) and camt.054 (notifications).

One walk over the XML with lxml serves all three messages and every version banks send (001.01 to
001.12: the differences that matter are ``Sts/Cd`` and ``Dbtr/Pty/Nm`` from version 8 on). pycamt
was tried first and left aside: it cannot read camt.054, turns debit balances into floats, does not
say which statement an entry belongs to nor on which line, and takes the first ``Amt`` found below a
transaction whatever it is (docs/adr/0010-camt-and-ofx-readers.md).

A batch entry whose transaction details each carry an amount that adds up to the entry is split
into one transaction per payment, because cash application matches payments, not bank postings.
A ``.zip`` of camt files (as banks deliver them) is read member by member.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    ControlTotals,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)

Element = Any  # lxml ships no type information
_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.")
_MESSAGE_TAGS = (b"<BkToCstmrStmt", b"<BkToCstmrAcctRpt", b"<BkToCstmrDbtCdtNtfctn")
_MESSAGES = {
    "BkToCstmrAcctRpt": (StatementFormat.CAMT052, "Rpt"),
    "BkToCstmrStmt": (StatementFormat.CAMT053, "Stmt"),
    "BkToCstmrDbtCdtNtfctn": (StatementFormat.CAMT054, "Ntfctn"),
}
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_DIRECTIONS = {"CRDT": Direction.CREDIT, "DBIT": Direction.DEBIT}
_SIGN = {Direction.CREDIT: 1, Direction.DEBIT: -1}
_STATUSES = {"PDNG": "pending", "INFO": "for information only", "FUTR": "future"}
_ZIP = b"PK\x03\x04"
MAX_ZIP_BYTES = 200 * 1024 * 1024  # a zip inflating to more is refused (a zip bomb, or not statements)


def sniff(head: bytes, path: Path) -> bool:
    """A camt.052/053/054 document, by namespace or message element, or a zip holding one."""
    if not head.startswith(_ZIP):
        return _is_camt(head)
    try:
        with zipfile.ZipFile(path) as archive:
            for info in (i for i in archive.infolist()[:1000] if not i.is_dir()):
                with archive.open(info) as member:
                    if _is_camt(member.read(4096)):
                        return True
        return False
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False  # encrypted or broken: not recognisably ours


def _is_camt(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode()
    return bool(_NAMESPACE.search(head)) or any(tag in head for tag in _MESSAGE_TAGS)


def read(path: Path) -> StatementFile:
    """The file's statements; for a zip, those of every camt member (anything else in the archive is
    named in a ``skipped_member`` problem, not dropped unsaid)."""
    formats: set[StatementFormat] = set()
    statements: list[BankStatement] = []
    problems: list[StatementProblem] = []
    for name, data in _members(path):
        if name is not None and not _is_camt(data[:4096]):
            problems.append(StatementProblem("skipped_member", f"{name}: not a camt file"))
            continue
        label, prefix = (f"{path} member {name}", f"{name}: ") if name else (str(path), "")
        fmt, found, noted = _read_document(data, label, prefix)
        formats.add(fmt)
        statements.extend(found)
        problems.extend(noted)
    if not formats:
        raise StatementUnreadable(f"{path}: the zip archive holds no camt file")
    if len(formats) > 1:
        raise StatementUnreadable(f"{path}: the zip archive mixes {', '.join(sorted(formats))} messages")
    return StatementFile(formats.pop(), tuple(statements), tuple(problems))


def _members(path: Path) -> list[tuple[str | None, bytes]]:
    """The file's content, or each file in it when it is a zip (name and content)."""
    try:
        data = path.read_bytes()
        if not data.startswith(_ZIP):
            return [(None, data)]
        members: list[tuple[str | None, bytes]] = []
        left = MAX_ZIP_BYTES
        with zipfile.ZipFile(path) as archive:
            for info in (i for i in archive.infolist() if not i.is_dir()):
                with archive.open(info) as member:
                    content = member.read(left + 1)  # the sizes in the archive may lie: read no more
                left -= len(content)
                if left < 0:
                    raise StatementUnreadable(f"{path}: the zip archive inflates to more than 200 MiB")
                members.append((info.filename, content))
        return members
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        raise StatementUnreadable(f"{path}: the zip archive cannot be read ({exc})") from exc
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _read_document(
    data: bytes, label: str, prefix: str
) -> tuple[StatementFormat, list[BankStatement], list[StatementProblem]]:
    # No DTD, no entities, no network: a statement is data from outside and must not reach out.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise StatementUnreadable(f"{label}: not well-formed XML ({exc})") from exc
    doc = _Doc(etree.QName(root).namespace or "")
    # The message is the root's child (or the root itself when the Document wrapper is missing).
    found = [e for e in (root, *root) if isinstance(e.tag, str) and _message_name(e) in _MESSAGES]
    if not found:
        raise StatementUnreadable(f"{label}: not a camt.052/053/054 message (no BkToCstmr... element)")
    message = found[0]
    fmt, record = _MESSAGES[_message_name(message)]
    statements: list[BankStatement] = []
    problems: list[StatementProblem] = []
    for element in doc.all(message, record):
        statement, noted = _statement(doc, element, fmt, prefix)
        statements.append(statement)
        problems.extend(noted)
    if not statements:
        raise StatementUnreadable(f"{label}: a {fmt} message with no <{record}>: nothing to read")
    return fmt, statements, problems


def _message_name(element: Element) -> str:
    """The message element's name without the ``V01`` suffix that version 1 messages carry."""
    return re.sub(r"V[0-9]+$", "", str(etree.QName(element).localname))


class _Doc:
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


def _statement(
    doc: _Doc, record: Element, fmt: StatementFormat, prefix: str
) -> tuple[BankStatement, list[StatementProblem]]:
    problems: list[StatementProblem] = []
    currency = doc.text(record, "Acct/Ccy")
    balances: dict[str, tuple[Decimal, str]] = {}
    for balance in doc.all(record, "Bal"):
        code = doc.text(balance, "Tp/CdOrPrtry/Cd")
        if code in ("OPBD", "PRCD", "CLBD") and code not in balances:
            amount, ccy = _money(doc, balance)
            sign = {"CRDT": 1, "DBIT": -1}.get(doc.text(balance, "CdtDbtInd") or "")
            if amount is None or sign is None:
                problems.append(
                    _problem("bad_balance", f"{code} balance is unreadable: ignored", balance, prefix)
                )
            else:
                balances[code] = (sign * amount, ccy)
    transactions: list[BankTransaction] = []
    stated_entries: list[tuple[Direction | None, Decimal | None]] = []
    one_each = True  # every entry gave exactly one transaction: the file's totals compare directly
    for entry in doc.all(record, "Ntry"):
        found, facts, noted = _entry(doc, entry, prefix)
        transactions.extend(found)
        stated_entries.append(facts)
        problems.extend(noted)
        one_each = one_each and len(found) == 1
    currency = currency or next((c for _, c in balances.values() if c), None)
    currency = currency or next((t.currency for t in transactions), None)
    stated: dict[str, Decimal | None] = {}
    for name, balance in (
        ("opening", balances.get("OPBD") or balances.get("PRCD")),
        ("closing", balances.get("CLBD")),
    ):
        if balance and currency and balance[1] not in ("", currency):
            message = f"the {name} balance is in {balance[1]}, the account in {currency}: ignored"
            problems.append(_problem("bad_balance", message, record, prefix))
            balance = None
        stated[name] = balance[0] if balance else None
    label = doc.text(record, "Id") or doc.text(record, "Acct/Id/IBAN", "Acct/Id/Othr/Id") or "statement"
    control = _control(doc, record)
    if not one_each:
        problems.extend(_check_entries(control, stated_entries, f"{prefix}{label}"))
        control = ControlTotals()
    statement = BankStatement(
        statement_id=doc.text(record, "Id"),
        account=doc.text(record, "Acct/Id/IBAN", "Acct/Id/Othr/Id"),
        currency=currency,
        transactions=tuple(transactions),
        opening=stated["opening"],
        closing=stated["closing"],
        period_start=_day(doc.text(record, "FrToDt/FrDtTm")),
        period_end=_day(doc.text(record, "FrToDt/ToDtTm")),
        control=control,
        interim=fmt is not StatementFormat.CAMT053,
    )
    return statement, problems


def _control(doc: _Doc, record: Element) -> ControlTotals:
    def count(path: str) -> int | None:
        text = doc.text(record, f"TxsSummry/{path}/NbOfNtries")
        return int(text) if text and text.isdigit() else None

    return ControlTotals(
        entries=count("TtlNtries"),
        credits=_amount(doc.text(record, "TxsSummry/TtlCdtNtries/Sum")),
        debits=_amount(doc.text(record, "TxsSummry/TtlDbtNtries/Sum")),
        credit_entries=count("TtlCdtNtries"),
        debit_entries=count("TtlDbtNtries"),
    )


def _check_entries(
    control: ControlTotals, entries: list[tuple[Direction | None, Decimal | None]], label: str
) -> list[StatementProblem]:
    """The file's totals count bank entries, pending ones included; split or left-out entries mean
    they no longer match the transactions, so they are checked against the entries here."""
    credits = [amount for direction, amount in entries if direction is Direction.CREDIT]
    debits = [amount for direction, amount in entries if direction is Direction.DEBIT]
    checks: list[tuple[str, object, object]] = [
        ("entries", control.entries, len(entries)),
        ("credit entries", control.credit_entries, len(credits)),
        ("debit entries", control.debit_entries, len(debits)),
        ("credits", control.credits, sum((a for a in credits if a is not None), Decimal(0))),
        ("debits", control.debits, sum((a for a in debits if a is not None), Decimal(0))),
    ]
    return [
        StatementProblem(
            "control_total_mismatch", f"{label}: the file states {stated} {name}, the entries give {found}"
        )
        for name, stated, found in checks
        if stated is not None and stated != found
    ]


def _entry(
    doc: _Doc, entry: Element, prefix: str
) -> tuple[list[BankTransaction], tuple[Direction | None, Decimal | None], list[StatementProblem]]:
    """The entry's transactions (none if it is not booked or unreadable), its direction and amount
    for the file's control totals, and its problems."""
    amount, currency = _money(doc, entry)
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
            return [], facts, [_problem("not_booked", message, entry, prefix)]
        if amount == 0:
            return [], facts, [_problem("zero_amount", "amount is zero: left out", entry, prefix)]
        booking = _date(doc, entry, "BookgDt")
        value = _date(doc, entry, "ValDt") or booking
        if value is None:
            raise _BadEntry("neither a booking date nor a value date")
        details = [_details(doc, tx, currency) for tx in doc.all(entry, "NtryDtls/TxDtls")]
    except _BadEntry as exc:
        return [], facts, [_problem("bad_entry", str(exc), entry, prefix)]
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
        problems.append(_problem("batch_not_split", message, entry, prefix))
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


def _details(doc: _Doc, tx: Element, currency: str) -> _Details:
    amount, ccy = _money(doc, tx) if doc.find(tx, "Amt") is not None else _money(doc, tx, "AmtDtls/TxAmt/Amt")
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


def _party(doc: _Doc, tx: Element, role: str) -> tuple[str | None, str | None]:
    """The counterparty's name and account: the debtor of a credit, the creditor of a debit. The
    name moved under ``Pty`` in version 8; an agent or the ultimate party stands in when absent."""
    base = f"RltdPties/{role}"
    name = doc.text(tx, f"{base}/Nm", f"{base}/Pty/Nm", f"{base}/Agt/FinInstnId/Nm")
    name = name or doc.text(tx, f"RltdPties/Ultmt{role}/Nm", f"RltdPties/Ultmt{role}/Pty/Nm")
    account = doc.text(tx, f"{base}Acct/Id/IBAN", f"{base}Acct/Id/Othr/Id")
    return name, account


def _bank_code(doc: _Doc, element: Element) -> str | None:
    domain = [doc.text(element, f"BkTxCd/Domn/{p}") for p in ("Cd", "Fmly/Cd", "Fmly/SubFmlyCd")]
    if domain[0]:
        return "/".join(part for part in domain if part)
    return doc.text(element, "BkTxCd/Prtry/Cd")


def _date(doc: _Doc, element: Element, path: str) -> date | None:
    text = doc.text(element, f"{path}/Dt", f"{path}/DtTm")
    if text is None:
        return None
    day = _day(text)
    if day is None:
        raise _BadEntry(f"{path} {text!r} is not a date")
    return day


def _day(text: str | None) -> date | None:
    """The calendar day as the bank wrote it (a DtTm's own date, not converted to another zone)."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _money(doc: _Doc, parent: Element, path: str = "Amt") -> tuple[Decimal | None, str]:
    """The amount at ``path`` and its currency (``Ccy``); None for an amount that is not valid."""
    element = doc.find(parent, path)
    if element is None:
        return None, ""
    return _amount(doc.text(parent, path)), str(element.get("Ccy", ""))


def _amount(text: str | None) -> Decimal | None:
    """A camt amount is unsigned digits with an optional fraction: no sign, exponent, NaN or inf."""
    return Decimal(text) if text and _AMOUNT.fullmatch(text) else None


def _problem(code: str, message: str, element: Element, prefix: str) -> StatementProblem:
    line = element.sourceline
    where = f"{prefix}line {line}: " if line else prefix
    return StatementProblem(code, f"{where}{message}", line)
