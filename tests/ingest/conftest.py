"""Helpers for the import engine tests: write a small source file, parse it, split the results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from dunwell.ingest import CanonicalRow, ImportMapping, Rejection, check_columns, open_table, parse_rows

WriteCsv = Callable[..., Path]
ParseFile = Callable[[Path, ImportMapping], tuple[list[CanonicalRow], list[Rejection]]]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write ``text`` (dedented, first newline dropped) to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "input.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_text(dedent(text).lstrip("\n"), encoding=encoding)
        return path

    return write


def parse_file(path: Path, mapping: ImportMapping) -> tuple[list[CanonicalRow], list[Rejection]]:
    """Open, check and parse ``path``; return (good rows, rejections)."""
    with open_table(path, mapping=mapping) as table:
        check_columns(mapping, table.columns)
        results = list(parse_rows(table, mapping))
    good = [r for r in results if not isinstance(r, Rejection)]
    rejected = [r for r in results if isinstance(r, Rejection)]
    return good, rejected


@pytest.fixture
def parse() -> ParseFile:
    return parse_file
