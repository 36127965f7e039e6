"""The MT940/MT942 reader: hand-written messages for each rule, and every public sample file with the
outcome we expect of it, checked against the ``mt-940`` package's own expected parses (YAML)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from dunwell.ingest.bank import (
    Direction,
    StatementFile,
    StatementFormat,
    StatementUnreadable,
    read_statement,
)
from dunwell.ingest.bank.formats import mt940

CHECKED = {"balance_mismatch", "control_total_mismatch", "bad_entry"}


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "statement.sta") -> Path:
    path = tmp_path / name
    path.write_bytes(dedent(text).lstrip("\n").replace("\n", "\r\n").encode(encoding))
    return path


def codes(parsed: StatementFile) -> set[str]:
    return {problem.code for problem in parsed.problems}


def test_messages_in_swift_blocks_become_one_statement_each(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        {1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:
        :20:STMT1
        :25:NL77INGB0574908765
        :28C:12/1
        :60F:C240228EUR1000,00
        :61:2402290301C250,50NTRFINV-1001//BANKREF1
        :86:Payment invoice 1001
        :61:2402290229D50,NCHGNONREF
        :86:Fees
        :62F:C240229EUR1200,50
        -}
        {1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:
        :20:STMT2
        :25:NL77INGB0574908765
        :28C:13/1
        :60F:C240229EUR1200,50
        :62F:C240301EUR1200,50
        -}
    """,
    )
    parsed = read_statement(path)
    assert parsed.format is StatementFormat.MT940
    assert parsed.problems == ()
    first, second = parsed.statements
    assert (first.statement_id, first.account, first.currency) == ("STMT1/12/1", "NL77INGB0574908765", "EUR")
    assert (first.opening, first.closing, first.period_end) == (Decimal("1000.00"), Decimal("1200.50"),
                                                                datetime.date(2024, 2, 29))  # fmt: skip
    credit, fee = first.transactions
    assert (credit.line, credit.value_date, credit.booking_date) == (6, datetime.date(2024, 2, 29),
                                                                     datetime.date(2024, 3, 1))  # fmt: skip
    assert (credit.amount, credit.direction, credit.bank_code) == (
        Decimal("250.50"),
        Direction.CREDIT,
        "NTRF",
    )
    assert (credit.entry_ref, credit.remittance) == ("BANKREF1", "Payment invoice 1001")
    assert (fee.amount, fee.direction, fee.entry_ref) == (Decimal("50"), Direction.DEBIT, None)
    assert second.statement_id == "STMT2/13/1"
    assert second.transactions == ()


def test_reversals_move_money_the_other_way(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:REV
        :25:DE89370400440532013000
        :28C:1
        :60F:C240301EUR100,00
        :61:240301RC30,00NRTICUSTREF
        :61:240301RD10,00NRTINONREF//B2
        :62F:C240301EUR80,00
        -
    """,
    )
    parsed = read_statement(path)
    assert parsed.problems == ()
    reversed_credit, reversed_debit = parsed.transactions
    assert (reversed_credit.direction, reversed_credit.reversal, reversed_credit.entry_ref) == (
        Direction.DEBIT, True, "CUSTREF")  # fmt: skip
    assert (reversed_debit.direction, reversed_debit.reversal, reversed_debit.entry_ref) == (
        Direction.CREDIT,
        True,
        "B2",
    )


MT942 = """
    :20:INTRADAY
    :25:PL29114010810000267002001002
    :28C:1/1
    :34F:PLND0,
    :13D:2401191815+0100
    :61:2401190119CN10,01NTRFNONREF//MB1
    :61:2401190119DN2,50NTRFNONREF//MB2
    :90D:1PLN{debits}
    :90C:1PLN10,01
    -
"""


def test_mt942_reports_are_interim_with_their_entry_counts_and_sums(tmp_path: Path) -> None:
    parsed = read_statement(write(tmp_path, MT942.format(debits="2,50")))
    assert parsed.format is StatementFormat.MT942
    assert parsed.problems == ()
    (report,) = parsed.statements
    assert report.interim
    assert report.opening is None
    assert report.currency == "PLN"
    assert (report.control.debit_entries, report.control.debits) == (1, Decimal("2.50"))
    assert (report.control.credit_entries, report.control.credits) == (1, Decimal("10.01"))


def test_mt942_totals_that_do_not_match_are_reported(tmp_path: Path) -> None:
    parsed = read_statement(write(tmp_path, MT942.format(debits="3,50")))
    assert codes(parsed) == {"control_total_mismatch"}


def test_windows_1252_details_are_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, """
        :20:CP1252
        :25:12345678/1020304050
        :28C:1
        :60F:C240301EUR0,00
        :61:240301C5,00NTRFNONREF
        :86:Überweisung von Müller – Rechnung 7
        :62F:C240301EUR5,00
    """, encoding="cp1252")  # fmt: skip
    assert read_statement(path).transactions[0].remittance == "Überweisung von Müller – Rechnung 7"


def test_a_malformed_amount_is_a_bad_entry_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:BAD
        :25:ACC
        :28C:1
        :60F:C240301EUR0,00
        :61:240301C1,2,3NTRFNONREF
        :86:broken
        :61:240301C5,00NTRFNONREF
        :86:good
        :62F:C240301EUR5,00
    """,
    )
    parsed = read_statement(path)
    (bad,) = [p for p in parsed.problems if p.code == "bad_entry"]
    assert bad.line == 5
    assert "1,2,3" in bad.message
    assert [t.remittance for t in parsed.transactions] == ["good"]


