"""The model registry through the API and its page: versions, training window, holdout figures
beside the baselines, the predictor chosen per group, and monitoring; read-only for everyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dunwell.orm import ScoringRun
from web.conftest import People
from web.small_book import build_book
from web.test_dashboard import registered_model

Client = Callable[[str], TestClient]


def _two_models(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        build_book(session)  # monitoring reads the book
        session.add(registered_model(version=1))
        newest = registered_model(version=2)
        newest.metrics = {"holdout_skipped": "too little to hold out"}
        session.add(newest)
        session.flush()
        session.add(
            ScoringRun(
                model_id=newest.id,
                as_of=date(2024, 3, 31),
                invoices=0,
                profile={"psi": {"score_risk_late": 0.05, "amount_log": 0.31}},
            )
        )


def test_the_api_lists_models_newest_first_with_holdout_and_monitoring(
    people: People, sessions: sessionmaker[Session], bearer: Client
) -> None:
    _two_models(sessions)
    body = bearer("cleo").get("/api/v1/models").json()
    assert [m["version"] for m in body["models"]] == [2, 1]
    newest, older = body["models"]
    assert newest["holdout"] is None
    assert newest["scoring_runs"] == 1
    assert newest["last_scored"] == "2024-03-31"
    holdout = older["holdout"]
    assert (holdout["mae_days"], holdout["best_baseline"], holdout["best_baseline_mae_days"]) == (
        7.5,
        "customer_median_delay",
        9.0,
    )
    assert (holdout["coverage_p10_p90"], holdout["n_test"]) == (0.79, 321)
    assert (older["window_start"], older["known_until"]) == ("2023-01-01", "2024-02-29")
    assert [(c["group"], c["predictor"]) for c in older["chosen"]] == [
        ("new", "naive"),
        ("established", "0.7 model + 0.3 customer_median_delay"),
    ]
    monitoring = body["monitoring"]
    assert monitoring["model"]["version"] == 2
    assert monitoring["retrain"] is True
    assert "amount_log 0.31" in monitoring["retrain_reasons"][0]
    assert bearer("vic").get("/api/v1/models", params={"monitor": "false"}).json()["monitoring"] is None


def test_the_models_page_shows_the_registry_and_the_retrain_flag(
    people: People, sessions: sessionmaker[Session], signed_in: Client
) -> None:
    _two_models(sessions)
    page = signed_in("vic").get("/models")
    assert page.status_code == 200, page.text
    text = page.text
    assert 'data-retrain="yes"' in text
    assert "amount_log" in text
    assert '<td class="num" data-mae="model">7.5</td>' in text
    assert '<td class="num" data-mae="customer_median_delay">9.0</td>' in text
    assert "0.7 model + 0.3 customer_median_delay" in text
    assert "Trained without a holdout" in text
    assert "<form" not in text.split("<main", 1)[1].replace('<form class="who"', "")  # nothing to trigger


def test_without_a_model_the_page_says_how_to_train_one(
    people: People, signed_in: Client, bearer: Client
) -> None:
    assert "dunwell model train --as-of DATE" in signed_in("cleo").get("/models").text
    assert bearer("cleo").get("/api/v1/models").json()["models"] == []


def test_a_model_on_an_emptied_book_is_listed_without_monitoring(
    people: People, sessions: sessionmaker[Session], bearer: Client
) -> None:
    with sessions.begin() as session:
        session.add(registered_model(version=1))
    body = bearer("max").get("/api/v1/models").json()
    assert (body["monitoring"], body["unmonitored"]) == (
        None,
        "the database holds no invoices: import some first",
    )
