"""The Forecast page and GET /api/v1/forecast: who may see what, the fan chart and the weekly
table, and the page's answer when there is no model yet (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.orm import Customer, User
from forecasting.stocked import MAIN, TODAY, stock_and_train, write_small_company
from web.conftest import People

Client = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def company_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_company(tmp_path_factory.mktemp("company"))


@pytest.fixture
def stocked(sessions: sessionmaker[Session], people: People, company_files: Path) -> set[int]:
    """The book with a model; the first ten customers are cleo's portfolio (their ids returned)."""
    stock_and_train(sessions, company_files)
    with sessions.begin() as session:
        cleo = session.scalars(select(User.id).where(User.login == people.collector)).one()
        mine = set(session.scalars(select(Customer.id).order_by(Customer.id).limit(10)))
        for customer in session.scalars(select(Customer).where(Customer.id.in_(mine))):
            customer.owner_id = cleo
    return mine


def test_the_api_gives_the_whole_book_to_a_manager_and_a_portfolio_to_a_collector(
    stocked: set[int], people: People, bearer: Client
) -> None:
    manager = bearer(people.manager)
    whole = manager.get("/api/v1/forecast", params={"as_of": TODAY.isoformat()})
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["scope"] == "book"
    assert body["stale"] is False
    main = next(g for g in body["groups"] if g["currency"] == MAIN and g["group"] is None)
    assert len(main["weeks"]) == 13
    theirs = bearer(people.collector).get("/api/v1/forecast", params={"as_of": TODAY.isoformat()}).json()
    assert theirs["scope"] == "portfolio"
    assert sum(g["open_minor"] for g in theirs["groups"]) < sum(g["open_minor"] for g in body["groups"])
    named = {c["customer_id"] for g in theirs["groups"] for w in g["weeks"] for c in w["contributors"]}
    assert named - {None} <= stocked, "a collector is never shown another portfolio's customer"
    refused = manager.get("/api/v1/forecast", params={"weeks": 99})
    assert refused.status_code == 422


def test_the_page_draws_the_fan_chart_and_the_weekly_table(
    stocked: set[int], people: People, signed_in: Client
) -> None:
    client = signed_in(people.manager)
    page = client.get("/forecast", params={"as_of": TODAY.isoformat()})
    assert page.status_code == 200, page.text
    assert 'aria-current="page">Forecast' in page.text
    assert page.text.count('class="chart chart-fan"') == len(re.findall(r"data-forecast-group=", page.text))
    assert '<polygon class="chart-band' in page.text
    assert len(re.findall(r'<tr data-week="\d+"', page.text)) % 13 == 0
    by_segment = client.get("/forecast", params={"as_of": TODAY.isoformat(), "by": "segment"})
    assert by_segment.status_code == 200
    assert "segment</option>" in by_segment.text


def test_without_a_model_the_page_says_how_to_get_one(people: People, signed_in: Client) -> None:
    page = signed_in(people.manager).get("/forecast", params={"as_of": TODAY.isoformat()})
    assert page.status_code == 200
    assert "No forecast yet" in page.text
    assert "dunwell model train" in page.text


def test_nobody_signed_out_sees_it(app_client: TestClient) -> None:
    assert app_client.get("/forecast", follow_redirects=False).status_code in (302, 303)
    assert app_client.get("/api/v1/forecast").status_code == 401
