"""The dunning planner as a strategy-lab policy (issue 18): its pace, its ladder, its loading."""

from __future__ import annotations

import ast
import inspect
import itertools
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import dunwell.simulation.dunning_policy as dunning_policy
from dunwell.dunning.policy import Anchor
from dunwell.dunning.policy_files import default_policy_book
from dunwell.dunning.policy_parse import parse_policy_text
from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import ItemView, LabResult, OverdueCustomer, Replay, run_lab
from dunwell.simulate.lab_history import LabHistory, PastItem
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company
from dunwell.simulation.company_folder import SimulationRefused
from dunwell.simulation.dunning_policy import DunningPolicy, SegmentedDunningPolicy
from dunwell.simulation.policy_replay import policy_named

FIXED_LADDER = Path(__file__).resolve().parents[2] / "bench" / "dunning_fixed_ladder.yaml"
DAYS = 75


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(
        preset=PRESETS["distributor"], customers=60, months=9, seed=7, start=date(2024, 1, 1)
    )


def _start(company: Company) -> date:
    return company.end - timedelta(days=DAYS - 1)


def _replay(company: Company, policy: DunningPolicy, capacity_hours: float = 4) -> tuple[Replay, LabResult]:
    replay = Replay(company, start=_start(company), days=DAYS, capacity_hours=capacity_hours)
    result = LabResult(seed=1)
    replay.run(policy, random.Random(1), result)
    return replay, result


@pytest.mark.parametrize("name", ["dunning:default", f"dunning:{FIXED_LADDER}"], ids=["default", "fixed"])
def test_a_customer_is_never_contacted_twice_within_the_policys_days_between_messages(
    company: Company, name: str
) -> None:
    policy = policy_named(name)
    assert isinstance(policy, DunningPolicy)
    replay, result = _replay(company, policy)
    gap = min(p.min_days_between_messages for p in policy.book.policies.values())

    days: dict[str, list[date]] = defaultdict(list)
    for touch in replay.touches:
        days[touch.customer_id].append(touch.day)
    assert len(replay.touches) == policy.counts["messages"] > 20
    assert result.refused == 0
    for touched in days.values():
        touched.sort()
        assert all((later - earlier).days >= gap for earlier, later in itertools.pairwise(touched))


def test_items_advance_through_the_ladder_in_order_as_in_production(company: Company) -> None:
    policy = DunningPolicy(parse_policy_text(FIXED_LADDER.read_text(encoding="utf-8"), source="fixed"))
    _replay(company, policy)
    ladder = policy.book.policies["fixed"]
    index = ladder.step_index()

    first_listed: dict[int, dict[int, date]] = defaultdict(dict)  # item -> step index -> first day
    by_day: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for message in sorted(policy.history, key=lambda m: m.day):
        for line in message.lines:
            step = index[line.step_id]
            first_listed[line.item_id].setdefault(step, message.day)
            by_day[line.item_id].append((message.day, step))
    for item, listed in by_day.items():
        steps = [step for _, step in listed]
        assert steps == sorted(steps), f"item {item} went back down the ladder"
        reached = first_listed[item]
        assert sorted(reached) == list(range(len(reached))), f"item {item} skipped a step"
        for step in sorted(reached)[1:]:  # previous_step + 14 days: only the history can tell
            assert ladder.steps[step].anchor is Anchor.PREVIOUS_STEP
            assert (reached[step] - reached[step - 1]).days >= ladder.steps[step].days
    assert max(len(reached) for reached in first_listed.values()) >= 3
    assert policy.counts["step:firm_1"] > 0


def test_the_default_ladder_sends_approval_steps_and_counts_them(company: Company) -> None:
    policy = DunningPolicy(default_policy_book())
    replay, _ = _replay(company, policy)

    assert policy.counts["step:heads_up"] > 0
    assert policy.counts["step:reminder"] > 0
    assert policy.counts["needing_approval"] >= policy.counts["step:final_demand"]
    assert {t.channel.value for t in replay.touches} <= {"email", "letter"}


def test_over_capacity_messages_wait_for_a_later_day_and_the_lab_refuses_none(company: Company) -> None:
    policy = DunningPolicy(default_policy_book())
    _, result = _replay(company, policy, capacity_hours=0.05)  # 3 minutes: one e-mail a day

    assert result.refused == 0
    assert policy.counts["over_capacity"] > 0
    assert result.minutes_used <= 3 * DAYS


