"""Column mappings from YAML files, shipped presets, or the file's own column names.

The YAML format (one mapping per file)::

    kind: invoices                      # invoices | payments | customers
    date_formats: ["%m/%d/%Y"]          # strptime formats tried in order; ISO dates always work
    decimal_separator: "."              # "," for 1.234,56
    thousands_separator: ""             # "." or "," or " " when amounts are grouped
    csv_delimiter: ","                  # default: tab for .tsv, comma otherwise
    encoding: utf-8-sig
    sheet: Invoices                     # XLSX only; default: the first sheet
    fields:
      invoice_id: invoiceNumber         # shorthand for {column: invoiceNumber}
      currency: {const: USD}
      due_date: {add_days: {date: issue_date, days: 30}}
      paid_date: {add_days: {date: issue_date, days_column: DaysToSettle}}
      disputed: {column: Disputed, true_values: ["Yes"], false_values: ["No"]}
      amount: {column: Amount, round_to_currency: true}

Column options: ``optional``, ``default``, ``date_format``, ``true_values``/``false_values``,
``strip_dot_zero``, ``round_to_currency`` (see ``ColumnSpec``). Quote values that YAML would read
as something else (``"NO"`` is Norway, not false; ``"007"`` is not 7).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dunwell.ingest.errors import MAPPING_MISSING_COLUMN, MappingError
from dunwell.ingest.fields import FieldType, ImportKind, schema
from dunwell.ingest.specs import AddDaysSpec, ColumnSpec, ConstantSpec, FieldSpec, ImportMapping
from dunwell.ingest.yaml_objects import read_mapping_file, yaml_object

__all__ = [
    "AddDaysSpec",
    "ColumnSpec",
    "ConstantSpec",
    "FieldSpec",
    "ImportKind",
    "ImportMapping",
    "available_presets",
    "check_columns",
    "identity_mapping",
    "load_mapping",
    "load_preset",
    "mapping_from_dict",
]

_TOP_KEYS = frozenset(
    {"kind", "description", "fields", "date_formats", "decimal_separator", "thousands_separator"}
    | {"csv_delimiter", "encoding", "sheet"}
)
_COLUMN_OPTIONS = frozenset(
    {
        "optional",
        "default",
        "date_format",
        "true_values",
        "false_values",
        "strip_dot_zero",
        "round_to_currency",
    }
)
# PyYAML reads these unquoted spellings as booleans; in true_values/false_values we take them back.
_YAML_TRUE = ("yes", "true", "on")
_YAML_FALSE = ("no", "false", "off")


def load_mapping(path: Path | str) -> ImportMapping:
    """Read a YAML mapping file; raises ``MappingError`` (``mapping_invalid``) when it is not valid."""
    text, source = read_mapping_file(path)
    return _from_yaml(text, source=source)


def load_preset(name: str, kind: ImportKind | str) -> ImportMapping:
    """The shipped mapping ``name`` for ``kind``, from ``presets/<name>.<kind>.yaml`` or ``<name>.yaml``."""
    kind = _kind(kind, source=f"preset {name}")
    # A preset is a bare name: never let it reach outside the presets folder.
    candidates = (f"{name}.{kind}.yaml", f"{name}.yaml") if re.fullmatch(r"[\w-]+", name) else ()
    for file_name in candidates:
        entry = resources.files("dunwell.ingest") / "presets" / file_name
        if not entry.is_file():
            continue
        mapping = _from_yaml(entry.read_text(encoding="utf-8"), source=f"preset {name}")
        if mapping.kind != kind:
            raise MappingError(f"preset {name} is for {mapping.kind}, not {kind}")
        return mapping
    known = ", ".join(available_presets(kind)) or "none"
    raise MappingError(f"no preset {name!r} for {kind}; available: {known}")


def available_presets(kind: ImportKind | str | None = None) -> list[str]:
    """Names of the shipped presets (for ``kind`` only, when given), sorted."""
    wanted = None if kind is None else _kind(kind, source="presets")
    names = set()
    for entry in (resources.files("dunwell.ingest") / "presets").iterdir():
        if entry.name.endswith(".yaml"):
            stem = entry.name.removesuffix(".yaml")
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            preset_kind = data.get("kind") if isinstance(data, dict) else None
            if wanted is None or preset_kind == wanted:
                names.add(stem.partition(".")[0])
    return sorted(names)


def identity_mapping(kind: ImportKind | str) -> ImportMapping:
    """The mapping of a file whose column names are the canonical field names.

    Required fields need their column; other canonical columns may be absent, and columns that are
    not canonical fields are ignored.
    """
    kind = _kind(kind, source="identity mapping")
    fields = {d.name: ColumnSpec(d.name, optional=not d.required) for d in schema(kind).values()}
    return ImportMapping(kind=kind, fields=fields, source=f"identity mapping for {kind}")


def check_columns(mapping: ImportMapping, columns: Iterable[str]) -> None:
    """Raise ``MappingError`` (``mapping_missing_column``) unless the file has every required column.

    The message names each missing column, the fields that need it, and the file's columns.
    """
    present = list(columns)
    present_set = set(present)
    missing = {c: users for c, users in mapping.column_users().items() if c not in present_set}
    if not missing:
        return
    parts = []
    for column, users in missing.items():
        hint = difflib.get_close_matches(column, present, n=1, cutoff=0.8)
        suffix = f", did you mean {hint[0]!r}?" if hint else ""
        parts.append(f"{column!r} (for {', '.join(users)}{suffix})")
    noun = "column" if len(parts) == 1 else "columns"
    shown = ", ".join(repr(c) for c in present[:40])
    if len(present) > 40:
        shown += f", … ({len(present) - 40} more)"
    raise MappingError(
        f"{mapping.source}: the file has no {noun} {', '.join(parts)}; the file's columns are: {shown}",
        code=MAPPING_MISSING_COLUMN,
    )


def mapping_from_dict(data: Mapping[str, Any], *, source: str = "mapping") -> ImportMapping:
    """Build a mapping from the parsed YAML structure (see the module docstring)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise MappingError(
            f"{source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    kind = _kind(data.get("kind"), source=source)
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise MappingError(f"{source}: 'fields' must map canonical field names to columns or specs")
    field_types = {name: d.type for name, d in schema(kind).items()}
    fields: dict[str, FieldSpec] = {}
    for name, raw in raw_fields.items():
        if not isinstance(name, str) or name not in field_types:
            raise MappingError(
                f"{source}: unknown {kind} field {name!r}; the fields are: {', '.join(field_types)}"
            )
        fields[name] = _spec(raw, field_types[name], where=f"{source}: field {name}")
    options: dict[str, Any] = {}
    if "date_formats" in data:
        formats = data["date_formats"]
        if isinstance(formats, str):
            formats = [formats]
        options["date_formats"] = tuple(_text_list(formats, where=f"{source}: date_formats"))
    for key in ("decimal_separator", "thousands_separator", "csv_delimiter", "encoding", "sheet"):
        if key in data:
            value = data[key]
            if not isinstance(value, str) and not (key == "thousands_separator" and value is None):
                raise MappingError(f"{source}: {key} must be a quoted string, not {value!r}")
            # "thousands_separator:" with no value (YAML null) means no grouping, like "".
            options[key] = "" if value is None else value
    return ImportMapping(kind=kind, fields=fields, source=source, **options)


def _from_yaml(text: str, *, source: str) -> ImportMapping:
    shape = "a mapping must be a YAML object with 'kind' and 'fields'"
    return mapping_from_dict(yaml_object(text, source=source, shape=shape), source=source)


def _kind(value: object, *, source: str) -> ImportKind:
    try:
        return ImportKind(str(value))
    except ValueError:
        choices = ", ".join(k.value for k in ImportKind)
        raise MappingError(f"{source}: kind must be one of {choices}, not {value!r}") from None


def _spec(raw: object, field_type: FieldType, *, where: str) -> FieldSpec:
    if isinstance(raw, str):
        return ColumnSpec(raw)
    if not isinstance(raw, dict):
        raise MappingError(
            f"{where}: expected a column name or one of {{column: …}}, {{const: …}}, {{add_days: …}}"
        )
    kinds = [k for k in ("column", "const", "add_days") if k in raw]
    if len(kinds) != 1:
        raise MappingError(f"{where}: give exactly one of column, const, add_days")
    if kinds[0] == "const":
        if len(raw) != 1:
            raise MappingError(f"{where}: const takes no options")
        return ConstantSpec(_constant(raw["const"], field_type, where=where))
    if kinds[0] == "add_days":
        return _add_days(raw, where=where)
    unknown = sorted(set(raw) - _COLUMN_OPTIONS - {"column"})
    if unknown:
        raise MappingError(
            f"{where}: unknown option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_COLUMN_OPTIONS))}"
        )
    column = raw["column"]
    if not isinstance(column, str):
        raise MappingError(f"{where}: column must be a quoted string, not {column!r}")
    default = raw.get("default")
    return ColumnSpec(
        column,
        optional=_flag(raw, "optional", where=where),
        default=None if default is None else _constant(default, field_type, where=where),
        date_format=_optional_text(raw.get("date_format"), where=f"{where}: date_format"),
        true_values=_bool_values(raw.get("true_values"), _YAML_TRUE, where=f"{where}: true_values"),
        false_values=_bool_values(raw.get("false_values"), _YAML_FALSE, where=f"{where}: false_values"),
        strip_dot_zero=_flag(raw, "strip_dot_zero", where=where),
        round_to_currency=_flag(raw, "round_to_currency", where=where),
    )


def _add_days(raw: Mapping[str, Any], *, where: str) -> AddDaysSpec:
    body = raw["add_days"]
    if len(raw) != 1 or not isinstance(body, dict) or set(body) - {"date", "days", "days_column"}:
        raise MappingError(
            f"{where}: add_days takes {{date: <date field>, days: N}} or {{date: …, days_column: …}}"
        )
    days, days_column = body.get("days"), body.get("days_column")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        raise MappingError(f"{where}: add_days days must be a whole number, not {days!r}")
    if days_column is not None and not isinstance(days_column, str):
        raise MappingError(f"{where}: add_days days_column must be a quoted string, not {days_column!r}")
    return AddDaysSpec(date=str(body.get("date")), days=days, days_column=days_column)


def _constant(value: object, field_type: FieldType, *, where: str) -> str:
    if isinstance(value, bool):
        if field_type != FieldType.BOOL:
            raise MappingError(f"{where}: YAML read {value!r} as a boolean; quote the value")
        return "true" if value else "false"
    if isinstance(value, str | int | float | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    raise MappingError(f"{where}: a constant must be a scalar, not {value!r}")


def _flag(raw: Mapping[str, Any], key: str, *, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise MappingError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _optional_text(value: object, *, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise MappingError(f"{where}: expected a quoted string, not {value!r}")
    return value


def _bool_values(value: object, yaml_spellings: tuple[str, ...], *, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out: list[str] = []
    for item in value:
        # An unquoted Yes/No arrives as a bool: accept every spelling YAML could have read as it.
        out.extend(yaml_spellings if isinstance(item, bool) else _text_list([item], where=where))
    return tuple(out)


def _text_list(value: object, *, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise MappingError(f"{where}: expected a non-empty list of quoted strings")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise MappingError(f"{where}: expected quoted strings, not {item!r}")
        out.append(str(item))
    return out
