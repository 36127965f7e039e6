"""``dunwell import touches``: a CSV of collection touches, loaded idempotently (keyed by the
customer and the file's touch id), every rejected line named by its number and reason.

Columns (preset ``sim`` is the simulator's ``touches.csv``, which uses exactly these names):
touch_id, customer_id, day, channel, direction, outcome; optional: tone (friendly or firm), invoice_ids, note.
The simulator's outcome ``promise_to_pay`` is a ``promise``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from dunwell.collections.repository import CollectionsRepository
from dunwell.core.access import Principal
from dunwell.core.collections import TouchChannel, TouchDirection, TouchOutcome, TouchTone
from dunwell.customers.contacts_import import ImportSummary, read_rows, resolve_customer
from dunwell.customers.contacts_repository import ContactRepository
from dunwell.kit.audit import record
from dunwell.orm.collections import Touch

REQUIRED = ("touch_id", "customer_id", "day", "channel", "direction", "outcome")
OUTCOME_ALIASES = {"promise_to_pay": "promise", "no answer": "no_answer", "wrong number": "wrong_number"}
#: A file gives days, not times: a touch of that day is placed at noon UTC.
NOON = time(12, tzinfo=UTC)


def import_touches(
    session: Session,
    principal: Principal,
    path: Path,
    *,
    preset: str | None = None,
    entity_id: int | None = None,
) -> ImportSummary:
    principal.require_write()
    rows = list(read_rows(path, preset, REQUIRED))
    customers = ContactRepository(session).customers_by_external_id(r["customer_id"] for _, r in rows)
    repo = CollectionsRepository(session)
    summary = ImportSummary(file=path.name, read=len(rows))
    known = repo.touches_by_external_id({m[0] for ms in customers.values() for m in ms})
    new: list[object] = []
    for line, row in rows:
        customer_id, reason = resolve_customer(
            customers.get(row["customer_id"], []), row["customer_id"], entity_id
        )
        if customer_id is None:
            summary.rejects.append((line, reason or "unknown customer"))
            continue
        try:
            touch = _touch(customer_id, row)
        except ValueError as exc:
            summary.rejects.append((line, str(exc)))
            continue
        if (customer_id, row["touch_id"]) in known:
            summary.unchanged += 1
            continue
        known.add((customer_id, row["touch_id"]))
        new.append(touch)
        summary.inserted += 1
    repo.add_all(new)
    record(
        session,
        actor=principal.actor,
        action="touches.imported",
        subject_type="file",
        subject_id=path.name,
        details={k: v for k, v in summary.to_dict().items() if k != "rejects"},
    )
    return summary


def _touch(customer_id: int, row: dict[str, str]) -> Touch:
    try:
        day = date.fromisoformat(row["day"])
    except ValueError:
        raise ValueError(f"day {row['day']!r} is not a date (YYYY-MM-DD)") from None
    outcome = OUTCOME_ALIASES.get(row["outcome"], row["outcome"])
    for kind, value, what in (
        (TouchChannel, row["channel"], "channel"),
        (TouchDirection, row["direction"], "direction"),
        (TouchOutcome, outcome, "outcome"),
    ):
        if value not in {m.value for m in kind}:
            raise ValueError(f"{what} {value!r} is not one of {', '.join(m.value for m in kind)}")
    tone = row.get("tone") or None
    if tone is not None and tone not in {m.value for m in TouchTone}:
        raise ValueError(f"tone {tone!r} is not one of {', '.join(m.value for m in TouchTone)}")
    notes = [part for part in (row.get("note"),) if part]
    if row.get("invoice_ids"):
        notes.append(f"invoices {row['invoice_ids']}")
    return Touch(
        customer_id=customer_id,
        channel=TouchChannel(row["channel"]),
        direction=TouchDirection(row["direction"]),
        outcome=TouchOutcome(outcome),
        tone=TouchTone(tone) if tone else None,
        occurred_at=datetime.combine(day, NOON),
        note="; ".join(notes) or None,
        external_id=row["touch_id"],
    )
