"""The simulator's month in each remittance family, through real statement files.

``family_case`` is ``month_case`` for a family: the open items, customers and truth of the same
simulated month (renumbered when the family's ERP numbers documents differently), and the
payments as the file-only ``dunwell cashapp match --statement`` path would see them: the family's
statement files are written, read back with ``read_statement`` and converted with
``cashapp.files.payments_of``. The benchmark thus measures readers and engine as a user runs
them. Non-AR credits in the files have no truth and should stay unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from dunwell.cashapp.files import payments_of
from dunwell.cashapp.simulated import MonthCase, month_case
from dunwell.ingest.bank import StatementFile, read_statement
from dunwell.matching.records import CustomerProfile
from dunwell.simulate.families import FAMILY_NAMES, FamilyRendering
from dunwell.simulate.families_files import statement_files
from dunwell.simulate.families_render import render_family
from dunwell.simulate.records import Company

__all__ = ["FAMILY_NAMES", "FamilyFiles", "family_case", "family_files"]


@dataclass(frozen=True)
class FamilyFiles:
    """A family's month: the case, the rendering behind it, and each statement file as read."""

    case: MonthCase
    rendering: FamilyRendering | None  # None for "sim"
    statements: dict[str, StatementFile]  # file name -> what the reader made of it
    texts: dict[str, str]  # file name -> the file's text


def family_case(company: Company, month: date, family: str, *, months: int = 1, seed: int = 0) -> MonthCase:
    """``company``'s month(s) from ``month`` in remittance ``family`` (one of ``FAMILY_NAMES``);
    ``"sim"`` is ``month_case`` itself."""
    return family_files(company, month, family, months=months, seed=seed).case


def family_files(
    company: Company, month: date, family: str, *, months: int = 1, seed: int = 0, folder: Path | None = None
) -> FamilyFiles:
    """As ``family_case``, keeping the files (written into ``folder``, else a temporary one) and
    what the reader made of each, problems included."""
    if family not in FAMILY_NAMES:
        raise ValueError(f"unknown remittance family {family!r}; one of {', '.join(FAMILY_NAMES)}")
    base = month_case(company, month, months=months)
    if family == "sim":
        return FamilyFiles(base, None, {}, {})
    start = month.replace(day=1)
    end = start
    for _ in range(months):
        end = (end + timedelta(days=32)).replace(day=1)
    end -= timedelta(days=1)
    rendering = render_family(company, start, end, family, seed=seed)
    texts = statement_files(rendering, company.entities, start=start, end=end)
    if folder is not None:
        statements = _read_all(texts, folder)
    else:
        with TemporaryDirectory(prefix=f"dunwell-{family}-") as tmp:
            statements = _read_all(texts, Path(tmp))
    payments = [p for name, parsed in statements.items() for p in payments_of(parsed, Path(name))]
    numbers, currency = rendering.numbers, rendering.family.currency
    customers = [
        CustomerProfile(
            c.customer_id,
            rendering.names.get(c.customer_id, c.name),
            rendering.accounts.get(c.customer_id, ()),
            rendering.aliases.get(c.customer_id, ()),
            parent_id=c.parent_id,
        )
        for c in base.customers
    ]
    case = MonthCase(
        items=[
            replace(i, item_id=numbers.get(i.item_id, i.item_id), currency=currency or i.currency)
            for i in base.items
        ],
        customers=customers,
        payments=payments,
        truth=[(ref, numbers.get(invoice, invoice), amount) for ref, invoice, amount in base.truth],
        truth_customers=base.truth_customers,
    )
    return FamilyFiles(case, rendering, statements, texts)


def _read_all(texts: dict[str, str], folder: Path) -> dict[str, StatementFile]:
    folder.mkdir(parents=True, exist_ok=True)
    statements = {}
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        statements[name] = read_statement(path)
    return statements
