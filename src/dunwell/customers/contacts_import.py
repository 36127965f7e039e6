"""``dunwell import contacts``: a CSV of contacts per customer, loaded idempotently (a contact is
keyed by its customer and the file's contact id: a re-import updates, never duplicates), with
every rejected line named by its number and reason.

Columns (preset ``sim`` is the simulator's ``contacts.csv``, which uses exactly these names):
contact_id, customer_id, name, email, phone, natural_person, role; optional: language, time_zone,
mailbox (true for a role mailbox; without it, a generic address such as ap@ or billing@ is one).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.contacts import ContactInput, check_contact
from dunwell.customers.contacts_repository import ContactRepository
from dunwell.customers.service import require_customer
from dunwell.kit.audit import record
from dunwell.orm.customer import Contact

#: Column names by preset: canonical name -> the file's column.
PRESETS: dict[str, dict[str, str]] = {"sim": {}}
REQUIRED = ("contact_id", "customer_id", "name")
ROLE_MAILBOXES = frozenset(
    {"ap", "accounts", "accountspayable", "billing", "finance", "invoices", "payables"}
)
TRUE = frozenset({"1", "true", "yes", "y"})


@dataclass(slots=True)
class ImportSummary:
    file: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejects),
            "rejects": [{"line": line, "reason": reason} for line, reason in self.rejects],
        }


def read_rows(
    path: Path, preset: str | None, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, canonical row) of each data line; a missing column is a clear error."""
    if preset is not None and preset not in PRESETS:
        raise DunwellError(
            f"no preset {preset!r} (known: {', '.join(PRESETS)})", code="bad_preset", kind=ErrorKind.INVALID
        )
    renames = {v: k for k, v in PRESETS.get(preset or "", {}).items()}
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DunwellError(
            f"cannot read {path}: {exc.strerror}", code="unreadable_file", kind=ErrorKind.INVALID
        ) from exc
    with handle:
        reader = csv.DictReader(handle)
        header = [renames.get(h, h) for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise DunwellError(
                f"{path.name} lacks the column(s) {', '.join(missing)}",
                code="missing_columns",
                kind=ErrorKind.INVALID,
            )
        for row in reader:
            yield reader.line_num, {renames.get(k, k): (v or "").strip() for k, v in row.items() if k}


def resolve_customer(
    matches: list[tuple[int, str]], external_id: str, entity_id: int | None
) -> tuple[int | None, str | None]:
    """(customer id, or None with the reason)."""
    if entity_id is not None:
        matches = [m for m in matches if m[1] == str(entity_id)]
    if not matches:
        return None, f"no customer {external_id!r}: import customers first"
    if len(matches) > 1:
        return None, f"customer {external_id!r} exists in several entities: pass --entity"
    return matches[0][0], None


def import_contacts(
    session: Session,
    principal: Principal,
    path: Path,
    *,
    preset: str | None = None,
    entity_id: int | None = None,
) -> ImportSummary:
    principal.require_write()
    rows = list(read_rows(path, preset, REQUIRED))
    repo = ContactRepository(session)
    customers = repo.customers_by_external_id(r["customer_id"] for _, r in rows)
    summary = ImportSummary(file=path.name, read=len(rows))
    wanted: list[tuple[int, int, dict[str, str], ContactInput]] = []
    for line, row in rows:
        customer_id, reason = resolve_customer(
            customers.get(row["customer_id"], []), row["customer_id"], entity_id
        )
        if customer_id is None:
            summary.rejects.append((line, reason or "unknown customer"))
            continue
        owner_ok = principal.portfolio is None  # the CLI operator sees all; a scoped importer only theirs
        if not owner_ok and not _in_scope(session, principal, customer_id):
            summary.rejects.append((line, f"no customer {row['customer_id']!r}: import customers first"))
            continue
        data = _contact(row)
        try:
            check_contact(data)
        except DunwellError as exc:
            summary.rejects.append((line, exc.message))
            continue
        wanted.append((line, customer_id, row, data))
    existing = repo.by_external_id(c for _, c, _, _ in wanted)
    for _line, customer_id, row, data in wanted:
        values = {
            "name": data.name,
            "role": data.role,
            "email": data.email,
            "phone": data.phone,
            "language": data.language,
            "time_zone": data.time_zone,
            "is_role_mailbox": data.is_role_mailbox,
            "is_natural_person": data.is_natural_person,
        }
        found = existing.get((customer_id, row["contact_id"]))
        if found is None:
            contact = Contact(customer_id=customer_id, external_id=row["contact_id"], **values)
            repo.add(contact)
            existing[(customer_id, row["contact_id"])] = contact
            summary.inserted += 1
        elif any(getattr(found, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(found, key, value)
            summary.updated += 1
        else:
            summary.unchanged += 1
    repo.flush()
    record(
        session,
        actor=principal.actor,
        action="contacts.imported",
        subject_type="file",
        subject_id=path.name,
        details={k: v for k, v in summary.to_dict().items() if k != "rejects"},
    )
    return summary


def _in_scope(session: Session, principal: Principal, customer_id: int) -> bool:
    try:
        require_customer(session, principal, customer_id)
    except DunwellError:
        return False
    return True


def _contact(row: dict[str, str]) -> ContactInput:
    email = row.get("email") or None
    local = (email or "").split("@")[0].replace(".", "").replace("-", "").replace("_", "").lower()
    mailbox = row.get("mailbox")
    return ContactInput(
        name=row.get("name", ""),
        role=row.get("role") or None,
        email=email,
        phone=row.get("phone") or None,
        language=row.get("language") or None,
        time_zone=row.get("time_zone") or None,
        is_role_mailbox=(mailbox.lower() in TRUE) if mailbox else local in ROLE_MAILBOXES,
        is_natural_person=row.get("natural_person", "").lower() in TRUE,
    )
