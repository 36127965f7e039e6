"""Bank statement mappings: which columns of a bank export hold what, from YAML or a shipped preset.

A bank export (CSV, TSV, XLSX) is a table with one row per transaction, but every bank names and
formats its columns differently. A ``BankMapping`` says where each transaction field comes from and
how the file is written. It is the bank-side sibling of the invoice ``ImportMapping`` (ADR 0004):
same YAML style, same ``MappingError`` on a bad mapping, but its own fields, because a bank amount
can be one signed column, a credit and a debit column, or an amount plus a debit/credit indicator.
See ADR 0012. The YAML format::

    kind: bank_statement              # optional; guards against passing an invoice mapping
    match: [Date, Amount, Reference]  # presets: header cells that identify the layout
    header_row: 5                     # 1-based line (CSV) or row (XLSX); 0: no header row;
                                      # default: the first row holding the mapped columns
    skip_footer: 1                    # trailing total rows to leave out (default 0)
    date_formats: ["%d.%m.%Y"]        # default: detected from the values
    decimal_separator: ","            # default: detected from the amounts
    thousands_separator: "."          # default: the other of "," and "."
    delimiter: ";"                    # default: sniffed
    encoding: cp1252                  # default: UTF-8 (BOM or not), else cp1252
    sheet: Umsaetze                   # XLSX; default: the first sheet
    invert_sign: false                # true for card statements where a charge is positive
    fields:
      booking_date: Buchungstag
      value_date: {column: Valuta, optional: true}
      amount: Betrag                  # signed: negative is money out
      # or: credit: Haben / debit: Soll (each column holds its own direction, sign ignored)
      # or: amount plus indicator: {column: S/H, credit: [H], debit: [S]}
      fee: Fee                        # optional signed fee per row, kept as its own entry
      currency: {const: EUR}          # or a column
      payer_name: Auftraggeber
      payer_account: IBAN
      entry_ref: [Referenz, Id]       # several columns: the first non-empty one
      remittance: [Verwendungszweck, Info]  # several columns: joined by spaces
      balance: Saldo                  # running balance after each row
      bank_code: Buchungstext
      account: Konto                  # the company's own account, when the export lists it

With ``header_row: 0`` the columns are named by their 1-based position (``amount: 4``).
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dunwell.core.currencies import is_currency
from dunwell.ingest.errors import MappingError
from dunwell.ingest.yaml_objects import read_mapping_file, yaml_object

__all__ = [
    "AMOUNT_FIELDS",
    "TEXT_FIELDS",
    "BankMapping",
    "Columns",
    "Indicator",
    "bank_mapping_from_dict",
    "bank_presets",
    "load_bank_mapping",
    "load_bank_preset",
    "normalize",
]

DATE_FIELDS = ("booking_date", "value_date")
AMOUNT_FIELDS = ("amount", "credit", "debit", "fee", "balance")
#: Text fields; with several columns ``remittance`` joins them, the others take the first non-empty.
TEXT_FIELDS = (
    "payer_name",
    "payer_account",
    "entry_ref",
    "remittance",
    "structured_reference",
    "end_to_end_id",
    "bank_code",
    "account",
)
FIELDS = (*DATE_FIELDS, *AMOUNT_FIELDS, "currency", *TEXT_FIELDS)
_TOP_KEYS = frozenset(
    {"kind", "description", "match", "fields", "header_row", "skip_footer", "date_formats"}
    | {"decimal_separator", "thousands_separator", "delimiter", "encoding", "sheet", "invert_sign"}
)
_PRESET_FOLDER = "mappings"


def normalize(name: str) -> str:
    """A header cell compared loosely: case, accents, punctuation and spacing ignored.

    ``Id. de transacción`` and ``id de transaccion`` match; so do ``D/C`` and ``d c``.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


