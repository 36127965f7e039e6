"""Inputs for the cash-application tests: statement entries, camt.053 text, the small book.

Imported as ``cashapp.helpers`` (``tests`` is on the path and test modules cannot import each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind
from dunwell.orm import Customer, Invoice, LegalEntity
from factories import make_customer, make_entity, make_invoice

ACCOUNT = "DE89 3704 0044 0532 0130 00"
ENTITY = "E1"


@dataclass(frozen=True)
class Entry:
    ref: str | None
    amount: str
    payer: str = ""
    payer_account: str = ""
    remittance: str = ""
    day: date = date(2024, 2, 1)
    direction: str = "CRDT"
    reversal: bool = False
    currency: str = "USD"


@dataclass
class Book:
    entity: LegalEntity
    acme: Customer
    bolt: Customer
    crane: Customer
    invoices: dict[str, Invoice]  # by number


def make_book(session: Session) -> Book:
    """E1 with Acme (two invoices), Bolt (two invoices and a credit memo) and Crane (one invoice)."""
    entity = make_entity(session, code=ENTITY)
    acme, bolt, crane = (make_customer(session, entity=entity, external_id=ext) for ext in ("C1", "C2", "C3"))
    acme.name, bolt.name, crane.name = "Acme Trading Inc", "Bolt Industries LLC", "Crane Works"
    documents = {
        "90000001": (acme, "100.00", date(2024, 1, 1), DocumentKind.INVOICE),
        "90000002": (acme, "250.00", date(2024, 1, 5), DocumentKind.INVOICE),
        "90000003": (bolt, "100.00", date(2024, 1, 1), DocumentKind.INVOICE),
        "95000001": (bolt, "-20.00", date(2024, 1, 10), DocumentKind.CREDIT_MEMO),
        "90000004": (bolt, "500.00", date(2024, 1, 1), DocumentKind.INVOICE),
        "90000005": (crane, "100.00", date(2024, 1, 1), DocumentKind.INVOICE),
    }
    invoices = {}
    for number, (customer, amount, issued, kind) in documents.items():
        invoice = make_invoice(
            session, customer=customer, amount=amount, issue_date=issued, kind=kind,
            due_days=0 if kind is DocumentKind.CREDIT_MEMO else 30,
        )  # fmt: skip
        invoice.number = number
        invoices[number] = invoice
    session.flush()
    return Book(entity, acme, bolt, crane, invoices)


def camt053(entries: list[Entry], *, account: str = ACCOUNT, statement_id: str | None = "S-2024-02") -> str:
    """A camt.053.001.02 statement (balances omitted: nothing to reconcile in these tests)."""
    body = "".join(_entry(e) for e in entries)
    stmt_id = f"<Id>{statement_id}</Id>" if statement_id else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>T1</MsgId><CreDtTm>2024-02-29T20:00:00</CreDtTm></GrpHdr>"
        f"<Stmt>{stmt_id}<Acct><Id><IBAN>{account.replace(' ', '')}</IBAN></Id><Ccy>USD</Ccy></Acct>"
        f"{body}</Stmt></BkToCstmrStmt></Document>\n"
    )


def _entry(e: Entry) -> str:
    ref = f"<NtryRef>{e.ref}</NtryRef>" if e.ref else ""
    reversal = "<RvslInd>true</RvslInd>" if e.reversal else ""
    party = "Dbtr" if e.direction == "CRDT" else "Cdtr"
    remittance = f"<RmtInf><Ustrd>{escape(e.remittance)}</Ustrd></RmtInf>" if e.remittance else ""
    account = (
        f"<{party}Acct><Id><Othr><Id>{e.payer_account}</Id></Othr></Id></{party}Acct>"
        if e.payer_account
        else ""
    )
    return (
        f"<Ntry>{ref}<Amt Ccy='{e.currency}'>{e.amount}</Amt><CdtDbtInd>{e.direction}</CdtDbtInd>{reversal}"
        f"<Sts>BOOK</Sts><BookgDt><Dt>{e.day}</Dt></BookgDt><ValDt><Dt>{e.day}</Dt></ValDt>"
        f"<NtryDtls><TxDtls><RltdPties><{party}><Nm>{escape(e.payer)}</Nm></{party}>{account}</RltdPties>"
        f"{remittance}</TxDtls></NtryDtls></Ntry>"
    )
