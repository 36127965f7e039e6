"""OFX reader: bank (STMTRS) and credit-card (CCSTMTRS) statements, OFX 1.x SGML and 2.x XML.

ofxtools' lexer turns either syntax (SGML with optional end tags, or XML) into an element tree; we
read that tree ourselves instead of calling ofxtools' ``convert()``. The spec-validating models
refuse most real exports over things that do not matter to a statement (a bank id over 9
characters, a missing sign-on block, element order, several transaction lists) and convert posting
dates to UTC, which can move them to another day (docs/adr/0010-camt-and-ofx-readers.md).

OFX states no opening balance, only the ledger balance at the end: ``opening`` stays None, so the
balance is not checked; deriving it from the closing balance and the entries would check nothing.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import unescape

from ofxtools.Parser import ParseError, TreeBuilder

from dunwell.ingest.bank import StatementUnreadable
from dunwell.ingest.bank.model import (
    BankStatement,
    BankTransaction,
    Direction,
    StatementFile,
    StatementFormat,
    StatementProblem,
)

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._]*)>")
_AMOUNT = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)")
_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_STATEMENTS = ("STMTRS", "CCSTMTRS")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def sniff(head: bytes, path: Path) -> bool:
    upper = head.upper()
    return b"OFXHEADER" in upper or b"<?OFX" in upper or b"<OFX>" in upper


def read(path: Path) -> StatementFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StatementUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    text = _markup(raw)
    start = text.find("<OFX>")
    if start < 0:
        raise StatementUnreadable(f"{path}: no <OFX> element")
    builder = _Builder()
    try:
        builder.feed(_blank_spans(text[start:], "<?", "?>"))
        root = builder.close()
    except Exception as exc:  # the lexer raises assorted errors on broken markup: all mean the same
        raise StatementUnreadable(f"{path}: not well-formed OFX ({exc})") from exc
    _check_status(root, path)
    found = [element for element in root.iter() if element.tag in _STATEMENTS]
    if not found:
        raise StatementUnreadable(f"{path}: {_nothing_found(root)}")
    lines = _entry_lines(root, text)
    statements: list[BankStatement] = []
    problems: list[StatementProblem] = []
    for number, element in enumerate(found, start=1):
        statement, noted = _statement(element, number, lines, path)
        statements.append(statement)
        problems.extend(noted)
    return StatementFile(StatementFormat.OFX, tuple(statements), tuple(problems))


class _Builder(TreeBuilder):
    """ofxtools' lexer over a tree builder that checks what the standard one does not: that each
    end tag closes the element open, and that the file does not end inside one. Without this a
    truncated download would read as a shorter, valid-looking statement."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        if not self.open or self.open[-1] != tag:
            raise ParseError(f"</{tag}> does not close <{self.open[-1] if self.open else 'anything'}>")
        self.open.pop()
        return super().end(tag)

    def close(self) -> ET.Element:
        if self.open:
            raise ParseError(f"the file ends inside <{self.open[-1]}>: is it complete?")
        return super().close()


def _markup(raw: bytes) -> str:
    """The file as text, comments blanked and tag names upper-cased, line numbers kept.

    OFX 1.x declares ``CHARSET:1252`` or ``ENCODING:UTF-8`` but files do not always match what they
    say; UTF-8 is tried first because a cp1252 file is almost never valid UTF-8 by accident.
    """
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    # Comments are legal in OFX 2 XML; the SGML lexer would read what they hide as live data.
    text = _blank_spans(text, "<!--", "-->")
    return _TAG.sub(lambda m: f"<{m[1]}{m[2].upper()}>", text)


