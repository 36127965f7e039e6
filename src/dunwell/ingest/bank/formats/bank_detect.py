"""Reading a bank export without a mapping: find the header, the columns, the date and number formats.

Bank exports are varied but not random: the header names a date and an amount in one of a few
dozen spellings across the languages our customers bank in, and the values follow one date order
and one decimal separator per file. So the header is matched against synonyms (after a shipped
preset had its chance), and each format is chosen as the one that reads *every* value of the file,
never value by value: a file where 03/04 is read as April for one row and as March for the next
would be silently wrong. Where two date orders both read every value, the file is ambiguous and
the reader says so (a problem) after picking by the statement's span and locale hints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from dunwell.core.currencies import is_currency
from dunwell.ingest.bank.formats.bank_mappings import (
    AMOUNT_FIELDS,
    BankMapping,
    Columns,
    Indicator,
    normalize,
)

__all__ = [
    "DATE_CANDIDATES",
    "choose_date_format",
    "choose_decimal_separator",
    "clean_amount",
    "date_part",
    "mapping_from_header",
]

#: Header spellings per field, compared after ``normalize`` (case, accents, punctuation ignored).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "booking_date": (
        "date", "booking date", "transaction date", "posting date", "posted date", "entry date",
        "trans date", "txn date", "buchungstag", "buchungsdatum", "datum", "boekdatum", "fecha",
        "fecha operacion", "date operation", "date comptable", "data", "data operazione",
        "bokforingsdag", "transaktionsdatum",
    ),
    "value_date": (
        "value date", "valuta", "valutadatum", "wertstellung", "valuta datum", "date valeur",
        "date de valeur", "fecha valor", "rentedatum", "data valuta", "valuedate",
    ),
    "amount": (
        "amount", "transaction amount", "betrag", "bedrag", "importe", "montant", "importo",
        "belopp", "kwota", "umsatz", "amount signed",
    ),
    "credit": (
        "credit", "credits", "credit amount", "haben", "gutschrift", "deposit", "deposits",
        "paid in", "money in", "inflow", "credito", "abono", "abonos", "ingresos",
    ),
    "debit": (
        "debit", "debits", "debit amount", "soll", "belastung", "withdrawal", "withdrawals",
        "paid out", "money out", "outflow", "debito", "debet", "cargo", "cargos",
    ),
    "indicator": (
        "d c", "dc", "c d", "cd", "debit credit", "credit debit", "cdtdbtind", "soll haben", "s h",
        "af bij", "dr cr", "cr dr",
    ),
    "currency": ("currency", "ccy", "cur", "wahrung", "divisa", "devise", "moneda", "munt"),
    "payer_name": (
        "name", "payee", "payer", "payer name", "counterparty", "counterparty name", "partner name",
        "auftraggeber", "auftraggeber empfanger", "empfanger auftraggeber",
        "beguenstigter zahlungspflichtiger",
        "naam", "naam tegenpartij", "nombre", "nom", "tegenpartij", "beneficiary", "ordering party",
    ),
    "payer_account": (
        "iban", "account", "counterparty account", "counterparty iban", "bank account", "partner account",
        "payer account", "kontonummer", "kontonummer iban", "tegenrekening", "tegenrekening iban bban",
        "iban auftraggeber", "cuenta", "compte", "account number",
    ),
    "entry_ref": (
        "reference", "ref", "id", "transaction id", "entry id", "transaction reference", "bank reference",
        "referenz", "referencia", "reference number", "operation number", "transaction number",
        "transaktions id",
    ),
    "remittance": (
        "description", "memo", "verwendungszweck", "omschrijving", "remittance", "remittance information",
        "remittance text", "label", "details", "detail", "narrative", "text", "mededelingen", "concepto",
        "libelle", "communication", "purpose", "particulars", "notes", "note", "payment details",
    ),
    "balance": ("balance", "saldo", "running balance", "balance after", "solde", "kontostand"),
    "bank_code": ("transaction type", "type", "buchungstext", "mutatiesoort", "transaction code", "code"),
}  # fmt: skip
_FIELD_OF = {normalize(s): name for name, spellings in SYNONYMS.items() for s in spellings}
_CREDIT_MARKS = ("C", "CR", "CRDT", "CREDIT", "H", "HABEN", "BIJ", "+")
_DEBIT_MARKS = ("D", "DR", "DBIT", "DEBIT", "S", "SOLL", "AF", "-")

#: Date formats tried without a mapping. Dotted dates are always day-first; ISO comes first.
DATE_CANDIDATES = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y",
    "%m-%d-%Y", "%d/%m/%y", "%m/%d/%y", "%y/%m/%d", "%d-%m-%y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y",
    "%b %d, %Y", "%d %B %Y", "%B %d, %Y",
)  # fmt: skip
_MONTH_FIRST_CURRENCIES = frozenset({"USD"})
_TIME_SUFFIX = re.compile(
    r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?: ?[AaPp][Mm])?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?$"
)
_SYMBOLS = re.compile(r"[$€£¥]")
_LEADING_CODE = re.compile(r"^'?([A-Za-z]{3})(?![A-Za-z])")
_TRAILING_CODE = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def mapping_from_header(names: Sequence[str]) -> BankMapping | None:
    """A mapping for a header by synonyms; None unless it has a date and an amount (or credit/debit).

    The first column of each field wins, except remittance, which joins every matching column. A
    currency code in an amount header (``Betrag (EUR)``) fixes the currency when no column gives it.
    """
    found: dict[str, list[str]] = {}
    currency_hint = None
    for name in names:
        field, hint = field_of(name)
        if field is not None:
            found.setdefault(field, []).append(name)
            currency_hint = currency_hint or hint
    if not ({"booking_date", "value_date"} & found.keys()) or not (
        {"amount", "credit", "debit"} & found.keys()
    ):
        return None
    fields = {f: Columns(tuple(cols) if f == "remittance" else (cols[0],)) for f, cols in found.items()}
    fields.pop("indicator", None)
    indicator = None
    if "amount" in fields:
        fields.pop("credit", None)
        fields.pop("debit", None)
        if "indicator" in found:
            indicator = Indicator(found["indicator"][0], _CREDIT_MARKS, _DEBIT_MARKS)
    currency = currency_hint if "currency" not in fields else None
    return BankMapping(fields=fields, indicator=indicator, currency=currency, source="header synonyms")


def field_of(name: str) -> tuple[str | None, str | None]:
    """The field a header cell names, and a currency code it carries (``Amount (EUR)``), if any."""
    key = normalize(name)
    if key in _FIELD_OF:
        return _FIELD_OF[key], None
    head, _, last = key.rpartition(" ")
    if head and is_currency(last.upper()) and _FIELD_OF.get(head) in AMOUNT_FIELDS:
        return _FIELD_OF[head], last.upper()
    return None, None


def date_part(text: str) -> str:
    """``2022-02-22 00:24:23`` to ``2022-02-22``: statements carry dates; a time part says nothing more."""
    return _TIME_SUFFIX.sub("", text).strip()


def parse_date(text: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
    except ValueError:
        return None


def choose_date_format(
    values: Iterable[str], candidates: Sequence[str] = DATE_CANDIDATES, *, month_first_hint: bool = False
) -> tuple[str, str | None]:
    """The format that reads the most values (time parts stripped; every value, in a sound file),
    and a warning when the choice was a guess. The values it cannot read become bad entries.

    Several formats reading as many: those that spread the dates over more than a year, and far
    more than the shortest reading does, are dropped (a statement covers days or months, not
    years). If more than one is left the locale hint decides and the warning says so.
    """
    texts = sorted({date_part(v) for v in values if v.strip()})
    if not texts:
        return candidates[0], None
    readings = [
        (fmt, [d for d in (parse_date(t, fmt) for t in texts) if d is not None]) for fmt in candidates
    ]
    most = max(len(days) for _, days in readings)
    # Formats that read the same dates (``%b`` and ``%B`` for "May") are one reading, not a doubt.
    distinct = {tuple(days): fmt for fmt, days in reversed(readings) if len(days) == most}
    complete = sorted(
        ((fmt, list(days)) for days, fmt in distinct.items()), key=lambda r: candidates.index(r[0])
    )
    if most == 0 or len(complete) == 1:
        return complete[0][0], None
    spans = sorted(((max(days) - min(days)).days, i, fmt) for i, (fmt, days) in enumerate(complete))
    shortest = spans[0][0]
    # A reading is implausible when it spreads the file over more than a year and far more than the
    # shortest reading does (two-digit years read as days, say). Short files stay ambiguous.
    tied = [fmt for span, _, fmt in spans if span <= 366 or span <= 3 * shortest + 31]
    if len(tied) == 1:
        return tied[0], None
    month_first = [f for f in tied if f.startswith(("%m", "%b", "%B"))]
    day_first = [f for f in tied if f.startswith("%d")]
    preferred = month_first if month_first_hint and month_first else day_first
    chosen = preferred[0] if preferred else tied[0]
    shown = ", ".join(sorted(set(tied)))
    hint = "US dollar amounts" if month_first_hint else "no US dollar amounts"
    return (
        chosen,
        f"the dates read as any of {shown}; read as {chosen} ({hint}); set date_formats in a mapping",
    )


def month_first_hint(currencies: Iterable[str]) -> bool:
    """Month-first dates are a US habit: assume them only for a file in US dollars."""
    seen = set(currencies)
    return bool(seen) and seen <= _MONTH_FIRST_CURRENCIES


def clean_amount(text: str) -> tuple[str, str | None]:
    """An amount cell reduced to sign, digits and separators; plus an ISO currency code found in it.

    Exports decorate amounts: ``'579,68 USD``, ``$ 1 234.50``, ``(12.00)``, ``12.00-``. Spaces
    (also non-breaking, used as thousands separators) and apostrophes (Swiss grouping, or the
    spreadsheet text marker) are dropped; parentheses and a trailing minus become a leading minus.
    """
    code = None
    value = _SYMBOLS.sub("", text).strip()
    for pattern in (_LEADING_CODE, _TRAILING_CODE):
        found = pattern.search(value)
        if found and is_currency(found[1].upper()):
            code = found[1].upper()
            value = (value[: found.start()] + value[found.end() :]).strip()
    value = _SPACES.sub("", value)
    if value.startswith("(") and value.endswith(")"):
        value = "-" + value[1:-1]
    if value.endswith("-") and not value.startswith(("-", "+")):
        value = "-" + value[:-1]
    return value, code


_GROUPED = {",": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+"), ".": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")}


def choose_decimal_separator(values: Iterable[str]) -> str:
    """``,`` or ``.``: the majority of the values that show it unambiguously (``.`` when none does).

    ``1.234,56`` and ``12,5`` say comma; ``1,234.56`` and ``12.50`` say point. ``1,234`` alone could
    be either, so it only counts when nothing else decides.
    """
    strong = {",": 0, ".": 0}
    weak = {",": 0, ".": 0}
    for value in values:
        has_comma, has_point = "," in value, "." in value
        if has_comma and has_point:
            strong["," if value.rfind(",") > value.rfind(".") else "."] += 1
        elif has_comma or has_point:
            mark = "," if has_comma else "."
            other = "." if has_comma else ","
            if _GROUPED[mark].fullmatch(value):
                weak[other] += 1  # 1,234 reads as a grouped integer: the decimal mark is the other one
            else:
                strong[mark] += 1
    votes = strong if any(strong.values()) else weak
    return "," if votes[","] > votes["."] else "."
