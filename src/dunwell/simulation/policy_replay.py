"""The strategy lab on a company folder: rebuild the company from its manifest, choose the
window, and replay it under a policy once per seed (`dunwell simulate policy`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from dunwell.simulate.lab import load_policy, run_lab, summarise
from dunwell.simulation.company_folder import SimulationRefused, read_manifest, rebuild_company


def replay_policy(
    company_dir: Path,
    policy: str,
    *,
    days: int,
    seeds: int,
    capacity_hours: float,
    start: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, object]:
    """Replay ``days`` days of the company in ``company_dir`` under ``policy`` for seeds 1..``seeds``.

    ``start`` defaults to the day after the folder's as-of date, else the last ``days`` days of the
    simulated period. Returns ``{"policy", "start", "days", "capacity_hours", "seeds", "mean"}``;
    ``progress(done, seeds)`` is told after each seed.
    """
    manifest = read_manifest(company_dir)
    try:
        chosen = load_policy(policy)
    except (ValueError, ImportError, AttributeError) as exc:
        raise SimulationRefused(str(exc)) from exc
    company = rebuild_company(manifest)
    if start is not None:
        first = start
    elif manifest.as_of is not None:
        first = manifest.as_of + timedelta(days=1)
    else:
        first = company.end - timedelta(days=days - 1)
    if first < company.start or first + timedelta(days=days - 1) > company.end:
        raise SimulationRefused(
            f"{days} days from {first} leave the simulated period {company.start} to {company.end}"
        )
    results = []
    for seed in range(1, seeds + 1):
        results.append(
            run_lab(company, chosen, start=first, days=days, capacity_hours=capacity_hours, seed=seed)
        )
        if progress is not None:
            progress(seed, seeds)
    return {
        "policy": chosen.name,
        "start": str(first),
        "days": days,
        "capacity_hours": capacity_hours,
        **summarise(results),
    }
