"""The Forecast page in a real browser: the fan chart renders, the weekly table is there, and
applying cash shows in the forecast after the refresh the page announces; then the Scenarios page
runs its starter file against that forecast and draws each scenario's change per week."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from dunwell.kit.snapshots import wait_for_refreshes
from e2e.conftest import CHROMIUM, LiveServer, People, sign_in
from forecasting.stocked import TODAY, pay_largest_open_invoice, stock_and_train, write_small_company

if not CHROMIUM.exists():
    pytest.skip(
        f"browser journeys skipped: {CHROMIUM} is missing (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )

Shot = Callable[[Page, str], Path]


def test_the_forecast_page_draws_the_fan_chart_and_follows_the_cash(
    page: Page,
    people: People,
    sessions: sessionmaker[Session],
    live_server: LiveServer,
    tmp_path: Path,
    shot: Shot,
) -> None:
    stock_and_train(sessions, write_small_company(tmp_path / "company"))
    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forecast").click()
    page.get_by_label("From the end of").fill(TODAY.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cash-in forecast")
    usd = page.locator('[data-forecast-group="USD"]')
    chart = usd.locator("svg.chart-fan")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 300, "the chart is drawn, not collapsed"
    assert box["height"] > 100
    expect(chart.locator("polygon.chart-band")).to_have_count(1)
    expect(chart.locator("circle.chart-dot")).to_have_count(13)
    expect(usd.locator("tr[data-week]")).to_have_count(13)
    before = usd.locator('[data-figure="open"]').inner_text()
    shot(page, "forecast")

    pay_largest_open_invoice(sessions)
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("before the latest changes")
    wait_for_refreshes()
    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)
    expect(usd.locator('[data-figure="open"]')).not_to_have_text(re.escape(before))
    shot(page, "after-cash")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenarios").click()
    page.get_by_label("From the end of").fill(TODAY.isoformat())
    page.get_by_role("button", name="Run").click()
    report = page.locator("[data-report]")
    expect(report.get_by_role("heading", level=2)).to_have_text("Against the base forecast in USD")
    expect(report.locator("tr[data-scenario]")).to_have_count(3)
    lines = report.locator("svg polyline.chart-line")
    expect(lines).to_have_count(3)  # one line per scenario's change in cash per week
    box = report.locator("svg").first.bounding_box()
    assert box is not None
    assert box["width"] > 300, "the chart is drawn, not collapsed"
    expect(report.get_by_role("heading", level=3, name=re.compile("assumptions$"))).to_have_count(3)
    shot(page, "scenarios")