def test_german_structured_details_give_payer_references_and_purpose(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:STARTUMS
        :25:12345678/1020304050
        :28C:0
        :60F:C240301EUR0,00
        :61:2403010301CR119,00NTRFNONREF//0724710333
        :86:166?00GUTSCHRIFT?100399?20EREF+E2E-4711?21SVWZ+RF18539007547034 R
        echnung 2024-17?30DRESDEFF508?31DE14508800500194785000?32KARL?33
          KAUFMANN
        :62F:C240301EUR119,00
    """,
    )
    (entry,) = read_statement(path).transactions
    assert (entry.payer_name, entry.payer_account) == ("KARL KAUFMANN", "DE14508800500194785000")
    assert (entry.end_to_end_id, entry.structured_reference) == ("E2E-4711", "RF18539007547034")
    assert entry.remittance == "RF18539007547034 Rechnung 2024-17"
    assert entry.entry_ref == "0724710333"


def test_dutch_structured_details_give_payer_references_and_purpose(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:P140220000000001
        :25:NL77INGB0574908765EUR
        :28C:0000
        :60F:C140219EUR0,00
        :61:1402200220C1,57NTRFEREF//00000000001007
        :86:/EREF/20120123456789//CNTP/NL32INGB0000012345/INGBNL2A/J.Janssen/
        //REMI/USTD//Factuurnr 123456 K
        lantnr 00123/
        :61:1402200220C32,00NTRF9001123412341234//00000000001011
        :86:/EREF/NOTPROVIDED//CNTP/NL32INGB0000012345/INGBNL2A/J.J
        anssen///REMI/STRD/CUR/9001123412341234/
        :61:1608310831C29,93NMSC
        :86:/TRTP/SEPA OVERBOEKING/IBAN/NL30ABNA0000000000/BIC/RABONL2U/NAME/V. Oornaam/REMI/Order 1/EREF/tr
        -
        12
        :62F:C140220EUR63,50
    """,
    )
    parsed = read_statement(path)
    ing, structured, abn = parsed.transactions
    assert (ing.payer_name, ing.payer_account, ing.end_to_end_id) == (
        "J.Janssen",
        "NL32INGB0000012345",
        "20120123456789",
    )
    assert ing.remittance == "Factuurnr 123456 Klantnr 00123"
    assert (structured.structured_reference, structured.end_to_end_id) == ("9001123412341234", None)
    assert (abn.payer_name, abn.payer_account, abn.remittance, abn.end_to_end_id) == (
        "V. Oornaam", "NL30ABNA0000000000", "Order 1", "tr-12")  # fmt: skip
    assert codes(parsed) == set()


def test_free_text_starting_with_an_iban_names_the_payer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:0000000000
        :25:NL05SNSB0908244436
        :28C:361/1
        :60F:C171227EUR100,00
        :61:1712271227D13,13NOVBNL49RABO0166416932
        gerrits glas
        :86:NL49RABO0166416932 gerrits glas
        Factuur 17227/248/20
        :62F:C171227EUR86,87
    """,
    )
    (entry,) = read_statement(path).transactions
    assert (entry.payer_account, entry.payer_name) == ("NL49RABO0166416932", "gerrits glas")
    assert entry.remittance == "NL49RABO0166416932 gerrits glas Factuur 17227/248/20"


def test_an_entry_date_in_the_next_year_gets_that_year(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        :20:TURN
        :25:ACC
        :28C:1
        :60F:C231231EUR0,00
        :61:2312310102C5,00NTRFNONREF
        :62F:C240102EUR5,00
    """,
    )
    (entry,) = read_statement(path).transactions
    assert (entry.value_date, entry.booking_date) == (datetime.date(2023, 12, 31), datetime.date(2024, 1, 2))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (":61:240301C5,00NTRFNONREF\n", "fragment"),
        (":20:ONLY\n", "no message states"),
        ("{4:\n:20:X\n-}", "no message"),
    ],
)
def test_fragments_are_refused_with_a_reason(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(StatementUnreadable, match=reason):
        read_statement(write(tmp_path, text))


def test_sniff_claims_messages_and_fragments_only() -> None:
    assert mt940.sniff(b":20:X\r\n:25:Y\r\n", Path("x"))
    assert mt940.sniff(b"{1:F01}{2:O940}{4:\n:20:X\n", Path("x"))
    assert mt940.sniff(b"\n:61:240301C5,00NTRF", Path("x"))
    assert not mt940.sniff(b"date;amount\n2024-01-01;5,00\n:20:", Path("x"))
    assert not mt940.sniff(b"01,BANK,CUST,240306,0100,77,,,2/", Path("x"))
