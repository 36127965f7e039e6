"""Mutation fuzz of the bank statement readers (a long run, not a test): ``make fuzz``.

The seeds are every sample under ``../shared/data/bank-statements`` (camt, BAI2, MT940/942, OFX,
QIF, CSV/XLSX) and the small statements the fuzz test uses (``tests/ingest/bank/fuzz_seeds.py``).
``--files`` mutants are made from them round-robin (bytes flipped, cut, repeated, format tokens
spliced in: ``tests/ingest/bank/fuzzing.py``) and each is read with ``read_statement``: it must be
parsed or refused with a ``DunwellError``; any other exception, or a read over ``--timeout``
seconds, is a crash. Prints ONE JSON object: files tried, outcomes per format, crashes grouped by
exception and place with examples. One process; the same ``--seed`` and samples give the same
files, so an example's ``file`` number is enough to rebuild it (``fuzzing.mutant``). Exits 1 when
there was a crash.

    .venv/bin/python bench/fuzz_bank_readers.py --files 40000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fuzzer lives with the test that uses it

from ingest.bank import fuzz_seeds  # noqa: E402
from ingest.bank.fuzzing import Seed, format_of, fuzz, load_seeds, seed_files  # noqa: E402

DEFAULT_SAMPLES = ROOT.parent / "shared" / "data" / "bank-statements"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40_000, help="mutants to read (default 40000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES, help="the bank-statements folder")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a read may take (default 10)")
    parser.add_argument("--examples", type=int, default=3, help="examples kept per kind of crash")
    args = parser.parse_args()
    shared = args.samples.is_dir()
    seeds = load_seeds(seed_files(args.samples), args.samples) if shared else []
    seeds += [
        Seed(f"inline/{name}", data, format_of(data, name)) for name, data in fuzz_seeds.seeds().items()
    ]
    started = time.perf_counter()
    report = fuzz(seeds, args.files, args.seed, timeout=args.timeout)
    seconds = time.perf_counter() - started
    summary = report.summary(args.examples)
    result = {
        "seed": args.seed,
        "samples": str(args.samples) if shared else f"{args.samples} not found: inline seeds only",
        "seed_files": len(seeds),
        "seed_files_per_format": dict(sorted(Counter(seed.fmt for seed in seeds).items())),
        **summary,
        "seconds": round(seconds, 1),
        "files_per_second": round(report.files / seconds, 1) if seconds else None,
    }
    print(json.dumps(result, indent=2))
    return 1 if summary["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
