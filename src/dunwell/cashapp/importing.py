"""Importing bank statements: each credit becomes an unapplied payment, exactly once.

Idempotency has two levels. A file already imported is skipped whole. A statement already
imported from another file (the same account and statement id) adds only the payments the first
copy lacked (a bank re-sending a corrected statement), under the statement already stored. Below
that, every credit's payment has a natural key that does not depend on which file reported it: the
account plus the bank's entry reference, or, for entries without one, a hash of the entry's content
and its occurrence among identical entries of the statement. Overlapping statements, an intraday
report followed by the day's statement, or camt and BAI2 exports of the same month therefore add
each payment once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.keys import account_key, payment_keys
from dunwell.cashapp.remitted import stated_items
from dunwell.cashapp.repository import CashAppRepository
from dunwell.core.errors import DunwellError, ErrorKind, present
from dunwell.core.money import to_minor_units
from dunwell.ingest.bank import (
    BankStatement,
    BankTransaction,
    Direction,
    StatementFile,
    StatementProblem,
    read_statement,
)
from dunwell.kit import audit
from dunwell.orm.cashapp import BankAccount
from dunwell.orm.cashapp import BankStatement as StoredStatement
from dunwell.orm.payment import PaymentOrigin
from dunwell.payments.repository import PaymentRepository

#: The account of an entity whose statements have named none so far.
STAND_IN = "ENTITY:"


@dataclass(frozen=True, slots=True)
class StatementOutcome:
    statement_id: str | None
    account: str
    entity: str
    status: str  # "imported" | "already_imported" | "amended" (a re-sent copy with new entries)
    credits: int = 0
    payments_created: int = 0
    payments_present: int = 0
    debits: int = 0
    reversals: int = 0


@dataclass(slots=True)
class ImportResult:
    file: str
    format: str
    sha256: str
    statements: list[StatementOutcome] = field(default_factory=list)
    problems: list[StatementProblem] = field(default_factory=list)

    @property
    def statements_new(self) -> int:
        return sum(s.status == "imported" for s in self.statements)

    @property
    def statements_skipped(self) -> int:
        return sum(s.status == "already_imported" for s in self.statements)

    @property
    def statements_amended(self) -> int:
        return sum(s.status == "amended" for s in self.statements)

    @property
    def payments_created(self) -> int:
        return sum(s.payments_created for s in self.statements)

    @property
    def payments_present(self) -> int:
        return sum(s.payments_present for s in self.statements)

    @property
    def debits(self) -> int:
        return sum(s.debits for s in self.statements)

    @property
    def reversals(self) -> int:
        return sum(s.reversals for s in self.statements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "sha256": self.sha256,
            "statements_new": self.statements_new,
            "statements_skipped": self.statements_skipped,
            "statements_amended": self.statements_amended,
            "payments_created": self.payments_created,
            "payments_present": self.payments_present,
            "debits": self.debits,
            "reversals": self.reversals,
            "statements": [
                {
                    "statement_id": s.statement_id,
                    "account": s.account,
                    "entity": s.entity,
                    "status": s.status,
                    "credits": s.credits,
                    "payments_created": s.payments_created,
                    "payments_present": s.payments_present,
                    "debits": s.debits,
                    "reversals": s.reversals,
                }
                for s in self.statements
            ],
            "problems": [{"code": p.code, "message": p.message, "line": p.line} for p in self.problems],
        }


def import_statement(
    session: Session, path: Path, *, entity_code: str | None = None, actor: str
) -> ImportResult:
    """Store the statements of ``path`` and a payment for each new credit.

    ``entity_code`` is needed the first time an account is seen (the account is then remembered
    for that entity) and for files that name no account. Debits are counted, not stored: paying
    suppliers is not cash application. Reversals and returns are reported for a person to handle.
    """
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    parsed = read_statement(path)
    result = ImportResult(str(path), parsed.format.value, sha256, problems=list(parsed.problems))
    repo = CashAppRepository(session)
    done = repo.statements_of_file(sha256)
    if done:  # the same bytes again: nothing to resolve, nothing to write
        result.statements = [StatementOutcome(s, a, e, "already_imported") for s, a, e in done]
        return result
    accounts = _resolve_accounts(repo, parsed, entity_code)
    codes = repo.entity_codes(a.entity_id for a in accounts)
    for statement, account in zip(parsed.statements, accounts, strict=True):
        entity = codes[account.entity_id]
        earlier = statement.statement_id and repo.imported_statement(account.id, statement.statement_id)
        if earlier:
            amended = _amend(
                session, repo, statement, account, earlier, entity=entity, path=path, sha256=sha256,
                actor=actor, problems=result.problems,
            )  # fmt: skip
            result.statements.append(amended)
            continue
        outcome = _import_one(
            session, repo, statement, account, entity=entity, path=path, parsed=parsed, sha256=sha256,
            actor=actor, problems=result.problems,
        )  # fmt: skip
        result.statements.append(outcome)
    session.flush()
    return result


def _resolve_accounts(
    repo: CashAppRepository, parsed: StatementFile, entity_code: str | None
) -> list[BankAccount]:
    """The stored account of each statement; a new account is learned for ``entity_code``.

    A file that names an account nobody can place fails whole: the error rolls back the caller's
    transaction, accounts learned on the way included.
    """
    entity_id = None
    if entity_code is not None:
        entity_id = repo.entity_id(entity_code)
        if entity_id is None:
            raise DunwellError(
                f"unknown entity {entity_code!r}: import its customers or invoices first",
                code="unknown_entity",
                kind=ErrorKind.NOT_FOUND,
            )
    found: list[BankAccount | None] = []
    learn: dict[str, str | None] = {}
    for statement in parsed.statements:
        if not statement.account:
            found.append(_account_of_entity(repo, entity_id, entity_code))
            continue
        key = account_key(statement.account)
        stored = repo.bank_account(key)
        if stored is None and entity_id is None:
            raise DunwellError(
                f"bank account {statement.account} is not known yet: import this statement once with "
                "--entity CODE to say which entity it belongs to",
                code="unknown_bank_account",
                kind=ErrorKind.INVALID,
            )
        if stored is not None and entity_id is not None and stored.entity_id != entity_id:
            raise DunwellError(
                f"bank account {statement.account} belongs to another entity, not {entity_code}",
                code="bank_account_entity_conflict",
                kind=ErrorKind.CONFLICT,
            )
        if stored is None:
            learn[key] = statement.currency
        found.append(stored)
    learned = {key: _learn_account(repo, key, entity_id, currency) for key, currency in learn.items()}
    return [
        stored if stored is not None else learned[account_key(s.account or "")]
        for s, stored in zip(parsed.statements, found, strict=True)
    ]


def _learn_account(
    repo: CashAppRepository, key: str, entity_id: int | None, currency: str | None
) -> BankAccount:
    """Remember a new account for the entity. If the entity so far had only the stand-in of
    accountless statements, that stand-in was this account: it takes the name, and the payments
    keyed under it stay the same payments."""
    entity_id = present(entity_id, "the entity of a new bank account")  # refused above otherwise
    accounts = repo.bank_accounts_of(entity_id)
    if len(accounts) == 1 and accounts[0].account.startswith(STAND_IN):
        accounts[0].account, accounts[0].currency = key, currency
        return accounts[0]
    return repo.add_bank_account(account=key, entity_id=entity_id, currency=currency)


def _account_of_entity(
    repo: CashAppRepository, entity_id: int | None, entity_code: str | None
) -> BankAccount:
    """A statement that names no account (a plain CSV export) is for the entity's only account.

    With no account stored yet, a stand-in ``ENTITY:<code>`` account is created (the first account
    a statement of the entity names replaces it); with several, the file is ambiguous and refused.
    """
    if entity_id is None or entity_code is None:
        raise DunwellError(
            "the statement names no bank account: give --entity CODE",
            code="statement_without_account",
            kind=ErrorKind.INVALID,
        )
    accounts = repo.bank_accounts_of(entity_id)
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        return repo.add_bank_account(account=f"{STAND_IN}{entity_code}", entity_id=entity_id, currency=None)
    raise DunwellError(
        f"the statement names no bank account and entity {entity_code} has {len(accounts)}: "
        "import a format that names the account",
        code="ambiguous_bank_account",
        kind=ErrorKind.INVALID,
    )


def _import_one(
    session: Session,
    repo: CashAppRepository,
    statement: BankStatement,
    account: BankAccount,
    *,
    entity: str,
    path: Path,
    parsed: StatementFile,
    sha256: str,
    actor: str,
    problems: list[StatementProblem],
) -> StatementOutcome:
    stored = repo.add_statement(
        StoredStatement(
            bank_account_id=account.id,
            statement_id=statement.statement_id,
            format=parsed.format.value,
            source_file=str(path)[-500:],
            file_sha256=sha256,
            period_start=statement.period_start,
            period_end=statement.period_end,
            currency=statement.currency,
            opening_minor=_minor(statement.opening, statement.currency),
            closing_minor=_minor(statement.closing, statement.currency),
            transactions=len(statement.transactions),
            imported_by=actor,
        )
    )
    stored_credits = _store_credits(
        session, repo, statement, account, stored.id, path=path, problems=problems
    )
    credits, ids, already, debits, reversals = stored_credits
    outcome = StatementOutcome(
        statement.statement_id, account.account, entity, "imported", credits=credits,
        payments_created=ids, payments_present=already, debits=debits, reversals=reversals,
    )  # fmt: skip
    audit.record(
        session,
        actor=actor,
        action="cashapp.statement_imported",
        subject_type="bank_statement",
        subject_id=stored.id,
        details={
            "file": str(path),
            "format": parsed.format.value,
            "sha256": sha256,
            "statement_id": statement.statement_id,
            "account": account.account,
            "entity": entity,
            "credits": outcome.credits,
            "payments_created": outcome.payments_created,
            "payments_present": outcome.payments_present,
            "debits": debits,
            "reversals": reversals,
        },
    )
    return outcome


def _store_credits(
    session: Session,
    repo: CashAppRepository,
    statement: BankStatement,
    account: BankAccount,
    stored_id: int,
    *,
    path: Path,
    problems: list[StatementProblem],
) -> tuple[int, int, int, int, int]:
    """A payment for each credit not yet known, its entry under the stored statement ``stored_id``;
    returns (credits, payments created, payments already known, debits, reversals)."""
    credits: list[tuple[str, BankTransaction]] = []
    debits = reversals = 0
    for transaction, key in zip(statement.transactions, payment_keys(account.id, statement), strict=True):
        if transaction.reversal:
            reversals += 1
            problems.append(_reversal_problem(statement, transaction))
        elif transaction.direction is Direction.DEBIT:
            debits += 1
        else:
            credits.append((key, transaction))
    payments = PaymentRepository(session)
    present = payments.by_natural_keys(account.entity_id, (k for k, _ in credits))
    new: dict[str, tuple[dict[str, Any], BankTransaction]] = {}
    already = 0
    for key, transaction in credits:
        if key in present or key in new:
            already += 1
            continue
        try:
            new[key] = (_payment_values(key, transaction, account, path), transaction)
        except ValueError as exc:  # more decimals than the currency has
            problems.append(StatementProblem("bad_amount", str(exc), transaction.line))
    ids = payments.insert_many([values for values, _ in new.values()])
    repo.add_entries(
        [
            {
                "statement_id": stored_id,
                "payment_id": payment_id,
                "line": t.line,
                "booking_date": t.booking_date,
                "structured_reference": _cut(t.structured_reference, 64),
                "end_to_end_id": _cut(t.end_to_end_id, 120),
                "bank_code": _cut(t.bank_code, 60),
                "remittance_items": stated_items(t) or None,
                "bank_text": t.bank_text or None,
            }
            for payment_id, (_, t) in zip(ids, new.values(), strict=True)
        ]
    )
    return len(credits), len(ids), already, debits, reversals


def _amend(
    session: Session,
    repo: CashAppRepository,
    statement: BankStatement,
    account: BankAccount,
    earlier: StoredStatement,
    *,
    entity: str,
    path: Path,
    sha256: str,
    actor: str,
    problems: list[StatementProblem],
) -> StatementOutcome:
    """A statement imported before, from another file: a bank re-sends one with entries the first
    copy lacked. Those are added under the statement already stored (listed once); the rest, and a
    copy that adds nothing, change nothing."""
    noted: list[StatementProblem] = []
    credits, created, already, debits, reversals = _store_credits(
        session, repo, statement, account, earlier.id, path=path, problems=noted
    )
    outcome = StatementOutcome(
        statement.statement_id, account.account, entity, "amended" if created else "already_imported",
        credits=credits, payments_created=created, payments_present=already, debits=debits,
        reversals=reversals,
    )  # fmt: skip
    if not created:
        return outcome
    problems.extend(noted)
    problems.append(
        StatementProblem(
            "statement_amended",
            f"statement {statement.statement_id} was imported before from {earlier.source_file}; this file "
            f"adds {created} payment(s) that copy lacked",
        )
    )
    audit.record(
        session,
        actor=actor,
        action="cashapp.statement_amended",
        subject_type="bank_statement",
        subject_id=earlier.id,
        details={"file": str(path), "sha256": sha256, "statement_id": statement.statement_id,
                 "account": account.account, "entity": entity, "payments_created": created,
                 "payments_present": already},
    )  # fmt: skip
    return outcome


def _payment_values(key: str, t: BankTransaction, account: BankAccount, path: Path) -> dict[str, Any]:
    minor = to_minor_units(t.amount, t.currency)
    return {
        "entity_id": account.entity_id,
        "natural_key": key,
        "origin": PaymentOrigin.BANK_STATEMENT,
        "value_date": t.value_date,
        "currency": t.currency,
        "amount_minor": minor,
        "unapplied_minor": minor,
        "customer_id": None,
        "payer_name": _cut(t.payer_name, 300),
        "payer_account": _cut(t.payer_account, 64),
        "remittance": t.remittance or None,
        "bank_reference": _cut(t.entry_ref, 120),
        "source_file": str(path)[-500:],
        "source_line": t.line,
        "source_hash": hashlib.sha256(key.encode()).hexdigest(),
    }


def _reversal_problem(statement: BankStatement, t: BankTransaction) -> StatementProblem:
    label = statement.statement_id or statement.account or "statement"
    return StatementProblem(
        "reversal",
        f"{label}: {t.direction.value} reversal of {t.amount} {t.currency} on {t.value_date}"
        f" (ref {t.entry_ref or '-'}, {t.payer_name or 'no payer'}): not imported; find the original "
        "payment and reverse its allocations",
        t.line,
    )


def _minor(amount: Decimal | None, currency: str | None) -> int | None:
    if amount is None or currency is None:
        return None
    return to_minor_units(amount, currency)


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value else None
