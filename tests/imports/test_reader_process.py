"""The import's reader process: parsing a large file in a second process changes nothing but speed.

Everything the inline reader yields, the reader process yields too (rows, rejections, counts);
errors there reach the caller with their code; a reader that dies or is abandoned never hangs the
import; rows refused by the database still reach the reject file in line order with their text.
"""

from __future__ import annotations

import pickle
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from dunwell.core.errors import DunwellError
from dunwell.imports.chunking import ChunkReader, ParsedChunk
from dunwell.imports.invoice_rows import prepare_invoices
from dunwell.ingest import FILE_UNREADABLE, ImportKind, SourceError, identity_mapping, load_preset

INVOICES = ImportKind.INVOICES
AS_OF = date(2024, 2, 15)
HEADER = "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount,paid_date"
TESTS = Path(__file__).resolve().parents[1]


def _file(tmp_path: Path, rows: int, *, bad_every: int = 0, name: str = "book.csv") -> Path:
    lines = [HEADER]
    for n in range(rows):
        due = "2024-01-01" if bad_every and n % bad_every == 0 else "2024-02-01"  # before issue: rejected
        paid = "2024-02-03" if n % 3 == 0 else ""
        open_amount = "0.00" if paid else f"{n}.50"
        lines.append(f"I-{n},C{n % 7},Customer {n % 7},2024-01-05,{due},USD,{n}.50,{open_amount},{paid}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _chunks(path: Path, *, in_process: bool, prepare=None, batch_size: int = 40) -> list[ParsedChunk]:  # type: ignore[no-untyped-def]
    with ChunkReader(
        path, identity_mapping(INVOICES), batch_size=batch_size, prepare=prepare, in_process=in_process
    ) as reader:
        return list(reader)


def test_the_reader_process_yields_exactly_what_the_inline_reader_yields(tmp_path: Path) -> None:
    path = _file(tmp_path, 250, bad_every=17)
    prepare = partial(prepare_invoices, as_of=AS_OF)

    inline = _chunks(path, in_process=False, prepare=prepare)
    child = _chunks(path, in_process=True, prepare=prepare)

    assert [c.read for c in child] == [c.read for c in inline]
    assert sum(c.read for c in child) == 250
    assert [c.rows for c in child] == [c.rows for c in inline]
    assert [(r.line, r.field, r.reason) for c in child for r in c.rejections] == [
        (r.line, r.field, r.reason) for c in inline for r in c.rejections
    ]
    assert len([r for c in child for r in c.rejections]) == 15  # rows 0, 17, ..., 238


def test_a_file_error_in_the_reader_process_reaches_the_caller_with_its_code(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nI-1,C1,Caf\xe9,2024-01-05,2024-02-01,USD,1.00,1.00,\n".encode("latin-1"))

    with pytest.raises(SourceError) as raised:
        _chunks(path, in_process=True)

    assert raised.value.code == FILE_UNREADABLE
    assert "latin1.csv" in str(raised.value)


def test_an_unexpected_error_in_the_reader_process_is_raised_in_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # so that the child can import reader_helpers
    from reader_helpers import fail_loudly

    with pytest.raises(ValueError, match="prepare failed on purpose"):
        _chunks(_file(tmp_path, 10), in_process=True, prepare=fail_loudly)


def test_a_reader_process_that_dies_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    from reader_helpers import die_abruptly

    with pytest.raises(DunwellError, match=r"reader process stopped unexpectedly \(exit code 3\)") as raised:
        _chunks(_file(tmp_path, 10), in_process=True, prepare=die_abruptly)

    assert raised.value.code == "import_reader_died"


def test_leaving_a_reader_early_stops_its_process(tmp_path: Path) -> None:
    path = _file(tmp_path, 2000)
    reader = ChunkReader(path, identity_mapping(INVOICES), batch_size=10, in_process=True, depth=1)
    with reader:
        first = next(iter(reader))
        process = reader._process
        assert process is not None
    assert first.read == 10
    assert process.poll() is not None  # killed while blocked on the full pipe, and reaped


def test_mappings_and_errors_survive_the_trip_to_the_reader_process() -> None:
    mapping = load_preset("ibm", INVOICES)
    assert pickle.loads(pickle.dumps(mapping)) == mapping
    error = pickle.loads(pickle.dumps(SourceError("x.csv: cannot open")))
    assert (type(error), error.code, str(error)) == (SourceError, FILE_UNREADABLE, "x.csv: cannot open")


def test_an_import_through_the_reader_process_stores_what_the_inline_import_stores(
    tmp_path: Path, do_import, book, read_rejects
) -> None:
    path = _file(tmp_path, 120, bad_every=25)
    inline = do_import(INVOICES, path, as_of=AS_OF, batch_size=32)
    stored = book.snapshot()
    # A second file: the same rows, but the currency of two of them changed, which only the
    # database step can refuse; the reject file must still list every row in line order, with text.
    text = path.read_text(encoding="utf-8").splitlines()
    for line in (30, 7):
        text[line - 1] = text[line - 1].replace(",USD,", ",EUR,")
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join(text) + "\n", encoding="utf-8")

    again = do_import(INVOICES, changed, as_of=AS_OF, batch_size=32, in_process=True)

    assert (inline.read, inline.imported, inline.rejected) == (120, 115, 5)
    assert (again.read, again.unchanged, again.rejected) == (120, 113, 7)
    assert book.snapshot() == stored
    rejects = read_rejects(again.reject_file)
    assert [int(r["line"]) for r in rejects] == [2, 7, 27, 30, 52, 77, 102]
    by_line = {int(r["line"]): r for r in rejects}
    assert by_line[7]["reason"] == "currency cannot change (stored: USD)"
    assert (by_line[7]["invoice_id"], by_line[7]["currency"]) == ("I-5", "EUR")
    assert by_line[30]["invoice_id"] == "I-28"
    assert by_line[52]["field"] == "due_date"
