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

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.formats.archives import DAMAGED_ZIP
from dunwell.ingest.bank.formats.camt_entries import (
    Doc,
    Element,
    calendar_day,
    camt_amount,
    money,
    problem,
    read_entry,
)
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    ControlTotals,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)

_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.")
_MESSAGE_TAGS = (b"<BkToCstmrStmt", b"<BkToCstmrAcctRpt", b"<BkToCstmrDbtCdtNtfctn")
_MESSAGES = {
    "BkToCstmrAcctRpt": (StatementFormat.CAMT052, "Rpt"),
    "BkToCstmrStmt": (StatementFormat.CAMT053, "Stmt"),
    "BkToCstmrDbtCdtNtfctn": (StatementFormat.CAMT054, "Ntfctn"),
}
_ZIP = b"PK\x03\x04"
_COUNT = re.compile(r"[0-9]{1,15}")  # Max15NumericText; isdigit() would pass "²", which int() refuses
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
    except DAMAGED_ZIP:  # OSError included
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
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not data.startswith(_ZIP):
        return [(None, data)]
    members: list[tuple[str | None, bytes]] = []
    left = MAX_ZIP_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in (i for i in archive.infolist() if not i.is_dir()):
                with archive.open(info) as member:
                    content = member.read(left + 1)  # the sizes in the archive may lie: read no more
                left -= len(content)
                if left < 0:
                    raise StatementUnreadable(f"{path}: the zip archive inflates to more than 200 MiB")
                members.append((info.filename, content))
    except DAMAGED_ZIP as exc:
        raise StatementUnreadable(
            f"{path}: the zip archive cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    return members


def _read_document(
    data: bytes, label: str, prefix: str
) -> tuple[StatementFormat, list[BankStatement], list[StatementProblem]]:
    # No DTD, no entities, no network: a statement is data from outside and must not reach out.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise StatementUnreadable(f"{label}: not well-formed XML ({exc})") from exc
    doc = Doc(etree.QName(root).namespace or "")
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


def _statement(
    doc: Doc, record: Element, fmt: StatementFormat, prefix: str
) -> tuple[BankStatement, list[StatementProblem]]:
    problems: list[StatementProblem] = []
    currency = doc.text(record, "Acct/Ccy")
    balances: dict[str, tuple[Decimal, str]] = {}
    for balance in doc.all(record, "Bal"):
        code = doc.text(balance, "Tp/CdOrPrtry/Cd")
        if code in ("OPBD", "PRCD", "CLBD") and code not in balances:
            amount, ccy = money(doc, balance)
            sign = {"CRDT": 1, "DBIT": -1}.get(doc.text(balance, "CdtDbtInd") or "")
            if amount is None or sign is None:
                problems.append(
                    problem("bad_balance", f"{code} balance is unreadable: ignored", balance, prefix)
                )
            else:
                balances[code] = (sign * amount, ccy)
    transactions: list[BankTransaction] = []
    stated_entries: list[tuple[Direction | None, Decimal | None]] = []
    one_each = True  # every entry gave exactly one transaction: the file's totals compare directly
    for entry in doc.all(record, "Ntry"):
        found, facts, noted = read_entry(doc, entry, prefix)
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
            problems.append(problem("bad_balance", message, record, prefix))
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
        period_start=calendar_day(doc.text(record, "FrToDt/FrDtTm")),
        period_end=calendar_day(doc.text(record, "FrToDt/ToDtTm")),
        control=control,
        interim=fmt is not StatementFormat.CAMT053,
    )
    return statement, problems


def _control(doc: Doc, record: Element) -> ControlTotals:
    def count(path: str) -> int | None:
        text = doc.text(record, f"TxsSummry/{path}/NbOfNtries")
        return int(text) if text and _COUNT.fullmatch(text) else None

    return ControlTotals(
        entries=count("TtlNtries"),
        credits=camt_amount(doc.text(record, "TxsSummry/TtlCdtNtries/Sum")),
        debits=camt_amount(doc.text(record, "TxsSummry/TtlDbtNtries/Sum")),
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
