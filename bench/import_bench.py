"""Benchmark: import a large invoice file into SQLite and PostgreSQL (a benchmark, not a timed test).

Targets (from the issue): 1,000,000 invoice rows into SQLite in < 60 s and into PostgreSQL in < 90 s
on a 2-core machine, peak memory < 1.5 GB. Prints ONE JSON object to stdout; progress goes to stderr.

Every measurement runs in a fresh child process (this script with ``--child``), so its peak RSS is
its own; an import's peak adds the peak of its reader process (large files are parsed in a second
process), and its CPU seconds include that process. Baselines in the same run: reading the CSV
with the stdlib ``csv`` module (a lower bound on any import) and ``parse_rows`` without a
database (parse-only). With ``--repeats N`` the figures are
medians, with min/max under ``spread``. The PostgreSQL URL comes from ``DUNWELL_BENCH_POSTGRES_URL``
or ``DUNWELL_TEST_POSTGRES_URL``; its ``public`` schema is dropped and recreated for every run.

    scripts/with-postgres.sh .venv/bin/python bench/import_bench.py --rows 50000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _datagen

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench"
TARGET_SECONDS = {"sqlite": 60, "postgresql": 90}
PEAK_RSS_TARGET_MB = 1536
_URL_ENV = "DUNWELL_BENCH_CHILD_URL"  # the child's database URL travels in the environment, not argv
Figures = dict[str, Any]


def _peak_rss_mb() -> float:
    """This process's peak plus the largest peak of its finished children (the import's reader
    process): an upper bound on what the import held at once."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)  # KiB on Linux


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the import's reader process)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


# ---------------------------------------------------------------------------------------- child side


def _child_csv(path: Path) -> Figures:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1  # minus the header
    return {"seconds": time.perf_counter() - start, "rows": rows}


def _child_parse(path: Path) -> Figures:
    from dunwell.ingest import ImportKind, Rejection, check_columns, identity_mapping, open_table, parse_rows

    mapping = identity_mapping(ImportKind.INVOICES)
    start = time.perf_counter()
    rows = rejected = 0
    with open_table(path, mapping=mapping) as table:
        check_columns(mapping, table.columns)
        for parsed in parse_rows(table, mapping):
            rows += 1
            rejected += isinstance(parsed, Rejection)
    return {"seconds": time.perf_counter() - start, "rows": rows, "rejected": rejected}


def _child_import(path: Path, url: str, batch_size: int) -> Figures:
    from sqlalchemy import text

    from dunwell.imports.flows import run_import
    from dunwell.ingest import ImportKind, identity_mapping
    from dunwell.kit.db import create_db_engine, session_factory
    from dunwell.kit.migrate import upgrade

    engine = create_db_engine(url)
    server = sqlite3.sqlite_version
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            server = str(connection.execute(text("SHOW server_version")).scalar())
    upgrade(engine)
    sessions = session_factory(engine)
    mapping = identity_mapping(ImportKind.INVOICES)

    def once(phase: str) -> tuple[float, float, dict[str, object]]:
        def progress(read: int) -> None:
            if read % 100_000 < batch_size:
                print(f"bench:   {engine.dialect.name} {phase}: {read:,} rows", file=sys.stderr)

        cpu, start = _cpu_seconds(), time.perf_counter()
        report = run_import(
            sessions,
            kind=ImportKind.INVOICES,
            path=path,
            mapping=mapping,
            mapping_label="identity",
            as_of=_datagen.AS_OF,
            batch_size=batch_size,
            on_progress=progress,
        )
        return time.perf_counter() - start, _cpu_seconds() - cpu, report.to_dict()

    seconds, cpu, report = once("import")
    peak_first = _peak_rss_mb()
    reimport_seconds, _, reimport = once("re-import")
    with engine.connect() as connection:
        tables = ("customers", "invoices", "payments", "allocations")
        counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": peak_first,
        "reimport_seconds": reimport_seconds,
        "reimport_peak_rss_mb": _peak_rss_mb(),
        "report": report,
        "reimport_report": reimport,
        "table_rows": counts,
        "server_version": server,
    }


def _child(args: argparse.Namespace) -> None:
    out, sys.stdout = sys.stdout, sys.stderr  # nothing but the result may reach the parent's pipe
    path = Path(args.csv)
    if args.child == "csv":
        figures = _child_csv(path)
    elif args.child == "parse":
        figures = _child_parse(path)
    else:
        figures = _child_import(path, os.environ[_URL_ENV], args.batch_size)
    figures.setdefault("peak_rss_mb", _peak_rss_mb())
    out.write(json.dumps(figures) + "\n")


# --------------------------------------------------------------------------------------- parent side


