"""Bad bank files never crash a reader: a broken file is read, or refused with our own error.

Mutants of a small statement of every format (``fuzz_seeds``; bytes flipped, cut, repeated, format
tokens spliced in by ``fuzzing``) go through ``read_statement``, which must return a statement
file or raise a ``DunwellError``: never an IndexError, a ValueError, a decimal or zip or XML
error. Hypothesis draws the mutations with a fixed derandomised budget; a longer run over the
shared samples is ``make fuzz`` (``bench/fuzz_bank_readers.py``). Below the fuzz tests, each crash
the fuzzer found, as a small file written here, with what the reader says now.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.core.errors import DunwellError
from dunwell.ingest.bank import Direction, StatementFile, StatementUnreadable, read_statement
from dunwell.ingest.bank.formats import ofx
from ingest.bank import fuzz_seeds
from ingest.bank.fuzzing import (
    GENERIC,
    TOKENS,
    Mutation,
    apply,
    format_of,
    fuzz,
    load_seeds,
    ops_for,
    seed_files,
    tokens_for,
)

SEED_NAMES = (
    "statement.sta", "interim.942", "report.bai2", "camt053.xml", "camt054.xml", "bank.ofx", "card.qfx",
    "export.qif", "umsaetze.csv", "export.xlsx", "camt053.zip",
)  # fmt: skip
#: Mutants per seed: 1,100 files in all, about 8 s on a busy 2-core machine (with the rest of this file).
EXAMPLES_PER_SEED = 100


@cache
def _seed(name: str) -> tuple[bytes, str]:
    data = fuzz_seeds.seeds()[name]
    return data, format_of(data, name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _read(folder: Path, name: str, data: bytes) -> StatementFile | None:
    """The file read, or None when refused with our error; any other exception fails the test."""
    path = folder / name
    path.write_bytes(data)
    try:
        return read_statement(path)
    except DunwellError:
        return None


def mutations(fmt: str) -> st.SearchStrategy[list[Mutation]]:
    """One to four mutations; half the tokens the format's own (``:61:``, ``16,``, ``<Ntry>``...)."""
    one = st.tuples(
        st.sampled_from(ops_for(fmt)),
        st.integers(0, 1 << 20),
        st.integers(0, 1023),
        st.one_of(st.sampled_from(TOKENS.get(fmt, GENERIC)), st.sampled_from(tokens_for(fmt))),
    )
    return st.lists(one, min_size=1, max_size=4)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_seed_reads_cleanly(folder: Path, name: str) -> None:
    parsed = _read(folder, name, _seed(name)[0])
    assert parsed is not None
    assert parsed.transactions
    assert not {p.code for p in parsed.problems} & {"bad_entry", "balance_mismatch", "control_total_mismatch"}


