"""The conformal calibration fold shares no invoice with the rows the trees learn from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.ml.timing import QuantileTimingModel, invoice_fold


def test_the_fold_takes_every_row_of_its_invoices() -> None:
    invoices = np.array([1, 2, 1, 3, 2, 4, 3, 4])
    fold = invoice_fold(np.array([6, 7]), len(invoices), invoices)  # rows of invoices 3 and 4
    assert fold.tolist() == [False, False, False, True, False, True, True, True]


def test_the_calibration_fold_is_split_by_invoice_not_by_row() -> None:
    rng = np.random.default_rng(0)
    invoices = np.repeat(np.arange(400), 3)  # three landmark rows per invoice, interleaved in time
    order = np.argsort(invoices + rng.random(len(invoices)) * 40, kind="stable")
    invoices = invoices[order]
    settled = rng.random(len(invoices)) < 0.7
    at_issue = np.zeros(len(invoices), dtype=bool)
    _, first = np.unique(invoices, return_index=True)
    at_issue[first] = True
    model = QuantileTimingModel()

    fold = model._calibration_fold(len(invoices), settled, invoices, at_issue)

    assert 0 < fold.sum() < len(fold)
    assert set(invoices[fold]).isdisjoint(invoices[~fold])


def test_a_fitted_model_learned_from_none_of_the_calibration_invoices() -> None:
    rng = np.random.default_rng(1)
    n = 900
    invoices = np.repeat(np.arange(300), 3)
    frame = pd.DataFrame({"x": rng.normal(size=n), "cust_shrunk_delay": np.zeros(n)})
    y = frame["x"].to_numpy() * 5 + rng.normal(size=n)
    model = QuantileTimingModel(n_estimators=20, n_jobs=1)
    model.fit(frame, y, invoices=invoices, scored=np.tile([True, False, False], 300))

    fold = model._calibration_fold(n, None, invoices, np.tile([True, False, False], 300))
    assert set(invoices[fold]).isdisjoint(invoices[~fold])
    assert model.interval_correction_ > -60
