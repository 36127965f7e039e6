"""The camt.052/053/054 reader: hand-written documents for each rule, the simulator's statements,
and every public sample file (with the upstream parser's expected results where it published them)."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dunwell.ingest.bank import (
    BankTransaction,
    Direction,
    StatementFile,
    StatementFormat,
    StatementUnreadable,
    read_statement,
)
from dunwell.ingest.bank.formats import camt
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

NS = "urn:iso:std:iso:20022:tech:xsd:camt.{}"
MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


def document(body: str, message: str = "053", version: str = "001.02") -> str:
    element, record = MESSAGES[message]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS.format(f"{message}.{version}")}">\n'
        f"<{element}><GrpHdr><MsgId>M1</MsgId></GrpHdr>\n<{record}>\n{body}\n</{record}></{element}>\n</Document>\n"
    )


def balance(code: str, amount: str, indicator: str = "CRDT", currency: str = "EUR") -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='{currency}'>{amount}</Amt>"
        f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>"
    )


def entry(
    amount: str, indicator: str = "CRDT", details: str = "", extra: str = "", status: str = "BOOK"
) -> str:
    return (
        f"<Ntry><NtryRef>E1</NtryRef><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{extra}"
        f"<Sts>{status}</Sts><BookgDt><Dt>2024-03-04</Dt></BookgDt><ValDt><DtTm>2024-03-05T10:00:00+01:00</DtTm></ValDt>"
        f"<AcctSvcrRef>B1</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
        f"</Fmly></Domn></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def tx(amount: str | None = None, name: str = "Acme GmbH", remittance: str = "", more: str = "") -> str:
    amt = f"<Amt Ccy='EUR'>{amount}</Amt>" if amount else ""
    rmt = f"<RmtInf>{remittance}</RmtInf>" if remittance else ""
    return (
        f"<TxDtls><Refs><EndToEndId>E2E-{name[:4]}</EndToEndId></Refs>{amt}<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><Cdtr><Nm>Our Company</Nm></Cdtr>"
        f"<CdtrAcct><Id><Othr><Id>ACC-1</Id></Othr></Id></CdtrAcct></RltdPties>{rmt}{more}</TxDtls>"
    )


def statement(*entries: str, opening: str = "100.00", closing: str | None = None, summary: str = "") -> str:
    head = "<Id>S1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    closing_balance = balance("CLBD", closing) if closing is not None else ""
    return head + balance("OPBD", opening) + closing_balance + summary + "\n" + "\n".join(entries)


@pytest.fixture
def write(tmp_path: Path) -> Any:
    def write(text: str, name: str = "statement.xml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def codes(parsed: StatementFile) -> list[str]:
    return [p.code for p in parsed.problems]


def test_a_single_credit_carries_every_field(write: Any) -> None:
    rmt = "<Ustrd>Invoice 2024-001</Ustrd><Ustrd>and 2024-002</Ustrd>"
    rmt += "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>"
    body = statement(entry("250.00", details=tx(remittance=rmt)), closing="350.00")
    parsed = read_statement(write(document(body)))
    assert parsed.format is StatementFormat.CAMT053
    assert codes(parsed) == []
    (s,) = parsed.statements
    assert (s.statement_id, s.account, s.currency, s.opening, s.closing) == (
        "S1", "NL91ABNA0417164300", "EUR", Decimal("100.00"), Decimal("350.00"))  # fmt: skip
    assert not s.interim
    (t,) = s.transactions
    assert t == BankTransaction(
        line=t.line, value_date=date(2024, 3, 5), amount=Decimal("250.00"), direction=Direction.CREDIT,
        currency="EUR", booking_date=date(2024, 3, 4), entry_ref="E1", payer_name="Acme GmbH",
        payer_account="DE89370400440532013000", remittance="Invoice 2024-001 and 2024-002",
        structured_reference="RF18539007547034", end_to_end_id="E2E-Acme", bank_code="PMNT/RCDT/ESCT",
    )  # fmt: skip
    assert write(document(body)).read_text().splitlines()[t.line - 1].startswith("<Ntry>")


def test_a_debit_names_the_creditor_and_version_8_parties_are_read(write: Any) -> None:
    details = (
        "<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties>"
        "<Dbtr><Pty><Nm>Our Company</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Supplier AG</Nm></Pty></Cdtr>"
        "<CdtrAcct><Id><Othr><Id>12-345</Id></Othr></Id>"
        "</CdtrAcct></RltdPties></TxDtls>"
    )
    body = statement(entry("40.00", "DBIT", details, status="<Cd>BOOK</Cd>"), closing="60.00")
    parsed = read_statement(write(document(body, version="001.08")))
    (t,) = parsed.transactions
    assert (t.direction, t.payer_name, t.payer_account, t.end_to_end_id) == (
        Direction.DEBIT,
        "Supplier AG",
        "12-345",
        None,
    )
    assert codes(parsed) == []


def test_a_batch_of_payments_is_split_and_checked_against_the_file_totals(write: Any) -> None:
    details = tx("70.00", "First Ltd") + tx("30.00", "Second Ltd")
    summary = (
        "<TxsSummry><TtlNtries><NbOfNtries>1</NbOfNtries></TtlNtries>"
        "<TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>100.00</Sum></TtlCdtNtries></TxsSummry>"
    )
    body = statement(entry("100.00", details=details), closing="200.00", summary=summary)
    parsed = read_statement(write(document(body)))
    assert codes(parsed) == []  # one entry as the file says, though two transactions
    first, second = parsed.transactions
    assert (first.amount, first.payer_name, first.entry_ref) == (Decimal("70.00"), "First Ltd", "E1/1")
    assert (second.amount, second.payer_name, second.entry_ref) == (Decimal("30.00"), "Second Ltd", "E1/2")
    assert first.line == second.line


def test_a_wrong_entry_count_is_reported_even_when_a_batch_is_split(write: Any) -> None:
    details = tx("70.00", "First Ltd") + tx("30.00", "Second Ltd")
    summary = "<TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries></TtlNtries></TxsSummry>"
    body = statement(entry("100.00", details=details), closing="200.00", summary=summary)
    parsed = read_statement(write(document(body)))
    assert codes(parsed) == ["control_total_mismatch"]
    assert "states 2 entries, the entries give 1" in parsed.problems[0].message


def test_control_totals_without_a_split_are_left_to_the_common_check(write: Any) -> None:
    summary = "<TxsSummry><TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>99.00</Sum></TtlCdtNtries></TxsSummry>"
    body = statement(entry("100.00", details=tx()), closing="200.00", summary=summary)
    parsed = read_statement(write(document(body)))
    assert parsed.statements[0].control.credits == Decimal("99.00")
    assert codes(parsed) == ["control_total_mismatch"]


def test_a_batch_that_does_not_add_up_is_kept_whole_and_said_so(write: Any) -> None:
    details = tx("70.00", "First Ltd") + tx("20.00", "Second Ltd", "<Ustrd>INV-9</Ustrd>")
    parsed = read_statement(write(document(statement(entry("100.00", details=details), closing="200.00"))))
    assert codes(parsed) == ["batch_not_split"]
    (t,) = parsed.transactions
    assert (t.amount, t.payer_name, t.remittance, t.entry_ref) == (Decimal("100.00"), None, "INV-9", "E1")


def test_a_reversal_is_flagged_and_keeps_its_booked_direction(write: Any) -> None:
    body = statement(entry("15.00", "DBIT", tx(), extra="<RvslInd>true</RvslInd>"), closing="85.00")
    (t,) = read_statement(write(document(body))).transactions
    assert t.reversal
    assert t.direction is Direction.DEBIT
    assert (t.payer_name, t.payer_account) == ("Our Company", "ACC-1")  # a debit's counterparty: the creditor


@pytest.mark.parametrize(
    ("amount", "reason"),
    [("12,50", "not a valid amount"), ("NaN", "not a valid amount"), ("-5.00", "not a valid amount"),
     ("1E3", "not a valid amount"), ("", "not a valid amount")],
)  # fmt: skip
def test_an_unreadable_amount_is_a_bad_entry_not_a_crash(write: Any, amount: str, reason: str) -> None:
    body = statement(entry(amount, details=tx()), entry("5.00", details=tx()), closing="105.00")
    path = write(document(body))
    parsed = read_statement(path)
    assert codes(parsed) == ["bad_entry"]
    assert reason in parsed.problems[0].message
    line = parsed.problems[0].line
    assert line is not None
    assert path.read_text().splitlines()[line - 1].startswith("<Ntry>")
    assert [t.amount for t in parsed.transactions] == [Decimal("5.00")]


def test_pending_zero_and_undated_entries_are_reported_not_dropped(write: Any) -> None:
    undated = entry("3.00").replace("<BookgDt><Dt>2024-03-04</Dt></BookgDt>", "").replace(
        "<ValDt><DtTm>2024-03-05T10:00:00+01:00</DtTm></ValDt>", "")  # fmt: skip
    body = statement(entry("9.00", status="PDNG"), entry("0.00"), undated, entry("1.00"), closing="101.00")
    parsed = read_statement(write(document(body, "052"), "report.xml"))
    assert codes(parsed) == ["not_booked", "zero_amount", "bad_entry"]
    assert parsed.format is StatementFormat.CAMT052
    assert parsed.statements[0].interim
    assert len(parsed.transactions) == 1


def test_balances_are_signed_and_a_mismatch_is_reported(write: Any) -> None:
    body = "<Id>S9</Id><Acct><Id><IBAN>X</IBAN></Id></Acct>" + balance("PRCD", "10.00", "DBIT")
    body += balance("CLBD", "5.00") + entry("14.00", details=tx())
    parsed = read_statement(write(document(body)))
    s = parsed.statements[0]
    assert (s.currency, s.opening, s.closing) == ("EUR", Decimal("-10.00"), Decimal("5.00"))
    assert codes(parsed) == ["balance_mismatch"]


def test_a_balance_in_another_currency_is_ignored_with_a_problem(write: Any) -> None:
    body = statement(entry("1.00", details=tx())) + balance("CLBD", "101.00", currency="SEK")
    parsed = read_statement(write(document(body)))
    assert parsed.statements[0].closing is None
    assert codes(parsed) == ["bad_balance"]


def test_notifications_and_several_statements(write: Any) -> None:
    record = "<Id>N{}</Id><Acct><Id><IBAN>CH93</IBAN></Id></Acct>" + entry("8.00", details=tx())
    text = document(record.format(1) + "</Ntfctn><Ntfctn>" + record.format(2), "054", "001.04")
    parsed = read_statement(write(text))
    assert parsed.format is StatementFormat.CAMT054
    assert [s.statement_id for s in parsed.statements] == ["N1", "N2"]
    assert all(s.interim and s.currency == "EUR" for s in parsed.statements)


def test_a_version_1_message_and_one_without_namespace(write: Any) -> None:
    v1 = document(statement(entry("1.00"), closing="101.00")).replace("BkToCstmrStmt>", "BkToCstmrStmtV01>")
    assert len(read_statement(write(v1)).transactions) == 1
    bare = document(statement(entry("1.00"), closing="101.00")).replace(
        f' xmlns="{NS.format("053.001.02")}"', ""
    )
    assert len(read_statement(write(bare, "bare.xml")).transactions) == 1


def test_a_zip_of_statements_is_read_member_by_member(tmp_path: Path) -> None:
    path = tmp_path / "statements.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.xml", document(statement(entry("1.00", details=tx()), closing="101.00")))
        archive.writestr("b.xml", document(statement(entry("2.00", details=tx()), closing="102.00")))
        archive.writestr("readme.txt", "not a statement")
    parsed = read_statement(path)
    assert parsed.format is StatementFormat.CAMT053
    assert len(parsed.statements) == 2
    assert codes(parsed) == ["skipped_member"]
    assert "readme.txt" in parsed.problems[0].message


def test_a_zip_mixing_messages_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.xml", document(statement(entry("1.00"))))
        archive.writestr("b.xml", document(statement(entry("1.00")), "054"))
    with pytest.raises(StatementUnreadable, match=r"mixes camt\.053, camt\.054"):
        read_statement(path)


def test_a_zip_without_camt_is_not_claimed_and_a_large_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "not a statement")
    assert not camt.sniff(other.read_bytes()[:4096], other)
    with pytest.raises(StatementUnreadable, match="holds no camt file"):
        camt.read(other)
    large = tmp_path / "large.zip"
    with zipfile.ZipFile(large, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", document(statement(entry("1.00"), closing="101.00")) + " " * 5000)
    monkeypatch.setattr(camt, "MAX_ZIP_BYTES", 4000)
    with pytest.raises(StatementUnreadable, match="inflates to more than"):
        read_statement(large)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (document(statement()).replace("</Document>", ""), "not well-formed XML"),
        (document("").replace("<Stmt>\n\n</Stmt>", ""), "no <Stmt>"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(write: Any, text: str, reason: str) -> None:
    with pytest.raises(StatementUnreadable, match=reason):
        read_statement(write(text))


def test_entities_are_not_resolved(write: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = document(statement(entry("1.00", details=tx(remittance="<Ustrd>&xxe;</Ustrd>")), closing="101.00"))
    text = text.replace(
        "<Document", f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<Document', 1
    )
    parsed = read_statement(write(text))
    assert "TOP-SECRET" not in repr(parsed)


@pytest.mark.parametrize(
    "head",
    [b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">',
     b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.01">', b"<rss><channel/></rss>",
     b"OFXHEADER:100", b":20:STATEMENT"],
)  # fmt: skip
def test_other_files_are_not_claimed(head: bytes, tmp_path: Path) -> None:
    assert not camt.sniff(head, tmp_path / "x.xml")


def test_the_simulators_statements_parse_with_every_payment_intact(tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=20, months=2, seed=1, start=date(2024, 1, 1)
    )
    write_company(company, tmp_path)
    payments = {p.payment_id: p for p in company.payments}
    files = sorted((tmp_path / "statements").glob("*.camt053.xml"))
    assert files
    seen = 0
    for path in files:
        parsed = read_statement(path)
        assert parsed.problems == ()
        assert parsed.format is StatementFormat.CAMT053
        (s,) = parsed.statements
        assert s.opening is not None
        assert s.closing == s.opening + s.credits
        for t in s.transactions:
            p = payments[t.entry_ref or ""]
            assert (t.amount, t.currency, t.value_date, t.direction) == (
                p.amount,
                p.currency,
                p.value_date,
                Direction.CREDIT,
            )
            assert (t.payer_name, t.payer_account) == (p.payer_name, p.payer_account)
            assert t.structured_reference == (p.structured_reference or None)
            assert t.remittance == ("" if p.structured_reference else " ".join(p.remittance_text.split()))
            seen += 1
    assert seen == len(company.payments) > 0


# --- the public samples (../shared/data/bank-statements/camt) ---------------------------------------

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "bank-statements" / "camt"
NOT_SAMPLES = {"PROVENANCE.md", "MANIFEST.tsv"}  # metadata beside the samples, and the expected results


def _require(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: this test reads the public sample statements")


def _samples() -> list[str]:
    if not SAMPLES.is_dir():
        return ["(samples not present)"]
    files = [p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix != ".json"]
    return sorted(str(p.relative_to(SAMPLES)) for p in files if not _metadata(p.name))


def _metadata(name: str) -> bool:
    return name in NOT_SAMPLES or name.startswith("LICENSE")


REJECTED = {"genkgo-camt/camt053.v2.wrong.xml": "no <Stmt>"}  # upstream's deliberately wrong file
OCA = "oca-bank-statement-import/"
TRIMMED = "trimmed from a bank sample: its entries do not add up to the balance change"
# The problems each sample is expected to raise (none for the others), and why.
PROBLEMS: dict[str, tuple[set[str], str]] = {
    **{f"genkgo-camt/camt052.v{v}.xml": ({"not_booked"}, "a PDNG entry") for v in ("4", "6", "6.Amt-zero")},
    **{f"genkgo-camt/camt054.v{v}.xml": ({"batch_not_split"}, "CHF TxDtls under a SEK entry") for v in "248"},
    **{f"genkgo-camt/camt{n}.xml": ({"bad_entry"}, "an entry without any date") for n in (
        "052.v2.with-account-name", "054.v2.with-account-name", "054.v8-with-UETR",
        "054.v8-with-financial-institution")},
    **{f"genkgo-camt/camt053.{v}.xml": ({"bad_balance"}, "a SEK closing balance on a EUR account") for v in (
        "v2.minimal", "v2.minimal.ultimate", "v2.with-party-ids", "v3", "v4", "v8")},
    "genkgo-camt/camt053.v2.all-balance-types.xml": ({"balance_mismatch"}, "edited: 1.01 + 8.85 != 4.04"),
    "genkgo-camt/camt053.v2.five.decimals.xml": ({"balance_mismatch"}, "edited: 18.15 + 8.85 != 27.05"),
    **{f"{OCA}{m}/test_files/test-camt053{x}": ({"balance_mismatch"}, TRIMMED) for m in (
        "account_bank_statement_import_camt", "account_bank_statement_import_camt_oca",
        "account_statement_import_camt") for x in ("", ".zip")},
    f"{OCA}account_bank_statement_import_camt/test_files/test-camt053.xml": ({"balance_mismatch"}, TRIMMED),
    f"{OCA}account_bank_statement_import_camt_oca/test_files/test-camt053-bookgdt-dttm": (
        {"balance_mismatch"}, TRIMMED),
}  # fmt: skip


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
    assert parsed.format in (StatementFormat.CAMT052, StatementFormat.CAMT053, StatementFormat.CAMT054)
    assert {p.code for p in parsed.problems} == PROBLEMS.get(name, (set(), ""))[0], parsed.problems


def _genkgo_pairs() -> list[str]:
    folder = SAMPLES / "genkgo-camt"
    if not folder.is_dir():
        return ["(samples not present)"]
    return sorted(p.stem for p in folder.glob("*.json") if p.with_suffix(".xml").is_file())


def _resolved(items: list[Any], single: Any) -> list[Any]:
    """genkgo's dumps write ``__RECURSIVITY__`` for an object already shown under the singular getter."""
    return [single if item == "__RECURSIVITY__" else item for item in items or []]