@pytest.mark.parametrize("name", SEED_NAMES)
@settings(
    max_examples=EXAMPLES_PER_SEED,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_mutated_file_is_read_or_refused_never_a_crash(
    folder: Path, name: str, data: st.DataObject
) -> None:
    seed, fmt = _seed(name)
    mutated = seed
    for mutation in data.draw(mutations(fmt), label="mutations"):
        mutated = apply(mutated, mutation)
    _read(folder, name, mutated)


@pytest.mark.shared
def test_mutants_of_the_shared_samples_are_read_or_refused(shared_data: Path) -> None:
    samples = shared_data / "bank-statements"
    if not samples.is_dir():
        pytest.skip(f"{samples} not found: the bank statement samples live in ../shared/data")
    seeds = load_seeds(seed_files(samples), samples)
    report = fuzz(seeds, files=2 * len(seeds), seed=15)
    summary = report.summary()
    assert summary["crashes"] == 0, summary["crash_kinds"]


# --- the crashes the fuzzer found ---------------------------------------------------------------

MT940_HEAD = b":20:REF\n:25:NL91ABNA0417164300\n:28C:1/1\n:60F:C240102EUR100,00\n"


@pytest.mark.parametrize("line", [b":61:\n", b":61:   \n", b":61:\n\n"])
def test_mt940_an_empty_statement_line_is_a_bad_entry_with_its_line(folder: Path, line: bytes) -> None:
    """Was: IndexError in ``swift_fields.statement_line`` (the 17 crashes of issue 15)."""
    parsed = _read(folder, "s.sta", MT940_HEAD + line + b":86:TEXT\n:62F:C240102EUR100,00\n-\n")
    assert parsed is not None
    assert [(p.code, p.message, p.line) for p in parsed.problems] == [
        ("bad_entry", ":61: an empty statement line", 5)
    ]


def test_mt942_a_count_too_long_for_int_is_a_bad_total(folder: Path) -> None:
    """Was: ValueError (int() refuses 4,300 digits) in ``swift_fields.sum_entries``."""
    text = b":20:R\n:25:DE44500105175407324931\n:28C:1\n:34F:EUR0,\n:13D:2401041200+0100\n"
    parsed = _read(folder, "i.942", text + b":90D:" + b"1" * 5000 + b"EUR1,00\n")
    assert parsed is not None
    assert [p.code for p in parsed.problems] == ["bad_total"]


BAI2 = "01,B,ME,240101,1200,1,,,2/\n02,ME,B,1,240101,,USD,/\n03,1,USD,/\n16,{code},{amount},{funds},R,C,TEXT/\n49,{total},3/\n98,{total},1,5/\n99,{total},1,7/\n"  # noqa: E501


def _bai2(code: str = "195", amount: str = "100", funds: str = "0", total: str = "100") -> bytes:
    return BAI2.format(code=code, amount=amount, funds=funds, total=total).encode()


def test_bai2_an_amount_of_thousands_of_digits_is_a_bad_entry(folder: Path) -> None:
    """Was: ValueError (int() refuses 4,300 digits) in ``bai2_records.signed_int``."""
    parsed = _read(folder, "r.bai2", _bai2(amount="9" * 5000))
    assert parsed is not None
    problem = next(p for p in parsed.problems if p.code == "bad_entry")
    assert problem.line == 4
    assert len(problem.message) < 120


def test_bai2_a_type_code_with_a_superscript_digit_is_not_a_number(folder: Path) -> None:
    """Was: ValueError in ``bai2.direction_of``: "1²5".isdigit() is true, int("1²5") fails."""
    parsed = _read(folder, "r.bai2", _bai2(code="1²5"))
    assert parsed is not None
    assert not parsed.transactions
    assert "info_records_skipped" in {p.code for p in parsed.problems}


def test_bai2_a_distribution_count_past_the_record_does_not_loop(folder: Path) -> None:
    """Was: a loop of 2 x 10^12 reads for funds type D with a huge count (a hang, not a crash)."""
    parsed = _read(folder, "r.bai2", _bai2(funds="D,999999999999"))
    assert parsed is not None
    problem = next(p for p in parsed.problems if p.code == "bad_record")
    assert problem.line == 4
    assert "999999999999 distributions" in problem.message


CAMT_COUNT = """<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Id>S</Id><TxsSummry><TtlNtries><NbOfNtries>{count}</NbOfNtries></TtlNtries></TxsSummry>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2024-01-02</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>"""


@pytest.mark.parametrize("count", ["²", "1" * 5000])
def test_camt_an_entry_count_that_is_no_number_is_ignored(folder: Path, count: str) -> None:
    """Was: ValueError in ``camt._control``: isdigit() passes "²" and 5,000 digits, int() does not."""
    parsed = _read(folder, "c.xml", CAMT_COUNT.format(count=count).encode())
    assert parsed is not None
    assert parsed.statements[0].control.entries is None


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)  # a name beyond ASCII is written as UTF-8, and flagged so
    return out.getvalue()


