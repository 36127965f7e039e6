"""Synthetic invoice files for the import benchmark: realistic mix, fixed seed, cached on disk.

The mix mirrors an ERP's open-item export with history: about 65% of rows are paid (each becomes an
invoice, an implied payment and an allocation), the rest open or partially open, ~2% credit memos,
two entities, ~20,000 customers (one per 50 rows, at most 20,000), USD/GBP/EUR. Every row is valid,
so an import of ``rows`` rows must report ``rows`` imported and a re-import ``rows`` unchanged.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

#: Bump when the generator changes, so cached files from an older generator are not reused.
GENERATOR_VERSION = 1
COLUMNS = (
    "invoice_id",
    "customer_id",
    "customer_name",
    "entity",
    "issue_date",
    "due_date",
    "terms",
    "currency",
    "amount",
    "open_amount",
    "paid_date",
    "disputed",
    "po_number",
    "document_type",
)
AS_OF = date(2024, 12, 31)
_HISTORY_START = date(2021, 1, 1)
_ENTITIES = (("US01", ("USD",)), ("GB01", ("GBP", "GBP", "EUR")))
_TERMS = (("NET30", 30), ("NET30", 30), ("NET45", 45), ("NET60", 60), ("DUE15", 15))
_NAME_PARTS = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent")
_SUFFIXES = ("Ltd", "Inc.", "GmbH", "& Sons", "Holdings, Inc.", 'Trading "Intl"', "S.A.")


def cached_csv(rows: int, seed: int, directory: Path) -> Path:
    """The path of the file of ``rows`` rows for ``seed``, generated on first use."""
    path = directory / f"invoices-{rows}-seed{seed}-v{GENERATOR_VERSION}.csv"
    if path.is_file():
        print(f"bench: reusing {path}", file=sys.stderr)
        return path
    directory.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    print(f"bench: generating {rows:,} rows into {path} ...", file=sys.stderr)
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            write_invoices(handle, rows, seed)
        partial.replace(path)  # atomic: an interrupted run never leaves a truncated cache
    finally:
        partial.unlink(missing_ok=True)
    return path


def _customers(count: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(customer_id, name, entity, currency): 60% on the first entity, one currency per customer."""
    out = []
    for n in range(count):
        entity, currencies = _ENTITIES[0] if rng.random() < 0.6 else _ENTITIES[1]
        name = f"{rng.choice(_NAME_PARTS)} {rng.choice(_NAME_PARTS)} {n} {rng.choice(_SUFFIXES)}"
        out.append((f"C{n:06d}", name, entity, rng.choice(currencies)))
    return out


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def write_invoices(handle: TextIO, rows: int, seed: int) -> None:
    """Write the header and ``rows`` invoice rows to the text ``handle`` (deterministic for ``seed``)."""
    rng = random.Random(seed)
    customers = _customers(max(1, min(20_000, rows // 50)), rng)
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    history_days = (AS_OF - _HISTORY_START).days
    for n in range(rows):
        # Some customers are big: 40% of the rows go to the first 5% of the customers.
        big = rng.random() < 0.4
        pick = rng.randrange(len(customers) // 20 or 1) if big else rng.randrange(len(customers))
        customer_id, name, entity, currency = customers[pick]
        terms, days = rng.choice(_TERMS)
        roll = rng.random()
        cents = max(1000, min(50_000_000, int(rng.lognormvariate(10.5, 1.3))))
        paid = ""
        if roll < 0.02:  # credit memo: negative; half already consumed
            kind, number = "credit_memo", f"CM-{n:09d}"
            issue = _HISTORY_START + timedelta(days=rng.randrange(history_days))
            cents = -(cents // 4 or 1)
            open_cents = 0 if rng.random() < 0.5 else cents
        elif roll < 0.67:  # paid in full: history, spread over the whole period
            kind, number = "invoice", f"INV-{n:09d}"
            issue = _HISTORY_START + timedelta(days=rng.randrange(history_days))
            paid_on = min(AS_OF, issue + timedelta(days=max(0, int(rng.gauss(days + 5, 15)))))
            paid, open_cents = paid_on.isoformat(), 0
        else:  # still open, or partially paid: recent
            kind, number = "invoice", f"INV-{n:09d}"
            issue = AS_OF - timedelta(days=rng.randrange(240))
            open_cents = cents if rng.random() < 0.75 else rng.randrange(1, cents)
        writer.writerow(
            (
                number,
                customer_id,
                name,
                entity,
                issue.isoformat(),
                (issue + timedelta(days=days)).isoformat(),
                terms,
                currency,
                _money(cents),
                _money(open_cents),
                paid,
                "true" if rng.random() < 0.03 else "false",
                f"PO-{rng.randrange(10**7):07d}" if rng.random() < 0.5 else "",
                kind,
            )
        )
