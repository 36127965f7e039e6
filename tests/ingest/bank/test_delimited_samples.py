"""Every file of ../shared/data/bank-statements/csv-and-other through ``read_statement``.

Each file must parse or be refused with a clear reason, never raise anything else. The expected
outcome of every file is written down below, so that a file changing from parsed to refused (or
gaining a problem) shows up as a failure. Where the layout is known, counts and totals are checked
against an independent reading of the file with the ``csv`` module. The files are AGPL test data of
OCA/bank-statement-import and are never copied into this repository.
"""

from __future__ import annotations

import contextlib
import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from dunwell.ingest.bank import StatementFile, StatementFormat, StatementUnreadable, read_statement
from dunwell.ingest.bank.formats import delimited

pytestmark = pytest.mark.shared

FOLDER = Path("bank-statements") / "csv-and-other"
OCA = "oca-bank-statement-import"
NO_COLUMNS = "no date/amount columns found in the first 50 rows; pass a mapping"


@dataclass(frozen=True)
class Parsed:
    format: StatementFormat
    transactions: int
    problems: tuple[str, ...] = ()  # problem codes, sorted, duplicates removed


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class OtherReader:
    """A file for another reader (camt): this reader must not claim it."""

    format: StatementFormat


CSV, XLSX, QIF = StatementFormat.CSV, StatementFormat.XLSX, StatementFormat.QIF
NO_CCY = ("currency_unknown",)
FOOTED = ("ambiguous_date_format", "bad_entry", "currency_unknown")
ADYEN = f"{OCA}/account_bank_statement_import_adyen/test_files"
PAYPAL = ("account_bank_statement_import_paypal", "account_statement_import_paypal")
QIFS = ("test_files/test_qif.qif", "test_files/test_qif_dmy.qif", "test_files/test_qif_ymd.qif",
        "test_qif_file/test_qif.qif", "tests/test_qif.qif")  # fmt: skip
# The generic column-mapping fixtures: each OCA module ships its own copies (identical where shared).
COMMON = (
    "balance.csv",
    "debit_credit.csv",
    "empty_statement_en.csv",
    "empty_statement_en.xlsx",
    "multi_currency.csv",
    "original_currency.csv",
    "original_currency_empty.csv",
    "original_currency_no_header.csv",
    "sample_statement_en.csv",
    "sample_statement_en.xlsx",
)
SHEETS = {
    "account_bank_statement_import_txt_xlsx": COMMON,
    "account_statement_import_sheet_file": (*COMMON, "debit_credit_amount.csv",
        "meta_data_separated_credit_debit.csv", "meta_data_separated_credit_debit.xlsx",
        "sample_statement_credit_card_inverse_sign_en.csv", "sample_statement_en_empty_values.xlsx"),
    "account_statement_import_txt_xlsx": (*COMMON, "debit_credit_amount.csv", "empty_lines_statement.csv",
        "sample_statement_offsets.xlsx"),
}  # fmt: skip
GENERIC: dict[str, Parsed | Refused] = {
    "balance.csv": Parsed(CSV, 2, NO_CCY),
    "debit_credit.csv": Parsed(CSV, 2, NO_CCY),
    # Hand-made: its balance column does not follow its own debits and credits.
    "debit_credit_amount.csv": Parsed(CSV, 4, ("balance_mismatch", "currency_unknown")),
    "empty_lines_statement.csv": Parsed(CSV, 3),
    "empty_statement_en.csv": Parsed(CSV, 0),
    "empty_statement_en.xlsx": Parsed(XLSX, 0),
    # Preamble above the header; the footer row "Balance at start of period" is a bad entry;
    # 01/04/20 and 02/04/20 read day-, month- or year-first.
    "meta_data_separated_credit_debit.csv": Parsed(CSV, 4, FOOTED),
    "meta_data_separated_credit_debit.xlsx": Parsed(XLSX, 4, FOOTED),
    "multi_currency.csv": Parsed(CSV, 2),
    "original_currency.csv": Parsed(CSV, 1),
    "original_currency_empty.csv": Parsed(CSV, 1, NO_CCY),
    "original_currency_no_header.csv": Refused(NO_COLUMNS),  # readable with a header_row: 0 mapping
    "sample_statement_credit_card_inverse_sign_en.csv": Parsed(CSV, 2),
    "sample_statement_en.csv": Parsed(CSV, 2),
    "sample_statement_en.xlsx": Parsed(XLSX, 2),
    "sample_statement_en_empty_values.xlsx": Parsed(XLSX, 3, ("bad_entry",)),  # its TOTAL row
    "sample_statement_offsets.xlsx": Parsed(XLSX, 2),
}  # fmt: skip
EXPECTED: dict[str, Parsed | Refused | OtherReader] = {
    f"{OCA}/MANIFEST.tsv": Refused(NO_COLUMNS),
    f"{ADYEN}/adyen_test.xlsx": Parsed(XLSX, 21),
    f"{ADYEN}/adyen_test_credit_fees.xlsx": Parsed(XLSX, 40),
    # An XLSX named .xls whose header is deliberately broken ("Invalid header").
    f"{ADYEN}/adyen_test_invalid.xls": Refused(NO_COLUMNS),
    f"{ADYEN}/settlement_detail_report_batch_238.csv": Parsed(CSV, 3),
    f"{ADYEN}/settlement_detail_report_batch_380.csv": Parsed(CSV, 228),
    **{f"{OCA}/{module}/tests/fixtures/activity_en.csv": Parsed(CSV, 102) for module in PAYPAL},
    **{f"{OCA}/{module}/tests/fixtures/empty_activity.csv": Parsed(CSV, 0) for module in PAYPAL},
    **{f"{OCA}/{module}/tests/fixtures/statement_en.csv": Parsed(CSV, 26) for module in PAYPAL},
    **{f"{OCA}/{module}/tests/fixtures/statement_es.csv": Parsed(CSV, 8) for module in PAYPAL},
    **{f"{OCA}/account_bank_statement_import_qif/{name}": Parsed(QIF, 5, NO_CCY) for name in QIFS},
    f"{OCA}/account_statement_import_qif/tests/test_qif.qif": Parsed(QIF, 5, NO_CCY),
    f"{OCA}/account_statement_import_sftp/test_files/camt053": OtherReader(StatementFormat.CAMT053),
}
EXPECTED |= {
    f"{OCA}/{module}/tests/fixtures/{name}": GENERIC[name]
    for module, names in SHEETS.items()
    for name in names
}