def _break_member(data: bytes, name: str) -> bytes:
    """The archive with ``name``'s deflated bytes overwritten: 0xFF is an invalid deflate block."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    at = info.header_offset  # a local header: 30 bytes, then the name and the extra field
    start = (
        at
        + 30
        + int.from_bytes(data[at + 26 : at + 28], "little")
        + int.from_bytes(data[at + 28 : at + 30], "little")
    )
    return data[:start] + b"\xff" * info.compress_size + data[start + info.compress_size :]


def test_camt_zip_a_member_that_does_not_inflate_is_refused(folder: Path) -> None:
    """Was: zlib.error in ``camt._members`` (the first member is sound, so sniffing claims the zip)."""
    data = _break_member(_zip({"a.xml": fuzz_seeds.CAMT053, "b.xml": fuzz_seeds.CAMT053}), "b.xml")
    with pytest.raises(StatementUnreadable, match=r"the zip archive cannot be read \(error: .*invalid block"):
        read_statement(_write(folder, "s.zip", data))


@pytest.mark.parametrize(
    "broken",
    [
        lambda: _break_member(_zip({"a.xml": fuzz_seeds.CAMT053}), "a.xml"),  # was zlib.error in sniff
        lambda: _zip({"é.xml": fuzz_seeds.CAMT053}).replace("é".encode(), b"\xfc\xfc"),
    ],
    ids=["member-does-not-inflate", "name-not-utf8"],
)
def test_a_zip_too_broken_to_sniff_is_refused(folder: Path, broken: Callable[[], bytes]) -> None:
    """Was: zlib.error / UnicodeDecodeError in ``camt.sniff``; now no reader claims it."""
    with pytest.raises(StatementUnreadable, match="not a supported bank statement"):
        read_statement(_write(folder, "s.zip", broken()))


def test_csv_utf16_with_a_byte_missing_is_refused_with_its_line(folder: Path) -> None:
    """Was: UnicodeDecodeError in ``delimited._decode``."""
    text = "Date,Amount\n2024-01-02,1.00".encode("utf-16")
    with pytest.raises(
        StatementUnreadable, match=r"not valid UTF-16 text \(truncated data at byte \d+; line 2\)"
    ):
        read_statement(_write(folder, "t.csv", text + b"x"))


def _workbook(rows: list[list[object]], *patches: tuple[str, str]) -> bytes:
    """A workbook of ``rows`` whose sheet XML is then edited by regex (what a damaged file holds)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    source, out = zipfile.ZipFile(saved), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for pattern, replacement in patches:
                    content = re.sub(pattern.encode(), replacement.encode(), content, count=1)
            archive.writestr(info, content)
    return out.getvalue()


ROWS: list[list[object]] = [["Date", "Amount", "Currency"], ["2024-01-02", 12.5, "EUR"]]


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ((r"</row>", "</rox>"), "ParseError: mismatched tag"),
        ((r'<c r="C2" t="[a-zA-Z]+">.*?</c>', '<c r="C2" t="s"><v>99</v></c>'), "IndexError"),
        ((r"<v>12.5</v>", "<v>nan</v>"), "ValueError"),
    ],
    ids=["sheet-xml", "shared-string-index", "number-cell"],
)
def test_xlsx_a_damaged_sheet_is_refused_with_the_reason(
    folder: Path, patch: tuple[str, str], reason: str
) -> None:
    """Was: ParseError / IndexError raised while ``delimited._xlsx_rows`` iterates the rows."""
    with pytest.raises(StatementUnreadable, match=re.escape(f"cannot read the workbook's cells ({reason}")):
        read_statement(_write(folder, "w.xlsx", _workbook(ROWS, patch)))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e300", "number too large: 1e+300"),
        ("1e999", "not a number: 'inf'"),
        ("-1e999", "not a number: '-inf'"),
    ],
)
def test_xlsx_an_amount_cell_no_currency_can_hold_is_a_bad_entry(
    folder: Path, value: str, reason: str
) -> None:
    """Was: decimal.InvalidOperation rounding 1e300 (or infinity) to cents in ``bank_rows``."""
    parsed = _read(folder, "w.xlsx", _workbook(ROWS, (r"<v>12.5</v>", f"<v>{value}</v>")))
    assert parsed is not None
    assert not parsed.transactions
    assert [(p.code, p.line) for p in parsed.problems] == [("bad_entry", 2)]
    assert reason in parsed.problems[0].message


def test_xlsx_an_infinite_header_cell_is_a_column_name(folder: Path) -> None:
    """Was: OverflowError (int(Decimal("Infinity"))) naming the columns in ``bank_rows.cell_text``."""
    rows: list[list[object]] = [["Date", 5.5, "Amount"], ["2024-01-02", "x", 12.5]]
    parsed = _read(folder, "w.xlsx", _workbook(rows, (r"<v>5.5</v>", "<v>1e999</v>")))
    assert parsed is not None
    assert [(t.amount, t.direction) for t in parsed.transactions] == [(12.5, Direction.CREDIT)]


@pytest.mark.parametrize(
    "text",
    ["a<!--b-->c", "<!--\n-->x<!-- \n\n -->", "<!--<!-- -->-->", "<!-->x-->", "a<!--b", "<!--a--><!--b", ""],
)
def test_ofx_comments_are_blanked_as_the_regex_did(text: str) -> None:
    """The lazy regex rescanned the file for each unclosed ``<!--``: 20,000 of them took seconds."""
    expected = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), text, flags=re.DOTALL)
    assert ofx._blank_spans(text, "<!--", "-->") == expected
    assert ofx._blank_spans("<!--" * 20_000, "<!--", "-->") == "<!--" * 20_000


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