@dataclass(frozen=True, slots=True)
class Columns:
    """The source column(s) of one field; ``optional``: the file may lack them (field left empty)."""

    names: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Indicator:
    """A debit/credit indicator column and its spellings (compared case-insensitively)."""

    column: str
    credit: tuple[str, ...]
    debit: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BankMapping:
    """How to read one bank export layout; validated on construction (``MappingError``).

    ``None`` for a format option means "detect it from the file". ``source`` names the mapping
    (a file, a preset, or the auto-detection) in messages.
    """

    fields: Mapping[str, Columns]
    indicator: Indicator | None = None
    currency: str | None = None  # a fixed currency, when no column gives it
    date_formats: tuple[str, ...] | None = None
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    skip_footer: int = 0
    invert_sign: bool = False
    match: tuple[str, ...] = ()
    source: str = field(default="mapping", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        _validate(self)

    def columns(self, name: str) -> tuple[str, ...]:
        spec = self.fields.get(name)
        return spec.names if spec is not None else ()

    def required_columns(self) -> list[str]:
        """The columns the file must have, in field order (indicator included)."""
        names = [n for spec in self.fields.values() if not spec.optional for n in spec.names]
        if self.indicator is not None:
            names.append(self.indicator.column)
        return list(dict.fromkeys(names))


def _validate(m: BankMapping) -> None:
    where = m.source
    unknown = [name for name in m.fields if name not in FIELDS]
    if unknown:
        raise MappingError(
            f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; the fields are: {', '.join(FIELDS)}"
        )
    for name, spec in m.fields.items():
        if not spec.names or not all(isinstance(n, str) and n for n in spec.names):
            raise MappingError(f"{where}: field {name} needs a column name")
        if len(spec.names) > 1 and name not in TEXT_FIELDS:
            raise MappingError(f"{where}: field {name} takes one column, not {len(spec.names)}")
    if not any(n in m.fields for n in DATE_FIELDS):
        raise MappingError(f"{where}: map booking_date or value_date (or both)")
    has_amount, has_split = "amount" in m.fields, "credit" in m.fields or "debit" in m.fields
    if has_amount == has_split:
        raise MappingError(
            f"{where}: map either amount (signed, or with an indicator) or credit/debit columns"
        )
    if m.indicator is not None:
        if not has_amount:
            raise MappingError(f"{where}: an indicator goes with an amount column")
        if not m.indicator.credit or not m.indicator.debit:
            raise MappingError(f"{where}: the indicator needs its credit and debit values")
        overlap = {v.casefold() for v in m.indicator.credit} & {v.casefold() for v in m.indicator.debit}
        if overlap:
            raise MappingError(
                f"{where}: indicator value(s) both credit and debit: {', '.join(sorted(overlap))}"
            )
    if m.currency is not None and "currency" in m.fields:
        raise MappingError(f"{where}: currency is either a column or a constant, not both")
    if m.currency is not None and not is_currency(m.currency):
        raise MappingError(
            f"{where}: unknown currency {m.currency!r} (expected an ISO 4217 code such as EUR)"
        )
    if m.date_formats is not None and (not m.date_formats or not all("%" in f for f in m.date_formats)):
        raise MappingError(
            f"{where}: date_formats must be a non-empty list of strptime formats such as '%d.%m.%Y'"
        )
    dec, thou = m.decimal_separator, m.thousands_separator
    if dec is not None and dec not in (",", "."):
        raise MappingError(f"{where}: decimal_separator must be ',' or '.', not {dec!r}")
    if thou is not None and (thou not in ("", ",", ".", " ", "'") or thou == dec):
        raise MappingError(
            f"{where}: thousands_separator must be one of '' , . space ' "
            "and differ from the decimal separator"
        )
    if m.delimiter is not None and len(m.delimiter) != 1:
        raise MappingError(f"{where}: delimiter must be one character, not {m.delimiter!r}")
    if m.encoding is not None:
        try:
            codecs.lookup(m.encoding)
        except LookupError:
            raise MappingError(f"{where}: unknown text encoding {m.encoding!r}") from None
    if m.header_row is not None and m.header_row < 0:
        raise MappingError(f"{where}: header_row must be 0 (no header) or a 1-based line number")
    if m.skip_footer < 0:
        raise MappingError(f"{where}: skip_footer must not be negative")
    if m.header_row == 0:
        names = [n for spec in m.fields.values() for n in spec.names]
        named = [n for n in [*names, *(m.indicator.column for _ in [0] if m.indicator)] if not n.isdigit()]
        if named:
            raise MappingError(
                f"{where}: with header_row 0 name columns by 1-based position, not {named[0]!r}"
            )


def load_bank_mapping(path: Path | str) -> BankMapping:
    """Read a YAML bank mapping; raises ``MappingError`` when it is not valid."""
    text, source = read_mapping_file(path)
    return _from_yaml(text, source=source)


def load_bank_preset(name: str) -> BankMapping:
    """The shipped mapping ``name`` (``dunwell-sim``, ``paypal-activity``, ...)."""
    presets = bank_presets()
    if name not in presets:
        raise MappingError(f"no bank statement preset {name!r}; available: {', '.join(presets) or 'none'}")
    return presets[name]


@cache
def bank_presets() -> Mapping[str, BankMapping]:
    """Every shipped preset by name, in name order (the order auto-detection tries them)."""
    folder = resources.files("dunwell.ingest.bank") / _PRESET_FOLDER
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = entry.name.removesuffix(".yaml")
            found[name] = _from_yaml(entry.read_text(encoding="utf-8"), source=f"preset {name}")
    return MappingProxyType(found)


def _from_yaml(text: str, *, source: str) -> BankMapping:
    shape = "a bank mapping must be a YAML object with 'fields'"
    return bank_mapping_from_dict(yaml_object(text, source=source, shape=shape), source=source)


def bank_mapping_from_dict(data: Mapping[str, Any], *, source: str = "mapping") -> BankMapping:
    """Build a mapping from the parsed YAML structure (see the module docstring)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise MappingError(
            f"{source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    if data.get("kind", "bank_statement") != "bank_statement":
        raise MappingError(f"{source}: kind is {data.get('kind')!r}; a bank mapping has kind bank_statement")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise MappingError(f"{source}: 'fields' must map statement fields to columns")
    fields: dict[str, Columns] = {}
    indicator = currency = None
    for name, raw in raw_fields.items():
        where = f"{source}: field {name}"
        if name == "indicator":
            indicator = _indicator(raw, where=where)
        elif name == "currency" and isinstance(raw, dict) and "const" in raw:
            if len(raw) != 1 or not isinstance(raw["const"], str):
                raise MappingError(f"{where}: write {{const: EUR}} (a quoted code, no other options)")
            currency = raw["const"].upper()
        elif name not in FIELDS:
            raise MappingError(
                f"{source}: unknown field {name!r}; the fields are: {', '.join((*FIELDS, 'indicator'))}"
            )
        else:
            fields[name] = _columns(raw, where=where)
    options: dict[str, Any] = {}
    if "date_formats" in data:
        formats = data["date_formats"]
        options["date_formats"] = tuple(
            _texts([formats] if isinstance(formats, str) else formats, where=f"{source}: date_formats")
        )
    for key in ("decimal_separator", "thousands_separator", "delimiter", "encoding", "sheet"):
        if key in data:
            value = data[key]
            if key == "thousands_separator" and value is None:
                value = ""
            if not isinstance(value, str):
                raise MappingError(f"{source}: {key} must be a quoted string, not {value!r}")
            options[key] = value
    for key in ("header_row", "skip_footer"):
        if key in data:
            if isinstance(data[key], bool) or not isinstance(data[key], int):
                raise MappingError(f"{source}: {key} must be a whole number, not {data[key]!r}")
            options[key] = data[key]
    if "invert_sign" in data:
        if not isinstance(data["invert_sign"], bool):
            raise MappingError(f"{source}: invert_sign must be true or false")
        options["invert_sign"] = data["invert_sign"]
    if "match" in data:
        options["match"] = tuple(_texts(data["match"], where=f"{source}: match"))
    return BankMapping(fields=fields, indicator=indicator, currency=currency, source=source, **options)


def _columns(raw: object, *, where: str) -> Columns:
    if isinstance(raw, dict):
        extra = set(raw) - {"column", "columns", "optional"}
        if extra or ("column" in raw) == ("columns" in raw):
            raise MappingError(
                f"{where}: write a column name, a list of them, or {{column: …, optional: true}}"
            )
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise MappingError(f"{where}: optional must be true or false")
        return Columns(_columns(raw.get("column", raw.get("columns")), where=where).names, optional)
    if isinstance(raw, list):
        return Columns(tuple(_texts(raw, where=where)))
    return Columns(tuple(_texts([raw], where=where)))


def _indicator(raw: object, *, where: str) -> Indicator:
    if not isinstance(raw, dict) or set(raw) != {"column", "credit", "debit"}:
        raise MappingError(f"{where}: write {{column: D/C, credit: [C], debit: [D]}}")
    column = _texts([raw["column"]], where=where)[0]
    return Indicator(
        column, *(tuple(_texts(_listed(raw[k]), where=f"{where}: {k}")) for k in ("credit", "debit"))
    )


def _listed(value: object) -> object:
    return value if isinstance(value, list) else [value]


def _texts(value: object, *, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise MappingError(f"{where}: expected a non-empty list of quoted strings")
    out = []
    for item in value:
        # A bare number is a column position (header_row 0); a YAML boolean is never a column.
        if (
            isinstance(item, bool)
            or not isinstance(item, str | int)
            or (isinstance(item, str) and not item.strip())
        ):
            raise MappingError(f"{where}: expected quoted strings, not {item!r}")
        out.append(str(item).strip())
    return out
