"""Credit memos netted in payments, cancellations, and ISO 11649 creditor references: what cash
application will meet, with the truth that scores it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pycamt.parser import Camt053Parser
from stdnum import iso11649

from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company
from dunwell.simulate.remittance import creditor_reference
from dunwell.simulation.company_files import write_company

START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(preset=PRESETS["distributor"], customers=300, months=12, seed=21, start=START)


def test_a_share_of_invoices_is_credited_and_each_memo_names_its_invoice(company: Company) -> None:
    share = len(company.credit_memos) / len(company.invoices)

    assert 0.01 <= share <= 0.03, share  # the preset credits 2 % of invoices
    for memo in company.credit_memos:
        invoice = memo.credit
        assert memo.document_type == "credit_memo"
        assert memo.amount < 0
        assert invoice is not None
        assert invoice.credit is memo
        assert -memo.amount <= invoice.amount
        assert invoice.issue_date <= memo.issue_date <= company.end


def test_a_netted_memo_is_deducted_from_the_payment_and_named_in_its_remittance(company: Company) -> None:
    memos = {m.invoice_id: m for m in company.credit_memos}
    payments = {p.payment_id: p for p in company.payments}
    rows = defaultdict(list)
    for truth in company.allocations:
        rows[truth.payment_id].append(truth)
    netting = [pid for pid, allocations in rows.items() if any(a.invoice_id in memos for a in allocations)]
    assert len(netting) >= 20

    named = 0
    for payment_id in netting:
        payment, allocations = payments[payment_id], rows[payment_id]
        applied = sum((a.amount for a in allocations), Decimal(0))
        assert applied <= payment.amount  # invoice in full, less the credit: the cash the payer sent
        for allocation in allocations:
            if allocation.invoice_id in memos:
                memo = memos[allocation.invoice_id]
                assert allocation.amount == memo.amount
                assert memo.issue_date <= payment.value_date == memo.paid_date
                named += memo.invoice_id in payment.remittance_text
    assert named / len(netting) >= 0.5  # unless the remittance is empty or only a PO number


def test_a_cancelled_invoice_is_settled_by_its_memo_and_no_payment(company: Company) -> None:
    cancelled = [i for i in company.invoices if i.cancelled]
    paid_by_cash = {a.invoice_id for a in company.allocations}

    assert cancelled
    for invoice in cancelled:
        assert invoice.credit is not None
        assert invoice.paid_date == invoice.credit.paid_date == invoice.credit.issue_date
        assert invoice.invoice_id not in paid_by_cash
        assert invoice.open_amount() == invoice.credit.open_amount() == 0


def test_open_memos_are_negative_open_items_until_netted(company: Company) -> None:
    for memo in company.credit_memos:
        if memo.paid_date is None:
            assert memo.open_amount() == memo.amount < 0
        else:
            day_before = memo.paid_date.toordinal() - 1
            if memo.issue_date.toordinal() <= day_before:
                assert memo.open_amount(date.fromordinal(day_before)) == memo.amount
            assert memo.open_amount(memo.paid_date) == 0


def test_creditor_references_carry_valid_iso_11649_check_digits() -> None:
    assert creditor_reference("539007547034") == "RF18539007547034"  # the standard's own example
    for number in ("90000001", "90123456", "CM80000012", "inv-77"):
        reference = creditor_reference(number)
        assert iso11649.is_valid(reference), reference
        assert reference.endswith(number.upper().replace("-", ""))


def test_structured_references_reach_camt_as_structured_remittance(company: Company, tmp_path: Path) -> None:
    structured = {p.payment_id: p.structured_reference for p in company.payments if p.structured_reference}
    assert 0.02 <= len(structured) / len(company.payments) <= 0.08
    write_company(company, tmp_path)

    seen = {}
    for path in sorted((tmp_path / "statements").glob("*.camt053.xml")):
        for entry in Camt053Parser(path.read_bytes()).get_transactions():
            if entry["TransactionID"] in structured:
                seen[entry["TransactionID"]] = entry["RemittanceInformation"]
    assert seen == structured
    assert all(iso11649.is_valid(reference) for reference in seen.values())
