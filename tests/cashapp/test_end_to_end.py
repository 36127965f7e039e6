"""A simulated company end to end: its book imported as of the end of February, its March camt.053
statements imported, one matching run, and what was applied checked against the simulator's truth
(both databases)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.cashapp.service import import_statement, run_matching
from dunwell.imports.flows import run_import
from dunwell.ingest import ImportKind, load_preset
from dunwell.kit.db import unit_of_work
from dunwell.matching.records import MatchStatus
from dunwell.orm import CashMatch, Customer, Invoice, Payment
from dunwell.simulate.company import generate_company
from dunwell.simulate.export import write_company
from dunwell.simulate.presets import PRESETS

BOOK_DAY = date(2024, 2, 29)


def test_march_cash_of_a_simulated_distributor(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=20, months=3, seed=1, start=date(2024, 1, 1)
    )
    write_company(company, tmp_path, as_of=BOOK_DAY)
    for kind in (ImportKind.CUSTOMERS, ImportKind.INVOICES):
        path, mapping = tmp_path / "asof" / f"{kind.value}.csv", load_preset("sim", kind)
        report = run_import(
            sessions, kind=kind, path=path, mapping=mapping, mapping_label="sim", as_of=BOOK_DAY
        )
        assert report.rejected == 0

    with unit_of_work(sessions) as session:
        created = sum(
            import_statement(
                session,
                tmp_path / "statements" / f"{e.code}-2024-03.camt053.xml",
                entity_code=e.code,
                actor="test",
            ).payments_created
            for e in company.entities
        )
        summary = run_matching(session, as_of=date(2024, 3, 31), actor="test")
    march = [p for p in company.payments if p.value_date.month == 3]
    assert created == summary.counts["payments"] == len(march)

    truth: dict[str, dict[str, object]] = defaultdict(dict)
    for allocation in company.allocations:
        if allocation.amount > 0:  # invoices; credit memos netted are checked through their invoice
            truth[allocation.payment_id][allocation.invoice_id] = allocation.amount
    payer = {p.payment_id: p.customer_id for p in march}
    with sessions() as session:
        known = set(session.scalars(select(Invoice.number)))
        rows = session.execute(
            select(Payment.bank_reference, CashMatch.status, CashMatch.candidates, Customer.external_id)
            .join(CashMatch, CashMatch.payment_id == Payment.id)
            .outerjoin(Customer, Customer.id == Payment.customer_id)
        ).all()
    applied = [
        (ref, candidates[0], customer)
        for ref, status, candidates, customer in rows
        if status is MatchStatus.AUTO
    ]
    right = [
        ref
        for ref, best, customer in applied
        if {a["number"] for a in best["allocations"] if a["amount_minor"] > 0} == set(truth[ref])
        and customer == payer[ref]
    ]
    # Payments for invoices issued in March cannot be matched: the book is February's.
    matchable = [ref for ref, *_ in rows if ref is not None and set(truth[ref]) <= known]
    assert len(right) == len(applied), "every automatic application is right"
    # A small book with two months of history: few learned accounts, so most of the automatic
    # share comes from named invoices; the benchmark measures the rate on six months.
    assert len(applied) >= 0.6 * len(matchable), (len(applied), len(matchable))
    assert summary.applied_minor["USD"] > 0
