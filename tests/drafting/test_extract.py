"""What the extractor reads in a text, in five languages: amounts with and without currency in
each locale's writing, dates in every shape the templates and people write, percentages,
references, phone numbers, addresses, links and IBANs."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from dunwell.drafting.extract import Found, FoundKind, extract, readings_of


def only(text: str, kind: FoundKind, locale: str = "en_GB", language: str = "en") -> list[Found]:
    return [f for f in extract(text, locale, language) if f.kind is kind]


@pytest.mark.parametrize(
    ("text", "locale", "value", "currencies"),
    [
        ("Offen: 1.250,50 €", "de_DE", "1250.50", {"EUR"}),
        ("Open: €1,250.50", "en_GB", "1250.50", {"EUR"}),
        ("Restant dû : 1\u202f250,50\u00a0€", "fr_FR", "1250.50", {"EUR"}),
        ("Pendiente: 1 250,50 EUR", "es_ES", "1250.50", {"EUR"}),
        ("Openstaand: € 1.250,50", "nl_NL", "1250.50", {"EUR"}),
        ("Balance USD 1,250.50", "en_US", "1250.50", {"USD"}),
        ("Balance CHF12,345.67", "en_GB", "12345.67", {"CHF"}),
        ("Saldo 1'250.50 CHF", "de_CH", "1250.50", {"CHF"}),
        ("Please pay 1250.5 now", "en_GB", "1250.5", set()),
        ("Bitte zahlen Sie 40 Euro", "de_DE", "40", {"EUR"}),
    ],
)
def test_amounts_in_each_locale(text: str, locale: str, value: str, currencies: set[str]) -> None:
    (amount,) = only(text, FoundKind.AMOUNT, locale)
    assert amount.numbers[0] == Decimal(value)
    assert set(amount.currencies) >= currencies if currencies else not amount.currencies


def test_a_dollar_sign_can_mean_several_dollars() -> None:
    (amount,) = only("$1,250.50", FoundKind.AMOUNT)
    assert {"USD", "CAD", "AUD"} <= amount.currencies


def test_a_figure_with_three_decimals_keeps_both_readings_the_locales_first() -> None:
    assert readings_of("1.250", ",") == (Decimal(1250), Decimal("1.250"))
    assert readings_of("1.250", ".") == (Decimal("1.250"), Decimal(1250))
    assert readings_of("1.250.000") == (Decimal(1250000),)
    assert readings_of("1,250.50") == (Decimal("1250.50"),)


def test_bare_whole_numbers_are_not_amounts() -> None:
    assert only("45 days overdue since 2027, 8 pp", FoundKind.AMOUNT) == []


@pytest.mark.parametrize(
    ("text", "locale", "language", "expected"),
    [
        ("due 2027-01-15", "en_GB", "en", date(2027, 1, 15)),
        ("fällig 15.01.2027", "de_DE", "de", date(2027, 1, 15)),
        ("échéance 15/01/2027", "fr_FR", "fr", date(2027, 1, 15)),
        ("due 01/15/2027", "en_US", "en", date(2027, 1, 15)),
        ("due January 15, 2027", "en_US", "en", date(2027, 1, 15)),
        ("due 15 Jan 2027", "en_GB", "en", date(2027, 1, 15)),
        ("due 3 Sept 2027", "en_GB", "en", date(2027, 9, 3)),
        ("avant le 15 janvier 2027", "fr_FR", "fr", date(2027, 1, 15)),
        ("échéance 3 sept. 2027", "fr_FR", "fr", date(2027, 9, 3)),
        ("bis zum 15. Januar 2027", "de_DE", "de", date(2027, 1, 15)),
        ("antes del 15 de enero de 2027", "es_ES", "es", date(2027, 1, 15)),
        ("vence 3 sept 2027", "es_ES", "es", date(2027, 9, 3)),
        ("vóór 15 januari 2027", "nl_NL", "nl", date(2027, 1, 15)),
        ("vervaldatum 03-09-2027", "nl_NL", "nl", date(2027, 9, 3)),
        ("on Friday, 15 January 2027", "en_GB", "en", date(2027, 1, 15)),
        ("le vendredi 15 janvier 2027", "fr_FR", "fr", date(2027, 1, 15)),
    ],
)
def test_dates_in_each_language(text: str, locale: str, language: str, expected: date) -> None:
    (found,) = only(text, FoundKind.DATE, locale, language)
    assert found.dates[0] == expected


def test_a_numeric_date_reads_the_locales_way_first() -> None:
    (gb,) = only("03/04/2027", FoundKind.DATE, "en_GB")
    (us,) = only("03/04/2027", FoundKind.DATE, "en_US")
    assert gb.dates == (date(2027, 4, 3), date(2027, 3, 4))
    assert us.dates == (date(2027, 3, 4), date(2027, 4, 3))


def test_a_date_without_its_year_and_its_weekday() -> None:
    (march,) = only("by March 3rd", FoundKind.DATE)
    (premier,) = only("avant le 1er mars", FoundKind.DATE, "fr_FR", "fr")
    (friday,) = only("Friday, 15.01.2027", FoundKind.DATE, "de_DE", "de")
    assert march.month_day == (3, 3)
    assert premier.month_day == (3, 1)
    assert friday.weekday == 4


@pytest.mark.parametrize(
    ("text", "language", "offset"),
    [
        ("please pay tomorrow", "en", 1),
        ("bitte zahlen Sie morgen", "de", 1),
        ("merci de régler demain", "fr", 1),
        ("le rogamos pague mañana", "es", 1),
        ("betaal morgen", "nl", 1),
        ("within 10 days", "en", 10),
        ("innerhalb von 10 Tagen", "de", 10),
        ("sous 10 jours", "fr", 10),
        ("en 10 días", "es", 10),
        ("binnen 10 dagen", "nl", 10),
        ("next week", "en", None),
        ("nächste Woche", "de", None),
        ("la semaine prochaine", "fr", None),
    ],
)
def test_relative_dates(text: str, language: str, offset: int | None) -> None:
    (found,) = only(text, FoundKind.RELATIVE_DATE, "en_GB", language)
    assert found.offset_days == offset


def test_guten_morgen_is_a_greeting_not_tomorrow() -> None:
    assert only("Guten Morgen Frau Müller", FoundKind.RELATIVE_DATE, "de_DE", "de") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 %", "2"),
        ("2%", "2"),
        ("2,5 %", "2.5"),
        ("12.50 %", "12.50"),
        ("3 Prozent", "3"),
        ("5 pour cent", "5"),
    ],
)
def test_percentages(text: str, value: str) -> None:
    (found,) = only(f"rate {text} applies", FoundKind.PERCENTAGE)
    assert found.numbers == (Decimal(value),)


def test_references_contacts_and_accounts() -> None:
    text = (
        "Invoices INV-2027-0042, RE/2027/77 and 1234567 (2nd reminder). IBAN DE89 3704 0044 0532 0130 00. "
        "Call +49 30 1234567 or (555) 123-4567, write to ar@acme.example, "
        "pay at https://pay.acme.example/i/42 or www.acme.de/pay."
    )
    kinds = [(f.kind, f.key) for f in extract(text)]
    assert (FoundKind.REFERENCE, "INV20270042") in kinds
    assert (FoundKind.REFERENCE, "RE202777") in kinds
    assert (FoundKind.REFERENCE, "1234567") in kinds
    assert (FoundKind.IBAN, "DE89370400440532013000") in kinds
    assert (FoundKind.PHONE, "301234567") in kinds
    assert (FoundKind.PHONE, "551234567") in kinds
    assert (FoundKind.EMAIL, "ar@acme.example") in kinds
    assert (FoundKind.URL, "pay.acme.example/i/42") in kinds
    assert (FoundKind.URL, "acme.de/pay") in kinds
    assert all(key != "2ND" for _, key in kinds)


def test_each_piece_of_text_is_read_once() -> None:
    found = extract("Bis 15.01.2027 bitte 1.250,50 € an ar@acme.de", "de_DE", "de")
    spans = sorted(f.span for f in found)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert [f.kind for f in found] == [FoundKind.DATE, FoundKind.AMOUNT, FoundKind.EMAIL]
