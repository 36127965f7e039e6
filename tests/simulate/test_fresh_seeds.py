"""The presets' calibration holds on seeds no test chose: 20 drawn afresh on every run.

A single seed's figure wanders (the ``ibm`` preset's late share runs from about 0.32 to 0.41 over
seeds), so a test on the seeds that tuning looked at proves little; the mean over fresh seeds
must sit within the tolerances of the calibration tests (``test_company.py``). The seeds are in
every failure message, so a failing run can be replayed.
"""

from __future__ import annotations

import csv
import random
import statistics
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.simulate.test_company import _ks_statistic

from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS

START = date(2012, 1, 1)
FRESH = random.SystemRandom().sample(range(10_000, 2**31), 20)


def test_the_ibm_preset_pays_late_like_the_ibm_sample_on_average_over_fresh_seeds(shared_data: Path) -> None:
    with (shared_data / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv").open(newline="") as handle:
        sample = [int(row["DaysLate"]) for row in csv.DictReader(handle)]
    shares, distances = [], []
    for seed in FRESH:
        company = generate_company(preset=PRESETS["ibm"], customers=200, months=24, seed=seed, start=START)
        days_late = [max(0, (i.paid_date - i.due_date).days) for i in company.invoices if i.paid_date]
        shares.append(sum(d > 0 for d in days_late) / len(days_late))
        distances.append(_ks_statistic(days_late, sample))
    assert abs(statistics.mean(shares) - 0.356) <= 0.03, (statistics.mean(shares), FRESH)
    assert statistics.mean(distances) <= 0.08, (statistics.mean(distances), FRESH)


def test_the_distributor_preset_pays_like_the_book_on_average_over_fresh_seeds() -> None:
    figures: list[tuple[float, ...]] = []
    for seed in FRESH:
        company = generate_company(
            preset=PRESETS["distributor"], customers=1000, months=24, seed=seed, start=START
        )
        delays = [(i.paid_date - i.due_date).days for i in company.invoices if i.paid_date is not None]
        q1, median, q3 = statistics.quantiles(delays, n=4)
        amount = statistics.median(i.amount for i in company.invoices)
        figures.append((statistics.mean(delays), statistics.stdev(delays), q1, median, q3, float(amount)))
    mean, sd, q1, median, q3, amount = (statistics.mean(column) for column in zip(*figures, strict=True))
    # The mean delay wanders most from seed to seed (a few very late invoices move it by days): the
    # calibration tolerance, or three standard errors of the 20 seeds' mean when that is wider.
    spread = statistics.stdev(f[0] for f in figures) / len(figures) ** 0.5
    assert abs(mean - 0.8) <= max(0.5, 3 * spread), (mean, spread, FRESH)
    assert abs(sd - 10.8) <= 1.5, (sd, FRESH)
    assert all(abs(x) <= 1 for x in (q1 + 3, median, q3 - 2)), ((q1, median, q3), FRESH)
    assert abs(Decimal(str(amount)) - 19_000) <= Decimal("0.15") * 19_000, (amount, FRESH)
