"""The row parser: source rows in, typed canonical rows or rejections out.

``parse_rows`` compiles the mapping once into a plan (a converter per mapped column, constants and
defaults parsed up front), then runs a tight loop per row: read each mapped cell, convert it,
derive ``add_days`` dates, and hand the values to the kind's builder, which applies the cross-field
rules (signs, precision, date order, duplicates) and returns a row or None. A row with problems
becomes one ``Rejection`` listing all of them, so a user fixes a row once, not once per field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from dunwell.ingest.builders import BAD, CustomerBuilder, InvoiceBuilder, PaymentBuilder, RowBuilder
from dunwell.ingest.converters import (
    FieldError,
    make_bool_parser,
    make_date_parser,
    make_decimal_parser,
    parse_country,
    parse_currency,
    parse_days,
    parse_document_kind,
    parse_time_zone,
    strip_dot_zero,
)
from dunwell.ingest.errors import MappingError
from dunwell.ingest.fields import FieldDef, FieldType, ImportKind, schema
from dunwell.ingest.readers import SourceRow
from dunwell.ingest.records import (
    CanonicalRow,
    CustomerRow,
    InvoiceRow,
    PaymentRow,
    Problem,
    Rejection,
)
from dunwell.ingest.specs import AddDaysSpec, ColumnSpec, ConstantSpec, ImportMapping

__all__ = [
    "CanonicalRow",
    "CustomerRow",
    "InvoiceRow",
    "ParsedRow",
    "PaymentRow",
    "Problem",
    "Rejection",
    "parse_rows",
]

ParsedRow = InvoiceRow | PaymentRow | CustomerRow | Rejection
Converter = Callable[[str], Any]

_BUILDERS: dict[ImportKind, Callable[[ImportMapping], RowBuilder]] = {
    ImportKind.INVOICES: InvoiceBuilder,
    ImportKind.PAYMENTS: PaymentBuilder,
    ImportKind.CUSTOMERS: CustomerBuilder,
}


@dataclass(frozen=True, slots=True)
class _Plan:
    """A mapping compiled for the row loop; everything per-field is decided here, once."""

    template: tuple[Any, ...]  # constants and fallbacks, in schema order
    # (index, field, column, converter or None for plain text, required and without fallback)
    columns: tuple[tuple[int, str, str, Converter | None, bool], ...]
    # (index, field, base index, fixed days or None, days column or None, required)
    derived: tuple[tuple[int, str, int, int | None, str | None, bool], ...]
    names: tuple[str, ...]  # field names in schema order, for messages


def parse_rows(rows: Iterable[SourceRow], mapping: ImportMapping) -> Iterator[ParsedRow]:
    """Parse ``rows`` into canonical rows of ``mapping.kind``, yielding a ``Rejection`` for each bad row.

    The mapping is compiled before this returns, so a constant or default that does not parse
    raises ``MappingError`` here rather than on the first row. Rows are consumed lazily; duplicate
    keys are detected across the whole stream (the later row is rejected, naming the first line).
    """
    plan = _compile(mapping)
    return _run(rows, plan, _BUILDERS[mapping.kind](mapping))


def _run(rows: Iterable[SourceRow], plan: _Plan, build: RowBuilder) -> Iterator[ParsedRow]:
    template, columns, derived, names = list(plan.template), plan.columns, plan.derived, plan.names
    for row in rows:
        get = row.values.get
        out = template.copy()
        problems: list[Problem] = [] if row.problem is None else [Problem(None, row.problem)]
        for index, name, column, convert, required in columns:
            text = get(column)
            if text is None:
                if required:
                    problems.append(Problem(name, f"missing required field (column {column!r} is empty)"))
                    out[index] = BAD
            elif convert is None:
                out[index] = text
            else:
                try:
                    out[index] = convert(text)
                except FieldError as problem:
                    problems.append(Problem(name, problem.reason))
                    out[index] = BAD
        for index, name, base_index, days, days_column, required in derived:
            base = (names[base_index], out[base_index])
            out[index] = _derive(get, base, days, days_column, name, required, problems)
        record = build(row.line, out, problems)
        yield Rejection.of(row.line, problems, row.values) if record is None else record


def _derive(
    get: Callable[[str], str | None],
    base: tuple[str, Any],
    days: int | None,
    days_column: str | None,
    name: str,
    required: bool,
    problems: list[Problem],
) -> Any:
    """``base + days`` for an ``add_days`` field; None when either is empty, BAD with a problem."""
    base_name, base_date = base
    if base_date is BAD:
        return BAD  # the base date's own problem is already reported
    if days_column is not None:
        text = get(days_column)
        if text is None:
            days = None
        else:
            try:
                days = parse_days(text)
            except FieldError as problem:
                problems.append(Problem(name, f"column {days_column!r}: {problem.reason}"))
                return BAD
    if base_date is None or days is None:
        if required:
            empty = base_name if base_date is None else f"column {days_column!r}"
            problems.append(Problem(name, f"missing required field ({empty} is empty)"))
            return BAD
        return None
    try:
        return base_date + timedelta(days=days)
    except OverflowError:
        problems.append(Problem(name, f"{base_name} {base_date} plus {days} days is out of range"))
        return BAD


def _compile(mapping: ImportMapping) -> _Plan:
    fields = schema(mapping.kind)
    index_of = {name: i for i, name in enumerate(fields)}
    decimal = make_decimal_parser(mapping.decimal_separator, mapping.thousands_separator)
    date_parsers: dict[tuple[str, ...], Converter] = {}
    template: list[Any] = []
    columns: list[tuple[int, str, str, Converter | None, bool]] = []
    derived: list[tuple[int, str, int, int | None, str | None, bool]] = []
    for index, definition in enumerate(fields.values()):
        spec = mapping.fields.get(definition.name)
        column_spec = spec if isinstance(spec, ColumnSpec) else None
        if column_spec is not None and definition.type == FieldType.DATE and column_spec.date_format:
            formats = (column_spec.date_format, *mapping.date_formats)
        else:
            formats = mapping.date_formats
        if formats not in date_parsers:
            date_parsers[formats] = make_date_parser(formats)  # fields with the same formats share a cache
        convert = _converter(definition, column_spec, decimal, date_parsers[formats])
        if isinstance(spec, ConstantSpec):
            value = _parse_fixed(mapping, definition, convert, spec.value, "constant")
            if value is None and definition.required:
                raise MappingError(
                    f"{mapping.source}: field {definition.name} is required; its constant is empty"
                )
            template.append(value)
            continue
        if column_spec is not None and column_spec.default is not None:
            fallback = _parse_fixed(mapping, definition, convert, column_spec.default, "default")
        elif definition.default is not None:
            # Schema defaults are written in the built-in spellings, not the column's (true_values...).
            plain = _converter(definition, None, decimal, date_parsers[formats])
            fallback = _parse_fixed(mapping, definition, plain, definition.default, "default")
        else:
            fallback = None
        template.append(fallback)
        required = definition.required and fallback is None
        if column_spec is not None:
            columns.append((index, definition.name, column_spec.column, convert, required))
        elif isinstance(spec, AddDaysSpec):
            derived.append(
                (index, definition.name, index_of[spec.date], spec.days, spec.days_column, required)
            )
    return _Plan(
        template=tuple(template), columns=tuple(columns), derived=tuple(derived), names=tuple(fields)
    )


def _converter(
    definition: FieldDef, spec: ColumnSpec | None, decimal: Converter, dates: Converter
) -> Converter | None:
    field_type = definition.type
    if field_type == FieldType.TEXT:
        return strip_dot_zero if spec is not None and spec.strip_dot_zero else None
    if field_type == FieldType.DECIMAL:
        return decimal
    if field_type == FieldType.DATE:
        if spec is not None and spec.strip_dot_zero:
            return _cached(lambda text: dates(strip_dot_zero(text)))
        return dates  # already cached
    if field_type == FieldType.BOOL:
        values = (spec.true_values, spec.false_values) if spec is not None else ((), ())
        return _cached(make_bool_parser(*values))
    categorical: dict[FieldType, Converter] = {
        FieldType.CURRENCY: parse_currency,
        FieldType.DOCUMENT_KIND: parse_document_kind,
        FieldType.COUNTRY: parse_country,
        FieldType.TIME_ZONE: parse_time_zone,
    }
    return _cached(categorical[field_type])


def _cached(convert: Converter) -> Converter:
    # Codes, flags and dates take few distinct values: a C-level cache hit is cheaper than the call.
    return lru_cache(maxsize=4096)(convert)


def _parse_fixed(
    mapping: ImportMapping, definition: FieldDef, convert: Converter | None, text: str, what: str
) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return text if convert is None else convert(text)
    except FieldError as problem:
        raise MappingError(
            f"{mapping.source}: field {definition.name}: {what} {text!r}: {problem.reason}"
        ) from None
