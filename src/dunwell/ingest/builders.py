"""Cross-field rules per import kind: from converted field values to a canonical row, or problems.

The row parser hands each builder a list of converted values in schema order (``BAD`` where a field
already failed, None where it is empty). A builder applies the rules that involve several fields
or the whole file (sign conventions, currency precision, date order, duplicate keys) and returns
the row, or None after appending its problems. One builder instance serves one parse run, since it
remembers the keys it has seen.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Protocol

from dunwell.core.currencies import minor_unit_exponent
from dunwell.core.documents import DocumentKind
from dunwell.core.money import ROUNDING, quantum
from dunwell.ingest.records import CanonicalRow, CustomerRow, InvoiceRow, PaymentRow, Problem, fast_factory
from dunwell.ingest.specs import ColumnSpec, ImportMapping


class _Bad:
    def __repr__(self) -> str:
        return "BAD"


#: Marks a field whose value failed to convert; its problem is already recorded.
BAD: Final = _Bad()
_ZERO = Decimal(0)
_new_invoice = fast_factory(InvoiceRow)
_new_payment = fast_factory(PaymentRow)
_new_customer = fast_factory(CustomerRow)


class RowBuilder(Protocol):
    """Turns one row's converted values into a canonical row, or appends problems and returns None."""

    def __call__(self, line: int, values: list[Any], problems: list[Problem]) -> CanonicalRow | None: ...


# The quantum of each currency met so far (a few per file).
_QUANTA: dict[str, Decimal] = {}


class _Builder:
    def __init__(self, mapping: ImportMapping) -> None:
        # Keys of the rows loaded so far and their lines; a rejected row claims no key.
        self._seen: dict[object, int] = {}
        # Amount fields whose mapping asks to round float noise instead of rejecting it.
        self._rounded = frozenset(
            name
            for name, spec in mapping.fields.items()
            if isinstance(spec, ColumnSpec) and spec.round_to_currency
        )

    def _money(self, name: str, value: Any, currency: Any, problems: list[Problem]) -> Any:
        """``value`` checked (or rounded) to ``currency``'s minor unit; BAD with a problem otherwise."""
        if value.__class__ is not Decimal or currency is None or currency is BAD:
            return value
        step = _QUANTA.get(currency) or _QUANTA.setdefault(currency, quantum(currency))
        try:
            if name in self._rounded:
                return value.quantize(step, rounding=ROUNDING)
            # The rule of core.money.has_valid_precision, with the currency's quantum cached: this
            # runs for every amount of every row.
            if value.quantize(step) == value:
                return value
        except InvalidOperation:
            problems.append(Problem(name, f"amount {value} is too large"))
            return BAD
        places = minor_unit_exponent(currency)
        problems.append(Problem(name, f"{value} has more decimals than {currency} allows ({places})"))
        return BAD


class InvoiceBuilder(_Builder):
    """Invoices and credit memos: signs, open amounts, date order, one row per (entity, invoice_id)."""

    def __call__(self, line: int, values: list[Any], problems: list[Problem]) -> InvoiceRow | None:
        (
            invoice_id,
            customer_id,
            customer_name,
            entity,
            issue,
            due,
            terms,
            currency,
            amount,
            open_amount,
            paid,
            disputed,
            po_number,
            kind,
            delivery,
        ) = values
        # ``x.__class__ is Decimal`` rather than isinstance: the same here, and cheaper per row.
        if kind is DocumentKind.CREDIT_MEMO:
            # Files disagree on the sign of credit memos; we store them negative, always.
            amount = -abs(amount) if amount.__class__ is Decimal else amount
            open_amount = -abs(open_amount) if open_amount.__class__ is Decimal else open_amount
        elif kind is DocumentKind.INVOICE and amount.__class__ is Decimal and amount < 0:
            problems.append(Problem("amount", "negative amount on an invoice; use document_type=credit_memo"))
            amount = BAD
        amount = self._money("amount", amount, currency, problems)
        if open_amount is None:
            if amount.__class__ is Decimal and paid is not BAD:
                open_amount = _ZERO if paid is not None else amount
        else:
            open_amount = self._money("open_amount", open_amount, currency, problems)
        if open_amount.__class__ is Decimal and amount.__class__ is Decimal:
            if open_amount and amount and (open_amount < 0) != (amount < 0):
                problems.append(
                    Problem(
                        "open_amount", f"open amount {open_amount} has the opposite sign of amount {amount}"
                    )
                )
            elif abs(open_amount) > abs(amount):
                problems.append(Problem("open_amount", f"open amount {open_amount} exceeds amount {amount}"))
            elif open_amount and paid is not None and paid is not BAD:
                problems.append(
                    Problem("paid_date", f"paid date {paid} is set but open amount is {open_amount}, not 0")
                )
        if issue is not BAD and due is not BAD and due < issue:
            problems.append(Problem("due_date", f"due date {due} is before issue date {issue}"))
        # A paid date before the issue date is a prepayment, not an error: the row loads (the
        # predictor takes it as paid on issue and the backtest lists it as a warning).
        key = (entity, invoice_id)
        first = self._seen.get(key) if invoice_id is not BAD and entity is not BAD else None
        if first is not None:
            problems.append(
                Problem(
                    "invoice_id",
                    f"duplicate invoice_id {invoice_id!r} (entity {entity}): first on line {first}",
                )
            )
        if problems:
            return None
        self._seen[key] = line
        return _new_invoice(
            line,
            invoice_id,
            customer_id,
            customer_name,
            entity,
            issue,
            due,
            terms,
            currency,
            amount,
            open_amount,
            paid,
            disputed,
            po_number,
            kind,
            delivery,
        )


