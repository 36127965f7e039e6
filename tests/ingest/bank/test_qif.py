"""The QIF reader: sections, Quicken's date spellings, and records it cannot read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from dunwell.ingest.bank import Direction, StatementFormat, StatementUnreadable
from dunwell.ingest.bank.formats import qif


def write(tmp_path: Path, text: str, name: str = "export.qif") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_accounts_sections_and_quicken_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        !Account
        NChecking
        TBank
        ^
        !Type:Bank
        D1/ 5'24
        T1,250.00
        PAcme Corp
        MInvoice 4711
        N1001
        ^
        D1/31'24
        T-75.46
        PPower Co
        LUtilities
        SUtilities:Power
        $-70.00
        SUtilities:Tax
        $-5.46
        ^
        !Type:Cat
        NUtilities
        E
        ^
        """,
    )
    assert qif.sniff(path.read_bytes(), path)
    parsed = qif.read(path)
    assert parsed.format is StatementFormat.QIF
    (statement,) = parsed.statements
    assert statement.account == "Checking"
    first, second = statement.transactions
    assert (first.line, first.value_date, first.amount, first.direction) == (
        6, date(2024, 1, 5), Decimal("1250.00"), Direction.CREDIT,
    )  # fmt: skip
    assert (first.payer_name, first.remittance, first.entry_ref) == ("Acme Corp", "Invoice 4711", "1001")
    assert (second.value_date, second.signed) == (date(2024, 1, 31), Decimal("-75.46"))
    assert [p.code for p in parsed.problems] == ["currency_unknown"]


def test_records_without_a_date_or_amount_are_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        !Type:CCard
        D03.02.2024
        T-12,50
        ^
        T-3,00
        PNo date
        ^
        D04.02.2024
        PNo amount
        ^
        D05.02.2024
        T0,00
        ^
        D06.02.2024
        T-1,25
        """,
        name="card.txt",
    )
    assert qif.sniff(path.read_bytes(), path)
    parsed = qif.read(path)
    assert [(t.value_date, t.signed) for t in parsed.transactions] == [
        (date(2024, 2, 3), Decimal("-12.50")),
        (date(2024, 2, 6), Decimal("-1.25")),  # the last record needs no closing ^
    ]
    assert [(p.code, p.line) for p in parsed.problems] == [
        ("bad_entry", 5), ("bad_entry", 8), ("zero_amount", 11), ("currency_unknown", None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!Type:Invst\nD1/5/24\nNBuy\nYACME\n^\n", "investment account"),
        ("D1/5/24\nT1.00\n^\n", "before any !Type header"),
        ("!Option:AutoSwitch\n", "no !Type section"),
    ],
)
def test_files_that_are_not_bank_qif_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(StatementUnreadable, match=message):
        qif.read(write(tmp_path, text))
