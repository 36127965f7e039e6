"""Reading the late-payment rule data (reference rates, the jurisdiction table) from YAML.

One place for the two things every loader needs: numbers that stay exact (a YAML ``4.50`` becomes
``Decimal('4.50')``, never a float) and errors that say where the problem is: the source, the line and
the field path (``reference_rates.yaml line 14: series.ecb_mro.rates[2].percent: ...``), so a
maintainer adding next half-year's rate can fix a typo without reading the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml

from dunwell.core.errors import DunwellError

#: The package folder of the shipped rule data (declared as package data in pyproject.toml).
SHIPPED_DATA_PACKAGE = "dunwell.dunning"
SHIPPED_DATA_FOLDER = "data"

Path = tuple[str | int, ...]


class InterestDataError(DunwellError):
    """Reference-rate or jurisdiction data that cannot be used as written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="interest_data")


class _ExactLoader(yaml.SafeLoader):
    """Safe YAML whose numbers with a fraction become ``Decimal`` built from the text as written:
    a rate must be exactly what the central bank published, and a float is not."""


def _exact_number(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a finite decimal number", node.start_mark
        )
    return value


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _exact_number)


def _line_index(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    """Record the 1-based line of every value in the document under its field path."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _line_index(value_node, (*path, str(key_node.value)), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_index(item, (*path, index), lines)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML document: its name for messages and the line of every field path."""

    source: str
    lines: dict[Path, int]

    def error(self, path: Path, message: str) -> InterestDataError:
        line = self.lines.get(path)
        where = f"{self.source} line {line}" if line is not None else self.source
        return InterestDataError(f"{where}: {format_path(path)}: {message}")


def format_path(path: Path) -> str:
    """``("series", "ecb_mro", "rates", 2)`` -> ``series.ecb_mro.rates[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


@dataclass(frozen=True, slots=True)
class Field:
    """One value of a document with its path, read as the type the rule data needs."""

    value: Any
    path: Path
    document: Document

    def error(self, message: str) -> InterestDataError:
        return self.document.error(self.path, message)

    def child(self, key: str | int, value: Any) -> Field:
        return Field(value, (*self.path, key), self.document)

    def mapping(
        self, *, required: frozenset[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Field]:
        """The fields of an object; a missing required key or an unknown key (a typo) is an error."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected an object with {', '.join(sorted(required))}")
        unknown = sorted(str(key) for key in self.value if key not in required | optional)
        if unknown:
            raise self.error(f"unknown field(s) {', '.join(unknown)}")
        missing = sorted(required - set(self.value))
        if missing:
            raise self.error(f"missing field(s) {', '.join(missing)}")
        return {str(key): self.child(str(key), value) for key, value in self.value.items()}

    def entries(self) -> dict[str, Field]:
        """An object whose keys are names chosen by the data (series, jurisdiction codes)."""
        if not isinstance(self.value, dict) or not self.value:
            raise self.error("expected a non-empty object")
        return {str(key): self.child(str(key), value) for key, value in self.value.items()}

    def items(self) -> list[Field]:
        if not isinstance(self.value, list) or not self.value:
            raise self.error("expected a non-empty list")
        return [self.child(index, value) for index, value in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected text, got {self.value!r}")
        return self.value.strip()

    def decimal(self) -> Decimal:
        """An exact number: written as a YAML number or a quoted decimal string; never a bool."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise self.error(f"expected a decimal number, got {value!r}")
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            raise self.error(f"expected a decimal number, got {value!r}") from None
        if not number.is_finite():
            raise self.error(f"expected a finite decimal number, got {value!r}")
        return number

    def whole(self, *, minimum: int = 0) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < minimum:
            raise self.error(f"expected a whole number of at least {minimum}, got {self.value!r}")
        return self.value

    def day(self) -> date:
        """A calendar date written ``YYYY-MM-DD`` (YAML reads it as a date, not text)."""
        if not isinstance(self.value, date):
            raise self.error(f"expected a date written YYYY-MM-DD, got {self.value!r}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {self.value!r}")
        return self.value

    def optional(self) -> Field | None:
        """None when the value is YAML ``null`` (a field that a row may leave empty)."""
        return None if self.value is None else self


def parse_document(text: str, *, source: str) -> Field:
    """The root of a YAML text; ``InterestDataError`` naming the line when it is not valid YAML."""
    try:
        node = yaml.compose(text, Loader=_ExactLoader)
        value = yaml.load(text, Loader=_ExactLoader)  # safe: _ExactLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InterestDataError(f"{source}{line}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise InterestDataError(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
    lines: dict[Path, int] = {}
    if node is not None:
        _line_index(node, (), lines)
    return Field(value, (), Document(source, lines))


def shipped_text(filename: str) -> str:
    """The text of a rule-data file shipped in ``dunwell/dunning/data``.

    The only file access of the late-payment engine, kept here so that the engine proper takes
    values: callers with their own data pass its text to the ``*_from_yaml`` functions instead.
    """
    folder = resources.files(SHIPPED_DATA_PACKAGE) / SHIPPED_DATA_FOLDER
    return (folder / filename).read_text(encoding="utf-8")
