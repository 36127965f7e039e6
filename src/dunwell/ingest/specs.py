"""The mapping value types: field specs and ``ImportMapping``, validated against the field schema.

A mapping says, per canonical field, where its value comes from: a source column, a constant, or a
date derived from another date plus a number of days. It also carries the file's conventions (date
formats, decimal and thousands separators, CSV delimiter, encoding, XLSX sheet). Every mapping is
validated when it is built, so a bad one fails before any row is read. ``dunwell.ingest.mapping``
loads mappings from YAML and presets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from dunwell.ingest.errors import MappingError
from dunwell.ingest.fields import FieldType, ImportKind, schema

__all__ = [
    "AddDaysSpec",
    "ColumnSpec",
    "ConstantSpec",
    "FieldSpec",
    "ImportKind",
    "ImportMapping",
]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """The field's value is the text of one source column.

    ``optional``: the column may be missing from the file (the field is then empty).
    ``default``: the source text used when the cell is empty.
    ``date_format``: for a date field, tried before the mapping's ``date_formats``.
    ``true_values``/``false_values``: for a boolean field, replace the built-in yes/no spellings.
    ``strip_dot_zero``: for a text or date field, drop a trailing ``.0`` that a float-typed tool added
    (``1930659387.0``, ``20200227.0``).
    ``round_to_currency``: for an amount, round float noise (``2309.7899999999995``) to the currency's
    minor unit instead of rejecting the row for excess precision.
    """

    column: str
    optional: bool = False
    default: str | None = None
    date_format: str | None = None
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    strip_dot_zero: bool = False
    round_to_currency: bool = False


@dataclass(frozen=True, slots=True)
class ConstantSpec:
    """The field has the same value on every row, given as source text (parsed like a cell)."""

    value: str


@dataclass(frozen=True, slots=True)
class AddDaysSpec:
    """A date field derived as another canonical date field plus a number of days.

    Exactly one of ``days`` (a fixed number) and ``days_column`` (a source column holding a whole
    number per row) is set. When the base date or the row's day count is empty, so is the result.
    """

    date: str
    days: int | None = None
    days_column: str | None = None


FieldSpec = ColumnSpec | ConstantSpec | AddDaysSpec

_OPTION_TYPES: Mapping[str, frozenset[FieldType]] = MappingProxyType(
    {
        "date_format": frozenset({FieldType.DATE}),
        "true_values": frozenset({FieldType.BOOL}),
        "false_values": frozenset({FieldType.BOOL}),
        "strip_dot_zero": frozenset({FieldType.TEXT, FieldType.DATE}),
        "round_to_currency": frozenset({FieldType.DECIMAL}),
    }
)


@dataclass(frozen=True, slots=True)
class ImportMapping:
    """How to read one file layout into canonical rows of ``kind``; validated on construction.

    ``fields`` maps canonical field names to their specs; unmapped fields take their schema default
    (``entity`` is ``MAIN``, ``disputed`` false, ``document_type`` invoice) or stay empty. ISO dates
    (``2024-01-31``) are always accepted in addition to ``date_formats``. ``csv_delimiter`` None
    means a tab for ``.tsv`` files and a comma otherwise. ``sheet`` None means the first sheet.
    ``source`` names the mapping (preset or file) in messages.
    """

    kind: ImportKind
    fields: Mapping[str, FieldSpec]
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    decimal_separator: str = "."
    thousands_separator: str = ""
    csv_delimiter: str | None = None
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    source: str = field(default="mapping", compare=False)

    def __post_init__(self) -> None:
        # Freeze a copy so that a caller mutating its dict cannot change a validated mapping.
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        object.__setattr__(self, "date_formats", tuple(self.date_formats))
        _validate(self)

    def __reduce__(self) -> tuple[object, ...]:
        # The frozen ``fields`` view does not pickle; a mapping travels to an import's reader process.
        return (
            ImportMapping,
            (
                self.kind,
                dict(self.fields),
                self.date_formats,
                self.decimal_separator,
                self.thousands_separator,
                self.csv_delimiter,
                self.encoding,
                self.sheet,
                self.source,
            ),
        )

    def required_columns(self) -> set[str]:
        """Source columns the file must have: every non-optional column and every ``days_column``."""
        return set(self.column_users())

    def with_constant(self, field_name: str, value: str) -> ImportMapping:
        """A copy where ``field_name`` is the constant ``value`` (e.g. an ``--entity`` option)."""
        return replace(self, fields={**self.fields, field_name: ConstantSpec(value)})

    def column_users(self) -> dict[str, list[str]]:
        """Each required source column and the canonical fields that read it."""
        users: dict[str, list[str]] = {}
        for name, spec in self.fields.items():
            if isinstance(spec, ColumnSpec) and not spec.optional:
                users.setdefault(spec.column, []).append(name)
            elif isinstance(spec, AddDaysSpec) and spec.days_column is not None:
                users.setdefault(spec.days_column, []).append(name)
        return users


def _validate(mapping: ImportMapping) -> None:
    where = mapping.source
    fields = schema(mapping.kind)
    unknown = [name for name in mapping.fields if name not in fields]
    if unknown:
        raise MappingError(
            f"{where}: unknown {mapping.kind} field(s) {', '.join(map(repr, unknown))}; "
            f"the fields are: {', '.join(fields)}"
        )
    unmapped = [d.name for d in fields.values() if d.required and d.name not in mapping.fields]
    if unmapped:
        raise MappingError(f"{where}: required field(s) not mapped: {', '.join(unmapped)}")
    for name, spec in mapping.fields.items():
        _validate_spec(mapping, name, spec)
    if not mapping.date_formats or not all("%" in f for f in mapping.date_formats):
        raise MappingError(
            f"{where}: date_formats must be a non-empty list of strptime formats such as '%d/%m/%Y'"
        )
    dec, thou = mapping.decimal_separator, mapping.thousands_separator
    if len(dec) != 1 or dec.isdigit() or dec in "+-" or len(thou) > 1 or thou.isdigit() or thou == dec:
        raise MappingError(
            f"{where}: decimal_separator must be one non-digit character and thousands_separator "
            f"empty or a different one (got {dec!r} and {thou!r})"
        )
    if mapping.csv_delimiter is not None and len(mapping.csv_delimiter) != 1:
        raise MappingError(f"{where}: csv_delimiter must be one character, not {mapping.csv_delimiter!r}")


def _validate_spec(mapping: ImportMapping, name: str, spec: FieldSpec) -> None:
    where = f"{mapping.source}: field {name}"
    field_type = schema(mapping.kind)[name].type
    if isinstance(spec, ColumnSpec):
        if not spec.column:
            raise MappingError(f"{where}: the column name is empty")
        for option, option_types in _OPTION_TYPES.items():
            if getattr(spec, option) and field_type not in option_types:
                allowed = " and ".join(sorted(option_types))
                raise MappingError(f"{where}: option {option} applies to {allowed} fields, not {field_type}")
        if bool(spec.true_values) != bool(spec.false_values):
            raise MappingError(f"{where}: give both true_values and false_values")
        if spec.date_format is not None and "%" not in spec.date_format:
            raise MappingError(f"{where}: date_format {spec.date_format!r} is not a strptime format")
    elif isinstance(spec, AddDaysSpec):
        base = mapping.fields.get(spec.date)
        fields = schema(mapping.kind)
        if field_type != FieldType.DATE:
            raise MappingError(f"{where}: add_days makes a date, but {name} is a {field_type} field")
        if spec.date not in fields or fields[spec.date].type != FieldType.DATE or spec.date == name:
            raise MappingError(f"{where}: add_days date must be another date field, not {spec.date!r}")
        if base is None or isinstance(base, AddDaysSpec):
            # One level only: it keeps evaluation order trivial and rules out cycles.
            raise MappingError(f"{where}: add_days base {spec.date} must be mapped to a column or constant")
        if (spec.days is None) == (spec.days_column is None):
            raise MappingError(f"{where}: add_days needs exactly one of days and days_column")