@pytest.fixture(scope="module")
def folder(shared_data: Path) -> Path:
    path = shared_data / FOLDER
    if not path.is_dir():
        pytest.skip(f"{path} not found: the bank statement samples live in ../shared/data")
    return path


def test_the_table_covers_every_file_in_the_folder(folder: Path) -> None:
    files = {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md" and not p.name.startswith("LICENSE")
    }
    assert files == set(EXPECTED), "a sample file was added or removed: give it an expected outcome"


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_sample_parses_or_is_refused_with_a_reason(folder: Path, relative: str) -> None:
    path = folder / relative
    expected = EXPECTED[relative]
    if isinstance(expected, OtherReader):
        assert not delimited.sniff(path.read_bytes()[:4096], path)
        # That format's reader may not be wired in yet; this one must just leave the file alone.
        with contextlib.suppress(StatementUnreadable):
            assert read_statement(path).format is expected.format
        return
    if isinstance(expected, Refused):
        with pytest.raises(StatementUnreadable) as caught:
            read_statement(path)
        assert expected.reason in caught.value.message
        assert caught.value.message.startswith(str(path))
        return
    parsed = read_statement(path)
    codes = tuple(sorted({p.code for p in parsed.problems}))
    assert (parsed.format, len(parsed.transactions), codes) == (
        expected.format, expected.transactions, expected.problems,
    ), [p.message for p in parsed.problems]  # fmt: skip


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def _totals(parsed: StatementFile) -> dict[str, tuple[int, Decimal, Decimal, Decimal | None]]:
    return {
        s.currency or "": (len(s.transactions), s.credits, s.debits, s.closing) for s in parsed.statements
    }


@pytest.mark.parametrize("module", PAYPAL)
def test_paypal_activity_gross_fee_and_balance_per_currency(folder: Path, module: str) -> None:
    path = folder / OCA / module / "tests" / "fixtures" / "activity_en.csv"
    expected: dict[str, list[Decimal | int]] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            totals = expected[row["Currency"]]
            for value in (_number(row["Gross"]), _number(row["Fee"])):
                if value:
                    totals[0] += 1
                    totals[1 if value > 0 else 2] += abs(value)
            totals[3] = _number(row["Balance"])  # the last balance of the currency closes it
    parsed = read_statement(path)
    assert parsed.problems == ()  # the opening balance plus every gross and fee gives each closing
    assert _totals(parsed) == {ccy: tuple(t) for ccy, t in expected.items()}
    invoice_31 = next(t for t in parsed.transactions if t.entry_ref == "TID4")
    assert (invoice_31.payer_name, invoice_31.payer_account) == ("PARTNER2", "paypal@partner2.com")
    assert invoice_31.remittance.startswith("31 Payment to My Company for invoice 31")


def test_paypal_spanish_statement_has_day_first_dates_and_decimal_commas(folder: Path) -> None:
    parsed = read_statement(folder / OCA / PAYPAL[1] / "tests" / "fixtures" / "statement_es.csv")
    (statement,) = parsed.statements
    first = statement.transactions[0]
    assert (first.value_date.isoformat(), first.amount, first.payer_name) == (
        "2020-01-02",
        Decimal("49.37"),
        "Partner 1",
    )
    assert (statement.opening, statement.closing) == (Decimal("4579.22"), Decimal("4710.30"))


@pytest.mark.parametrize("batch", ["238", "380"])
def test_an_adyen_settlement_batch_nets_to_its_payout(folder: Path, batch: str) -> None:
    path = folder / ADYEN / f"settlement_detail_report_batch_{batch}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    credits = sum((_number(r["Net Credit (NC)"]) for r in rows), Decimal(0))
    debits = sum((_number(r["Net Debit (NC)"]) for r in rows), Decimal(0))
    parsed = read_statement(path)
    (statement,) = parsed.statements
    assert (len(statement.transactions), statement.credits, statement.debits) == (len(rows), credits, debits)
    assert statement.account == "YOURCOMPANY_ACCOUNT"
    refs = [t.remittance for t in statement.transactions if t.bank_code == "Settled"]
    assert refs == [r["Merchant Reference"] for r in rows if r["Type"] == "Settled"]