def _blank_spans(text: str, opener: str, closer: str) -> str:
    """``text`` with each ``opener ... closer`` span (the first closer after it) reduced to its
    newlines, so that line numbers hold. Linear: an opener that nothing closes ends the search, as
    no later one can be closed either; a lazy regex would rescan the rest of the file for each of
    them (20,000 unclosed ``<!--`` took seconds)."""
    parts: list[str] = []
    at = 0
    while (start := text.find(opener, at)) >= 0:
        end = text.find(closer, start + len(opener))
        if end < 0:
            break
        end += len(closer)
        parts += [text[at:start], "\n" * text.count("\n", start, end)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _entry_lines(root: ET.Element, text: str) -> dict[int, int]:
    """Line of each STMTTRN, by element identity: the lexer keeps no positions, but the elements
    come in document order, the same order as their start tags in the text."""
    positions = [m.start() for m in re.finditer(r"<STMTTRN>", text)]
    lines: dict[int, int] = {}
    line, last = 1, 0
    for element, position in zip(root.iter("STMTTRN"), positions, strict=False):
        line += text.count("\n", last, position)
        last = position
        lines[id(element)] = line
    return lines


def _check_status(root: ET.Element, path: Path) -> None:
    """A refused sign-on means the file holds an error message, not a statement."""
    status = root.find("SIGNONMSGSRSV1/SONRS/STATUS")
    if status is not None and _text(status, "SEVERITY") == "ERROR":
        raise StatementUnreadable(f"{path}: the bank refused the sign-on ({_status(status)})")


def _nothing_found(root: ET.Element) -> str:
    for wrapper in root.iter():
        status = wrapper.find("STATUS") if wrapper.tag in ("STMTTRNRS", "CCSTMTTRNRS") else None
        if status is not None and _text(status, "SEVERITY") == "ERROR":
            return f"the bank sent an error instead of a statement ({_status(status)})"
    if root.find(".//INVSTMTRS") is not None:
        return "holds investment statements (INVSTMTRS) only, not bank or credit-card statements"
    return "holds no bank or credit-card statement (STMTRS/CCSTMTRS)"


def _status(status: ET.Element) -> str:
    message = _text(status, "MESSAGE")
    return f"code {_text(status, 'CODE')}" + (f": {message}" if message else "")


def _statement(
    element: ET.Element, number: int, lines: dict[int, int], path: Path
) -> tuple[BankStatement, list[StatementProblem]]:
    problems: list[StatementProblem] = []
    currency = _text(element, "CURDEF")
    account = _text(element, "BANKACCTFROM/ACCTID") or _text(element, "CCACCTFROM/ACCTID")
    lists = element.findall("BANKTRANLIST")
    transactions: list[BankTransaction] = []
    # Several lists in one statement are not in the spec, but exports have them: all are read.
    for entry in (e for transaction_list in lists for e in transaction_list.findall("STMTTRN")):
        line = lines.get(id(entry), 0)
        # With CURRENCY the amounts are in that currency; with ORIGCURRENCY they were converted into CURDEF.
        own = _text(entry, "CURRENCY/CURSYM")
        if not (own or currency):
            where = f"account {account}" if account else "no account stated"
            raise StatementUnreadable(
                f"{path}: statement {number} ({where}) states no currency (CURDEF), nor does the "
                f"transaction at line {line}"
            )
        transaction, problem = _transaction(entry, line, own or currency or "")
        transactions += [transaction] if transaction else []
        problems += [problem] if problem else []
    closing = None
    if element.find("LEDGERBAL") is not None:
        closing = _amount(_text(element, "LEDGERBAL/BALAMT"))
        if closing is None:
            stated = _text(element, "LEDGERBAL/BALAMT")
            reason = f"amount {stated!r} is not a number" if stated else "has no amount"
            problems.append(
                StatementProblem("bad_balance", f"statement {number}: LEDGERBAL {reason}: no closing balance")
            )
    starts = [d for d in (_day(_text(t, "DTSTART")) for t in lists) if d]
    ends = [d for d in (_day(_text(t, "DTEND")) for t in lists) if d]
    statement = BankStatement(
        statement_id=None,  # OFX has no statement number
        account=account,
        currency=currency,
        transactions=tuple(transactions),
        closing=closing,
        period_start=min(starts, default=None),
        period_end=max(ends, default=None),
    )
    return statement, problems


def _transaction(
    entry: ET.Element, line: int, currency: str
) -> tuple[BankTransaction | None, StatementProblem | None]:
    fitid = _text(entry, "FITID")
    where = f"line {line}" + (f" (FITID {fitid})" if fitid else "")
    stated = _text(entry, "TRNAMT")
    amount = _amount(stated)
    posted = _day(_text(entry, "DTPOSTED"))
    if amount is None:
        return None, StatementProblem("bad_entry", f"{where}: amount {stated!r} is not a number", line)
    if posted is None:
        posted_text = _text(entry, "DTPOSTED")
        reason = (
            f"posting date {posted_text!r} is not a date" if posted_text else "no posting date (DTPOSTED)"
        )
        return None, StatementProblem("bad_entry", f"{where}: {reason}", line)
    if amount == 0:
        return None, StatementProblem("zero_amount", f"{where}: amount is zero: left out", line)
    texts = [_text(entry, "MEMO")]
    texts += [
        f"{tag} {value}"
        for tag in ("CHECKNUM", "REFNUM")
        if (value := _text(entry, tag)) and value.strip("0")
    ]
    transaction = BankTransaction(
        line=line,
        value_date=_day(_text(entry, "DTAVAIL")) or posted,
        booking_date=posted,
        amount=abs(amount),
        direction=Direction.CREDIT if amount > 0 else Direction.DEBIT,
        currency=currency,
        entry_ref=fitid,
        payer_name=_text(entry, "NAME") or _text(entry, "PAYEE/NAME"),
        payer_account=_text(entry, "BANKACCTTO/ACCTID") or _text(entry, "CCACCTTO/ACCTID"),
        remittance=" ".join(t for t in texts if t),
        bank_code=_text(entry, "TRNTYPE"),
    )
    return transaction, None


def _text(element: ET.Element, path: str) -> str | None:
    """An element's text, entities decoded and whitespace collapsed; None when absent or empty."""
    found = element.find(path)
    if found is None or not found.text:
        return None
    # Only the XML entities: HTML's would turn "R&D&copy" into "R&D©" in an SGML file.
    return " ".join(unescape(found.text, _ENTITIES).split()) or None


def _amount(text: str | None) -> Decimal | None:
    """OFX amounts may use a comma as the decimal mark; anything else (currency signs, thousands
    separators, exponents, NaN) is refused rather than guessed at."""
    if not text or not _AMOUNT.fullmatch(text):
        return None
    return Decimal(text.replace(",", "."))


def _day(text: str | None) -> date | None:
    """The date as the bank wrote it; the time and zone that may follow are ignored on purpose."""
    match = _DATE.match(text or "")
    try:
        return date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        return None