def test_a_policy_instance_starts_afresh_for_each_replay(company: Company) -> None:
    policy = policy_named("dunning:default")
    runs = [
        run_lab(company, policy, start=_start(company), days=60, capacity_hours=4, seed=3) for _ in range(2)
    ]

    assert runs[0].cash == runs[1].cash
    assert runs[0].touches == runs[1].touches
    assert sum(runs[0].touches.values()) > 0


def test_policies_are_named_dunning_and_a_broken_file_is_refused_with_its_line(tmp_path: Path) -> None:
    shipped = policy_named("dunning:default")
    assert isinstance(shipped, DunningPolicy)
    assert shipped.name == "dunning:default"
    assert shipped.book is default_policy_book()
    fixed = policy_named(f"dunning:{FIXED_LADDER}")
    assert isinstance(fixed, DunningPolicy)
    assert list(fixed.book.policies) == ["fixed"]

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "version: 1\npolicies:\n  p:\n    steps:\n      - {id: a, from: due, days: soon, tone: friendly, "
        "channels: [email]}\n",
        encoding="utf-8",
    )
    with pytest.raises(SimulationRefused, match=r"line 5, policies\.p\.steps\[0\]\.days"):
        policy_named(f"dunning:{broken}")
    with pytest.raises(SimulationRefused, match="cannot read the dunning policy file"):
        policy_named(f"dunning:{tmp_path / 'missing.yaml'}")


def test_the_dunning_policy_reads_nothing_of_the_simulators_truth() -> None:
    tree = ast.parse(inspect.getsource(dunning_policy))
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dunwell.simulate")
        for alias in node.names
    }
    assert imported <= {
        ("dunwell.simulate.actions", "Action"),
        ("dunwell.simulate.actions", "Tone"),
        ("dunwell.simulate.actions", "COST_MINUTES"),  # the lab's accounting of effort, not a response
        ("dunwell.simulate.lab", "ItemView"),
        ("dunwell.simulate.lab", "OverdueCustomer"),
        ("dunwell.simulate.lab_history", "LabHistory"),  # records only: see test_learning_policies
    }
    assert not any(
        isinstance(node, ast.Import) and "simulate" in str(ast.dump(node)) for node in ast.walk(tree)
    )


SEGMENTED = """\
version: 1
policies:
  gentle:
    steps:
      - {id: reminder, from: due, days: 7, tone: friendly, channels: [email]}
  strict:
    steps:
      - {id: strict_reminder, from: due, days: 7, tone: firm, channels: [letter]}
assignments:
  default: gentle
  segments: {steady_late: strict, chronic_late: strict}
"""


def _paid_history(as_of: date) -> LabHistory:
    items = []
    for customer, late in (("LATE", 30), ("PROMPT", 0)):
        for month in range(1, 12):
            issued = date(2024, month, 3 + month)
            due = issued + timedelta(days=30)
            items.append(
                PastItem(customer, f"{customer}-{month}", "USD", Decimal("100.00"), issued, due, False,
                         due + timedelta(days=late + month % 3))
            )  # fmt: skip
    return LabHistory(as_of=as_of, worked_from=date(2024, 3, 1), items=tuple(items), touches=())


def test_a_book_that_assigns_by_segment_learns_segments_from_the_labs_history(tmp_path: Path) -> None:
    path = tmp_path / "segmented.yaml"
    path.write_text(SEGMENTED, encoding="utf-8")
    policy = policy_named(f"dunning:{path}")
    assert isinstance(policy, SegmentedDunningPolicy)
    assert not isinstance(policy_named("dunning:default"), SegmentedDunningPolicy)  # nothing replayed first
    day = date(2025, 1, 6)
    policy.learn(_paid_history(day))
    assert policy.segments["LATE"] == "steady_late"
    assert policy.segments["PROMPT"] != "steady_late"

    due = day - timedelta(days=10)
    amount = Decimal("250.00")
    book = [
        OverdueCustomer(
            c,
            "USD",
            amount,
            10,
            1,
            None,
            items=(ItemView(f"{c}-1", amount, due - timedelta(30), due, False),),
        )
        for c in ("LATE", "PROMPT", "UNKNOWN")
    ]
    actions = policy.choose(day, book, capacity_minutes=60)

    assert {(a.customer_id, a.channel.value, a.tone.value) for a in actions} == {
        ("LATE", "letter", "firm"),
        ("PROMPT", "email", "friendly"),
        ("UNKNOWN", "email", "friendly"),  # not in the history: no segment, the default policy
    }
