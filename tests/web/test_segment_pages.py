"""Segment alerts on the dashboard (a collector's portfolio only) and the segment card on the
customer page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dunwell.collections import views as customer_views
from segments.segment_db import StoredBook, build_stored_book
from web.conftest import People

Client = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> StoredBook:
    with sessions.begin() as session:
        return build_stored_book(session)


def _alerts(html: str) -> str:
    found = re.search(r'<section class="card" aria-labelledby="segments-h".*?</section>', html, re.S)
    assert found, "the dashboard has no segment alerts card"
    return found[0]


def test_the_dashboard_lists_worsened_customers_of_the_portfolio(book: StoredBook, signed_in: Client) -> None:
    cleo = _alerts(signed_in("cleo").get("/", params={"as_of": book.worse_on.isoformat()}).text)
    manager = _alerts(signed_in("max").get("/", params={"as_of": book.worse_on.isoformat()}).text)
    assert f'data-customer="{book.cleos}"' in cleo
    assert "Customer CLEO" in cleo
    assert "Customer OTTO" not in cleo
    assert "Customer OTTO" in manager
    assert "Customer CLEO" in manager
    assert "Deteriorating" in cleo
    assert "Trend (days per month)" in cleo
    quiet = _alerts(signed_in("cleo").get("/", params={"as_of": "2023-09-30"}).text)
    assert "No customer of your portfolio moved" in quiet


def test_the_customer_page_shows_the_segment_its_figures_and_its_change(
    book: StoredBook, signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(customer_views, "_today", lambda: book.worse_on)
    cleo = signed_in("cleo")
    page = cleo.get(f"/customers/{book.cleos}")
    assert page.status_code == 200, page.text
    assert 'data-segment="deteriorating"' in page.text
    assert "Worse since" in page.text
    assert "was On time" in page.text
    early = cleo.get(f"/customers/{book.cleos_early}").text
    assert 'data-segment="early_payer"' in early
    assert "Unchanged since" in early
    assert cleo.get(f"/customers/{book.ottos}").status_code == 404
