"""All SQL of cash application: statements and bank accounts, what a matching run reads, matches,
aliases and rejections."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind
from dunwell.kit.bulk import insert_rows, one_of
from dunwell.matching.records import MatchStatus
from dunwell.orm.base import table_of
from dunwell.orm.cashapp import (
    AliasKind,
    BankAccount,
    BankStatement,
    CashMatch,
    CashMatchRun,
    MatchDecision,
    PayerAlias,
    RejectedMatch,
    StatementEntry,
)
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment, PaymentOrigin

#: ``applied_by`` of the allocations the matching run makes; any other value is a person's work.
AUTO_ACTOR = "cashapp:auto"


@dataclass(frozen=True, slots=True)
class PendingPayment:
    id: int
    value_date: date
    currency: str
    unapplied_minor: int
    payer_name: str | None
    payer_account: str | None
    remittance: str | None
    structured_reference: str | None
    remittance_items: list[dict[str, Any]] | None = None


@dataclass(frozen=True, slots=True)
class OpenDocument:
    id: int
    number: str
    customer_id: int
    customer_ref: str  # the customer's external id
    kind: DocumentKind
    currency: str
    open_minor: int
    amount_minor: int
    issue_date: date
    due_date: date
    po_number: str | None
    terms: str | None = None  # the invoice's terms, else its customer's


@dataclass(frozen=True, slots=True)
class StoredMatch:
    bank_reference: str | None
    source_file: str | None
    source_line: int | None
    currency: str
    status: MatchStatus
    reason: str | None
    candidates: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: int
    external_id: str
    name: str
    parent_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    match: CashMatch
    value_date: date
    currency: str
    amount_minor: int
    unapplied_minor: int
    payer_name: str | None
    payer_account: str | None
    remittance: str | None


class CashAppRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- bank accounts and statements -------------------------------------------------------

    def entity_id(self, code: str) -> int | None:
        return self.session.scalar(select(LegalEntity.id).where(LegalEntity.code == code))

    def entity_codes(self, ids: Iterable[int]) -> dict[int, str]:
        rows = self.session.execute(
            select(LegalEntity.id, LegalEntity.code).where(LegalEntity.id.in_(set(ids)))
        )
        return {int(id_): str(code) for id_, code in rows}

    def bank_account(self, account: str) -> BankAccount | None:
        return self.session.scalar(select(BankAccount).where(BankAccount.account == account))

    def bank_accounts_of(self, entity_id: int) -> list[BankAccount]:
        return list(
            self.session.scalars(
                select(BankAccount).where(BankAccount.entity_id == entity_id).order_by(BankAccount.id)
            )
        )

    def add_bank_account(self, *, account: str, entity_id: int, currency: str | None) -> BankAccount:
        row = BankAccount(account=account, entity_id=entity_id, currency=currency)
        self.session.add(row)
        self.session.flush()
        return row

    def statements_of_file(self, sha256: str) -> list[tuple[str | None, str, str]]:
        """``(statement id, account, entity code)`` of the statements imported from the file."""
        rows = self.session.execute(
            select(BankStatement.statement_id, BankAccount.account, LegalEntity.code)
            .join(BankAccount, BankAccount.id == BankStatement.bank_account_id)
            .join(LegalEntity, LegalEntity.id == BankAccount.entity_id)
            .where(BankStatement.file_sha256 == sha256)
            .order_by(BankStatement.id)
        )
        return [(s, a, e) for s, a, e in rows]

    def imported_statement(self, bank_account_id: int, statement_id: str) -> BankStatement | None:
        """The stored statement with this account and bank statement id, if one was imported."""
        return self.session.scalar(
            select(BankStatement).where(
                BankStatement.bank_account_id == bank_account_id, BankStatement.statement_id == statement_id
            )
        )

    def add_statement(self, statement: BankStatement) -> BankStatement:
        self.session.add(statement)
        self.session.flush()
        return statement

    def add_entries(self, values: list[dict[str, Any]]) -> None:
        insert_rows(self.session, table_of(StatementEntry), values)

    # --- what a matching run reads ----------------------------------------------------------

    def _pending_condition(self, as_of: date) -> Any:
        """Bank cash, received by ``as_of``, not yet applied, that automation may still touch.

        Not: cash a person allocated (part of), a match a person confirmed, or an automatic match no
        person rejected (a person who reversed its allocations by hand meant it to stay that way).
        """
        by_person = exists().where(Allocation.payment_id == Payment.id, Allocation.applied_by != AUTO_ACTOR)
        settled_match = exists().where(
            CashMatch.payment_id == Payment.id,
            or_(
                CashMatch.decision == MatchDecision.CONFIRMED,
                (CashMatch.status == MatchStatus.AUTO) & CashMatch.decision.is_(None),
            ),
        )
        return (
            (Payment.origin == PaymentOrigin.BANK_STATEMENT)
            & (Payment.unapplied_minor > 0)
            & (Payment.value_date <= as_of)
            & ~settled_match
            & ~by_person
        )

    def pending_entities(self, as_of: date) -> list[int]:
        query = select(Payment.entity_id).where(self._pending_condition(as_of)).distinct()
        return sorted(self.session.scalars(query))

    def pending_payments(self, entity_id: int, as_of: date) -> list[PendingPayment]:
        rows = self.session.execute(
            select(
                Payment.id,
                Payment.value_date,
                Payment.currency,
                Payment.unapplied_minor,
                Payment.payer_name,
                Payment.payer_account,
                Payment.remittance,
                StatementEntry.structured_reference,
                StatementEntry.remittance_items,
            )
            .outerjoin(StatementEntry, StatementEntry.payment_id == Payment.id)
            .where(Payment.entity_id == entity_id, self._pending_condition(as_of))
            .order_by(Payment.value_date, Payment.id)
        )
        return [PendingPayment(*row) for row in rows]

    def count_held_by_people(self, as_of: date) -> int:
        """Unapplied bank cash that automation leaves alone because a person allocated part of it."""
        by_person = exists().where(Allocation.payment_id == Payment.id, Allocation.applied_by != AUTO_ACTOR)
        query = select(func.count(Payment.id)).where(
            Payment.origin == PaymentOrigin.BANK_STATEMENT,
            Payment.unapplied_minor > 0,
            Payment.value_date <= as_of,
            by_person,
        )
        return int(self.session.scalar(query) or 0)

    def open_documents(self, entity_id: int, as_of: date) -> list[OpenDocument]:
        rows = self.session.execute(
            select(
                Invoice.id,
                Invoice.number,
                Invoice.customer_id,
                Customer.external_id,
                Invoice.kind,
                Invoice.currency,
                Invoice.open_amount_minor,
                Invoice.amount_minor,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.po_number,
                func.coalesce(Invoice.terms, Customer.terms),
            )
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(
                Invoice.entity_id == entity_id,
                Invoice.open_amount_minor != 0,
                Invoice.issue_date <= as_of,
            )
            .order_by(Invoice.due_date, Invoice.id)
        )
        return [OpenDocument(*row) for row in rows]

    def customers_of(self, entity_id: int) -> list[CustomerRow]:
        rows = self.session.execute(
            select(Customer.id, Customer.external_id, Customer.name, Customer.parent_external_id)
            .where(Customer.entity_id == entity_id)
            .order_by(Customer.id)
        )
        return [CustomerRow(*row) for row in rows]

    def paid_from_accounts(self, entity_id: int) -> dict[int, set[str]]:
        """Payer accounts each customer's cash came from: payments identified to it or applied to its
        documents."""
        accounts: dict[int, set[str]] = defaultdict(set)
        identified = select(Payment.customer_id, Payment.payer_account).where(
            Payment.entity_id == entity_id,
            Payment.customer_id.is_not(None),
            Payment.payer_account.is_not(None),
        )
        applied = (
            select(Invoice.customer_id, Payment.payer_account)
            .join(Allocation, Allocation.payment_id == Payment.id)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(
                Payment.entity_id == entity_id,
                Payment.payer_account.is_not(None),
                Allocation.reversed_on.is_(None),
            )
        )
        for query in (identified.distinct(), applied.distinct()):
            for customer_id, account in self.session.execute(query):
                if customer_id is not None and account is not None:
                    accounts[customer_id].add(account)
        return accounts

    def aliases_of(self, entity_id: int) -> list[tuple[int, AliasKind, str]]:
        rows = self.session.execute(
            select(PayerAlias.customer_id, PayerAlias.kind, PayerAlias.value)
            .join(Customer, Customer.id == PayerAlias.customer_id)
            .where(Customer.entity_id == entity_id)
            .order_by(PayerAlias.id)
        )
        return [(c, k, v) for c, k, v in rows]

    def rejected_pairs(self, entity_id: int) -> list[tuple[int, str]]:
        """``(payment id, document number)`` pairs people rejected, for the entity's payments."""
        rows = self.session.execute(
            select(RejectedMatch.payment_id, Invoice.number)
            .join(Invoice, Invoice.id == RejectedMatch.invoice_id)
            .join(Payment, Payment.id == RejectedMatch.payment_id)
            .where(Payment.entity_id == entity_id)
        )
        return [(p, n) for p, n in rows]

    def matches_for(self, payment_ids: Iterable[int]) -> dict[int, CashMatch]:
        ids = set(payment_ids)
        if not ids:
            return {}
        rows = self.session.scalars(select(CashMatch).where(one_of(self.session, CashMatch.payment_id, ids)))
        return {m.payment_id: m for m in rows}

    def add_run(self, run: CashMatchRun) -> CashMatchRun:
        self.session.add(run)
        self.session.flush()
        return run

    def add_match(self, match: CashMatch) -> CashMatch:
        self.session.add(match)
        self.session.flush()
        return match

    # --- review ------------------------------------------------------------------------------

    def match_for_update(self, match_id: int) -> CashMatch | None:
        return self.session.get(CashMatch, match_id, with_for_update=True)

    def payment(self, payment_id: int) -> Payment | None:
        return self.session.get(Payment, payment_id)

    def review_rows(
        self,
        *,
        limit: int | None,
        offset: int = 0,
        owners: frozenset[int] | None = None,
        match_id: int | None = None,
    ) -> list[QueueRow]:
        """Suggested and unmatched cash no person has confirmed, newest first; ``owners`` limits it
        to a portfolio (see ``_in_portfolio``)."""
        query = (
            select(
                CashMatch,
                Payment.value_date,
                Payment.currency,
                Payment.amount_minor,
                Payment.unapplied_minor,
                Payment.payer_name,
                Payment.payer_account,
                Payment.remittance,
            )
            .join(Payment, Payment.id == CashMatch.payment_id)
            .where(self._review_condition(), self._in_portfolio(owners))
            .order_by(Payment.value_date.desc(), Payment.id.desc())
            .limit(limit)
            .offset(offset or None)
        )
        if match_id is not None:
            query = query.where(CashMatch.id == match_id)
        return [QueueRow(*row) for row in self.session.execute(query)]

    def count_review_rows(self, *, owners: frozenset[int] | None = None) -> int:
        query = (
            select(func.count(CashMatch.id))
            .join(Payment, Payment.id == CashMatch.payment_id)
            .where(self._review_condition(), self._in_portfolio(owners))
        )
        return int(self.session.scalar(query) or 0)

    @staticmethod
    def _review_condition() -> Any:
        return (
            CashMatch.status.in_([MatchStatus.SUGGESTED, MatchStatus.UNMATCHED])
            & or_(CashMatch.decision.is_(None), CashMatch.decision == MatchDecision.REJECTED)
            & (Payment.unapplied_minor > 0)
        )

    @staticmethod
    def _in_portfolio(owners: frozenset[int] | None) -> Any:
        """Cash whose assigned customer or best candidate's customer is owned by ``owners``, and cash
        nobody has been identified for (None: every payment)."""
        if owners is None:
            return true()
        owned = select(Customer.id).where(Customer.owner_id.in_(sorted(owners)))
        return or_(
            Payment.customer_id.in_(owned),
            CashMatch.customer_id.in_(owned),
            Payment.customer_id.is_(None) & CashMatch.customer_id.is_(None),
        )

    def invoice_ids_by_number(self, entity_id: int, numbers: Iterable[str]) -> dict[str, int]:
        rows = self.session.execute(
            select(Invoice.number, Invoice.id).where(
                Invoice.entity_id == entity_id, Invoice.number.in_(set(numbers))
            )
        )
        return {str(number): int(id_) for number, id_ in rows}

    def alias_exists(self, *, customer_id: int, kind: AliasKind, value: str) -> bool:
        condition = (
            (PayerAlias.customer_id == customer_id) & (PayerAlias.kind == kind) & (PayerAlias.value == value)
        )
        return bool(self.session.scalar(select(exists().where(condition))))

    def add_alias(self, alias: PayerAlias) -> None:
        self.session.add(alias)
        self.session.flush()

    def rejected_invoice_ids(self, payment_id: int) -> set[int]:
        rows = self.session.scalars(
            select(RejectedMatch.invoice_id).where(RejectedMatch.payment_id == payment_id)
        )
        return set(rows)

    def add_rejection(self, rejection: RejectedMatch) -> None:
        self.session.add(rejection)
        self.session.flush()

    def stored_matches(self, *, since: date | None, until: date | None) -> list[StoredMatch]:
        """Every stored match of bank cash received in ``[since, until]`` (open ends: all)."""
        query = (
            select(
                Payment.bank_reference,
                Payment.source_file,
                Payment.source_line,
                Payment.currency,
                CashMatch.status,
                CashMatch.reason,
                CashMatch.candidates,
            )
            .join(Payment, Payment.id == CashMatch.payment_id)
            .order_by(Payment.value_date, Payment.id)
        )
        if since is not None:
            query = query.where(Payment.value_date >= since)
        if until is not None:
            query = query.where(Payment.value_date <= until)
        return [StoredMatch(*row) for row in self.session.execute(query)]

    # --- unapplied cash for dunning -------------------------------------------------------------

    def customers_with_unapplied_cash(
        self, *, since: date, until: date, customer_ids: set[int] | None
    ) -> set[int]:
        query = select(Payment.customer_id).where(
            Payment.origin == PaymentOrigin.BANK_STATEMENT,
            Payment.customer_id.is_not(None),
            Payment.unapplied_minor > 0,
            Payment.value_date.between(since, until),
        )
        if customer_ids is not None:
            query = query.where(one_of(self.session, Payment.customer_id, customer_ids))
        return {c for c in self.session.scalars(query.distinct()) if c is not None}

    def open_candidate_lists(self, *, since: date, until: date) -> list[list[dict[str, Any]]]:
        """The candidates of every suggested or unmatched payment received in the window."""
        query = (
            select(CashMatch.candidates)
            .join(Payment, Payment.id == CashMatch.payment_id)
            .where(
                CashMatch.status.in_([MatchStatus.SUGGESTED, MatchStatus.UNMATCHED]),
                or_(CashMatch.decision.is_(None), CashMatch.decision == MatchDecision.REJECTED),
                Payment.unapplied_minor > 0,
                Payment.value_date.between(since, until),
            )
        )
        return list(self.session.scalars(query))
