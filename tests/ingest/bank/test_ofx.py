"""The OFX reader: OFX 1.x SGML and 2.x XML written by hand for each rule, and every public sample
file read or refused as expected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.ingest.bank import Direction, StatementFile, StatementFormat, StatementUnreadable, read_statement
from dunwell.ingest.bank.formats import ofx

SGML_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
XML_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
)
SIGNON = (
    "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240301</SONRS>"
    "</SIGNONMSGSRSV1>\n"
)


def bank(*transactions: str, currency: str = "<CURDEF>EUR", balance: str = "1000.00") -> str:
    """An OFX 1.x bank statement response: element end tags left out, as SGML allows."""
    return (
        f"{SGML_HEADER}<OFX>\n{SIGNON}<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        f"<STMTRS>{currency}\n<BANKACCTFROM><BANKID>123<ACCTID>DE-111<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20240301<DTEND>20240331\n"
        + "\n".join(transactions)
        + f"\n</BANKTRANLIST>\n<LEDGERBAL><BALAMT>{balance}<DTASOF>20240331</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n"
    )


def trn(amount: str, *, posted: str = "20240305120000.000[-5:EST]", more: str = "") -> str:
    fields = f"<TRNTYPE>CREDIT<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>F{amount}<NAME>Acme Corp{more}"
    return f"<STMTTRN>{fields}</STMTTRN>"


@pytest.fixture
def write(tmp_path: Path) -> Any:
    def write(text: str | bytes, name: str = "statement.ofx") -> Path:
        path = tmp_path / name
        if isinstance(text, str):
            text = text.encode("utf-8")
        path.write_bytes(text)
        return path

    return write


def codes(parsed: StatementFile) -> list[str]:
    return [p.code for p in parsed.problems]


def test_an_sgml_statement_reads_every_field(write: Any) -> None:
    more = "<MEMO>Invoice 2024-17<CHECKNUM>0042<REFNUM>R-9<DTAVAIL>20240307"
    path = write(bank(trn("250.00", more=more), trn("-19.99")))
    parsed = read_statement(path)
    assert parsed.format is StatementFormat.OFX
    assert codes(parsed) == []
    (s,) = parsed.statements
    assert (s.account, s.currency, s.opening, s.closing) == ("DE-111", "EUR", None, Decimal("1000.00"))
    assert (s.period_start, s.period_end) == (date(2024, 3, 1), date(2024, 3, 31))
    credit, debit = s.transactions
    assert (credit.amount, credit.direction, credit.currency) == (Decimal("250.00"), Direction.CREDIT, "EUR")
    assert (credit.booking_date, credit.value_date) == (date(2024, 3, 5), date(2024, 3, 7))
    assert (credit.entry_ref, credit.payer_name, credit.bank_code) == ("F250.00", "Acme Corp", "CREDIT")
    assert credit.remittance == "Invoice 2024-17 CHECKNUM 0042 REFNUM R-9"
    assert (debit.amount, debit.direction, debit.value_date) == (
        Decimal("19.99"),
        Direction.DEBIT,
        date(2024, 3, 5),
    )
    assert path.read_text().splitlines()[credit.line - 1].startswith("<STMTTRN>")
    assert debit.line == credit.line + 1


def test_an_xml_statement_with_a_card_account_cdata_entities_and_comments(write: Any) -> None:
    text = (
        f"{XML_HEADER}<OFX>{SIGNON.replace('<CODE>0<SEVERITY>INFO', '<CODE>0</CODE><SEVERITY>INFO</SEVERITY>')}"  # noqa: E501
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><CCSTMTRS><CURDEF>AUD</CURDEF>\n"
        "<CCACCTFROM><ACCTID>4111</ACCTID></CCACCTFROM><BANKTRANLIST>\n<!-- <STMTTRN>hidden</STMTTRN> -->\n"
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240302</DTPOSTED><TRNAMT>-5,50</TRNAMT><FITID>A1</FITID>"
        "<NAME><![CDATA[Caf\u00e9 & Co]]></NAME><MEMO>Fish &amp; chips</MEMO>"
        "<CURRENCY><CURRATE>0.6</CURRATE><CURSYM>USD</CURSYM></CURRENCY></STMTTRN>\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>-5.50</BALAMT><DTASOF>20240302</DTASOF></LEDGERBAL></CCSTMTRS>"
        "</CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n"
    )
    path = write(text)
    parsed = read_statement(path)
    (s,) = parsed.statements
    (t,) = s.transactions
    assert (s.account, s.currency, s.closing) == ("4111", "AUD", Decimal("-5.50"))
    assert (t.amount, t.currency, t.payer_name, t.remittance) == (
        Decimal("5.50"),
        "USD",
        "Café & Co",
        "Fish & chips",
    )
    assert path.read_text().splitlines()[t.line - 1].startswith("<STMTTRN><TRNTYPE>DEBIT")


def test_several_statements_and_transaction_lists_and_a_cp1252_file(write: Any) -> None:
    second = bank(trn("3.00")).split("<STMTTRNRS>", 1)[1].split("</BANKMSGSRSV1>")[0]
    text = bank(trn("1.00") + "\n</BANKTRANLIST><BANKTRANLIST>" + trn("2.00", more="<MEMO>Caf\u00e9"))
    text = text.replace("</STMTTRNRS>", "</STMTTRNRS><STMTTRNRS>" + second, 1)
    parsed = read_statement(write(text.encode("cp1252")))
    assert [len(s.transactions) for s in parsed.statements] == [2, 1]
    assert parsed.transactions[1].remittance == "Café"


def test_lower_case_tags_are_read(write: Any) -> None:
    parsed = read_statement(write(bank(trn("7.00")).lower().replace("ofxheader", "OFXHEADER")))
    assert [t.amount for t in parsed.transactions] == [Decimal("7.00")]


@pytest.mark.parametrize(
    ("transaction", "code", "reason"),
    [
        (trn("$120"), "bad_entry", "amount '$120' is not a number"),
        (trn("1,234.50"), "bad_entry", "is not a number"),
        (trn("NaN"), "bad_entry", "is not a number"),
        (trn("12.00", posted="20120231"), "bad_entry", "posting date '20120231' is not a date"),
        ("<STMTTRN><TRNTYPE>CREDIT<TRNAMT>5.00<FITID>X</STMTTRN>", "bad_entry", "no posting date"),
        (trn("0.00"), "zero_amount", "amount is zero"),
    ],
)
def test_an_unreadable_transaction_is_a_problem_on_its_line(
    write: Any, transaction: str, code: str, reason: str
) -> None:
    path = write(bank(trn("1.00"), transaction))
    parsed = read_statement(path)
    assert codes(parsed) == [code]
    assert reason in parsed.problems[0].message
    line = parsed.problems[0].line
    assert line is not None
    assert path.read_text().splitlines()[line - 1].startswith("<STMTTRN>")
    assert len(parsed.transactions) == 1


def test_an_empty_ledger_balance_is_a_problem(write: Any) -> None:
    parsed = read_statement(write(bank(trn("1.00"), balance="</BALAMT>")))
    assert parsed.statements[0].closing is None
    assert codes(parsed) == ["bad_balance"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (bank(trn("1.00"), currency=""), "states no currency"),
        (
            bank().replace("<CODE>0<SEVERITY>INFO", "<CODE>15500<SEVERITY>ERROR<MESSAGE>Bad password", 1),
            "refused",
        ),
        (bank().replace("STMTRS>", "STMTRSX>"), "holds no bank or credit-card statement"),
        (
            f"{SGML_HEADER}<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS></INVSTMTRS></INVSTMTTRNRS>"
            "</INVSTMTMSGSRSV1></OFX>",
            "investment",
        ),
        (
            f"{SGML_HEADER}<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS></BANKMSGSRSV1></OFX>",
            "does not close <STMTRS>",
        ),
        (bank(trn("1.00")).split("</BANKTRANLIST>")[0], "ends inside <BANKTRANLIST>"),  # a download cut short
        (f"{SGML_HEADER}", "no <OFX> element"),
    ],
)
def test_files_without_a_statement_are_refused_with_the_reason(write: Any, text: str, reason: str) -> None:
    with pytest.raises(StatementUnreadable, match=reason):
        read_statement(write(text))


def test_a_server_error_instead_of_a_statement_is_named(write: Any) -> None:
    text = f"{SGML_HEADER}<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000<SEVERITY>ERROR"
    text += "<MESSAGE>General Server Error</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    with pytest.raises(StatementUnreadable, match="code 2000: General Server Error"):
        read_statement(write(text))


@pytest.mark.parametrize(
    ("head", "claimed"),
    [(b"OFXHEADER:100\nDATA:OFXSGML", True), (XML_HEADER.encode(), True), (b"\n<OFX>\n<SIGNON>", True),
     (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">', False),
     (b"01,BANK,CUST,240301", False), (b"date;amount;name\n", False), (b":20:STARTUMS\n:25:12345", False)],
)  # fmt: skip
def test_sniff_claims_ofx_only(head: bytes, claimed: bool, tmp_path: Path) -> None:
    assert ofx.sniff(head, tmp_path / "x") is claimed


# --- the public samples (../shared/data/bank-statements/ofx) ----------------------------------------

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "bank-statements" / "ofx"
NOT_SAMPLES = {"PROVENANCE.md", "MANIFEST.tsv"}


def _require(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: this test reads the public sample statements")


def _samples() -> list[str]:
    if not SAMPLES.is_dir():
        return ["(samples not present)"]
    files = [p for p in SAMPLES.rglob("*") if p.is_file() and p.name not in NOT_SAMPLES]
    return sorted(str(p.relative_to(SAMPLES)) for p in files if not p.name.startswith("LICENSE"))


OCA = "oca-bank-statement-import/"
NOT_BANK = "holds no bank or credit-card statement"
INVESTMENT = "holds investment statements"
# Files refused, and the reason the message must give.
REJECTED = {
    **{f"{OCA}{m}/tests/test_ofx_file/test_ofx_wrong.ofx": "states no currency" for m in (
        "account_bank_statement_import_ofx", "account_statement_import_ofx",
        "account_statement_import_ofx_by_acctid")},  # upstream's deliberately wrong file: no CURDEF
    "ofxparse/account_listing_aggregation.ofx": NOT_BANK,
    "ofxparse/bank_small.ofx": NOT_BANK,
    "ofxparse/signon_success.ofx": NOT_BANK,
    "ofxparse/signon_success_no_message.ofx": NOT_BANK,
    "ofxparse/error_message.ofx": "error instead of a statement",
    "ofxparse/signon_fail.ofx": "refused the sign-on",
    **{f"ofxparse/{n}.ofx": INVESTMENT for n in (
        "fidelity", "fidelity-savings", "investment_401k", "investment_medium", "td_ameritrade", "tiaacref",
        "vanguard", "vanguard401k")},
}  # fmt: skip
# The problems each file read is expected to raise (none for the others).
PROBLEMS = {
    "ofxparse/fail_nice/date_missing.ofx": {"bad_entry"},  # no, an empty and an impossible DTPOSTED
    "ofxparse/fail_nice/decimal_error.ofx": {"bad_entry"},  # TRNAMT "$120"
    "ofxparse/fail_nice/empty_balance.ofx": {"bad_balance"},  # LEDGERBAL without an amount
    "ofxparse/ofx-v102-empty-tags.ofx": {"bad_balance"},
}


@pytest.mark.shared
@pytest.mark.parametrize("name", _samples())
def test_every_sample_is_read_or_refused_as_expected(shared_data: Path, name: str) -> None:
    _require(SAMPLES)
    path = SAMPLES / name
    if name in REJECTED:
        with pytest.raises(StatementUnreadable, match=REJECTED[name]):
            read_statement(path)
        return
    parsed = read_statement(path)
    assert parsed.format is StatementFormat.OFX
    assert {p.code for p in parsed.problems} == PROBLEMS.get(name, set()), parsed.problems


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "closings", "amounts", "names"),
    [
        (f"{OCA}account_statement_import_ofx/tests/test_ofx_file/test_ofx.ofx", ["2156.56", "-562.00"],
         ["-80", "-90", "-100", "-90"], ["Agrolait", "China Export", "Axelor Scuba", "China Scuba"]),
        ("ofxparse/checking.ofx", ["100.99"], ["0.01", "-34.51", "-25.00"],
         ["DIVIDEND EARNED FOR PERIOD OF 03", "AUTOMATIC WITHDRAWAL, ELECTRIC BILL",
          "RETURNED CHECK FEE, CHECK # 319"]),
        ("ofxparse/suncorp.ofx", ["1234.12"], ["-16.85"], ["EFTPOS WDL HANDYWAY ALDI STORE"]),
        ("ofxparse/anzcc.ofx", ["-123.45"], ["-5.50"], [None]),
        ("ofxparse/bank_medium.ofx", ["382.34"], ["-6.60", "-316.67", "-22.00"],
         ["MCDONALD'S #112", "Joe's Bald Hairstyles", "CONNIE'S HAIR D"]),
        ("ofxparse/multiple_accounts.ofx", ["111", "222"], [], []),
        ("ofxparse/ofx-v102-empty-tags.ofx", [None], ["12.34"], [None]),
    ],
)  # fmt: skip
def test_samples_give_the_amounts_and_names_they_state(
    shared_data: Path, name: str, closings: list[str | None], amounts: list[str], names: list[str | None]
) -> None:
    _require(SAMPLES)
    parsed = read_statement(SAMPLES / name)
    assert [s.closing for s in parsed.statements] == [Decimal(c) if c else None for c in closings]
    assert [t.signed for t in parsed.transactions] == [Decimal(a) for a in amounts]
    assert [t.payer_name for t in parsed.transactions] == names
    assert all(t.currency for t in parsed.transactions)
