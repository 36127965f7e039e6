"""The strategy lab's learning policies learn from the history they are handed, not the simulator."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from datetime import date, timedelta

import pytest

import dunwell.simulation.learning_policies as learning
from dunwell.core.collections import Channel
from dunwell.ml.response import CALL, EMAIL, LETTER
from dunwell.simulate import actions
from dunwell.simulate.behaviour import CustomerType
from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import run_lab
from dunwell.simulate.lab_history import LabHistory, PastItem, PastTouch, explore
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company
from dunwell.simulation.learning_policies import RiskFirst, WorklistPolicy
from dunwell.simulation.policy_replay import policy_named


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(
        preset=PRESETS["distributor"], customers=300, months=18, seed=5, start=date(2024, 1, 1)
    )


def _start(company: Company) -> date:
    return company.end - timedelta(days=89)


def _learned(company: Company) -> WorklistPolicy:
    policy = WorklistPolicy()
    policy.learn(explore(company, start=_start(company), days=300, capacity_hours=2, seed=1))
    return policy


def test_the_history_holds_what_a_companys_records_would_and_nothing_of_the_truth(company: Company) -> None:
    history = explore(company, start=_start(company), days=300, capacity_hours=2, seed=1)

    assert {f.name for f in dataclasses.fields(PastItem)} == {
        "customer_id", "invoice_id", "currency", "amount", "issue_date", "due_date", "disputed", "paid_on",
    }  # fmt: skip
    assert {f.name for f in dataclasses.fields(PastTouch)} == {"customer_id", "day", "channel", "tone"}
    assert all(i.paid_on is None or i.paid_on < history.as_of for i in history.items)
    assert all(history.worked_from <= t.day < history.as_of for t in history.touches)
    assert {t.channel for t in history.touches} == {Channel.EMAIL, Channel.LETTER, Channel.CALL}


def test_the_learning_policies_read_nothing_of_the_simulators_parameters() -> None:
    tree = ast.parse(inspect.getsource(learning))
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dunwell.simulate")
        for alias in node.names
    }
    assert imported <= {
        ("dunwell.simulate.actions", "Action"),
        ("dunwell.simulate.actions", "Tone"),
        ("dunwell.simulate.lab", "CONTACT_GAP_DAYS"),
        ("dunwell.simulate.lab", "OverdueCustomer"),
        ("dunwell.simulate.lab", "_Ranked"),
        ("dunwell.simulate.lab_history", "LabHistory"),
    }
    assert LabHistory.__dataclass_fields__.keys() == {"as_of", "worked_from", "items", "touches"}


def test_what_the_worklist_learns_follows_how_customers_respond(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_shipped = _learned(company).model
    # A world in which e-mails are ignored and letters almost always work.
    monkeypatch.setattr(actions, "RESPONSE", dict.fromkeys(CustomerType, (0.0, 0.9, 0.1)))
    monkeypatch.setattr(actions, "PROMISE_ON_CALL", 0.0)
    inverted = _learned(company).model
    assert as_shipped is not None
    assert inverted is not None

    assert as_shipped.overall_[(EMAIL, False)] > 0.05
    assert inverted.overall_[(EMAIL, False)] < 0.03
    assert inverted.overall_[(LETTER, False)] > 0.5
    assert inverted.overall_[(LETTER, False)] > 3 * inverted.overall_[(CALL, False)]
    assert as_shipped.overall_[(CALL, False)] > as_shipped.overall_[(EMAIL, False)]


def test_the_worklist_works_within_capacity_and_repeats_itself_for_a_seed(company: Company) -> None:
    runs = [
        run_lab(company, policy_named("worklist"), start=_start(company), days=30, capacity_hours=1, seed=3)
        for _ in range(2)
    ]
    none = run_lab(company, policy_named("none"), start=_start(company), days=30, capacity_hours=1, seed=3)

    assert runs[0].cash == runs[1].cash
    assert runs[0].touches == runs[1].touches
    assert runs[0].refused == 0
    assert runs[0].minutes_used <= 60 * 22  # at most an hour on each business day
    assert sum(runs[0].cash[30].values()) > sum(none.cash[30].values())


def test_risk_first_works_the_riskiest_money_first(company: Company) -> None:
    policy = RiskFirst()
    policy.learn(explore(company, start=_start(company), days=300, capacity_hours=2, seed=1))
    result = run_lab(company, policy, start=_start(company), days=30, capacity_hours=1, seed=3)

    assert result.minutes_used > 0
    assert policy.risk
    assert all(value >= 0 for value in policy.risk.values())


def test_a_history_before_the_company_began_is_refused(company: Company) -> None:
    with pytest.raises(ValueError, match=r"before the company's first day"):
        explore(company, start=company.start + timedelta(days=30), days=300, capacity_hours=1, seed=1)