@pytest.mark.shared
@pytest.mark.parametrize("stem", _genkgo_pairs())
def test_genkgo_samples_agree_with_genkgos_own_parse(shared_data: Path, stem: str) -> None:
    """genkgo/camt published what its parser reads from each sample: the entries we keep agree on
    amount, direction, dates, references, counterparty, remittance and creditor reference."""
    _require(SAMPLES)
    golden = json.loads((SAMPLES / "genkgo-camt" / f"{stem}.json").read_text(encoding="utf-8"))
    parsed = read_statement(SAMPLES / "genkgo-camt" / f"{stem}.xml")
    # genkgo's dump lists only the last statement's entries when a file has several
    shown = {e["getRecord"]["getId"] for e in golden["getEntries"] if isinstance(e["getRecord"], dict)}
    statements = [s for s in parsed.statements if s.statement_id in shown] or parsed.statements
    by_line: dict[int, list[BankTransaction]] = defaultdict(list)
    for t in (t for s in statements for t in s.transactions):
        by_line[t.line].append(t)
    left_out = {
        p.line: p.code for p in parsed.problems if p.code in ("not_booked", "bad_entry", "zero_amount")
    }
    lines = sorted({*by_line, *(line for line in left_out if line is not None)})
    assert len(lines) == len(golden["getEntries"])
    for line, expected in zip(lines, golden["getEntries"], strict=True):
        if expected["getStatus"] != "BOOK":
            assert left_out.get(line) == "not_booked"
            continue
        if line in left_out:  # genkgo accepts an entry without dates; we cannot place it in time
            assert left_out[line] == "bad_entry"
            assert expected["getValueDate"] is None
            continue
        found = by_line[line]
        signed = Decimal(expected["getAmount"]["getAmount"]) / 100  # minor units of EUR/SEK
        assert sum(t.signed for t in found) == signed
        t = found[0]
        assert t.currency == expected["getAmount"]["getCurrency"]["getCode"]
        assert t.booking_date == date.fromisoformat(expected["getBookingDate"]["0"][:10])
        value = expected["getValueDate"]
        assert t.value_date == (date.fromisoformat(value["0"][:10]) if value else t.booking_date)
        assert t.entry_ref == (expected["getReference"] or expected["getAccountServicerReference"])
        assert t.reversal == bool(expected["getReversalIndicator"])
        details = _resolved(expected["getTransactionDetails"], expected["getTransactionDetail"])
        for d in details if len(found) == 1 else ():
            info = d["getRemittanceInformation"]
            message = info and info != "__RECURSIVITY__" and info["getMessage"]
            # genkgo shows a lone creditor reference as the message
            assert not message or message in t.remittance or message == t.structured_reference
        if len(details) == 1 and len(found) == 1:
            role = "Debtor" if t.direction is Direction.CREDIT else "Creditor"
            parties = [
                p["getRelatedPartyType"] for p in details[0]["getRelatedParties"] if isinstance(p, dict)
            ]
            names = {p["__CLASS__"].rsplit("\\", 1)[-1]: p["getName"] for p in parties}
            assert t.payer_name == names.get(role, names.get(f"Ultimate{role}"))
            end_to_end = (details[0]["getReference"] or {}).get("getEndToEndId")
            assert t.end_to_end_id == end_to_end