def _spawn(mode: str, path: Path, batch_size: int, url: str | None = None) -> Figures:
    env = dict(os.environ)
    if url is not None:
        env[_URL_ENV] = url
    command = [sys.executable, __file__, "--child", mode, "--csv", str(path), "--batch-size", str(batch_size)]
    done = subprocess.run(command, stdout=subprocess.PIPE, env=env, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the {mode} child failed with exit status {done.returncode} (see stderr)")
    figures: Figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _summary(runs: list[Figures], keys: tuple[str, ...]) -> Figures:
    """Medians of ``keys`` over ``runs``; with several runs, their min and max under ``spread``."""
    out: Figures = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    if len(runs) > 1:
        values = {k: [r[k] for r in runs] for k in keys}
        out["spread"] = {k: {"min": round(min(v), 3), "max": round(max(v), 3)} for k, v in values.items()}
        out["runs"] = len(runs)
    return out


def _sqlite_import(path: Path, batch_size: int, run: int) -> Figures:
    db = CACHE / f"import-bench-{os.getpid()}-{run}.db"
    try:
        return _spawn("import", path, batch_size, f"sqlite:///{db}")
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def _database_entry(name: str, runs: list[Figures], rows: int, baseline: Figures) -> Figures:
    keys = ("seconds", "cpu_seconds", "peak_rss_mb", "reimport_seconds", "reimport_peak_rss_mb")
    entry = _summary(runs, keys)
    seconds = entry["seconds"]
    entry["rows_per_s"] = round(rows / seconds)
    entry["reimport_rows_per_s"] = round(rows / entry["reimport_seconds"])
    entry["target_seconds"] = TARGET_SECONDS[name]
    entry["meets_target"] = seconds < TARGET_SECONDS[name]
    entry["meets_rss_target"] = max(r["reimport_peak_rss_mb"] for r in runs) < PEAK_RSS_TARGET_MB
    entry["ratio_to_csv_read"] = round(seconds / baseline["csv_read"]["seconds"], 2)
    entry["ratio_to_parse_only"] = round(seconds / baseline["parse_only"]["seconds"], 2)
    entry["reimport_ratio_to_parse_only"] = round(
        entry["reimport_seconds"] / baseline["parse_only"]["seconds"], 2
    )
    last = runs[-1]
    entry["report"], entry["reimport_report"] = last["report"], last["reimport_report"]
    entry["table_rows"], entry["server_version"] = last["table_rows"], last["server_version"]
    entry["checks_ok"] = all(
        r["report"]["imported"] == rows
        and r["report"]["rejected"] == 0
        and r["reimport_report"]["unchanged"] == rows
        for r in runs
    )
    return entry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--batch-size", type=int, default=5000, help="run_import's batch_size")
    parser.add_argument("--child", choices=("csv", "parse", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = sorted(set(databases) - TARGET_SECONDS.keys())
    if unknown or args.rows < 1 or args.repeats < 1:
        parser.error(f"unknown databases {unknown}" if unknown else "--rows and --repeats must be >= 1")
    pg_url = os.environ.get("DUNWELL_BENCH_POSTGRES_URL") or os.environ.get("DUNWELL_TEST_POSTGRES_URL")
    path = _datagen.cached_csv(args.rows, args.seed, CACHE)

    runs: dict[str, list[Figures]] = {"csv_read": [], "parse_only": [], **{d: [] for d in databases}}
    for run in range(args.repeats):
        # Interleaved, so that a noisy neighbour spreads over every measure rather than one.
        print(f"bench: run {run + 1}/{args.repeats}: csv read, parse only", file=sys.stderr)
        runs["csv_read"].append(_spawn("csv", path, args.batch_size))
        runs["parse_only"].append(_spawn("parse", path, args.batch_size))
        if "sqlite" in databases:
            print(f"bench: run {run + 1}/{args.repeats}: SQLite import", file=sys.stderr)
            runs["sqlite"].append(_sqlite_import(path, args.batch_size, run))
        if "postgresql" in databases and pg_url:
            print(f"bench: run {run + 1}/{args.repeats}: PostgreSQL import", file=sys.stderr)
            runs["postgresql"].append(_spawn("import", path, args.batch_size, pg_url))

    baseline = {k: _summary(runs[k], ("seconds", "peak_rss_mb")) for k in ("csv_read", "parse_only")}
    for figures in baseline.values():
        figures["rows_per_s"] = round(args.rows / figures["seconds"])
    baseline["parse_only"]["ratio_to_csv_read"] = round(
        baseline["parse_only"]["seconds"] / baseline["csv_read"]["seconds"], 2
    )
    result: Figures = {
        "benchmark": "import",
        "rows": args.rows,
        "seed": args.seed,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "file": {"path": str(path.relative_to(ROOT)), "mb": round(path.stat().st_size / 2**20, 1)},
        "machine": {
            "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "python": platform.python_version(),
            "sqlite_version": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "baseline": baseline,
    }
    for name in TARGET_SECONDS:
        if name not in databases:
            result[name] = {"skipped": "not in --databases"}
        elif not runs[name]:
            result[name] = {"skipped": "no DUNWELL_BENCH_POSTGRES_URL or DUNWELL_TEST_POSTGRES_URL set"}
        else:
            result[name] = _database_entry(name, runs[name], args.rows, baseline)
    result["peak_rss_target_mb"] = PEAK_RSS_TARGET_MB
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
