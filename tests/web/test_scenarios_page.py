"""The Scenarios page: the starter file runs against the book's forecast and shows each scenario's
change in cash, DSO and cost with its assumptions; a file naming what the book lacks is refused
with the reason; a post without the session's CSRF token is refused (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dunwell.forecasting.scenario_service import STARTER
from forecasting.stocked import TODAY, stock_and_train, write_small_company
from web.conftest import People

Client = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def company_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_company(tmp_path_factory.mktemp("company"))


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def test_scenarios_run_and_show_deltas_costs_assumptions_and_refuse_unknown_names(
    sessions: sessionmaker[Session], people: People, company_files: Path, signed_in: Client
) -> None:
    stock_and_train(sessions, company_files)
    client = signed_in(people.manager)
    form = client.get("/scenarios")
    assert form.status_code == 200
    assert "Everyone on net 60" in form.text  # the starter file, ready to run
    done = client.post(
        "/scenarios", data={"scenarios": STARTER, "as_of": TODAY.isoformat(), "csrf_token": _csrf(form.text)}
    )
    assert done.status_code == 200, done.text
    assert len(re.findall(r'<tr data-scenario="', done.text)) == 3
    assert 'class="chart"' in done.text
    assert "strategy lab" in done.text  # the collection policy says where its effect comes from
    assert done.text.count("assumptions</h3>") == 3

    # A file naming what the book lacks is refused with the reason, and nothing is shown as run.
    wrong = "scenarios:\n  - kind: terms_change\n    segments: [no-such-segment]\n    to_days: 60\n"
    refused = client.post(
        "/scenarios", data={"scenarios": wrong, "as_of": TODAY.isoformat(), "csrf_token": _csrf(form.text)}
    )
    assert refused.status_code == 422
    assert "no-such-segment" in refused.text
    assert "data-report" not in refused.text
    client.headers.pop("X-CSRF-Token", None)  # the signed-in client sends the real one as a header
    forged = client.post("/scenarios", data={"scenarios": STARTER, "csrf_token": "not-the-token"})
    assert forged.status_code == 403
