"""The strategy lab on a company folder: rebuild the company from its manifest, choose the
window, and replay it under a policy once per seed (`dunwell simulate policy`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from dunwell.dunning.policy_files import default_policy_book
from dunwell.dunning.policy_parse import PolicyFileError, parse_policy_text
from dunwell.simulate.lab import Policy, load_policy, run_lab, summarise
from dunwell.simulation.company_folder import SimulationRefused, read_manifest, rebuild_company
from dunwell.simulation.dunning_policy import dunning_policy
from dunwell.simulation.learning_policies import LEARNING_POLICIES

DUNNING_PREFIX = "dunning:"


def policy_named(name: str) -> Policy:
    """A shipped policy (the lab's own or a learning one), ``dunning:FILE.yaml`` (a dunning policy
    file run by the planner; ``dunning:default`` is the shipped one) or ``package.module:Name``."""
    if name.startswith(DUNNING_PREFIX):
        return _dunning_policy(name)
    if name in LEARNING_POLICIES:
        policy: Policy = LEARNING_POLICIES[name]()
        return policy
    return load_policy(name)


def _dunning_policy(name: str) -> Policy:
    """``dunning:default`` or ``dunning:PATH``; a file that cannot be used is refused with its problems."""
    where = name.removeprefix(DUNNING_PREFIX)
    if where == "default":
        return dunning_policy(default_policy_book(), name=name)
    try:
        text = Path(where).read_text(encoding="utf-8")
    except OSError as exc:
        raise SimulationRefused(
            f"cannot read the dunning policy file {where}: {exc.strerror or exc}"
        ) from exc
    try:
        return dunning_policy(parse_policy_text(text, source=where), name=name)
    except PolicyFileError as exc:
        raise SimulationRefused(str(exc)) from exc


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
        chosen = policy_named(policy)
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
        # A learning policy learns afresh for each seed: what it learned under one must not carry over.
        # A dunning policy keeps the messages it sent as its history: each seed starts without any.
        fresh = (
            policy_named(policy)
            if policy in LEARNING_POLICIES or policy.startswith(DUNNING_PREFIX)
            else chosen
        )
        try:
            results.append(
                run_lab(company, fresh, start=first, days=days, capacity_hours=capacity_hours, seed=seed)
            )
        except ValueError as exc:  # a learning policy's history would start before the company
            raise SimulationRefused(str(exc)) from exc
        if progress is not None:
            progress(seed, seeds)
    return {
        "policy": chosen.name,
        "start": str(first),
        "days": days,
        "capacity_hours": capacity_hours,
        **summarise(results),
    }
