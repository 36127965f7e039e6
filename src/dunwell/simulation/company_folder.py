"""A simulated company as a folder: writing one (`dunwell simulate company`) and reading back the
manifest (``company.json``) that lets tools such as the strategy lab rebuild it exactly.

The checks that make a folder usable live here, not in the command line: a period the options fall
outside of, a folder that cannot be written, a manifest that is missing, damaged, or from a
generator that no longer rebuilds the same company.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company
from dunwell.simulation.company_files import MANIFEST, write_cash_month, write_company

_REQUIRED = ("preset", "customers", "months", "seed", "start", "invoices")


class SimulationRefused(DunwellError):
    """Options or a company folder the simulator cannot work with; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="simulation_refused", kind=ErrorKind.INVALID)


@dataclass(frozen=True, slots=True)
class CompanyManifest:
    """How a company folder was generated (enough to generate it again)."""

    path: Path
    preset: str
    customers: int
    months: int
    seed: int
    start: date
    invoices: int
    as_of: date | None


def write_company_folder(
    out: Path,
    *,
    preset: str,
    customers: int,
    months: int,
    seed: int,
    start: date,
    as_of: date | None = None,
    cash_month: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Company, dict[str, int]]:
    """Generate a company and write it into ``out``; returns it and the rows written per file.

    ``as_of`` also writes ``asof/`` and ``future/``; ``cash_month`` (its first day) also writes
    ``cash-YYYY-MM/``. ``progress(done, total)`` is told after each step.
    """
    if preset not in PRESETS:
        raise SimulationRefused(f"unknown preset {preset!r}; the presets are: {', '.join(PRESETS)}")
    steps = 2 + (cash_month is not None)
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=months, seed=seed, start=start
    )
    _report(progress, 1, steps)
    if as_of is not None and not company.start <= as_of <= company.end:
        raise SimulationRefused(
            f"--as-of {as_of} is outside the simulated period {company.start} to {company.end}"
        )
    if cash_month is not None and not company.start <= cash_month <= company.end:
        raise SimulationRefused(
            f"--cash-month {cash_month:%Y-%m} is outside the simulated period "
            f"{company.start} to {company.end}"
        )
    try:
        counts = write_company(company, out, as_of=as_of)
        _report(progress, 2, steps)
        if cash_month is not None:
            folder = f"cash-{cash_month:%Y-%m}"
            for name, rows in write_cash_month(company, out / folder, cash_month).items():
                counts[f"{folder}/{name}"] = rows
            _report(progress, 3, steps)
    except OSError as exc:
        raise SimulationRefused(f"cannot write to {out}: {exc.strerror or exc}") from exc
    return company, counts


def read_manifest(company_dir: Path) -> CompanyManifest:
    """The manifest of a folder written by `simulate company`; a clear error when it is not one."""
    path = company_dir / MANIFEST
    if not path.is_file():
        raise SimulationRefused(
            f"{company_dir} has no {MANIFEST}: write it with `dunwell simulate company --out {company_dir}`"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        missing = [key for key in _REQUIRED if key not in raw]
        if missing:
            raise KeyError(", ".join(missing))
        manifest = CompanyManifest(
            path=path,
            preset=str(raw["preset"]),
            customers=int(raw["customers"]),
            months=int(raw["months"]),
            seed=int(raw["seed"]),
            start=date.fromisoformat(raw["start"]),
            invoices=int(raw["invoices"]),
            as_of=date.fromisoformat(raw["as_of"]) if raw.get("as_of") else None,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SimulationRefused(f"{path} is not a company manifest ({type(exc).__name__}: {exc})") from exc
    if manifest.preset not in PRESETS:
        raise SimulationRefused(f"{path}: unknown preset {manifest.preset!r}")
    return manifest


def rebuild_company(manifest: CompanyManifest) -> Company:
    """Generate the company the manifest describes; refuses one that comes out differently."""
    company = generate_company(
        preset=PRESETS[manifest.preset],
        customers=manifest.customers,
        months=manifest.months,
        seed=manifest.seed,
        start=manifest.start,
    )
    if len(company.invoices) != manifest.invoices:
        raise SimulationRefused(
            f"{manifest.path}: the company rebuilt differently ({len(company.invoices)} invoices, not "
            f"{manifest.invoices}); was it written by another Dunwell version?"
        )
    return company


def _report(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
