"""`dunwell metrics`, `dunwell aging` and `dunwell db` through the Typer app and the console script."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from cli_inputs import one_line
from dunwell.kit.migrate import head_revision

METRIC_KEYS = {
    "as_of",
    "period_days",
    "currency",
    "document_count",
    "total_ar",
    "current_ar",
    "aging",
    "credit_sales",
    "dso",
    "dso_countback",
    "bpdso",
    "add",
    "pct_current",
    "cei",
    "avg_days_to_pay",
    "avg_days_late",
    "bad_debt_ratio",
}
BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d91_plus"]

# As of 2024-03-31: INV-1 (C1) 100.00 open, 60 days past due; INV-2 (C1) 250.00 with 150.00 paid on
# 2024-02-20, 100.00 open and 21 days past due; INV-3 (C2) 75.50 paid 2024-02-01; INV-4 (C2) 40.00
# issued 2024-03-20, current; INV-5 (C3) 500.00 issued after the as-of date.
BOOK_CSV = """
invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount,paid_date
INV-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,
INV-2,C1,Acme,2024-01-10,2024-03-10,USD,250.00,100.00,
INV-3,C2,Beta,2024-01-15,2024-02-14,USD,75.50,,2024-02-01
INV-4,C2,Beta,2024-03-20,2024-04-19,USD,40.00,,
INV-5,C3,Gamma,2024-04-02,2024-05-02,USD,500.00,,
"""


@pytest.fixture
def loaded(cli, write_file, sqlite_url) -> str:
    """The database named by DUNWELL_DATABASE_URL, holding BOOK_CSV as of 2024-02-20."""
    result = cli("import", "invoices", write_file("book.csv", BOOK_CSV), "--as-of", "2024-02-20", "--json")
    assert result.exit_code == 0, result.output
    return sqlite_url


def test_metrics_json_has_every_figure_as_of_the_date(cli, loaded) -> None:
    result = cli("metrics", "--as-of", "2024-03-31", "--period-days", "90", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == METRIC_KEYS
    assert list(payload["aging"]) == BUCKETS
    assert (payload["as_of"], payload["period_days"], payload["currency"]) == ("2024-03-31", 90, "USD")
    assert payload["total_ar"] == "240.00"
    assert payload["current_ar"] == "40.00"
    assert {k: Decimal(v) for k, v in payload["aging"].items()} == {
        "current": Decimal("40.00"),
        "d1_30": Decimal("100.00"),
        "d31_60": Decimal("100.00"),
        "d61_90": 0,
        "d91_plus": 0,
    }
    assert payload["credit_sales"] == "365.50"  # issued 2024-01-02 .. 2024-03-31 (INV-1 is a day too early)
    assert payload["document_count"] == 3
    assert payload["dso"] == pytest.approx(240 * 90 / 365.5, abs=0.01)
    assert payload["bpdso"] == pytest.approx(40 * 90 / 365.5, abs=0.01)
    assert payload["add"] == pytest.approx(payload["dso"] - payload["bpdso"], abs=0.011)
    assert payload["pct_current"] == pytest.approx(40 / 240 * 100, abs=0.01)
    # Payments in the period: 75.50 after 17 days (13 early), 150.00 after 41 days (19 early).
    assert payload["avg_days_to_pay"] == pytest.approx((75.5 * 17 + 150 * 41) / 225.5, abs=0.01)
    assert payload["avg_days_late"] == pytest.approx((75.5 * -13 + 150 * -19) / 225.5, abs=0.01)
    assert payload["bad_debt_ratio"] == 0
    for key in ("dso_countback", "cei"):
        assert isinstance(payload[key], float)


def test_metrics_by_customer_adds_groups_with_the_same_figures(cli, loaded) -> None:
    result = cli("metrics", "--as-of", "2024-03-31", "--by", "customer", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == METRIC_KEYS | {"by", "groups"}
    assert payload["by"] == "customer"
    groups = payload["groups"]
    assert list(groups) == ["MAIN/C1", "MAIN/C2"]  # C3's only invoice is issued later
    for figures in groups.values():
        assert set(figures) == METRIC_KEYS
    assert (groups["MAIN/C1"]["total_ar"], groups["MAIN/C2"]["total_ar"]) == ("200.00", "40.00")
    assert sum(Decimal(g["total_ar"]) for g in groups.values()) == Decimal(payload["total_ar"])


def test_figures_as_of_an_earlier_date_ignore_later_payments(cli, loaded) -> None:
    before = json.loads(cli("metrics", "--as-of", "2024-01-31", "--json").stdout)
    after = json.loads(cli("metrics", "--as-of", "2024-02-20", "--json").stdout)

    assert before["total_ar"] == "425.50"  # nothing paid yet
    assert after["total_ar"] == "200.00"  # INV-3 paid on 02-01, 150.00 of INV-2 on 02-20


def test_every_json_amount_has_the_currencys_two_decimals(cli, loaded) -> None:
    payload = json.loads(cli("metrics", "--as-of", "2024-03-31", "--by", "customer", "--json").stdout)

    for figures in [payload, *payload["groups"].values()]:
        amounts = [
            figures["total_ar"],
            figures["current_ar"],
            figures["credit_sales"],
            *figures["aging"].values(),
        ]
        assert all(re.fullmatch(r"-?\d+\.\d\d", a) for a in amounts), amounts


def test_metrics_table(cli, loaded) -> None:
    result = cli("metrics", "--as-of", "2024-03-31")

    assert result.exit_code == 0, result.output
    assert "AR metrics as of 2024-03-31, 90-day" in result.stdout
    for label in (
        "Total AR",
        "Current AR",
        "Credit sales in period",
        "DSO (countback)",
        "CEI %",
        "Bad debt %",
    ):
        assert label in result.stdout
    assert "240.00" in result.stdout


def test_aging_table_and_json(cli, loaded) -> None:
    table = cli("aging", "--as-of", "2024-03-31", "--by", "customer")
    as_json = cli("aging", "--as-of", "2024-03-31", "--json")

    assert table.exit_code == 0, table.output
    text = table.stdout
    assert "Aging as of 2024-03-31 (USD)" in text
    for header in ("Current", "1-30", "31-60", "61-90", "91+", "Total", "Items"):
        assert header in text
    (all_row,) = [line for line in text.splitlines() if "(all)" in line]
    assert re.findall(r"[\d,]+\.\d\d", all_row) == ["40.00", "100.00", "100.00", "0.00", "0.00", "240.00"]
    assert all_row.rstrip(" │").endswith("3")
    assert "MAIN/C1" in text
    assert "MAIN/C2" in text
    assert "16.7%" in text  # current share of the total
    payload = json.loads(as_json.stdout)
    assert set(payload) == {"as_of", "currency", "total_ar", "aging", "document_count"}
    assert (payload["total_ar"], payload["document_count"]) == ("240.00", 3)
    assert list(payload["aging"]) == BUCKETS


def test_metrics_on_each_database(cli, write_file, database_url, monkeypatch) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", database_url)
    imported = cli("import", "invoices", write_file("book.csv", BOOK_CSV), "--as-of", "2024-02-20", "--json")

    result = cli("metrics", "--as-of", "2024-03-31", "--by", "customer", "--json")

    assert imported.exit_code == 0, imported.output
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["total_ar"] == "240.00"
    assert payload["groups"]["MAIN/C1"]["total_ar"] == "200.00"


def test_a_book_in_several_currencies_needs_currency(cli, write_file, loaded) -> None:
    euros = (
        "invoice_id,customer_id,issue_date,due_date,currency,amount\nE-1,C9,2024-03-01,2024-03-31,EUR,70.00\n"
    )
    cli("import", "invoices", write_file("eur.csv", euros), "--as-of", "2024-03-01")

    ambiguous = cli("metrics", "--as-of", "2024-03-31")
    euro = cli("metrics", "--as-of", "2024-03-31", "--currency", "eur", "--json")
    missing = cli("aging", "--as-of", "2024-03-31", "--currency", "GBP")

    assert ambiguous.exit_code == 2
    assert "the book holds several currencies (EUR, USD): pass --currency" in one_line(ambiguous.stderr)
    assert euro.exit_code == 0, euro.output
    assert json.loads(euro.stdout)["total_ar"] == "70.00"
    assert missing.exit_code == 4
    assert "no documents in GBP as of 2024-03-31" in one_line(missing.stderr)


@pytest.mark.parametrize("command", ["metrics", "aging"])
def test_an_empty_book_is_one_clear_line(cli, sqlite_url, command) -> None:
    assert cli("db", "upgrade").exit_code == 0
    result = cli(command, "--as-of", "2024-03-31")

    assert result.exit_code == 4
    assert "the book is empty as of 2024-03-31: import invoices first" in one_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metrics", "--as-of", "2024-02-30"], "--as-of must be a date as YYYY-MM-DD, not '2024-02-30'"),
        (["aging", "--as-of", "31.03.2024"], "--as-of must be a date as YYYY-MM-DD, not '31.03.2024'"),
    ],
)
def test_a_bad_as_of_date_exits_2_with_one_line(cli, loaded, args, message) -> None:
    result = cli(*args)

    assert result.exit_code == 2
    assert message in one_line(result.stderr)
    assert result.stdout == ""


def test_option_mistakes_are_usage_errors(cli, loaded) -> None:
    bad_by = cli("metrics", "--as-of", "2024-03-31", "--by", "region")
    no_date = cli("metrics")
    bad_period = cli("metrics", "--as-of", "2024-03-31", "--period-days", "0")

    for result in (bad_by, no_date, bad_period):
        assert result.exit_code == 2
        assert "Traceback" not in result.output
    assert "'region' is not one of" in bad_by.stderr
    assert "--as-of" in no_date.stderr


def test_db_upgrade_and_current(cli, sqlite_url, tmp_path) -> None:
    head = head_revision()

    before = cli("db", "current")
    upgraded = cli("db", "upgrade")
    again = cli("db", "upgrade")
    after = cli("db", "current")

    assert before.exit_code == 4  # `db current` reads: it does not create the database
    assert "no database at" in before.stderr
    assert upgraded.exit_code == 0, upgraded.output
    assert f"database at revision {head}" in upgraded.stdout
    assert again.exit_code == 0  # idempotent
    assert " ".join(after.stdout.split()) == f"current: {head} head: {head}"
    assert (tmp_path / "cli.db").is_file()


def test_an_unusable_database_url_is_one_line(cli, monkeypatch) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", "mysql://localhost/dunwell")

    result = cli("db", "current")

    assert result.exit_code == 2
    assert "unsupported database 'mysql'" in one_line(result.stderr)


def test_console_script_metrics_json(dunwell_exe, loaded) -> None:
    done = dunwell_exe("metrics", "--as-of", "2024-03-31", "--by", "customer", "--json")

    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) == METRIC_KEYS | {"by", "groups"}
    assert payload["total_ar"] == "240.00"
    assert done.stderr == ""


def test_refresh_reports_computes_the_book_and_each_collectors_portfolio_once(cli, loaded) -> None:
    added = cli("users", "add", "col1", "--role", "collector", "--by", "test", "--json")
    assert added.exit_code == 0, added.output

    first = cli("refresh-reports", "--as-of", "2024-03-31", "--json")
    again = cli("refresh-reports", "--as-of", "2024-03-31", "--json")
    metrics = cli("metrics", "--as-of", "2024-03-31", "--json")

    assert first.exit_code == 0, first.output
    done = json.loads(first.stdout)
    assert done["as_of"] == "2024-03-31"
    # The whole book (opened with its default currency, and in USD by name); the collector owns no
    # customer, so their portfolio has no currency and only its (empty) default page.
    assert [(c["scope"], c["currency"]) for c in done["computed"]] == [
        ("book", "(default)"),
        ("book", "USD"),
        ("col1", "(default)"),
        ("segment alerts", "(all)"),
    ]
    # Nothing changed in between: the second run reads the figures back, as computed the first time.
    assert [c["seconds"] for c in json.loads(again.stdout)["computed"]] == [
        c["seconds"] for c in done["computed"]
    ]
    assert json.loads(metrics.stdout)["total_ar"] == "240.00"