class PaymentBuilder(_Builder):
    """Received payments: positive amounts, and a natural key that is stable across re-imports."""

    def __init__(self, mapping: ImportMapping) -> None:
        super().__init__(mapping)
        self._occurrences: dict[str, int] = {}

    def __call__(self, line: int, values: list[Any], problems: list[Problem]) -> PaymentRow | None:
        (
            payment_id,
            entity,
            value_date,
            amount,
            currency,
            payer_name,
            payer_account,
            remittance,
            customer_id,
            bank_reference,
        ) = values
        if isinstance(amount, Decimal) and amount <= 0:
            problems.append(Problem("amount", f"payment amount {amount} is not positive"))
            amount = BAD
        amount = self._money("amount", amount, currency, problems)
        first = self._seen.get(payment_id) if isinstance(payment_id, str) else None
        if first is not None:
            problems.append(
                Problem("payment_id", f"duplicate payment_id {payment_id!r}: first on line {first}")
            )
        if problems:
            return None
        if payment_id is not None:
            self._seen[payment_id] = line
            natural_key = payment_id
        else:
            # Identical rows are distinct payments (two equal transfers on one day); numbering them by
            # occurrence keeps each key stable when the same file is imported again.
            amount_text = format(amount.quantize(quantum(currency)), "f")
            content = "\x1f".join(
                (
                    entity,
                    value_date.isoformat(),
                    amount_text,
                    currency,
                    payer_name or "",
                    payer_account or "",
                    remittance or "",
                    bank_reference or "",
                )
            )
            digest = hashlib.sha256(content.encode()).hexdigest()[:32]
            occurrence = self._occurrences.get(digest, 0) + 1
            self._occurrences[digest] = occurrence
            natural_key = f"sha256:{digest}:{occurrence}"
        return _new_payment(
            line,
            payment_id,
            entity,
            value_date,
            amount,
            currency,
            payer_name,
            payer_account,
            remittance,
            customer_id,
            bank_reference,
            natural_key,
        )


class CustomerBuilder(_Builder):
    """Customers: a non-negative credit limit, one row per (entity, customer_id)."""

    def __call__(self, line: int, values: list[Any], problems: list[Problem]) -> CustomerRow | None:
        # values: customer_id, name, entity, country, currency, time_zone, terms, credit_limit,
        # segment, owner, parent_id, address_line1, address_line2, postal_code, city, region
        # (the schema's order)
        customer_id, entity, currency, credit_limit, parent = (
            values[0],
            values[2],
            values[4],
            values[7],
            values[10],
        )
        if parent is not None and parent == customer_id:
            problems.append(Problem("parent_id", "a customer cannot be its own parent"))
        if isinstance(credit_limit, Decimal) and credit_limit < 0:
            problems.append(Problem("credit_limit", f"credit limit {credit_limit} is negative"))
        else:
            credit_limit = self._money("credit_limit", credit_limit, currency, problems)
        key = (entity, customer_id)
        first = self._seen.get(key) if customer_id is not BAD and entity is not BAD else None
        if first is not None:
            problems.append(
                Problem(
                    "customer_id",
                    f"duplicate customer_id {customer_id!r} (entity {entity}): first on line {first}",
                )
            )
        if problems:
            return None
        self._seen[key] = line
        return _new_customer(line, *values[:7], credit_limit, *values[8:])
