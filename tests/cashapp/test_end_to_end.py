"""A simulated company end to end: its books as they stood when the March statements arrived
(everything billed by the end of March, the cash applied up to February) imported, the March camt.053
statements imported, one matching run, and what was applied held to the simulator's truth through
the MATCHES export and the evaluation every other tool uses (both databases)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.cashapp.exporting import stored_match_rows
from dunwell.cashapp.files import read_truth
from dunwell.cashapp.service import import_statement, run_matching
from dunwell.imports.flows import run_import
from dunwell.ingest import ImportKind, load_preset
from dunwell.kit.db import unit_of_work
from dunwell.matching.evaluate import evaluate
from dunwell.orm import Customer, Payment
from dunwell.orm.payment import PaymentOrigin
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_cash_month

BOOK_DAY = date(2024, 2, 29)
MARCH = date(2024, 3, 1)


def test_march_cash_of_a_simulated_distributor(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=20, months=3, seed=1, start=date(2024, 1, 1)
    )
    write_cash_month(company, tmp_path, MARCH)
    for kind in (ImportKind.CUSTOMERS, ImportKind.INVOICES, ImportKind.PAYMENTS):
        path, mapping = tmp_path / f"{kind.value}.csv", load_preset("sim", kind)
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

    truth, _ = read_truth(tmp_path / "truth.csv")
    with sessions() as session:
        figures = evaluate(stored_match_rows(session), truth)
        applied_to = dict(
            session.execute(
                select(Payment.bank_reference, Customer.external_id)
                .join(Customer, Customer.id == Payment.customer_id)
                .where(Payment.origin == PaymentOrigin.BANK_STATEMENT)
            ).all()
        )
    assert figures["payments_with_truth"] == figures["payments"] == len(march)
    assert figures["auto_wrong"] == 0, "every automatic application is right"
    assert applied_to == {p.payment_id: p.customer_id for p in march if p.payment_id in applied_to}, (
        "and booked to the customer who owed the invoices"
    )
    # 32 of 35 on this book; two months of history teach fewer accounts than the benchmark's six.
    assert figures["auto_rate"] >= 0.85, figures
    assert figures["envelope_rate"] >= 0.95, figures
    assert summary.applied_minor["USD"] > 0
