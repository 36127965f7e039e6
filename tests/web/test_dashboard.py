"""The dashboard and the metrics API: a collector's figures are their portfolio's, checked
against the small book's figures worked out by hand (web/small_book.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.customers import contacts
from dunwell.kit.snapshots import wait_for_refreshes
from dunwell.orm import PredictionModel
from dunwell.reporting.dashboard import build_dashboard
from dunwell.reporting.service import month_ends
from factories import make_invoice
from web.conftest import People
from web.small_book import AS_OF, Book, build_book, user_id

Client = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> Book:
    with sessions.begin() as session:
        return build_book(session)


def test_a_collector_gets_the_metrics_of_their_portfolio_only(book: Book, bearer: Client) -> None:
    cleo = bearer("cleo").get("/api/v1/metrics", params={"as_of": AS_OF.isoformat()})
    assert cleo.status_code == 200, cleo.text
    body = cleo.json()
    assert body["scope"] == "portfolio"
    overall = body["overall"]
    assert (overall["total_ar"], overall["current_ar"], overall["credit_sales"]) == (
        "1100.00",
        "500.00",
        "1500.00",
    )
    assert (overall["dso"], overall["dso_countback"], overall["bpdso"], overall["add"]) == (
        66.0,
        78.0,
        30.0,
        36.0,
    )
    assert (overall["cei"], overall["pct_current"]) == (40.0, 45.45)
    assert overall["aging"] == {
        "current": "500.00",
        "d1_30": "0.00",
        "d31_60": "600.00",
        "d61_90": "0.00",
        "d91_plus": "0.00",
    }

    otto = bearer("otto").get("/api/v1/aging", params={"as_of": AS_OF.isoformat()}).json()
    assert (otto["total"], otto["buckets"]["current"]) == ("2000.00", "2000.00")


@pytest.mark.parametrize("login", ["max", "vic", "ada"])
def test_managers_viewers_and_admins_see_the_whole_book(book: Book, bearer: Client, login: str) -> None:
    overall = bearer(login).get("/api/v1/metrics", params={"as_of": AS_OF.isoformat()}).json()["overall"]
    assert overall["total_ar"] == "3100.00"
    assert (overall["dso"], overall["bpdso"], overall["add"], overall["dso_countback"]) == (
        79.71,
        64.29,
        15.42,
        78.0,
    )
    assert (overall["pct_current"], overall["cei"]) == (80.65, 40.0)


def test_metrics_by_a_dimension_and_for_one_entity(book: Book, bearer: Client) -> None:
    manager = bearer("max")
    by_collector = manager.get(
        "/api/v1/metrics", params={"as_of": AS_OF.isoformat(), "by": "collector"}
    ).json()
    assert {k: g["total_ar"] for k, g in by_collector["groups"].items()} == {
        "cleo": "1100.00",
        "otto": "2000.00",
    }
    e2 = manager.get("/api/v1/aging", params={"as_of": AS_OF.isoformat(), "entity": "E2"}).json()
    assert e2["total"] == "2000.00"
    missing = manager.get("/api/v1/metrics", params={"as_of": AS_OF.isoformat(), "currency": "JPY"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "currency_not_in_book"


def test_several_currencies_need_one_chosen_in_the_api_and_the_page_picks_one(
    book: Book, sessions: sessionmaker[Session], bearer: Client, signed_in: Client
) -> None:
    with sessions.begin() as session:
        make_invoice(
            session, amount="300.00", currency="EUR", issue_date=date(2024, 3, 20)
        )  # nobody's customer
    manager = bearer("max")
    assert manager.get("/api/v1/metrics", params={"as_of": AS_OF.isoformat()}).status_code == 400
    eur = manager.get("/api/v1/metrics", params={"as_of": AS_OF.isoformat(), "currency": "eur"}).json()
    assert eur["overall"]["total_ar"] == "300.00"
    page = signed_in("max").get("/", params={"as_of": AS_OF.isoformat(), "currency": "USD"})
    assert page.status_code == 200
    assert 'value="EUR"' in page.text
    assert "$3,100.00" in page.text
    # cleo's portfolio holds no EUR: her page offers USD only
    assert 'value="EUR"' not in signed_in("cleo").get("/", params={"as_of": AS_OF.isoformat()}).text


def test_the_dashboard_page_shows_the_portfolio_figures_aging_and_trend(
    book: Book, signed_in: Client
) -> None:
    page = signed_in("cleo").get("/", params={"as_of": AS_OF.isoformat()})
    assert page.status_code == 200, page.text
    text = page.text
    assert "Your portfolio only" in text
    assert "$1,100.00" in text
    assert "$3,100.00" not in text
    assert '<div class="figure" data-figure="DSO">66.0 days</div>' in text
    assert '<div class="figure" data-figure="DSO (countback)">78.0 days</div>' in text
    assert '<div class="figure" data-figure="CEI">40.0 %</div>' in text
    assert 'data-bucket="d31_60"' in text
    assert "$600.00" in text
    assert text.count('<svg class="chart"') == 2
    assert "style=" not in text
    assert "<script>" not in text
    assert "No model yet" in text

    whole = signed_in("max").get("/", params={"as_of": AS_OF.isoformat(), "entity": "E2"})
    assert "$2,000.00" in whole.text
    assert "The whole book, entity E2" in whole.text
    assert signed_in("max").get("/", params={"entity": "NOPE"}).status_code == 404


def test_the_trend_is_twelve_month_ends_each_as_known_then(
    book: Book, sessions: sessionmaker[Session]
) -> None:
    assert month_ends(AS_OF, 3) == [date(2024, 1, 31), date(2024, 2, 29), AS_OF]
    with sessions() as session:
        cleo = Principal(
            "cleo", UserRole.COLLECTOR, user_id(session, "cleo"), frozenset({user_id(session, "cleo")})
        )
        board = build_dashboard(session, cleo, as_of=AS_OF)
    assert board.trend[0].as_of == date(2023, 4, 30)
    assert len(board.trend) == 12
    february = board.trend[-2]
    assert (february.total_ar, february.dso, february.aging.d1_30) == (
        Decimal("600.00"),
        Decimal("54.00"),
        Decimal("600.00"),
    )
    assert board.trend[-1] == board.metrics


def test_an_empty_portfolio_says_what_to_do(people: People, signed_in: Client) -> None:
    page = signed_in("cleo").get("/")
    assert page.status_code == 200
    assert "ask a manager to assign you customers" in page.text
    assert "import invoices" in signed_in("max").get("/").text


def test_the_dashboard_shows_the_models_holdout_accuracy(
    book: Book, sessions: sessionmaker[Session], signed_in: Client
) -> None:
    with sessions.begin() as session:
        session.add(registered_model(version=1))
    text = signed_in("vic").get("/", params={"as_of": AS_OF.isoformat()}).text
    assert "Model v1" in text
    assert "7.5 days" in text
    assert "customer median delay: 9.0" in text
    assert "Not scored yet" in text


def registered_model(*, version: int) -> PredictionModel:
    """A registry row with holdout figures (the artifact is never read by these pages)."""
    return PredictionModel(
        version=version,
        window_start=date(2023, 1, 1),
        known_until=date(2024, 2, 29),
        training_invoices=1234,
        feature_schema=[],
        params={},
        metrics={
            "n_test": 321,
            "cutoff": "2023-09-03",
            "mae_days": 7.5,
            "within_5_days": 0.61,
            "coverage_p10_p90": 0.79,
            "auc_late": 0.71,
            "mae_vs_best_baseline": -0.1667,
            "baselines": {"due_date": {"mae_days": 12.0}, "customer_median_delay": {"mae_days": 9.0}},
            "holdout": {"issued_from": "2023-09-03", "issued_to": "2023-12-01"},
            "chosen": {
                "validation": {},
                "groups": {
                    "new": {
                        "predictor": "naive",
                        "naive": "due_date",
                        "model_weight": 0.0,
                        "n_validation": 40,
                        "validation_mae": 11.0,
                        "interval_scale": 1.0,
                        "interval_coverage": 0.8,
                    },
                    "established": {
                        "predictor": "blend",
                        "naive": "customer_median_delay",
                        "model_weight": 0.7,
                        "n_validation": 400,
                        "validation_mae": 6.5,
                        "interval_scale": 1.0,
                        "interval_coverage": 0.81,
                    },
                },
                "overdue": None,
            },
        },
        reference_profile={},
        software={},
        artifact=b"not read",
        artifact_sha256="0" * 64,
        artifact_format="dunwell-model-json-gzip/1",
    )


def test_the_dashboard_shows_the_portfolios_data_quality(
    book: Book, signed_in: Client, sessions: sessionmaker[Session]
) -> None:
    cleo = signed_in("cleo")
    page = cleo.get("/", params={"as_of": AS_OF.isoformat()}).text
    # Cleo's one customer has no contact and no terms; otto's customer is not in her card.
    assert "<strong>1</strong> of 1 customers have a data problem" in page
    assert "No contact with an email address or a phone number" in page
    assert "No payment terms" in page
    assert f'href="/customers/{book.cleos}#quality"' in page
    assert f'href="/customers/{book.ottos}#quality"' not in page
    manager = signed_in("max").get("/", params={"as_of": AS_OF.isoformat()}).text
    assert "of 2 customers have a data problem" in manager

    with sessions.begin() as session:  # through the service: audited, so the card is recomputed
        contacts.add_contact(
            session,
            Principal.operator("test"),
            book.cleos,
            contacts.ContactInput(name="AP", email="ap@x.example"),
        )
    cleo.get("/", params={"as_of": AS_OF.isoformat()})  # shows the kept card while it is refreshed
    wait_for_refreshes()
    after = cleo.get("/", params={"as_of": AS_OF.isoformat()}).text
    assert "No contact with an email address" not in after
    assert "No contact consents to any channel" in after  # a contact now, but no consent yet
