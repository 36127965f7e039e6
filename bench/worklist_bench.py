"""The worklist's speed (issue 17): every collector's day for a book of 100 k open invoices, 20 k
customers and 20 collectors, with a history of paid invoices, contacts and touches to learn from.

Prints one JSON object: the median of 3 cold runs (the book read and the response model trained,
as after any change to the book), of 3 warm ones (a page view: the model kept), and the baseline
measured in the same run (reading the same book and sorting customers oldest-overdue first). The
book is built once into .bench/ (SQLite by default; DUNWELL_BENCH_DATABASE_URL for PostgreSQL).

    .venv/bin/python bench/worklist_bench.py [--customers 20000] [--open-per-customer 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.collections import Channel, TouchChannel, TouchDirection, TouchOutcome, UserRole
from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.kit.bulk import insert_rows
from dunwell.kit.db import create_db_engine, session_factory
from dunwell.kit.migrate import upgrade
from dunwell.orm import Customer, Invoice, LegalEntity, User
from dunwell.orm.base import table_of
from dunwell.orm.collections import Touch
from dunwell.orm.customer import Contact, ContactChannelConsent
from dunwell.orm.payment import Allocation
from dunwell.worklist import details, planning
from dunwell.worklist.policy import default_policy
from dunwell.worklist.service import worklist

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench"
AS_OF = date(2024, 12, 2)  # a Monday
VERSION = 1


def build(session: Session, customers: int, open_per_customer: int, collectors: int, seed: int) -> None:
    rng = random.Random(seed)
    entity = LegalEntity(code="B1", name="Bench")
    session.add(entity)
    session.flush()
    insert_rows(session, table_of(User), [
        {"login": f"c{n:02d}", "name": f"Collector {n:02d}", "role": UserRole.COLLECTOR, "active": True,
         "locale": "en_US", "worklist_minutes": 240} for n in range(1, collectors + 1)
    ])  # fmt: skip
    owners = list(session.scalars(select(User.id).order_by(User.id)))
    insert_rows(session, table_of(Customer), [
        {"entity_id": entity.id, "external_id": f"K{n:05d}", "name": f"Customer {n:05d}",
         "currency": "EUR" if n % 10 == 0 else "USD", "owner_id": owners[n % len(owners)]}
        for n in range(customers)
    ])  # fmt: skip
    ids = list(session.scalars(select(Customer.id).order_by(Customer.id)))
    invoices: list[dict[str, Any]] = []
    paid_days: list[date] = []
    number = 0
    for n, customer_id in enumerate(ids):
        currency = "EUR" if n % 10 == 0 else "USD"
        delay = max(-5, int(rng.gauss(8, 12)))
        for k in range(4 + open_per_customer):
            number += 1
            if k < 4:  # history: paid after the customer's usual delay
                issue = AS_OF - timedelta(days=rng.randint(60, 540))
            else:  # open: due from four months ago to three weeks ahead
                issue = AS_OF - timedelta(days=rng.randint(10, 150))
            due = issue + timedelta(days=30)
            paid = due + timedelta(days=delay + rng.randint(-3, 3)) if k < 4 else None
            if paid is not None and paid >= AS_OF:
                paid = None
            amount = rng.randint(100_00, 20_000_00)
            invoices.append({
                "entity_id": entity.id, "customer_id": customer_id, "number": f"INV{number:07d}",
                "kind": DocumentKind.INVOICE, "issue_date": issue, "due_date": due, "currency": currency,
                "amount_minor": amount, "open_amount_minor": 0 if paid else amount,
                "status": DocumentStatus.CLEARED if paid else DocumentStatus.OPEN, "cleared_on": paid,
                "disputed": False,
            })  # fmt: skip
            paid_days.append(paid)  # type: ignore[arg-type]
    for start in range(0, len(invoices), 5000):
        insert_rows(session, table_of(Invoice), invoices[start : start + 5000])
    invoice_ids = list(session.scalars(select(Invoice.id).order_by(Invoice.id)))
    allocations = [
        {"invoice_id": i, "kind": SettlementKind.PAYMENT, "currency": row["currency"],
         "amount_minor": row["amount_minor"], "applied_on": paid, "applied_by": "bench"}
        for i, row, paid in zip(invoice_ids, invoices, paid_days, strict=True) if paid is not None
    ]  # fmt: skip
    for start in range(0, len(allocations), 5000):
        insert_rows(session, table_of(Allocation), allocations[start : start + 5000])
    reachable = [c for n, c in enumerate(ids) if n % 10 != 7]
    insert_rows(session, table_of(Contact), [
        {"customer_id": c, "name": "Accounts payable", "email": "ap@example.com", "is_natural_person": False,
         "is_role_mailbox": True} for c in reachable
    ])  # fmt: skip
    contacts = list(session.scalars(select(Contact.id).order_by(Contact.id)))
    since = datetime(2023, 1, 1, tzinfo=UTC)
    insert_rows(session, table_of(ContactChannelConsent), [
        {"contact_id": c, "channel": channel, "consented": True, "consented_at": since}
        for c in contacts for channel in (Channel.EMAIL, Channel.CALL)
    ])  # fmt: skip
    touches = []
    for _ in range(customers * 2):
        day = AS_OF - timedelta(days=rng.randint(1, 240))
        channel = rng.choice((TouchChannel.EMAIL, TouchChannel.EMAIL, TouchChannel.CALL))
        touches.append({
            "customer_id": rng.choice(ids), "channel": channel, "direction": TouchDirection.OUTBOUND,
            "outcome": TouchOutcome.SENT if channel is TouchChannel.EMAIL else TouchOutcome.CONVERSATION,
            "occurred_at": datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        })  # fmt: skip
    insert_rows(session, table_of(Touch), touches)


def database(args: argparse.Namespace) -> str:
    url = os.environ.get("DUNWELL_BENCH_DATABASE_URL")
    if url is None:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"worklist-{args.customers}x{args.open_per_customer}-seed{args.seed}-v{VERSION}.db"
        url = f"sqlite:///{path}"
        if path.exists():
            return url
    engine = create_db_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        if session.scalar(select(func.count(Customer.id))):
            return url
        started = time.perf_counter()
        print("bench: building the book ...", file=sys.stderr)
        build(session, args.customers, args.open_per_customer, args.collectors, args.seed)
        print(f"bench: built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--open-per-customer", type=int, default=5)
    parser.add_argument("--collectors", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    url = database(args)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    policy = default_policy()
    operator = Principal.operator("bench")
    cold, warm, baseline = [], [], []
    found = None
    for _ in range(args.runs):
        planning.forget()
        details.forget()
        with sessions() as session:
            started = time.perf_counter()
            found = worklist(session, operator, as_of=AS_OF, policy=policy)
            cold.append(time.perf_counter() - started)
        with sessions() as session:
            started = time.perf_counter()
            worklist(session, operator, as_of=AS_OF, policy=policy)
            warm.append(time.perf_counter() - started)
        with sessions() as session:
            started = time.perf_counter()
            oldest = session.execute(
                select(Invoice.customer_id, func.min(Invoice.due_date))
                .where(Invoice.open_amount_minor > 0, Invoice.due_date < AS_OF)
                .group_by(Invoice.customer_id)
                .order_by(func.min(Invoice.due_date))
            ).all()
            baseline.append(time.perf_counter() - started)
    assert found is not None
    with sessions() as session:
        open_invoices = session.scalar(select(func.count()).where(Invoice.open_amount_minor > 0))
    engine.dispose()
    rows = sum(len(q.rows) for q in found.queues)
    print(json.dumps({
        "bench": "worklist",
        "database": url.split(":", 1)[0],
        "open_invoices": open_invoices,
        "customers": args.customers,
        "collectors": len(found.queues),
        "as_of": AS_OF.isoformat(),
        "cold_seconds_median": round(statistics.median(cold), 3),
        "cold_seconds": [round(x, 3) for x in cold],
        "warm_seconds_median": round(statistics.median(warm), 3),
        "warm_seconds": [round(x, 3) for x in warm],
        "target_seconds": 10,
        "customers_planned": rows,
        "customers_left_out": sum(len(q.left_out) for q in found.queues),
        "model": {k: found.model[k] for k in ("kind", "note", "training_rows")},
        "baseline_oldest_first_sort_seconds_median": round(statistics.median(baseline), 3),
        "baseline_customers_sorted": len(oldest),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
