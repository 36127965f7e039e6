"""Intents, evidence and fields of single replies, in the five languages; an .eml parsed end to end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.message import EmailMessage

import pytest

from dunwell.cli.replies import shipped_model
from dunwell.core.collections import DisputeCategory
from dunwell.replies import Intent, classify_message, classify_text, parse_message
from dunwell.replies.when import resolve_dates

WEDNESDAY = date(2027, 3, 10)


def read(text: str, *, subject: str = "Re: INV-1"):
    return classify_text(text, sent=WEDNESDAY, subject=subject, model=shipped_model())


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("we will pay next Friday", "en", date(2027, 3, 12)),
        ("Zahlung am 15.", "de", date(2027, 3, 15)),
        ("à la fin de mois", "fr", date(2027, 3, 31)),
        ("by the end of the month", "en", date(2027, 3, 31)),
        ("tomorrow", "en", date(2027, 3, 11)),
        ("in two weeks", "en", date(2027, 3, 24)),
        ("nächsten Freitag", "de", date(2027, 3, 12)),
        ("el próximo viernes", "es", date(2027, 3, 12)),
        ("volgende week vrijdag", "nl", date(2027, 3, 19)),
        ("on the 5th", "en", date(2027, 4, 5)),
        ("le 20 avril", "fr", date(2027, 4, 20)),
        ("ab dem 21.03. wieder da", "de", date(2027, 3, 21)),
    ],
)
def test_relative_dates_resolve_against_the_message_date(text: str, language: str, expected: date) -> None:
    assert [r.day for r in resolve_dates(text, WEDNESDAY, language=language)] == [expected]


def test_a_promise_with_date_amount_and_invoice() -> None:
    reading = read("Hi, we will pay INV-2027-041 next Friday, 1.250,50 EUR.\n\nBest regards\nJohn")
    assert reading.intent is Intent.PROMISE_TO_PAY
    assert (reading.promise_date, reading.promise_amount, reading.currency) == (
        date(2027, 3, 12), Decimal("1250.50"), "EUR",
    )  # fmt: skip
    assert reading.invoice_refs == ("INV-2027-041",)
    assert "we will pay" in reading.evidence


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The price on INV-1234 is wrong, we were quoted 10% less.", DisputeCategory.PRICING),
        ("Die Ware zu RE-2027-5 kam beschädigt an, wir reklamieren.", DisputeCategory.QUALITY),
        ("Nous contestons FA-2027-1 : facturée deux fois.", DisputeCategory.DUPLICATE),
        ("No hemos recibido el pedido de la factura F-2027/9, reclamamos.", DisputeCategory.NOT_RECEIVED),
    ],
)
def test_disputes_carry_their_category_and_invoices(text: str, category: DisputeCategory) -> None:
    reading = read(text)
    assert reading.intent is Intent.DISPUTE
    assert reading.dispute_category is category
    assert reading.invoice_refs


@pytest.mark.parametrize(
    "text",
    ["STOP", "Please unsubscribe me.", "Bitte melden Sie mich ab.", "Merci de ne plus me contacter.",
     "Quiero darme de baja.", "Graag afmelden.", "We paid already, now remove me from your list."],
)  # fmt: skip
def test_stop_wording_wins_over_everything(text: str) -> None:
    reading = read(text)
    assert reading.intent is Intent.UNSUBSCRIBE
    assert reading.confidence >= 0.95


def test_an_opt_out_notice_in_the_quoted_reminder_is_not_a_stop() -> None:
    text = (
        "We will pay tomorrow.\n\nOn Mon, 1 Mar 2027, AR <ar@x.example> wrote:\n> Reply STOP to unsubscribe."
    )
    assert read(text).intent is Intent.PROMISE_TO_PAY


def test_out_of_office_gives_the_return_date_and_wrong_contact_the_new_address() -> None:
    away = read("Ich bin im Urlaub und ab dem 22.03.2027 wieder im Büro.")
    assert (away.intent, away.return_date) == (Intent.OUT_OF_OFFICE, date(2027, 3, 22))
    moved = classify_text("I no longer work here, please write to ap@client.example.", sent=WEDNESDAY,
                          sender="old@client.example", model=shipped_model())  # fmt: skip
    assert (moved.intent, moved.new_contact) == (Intent.WRONG_CONTACT, "ap@client.example")


def test_already_paid_reports_the_payment_date() -> None:
    reading = read("Cette facture a déjà été payée le 3 mars, virement de 400,00 €.")
    assert reading.intent is Intent.ALREADY_PAID
    assert (reading.promise_date, reading.promise_amount) == (date(2027, 3, 3), Decimal("400.00"))


def test_an_html_only_latin1_message_is_read_without_its_blockquote() -> None:
    message = EmailMessage()
    message["From"], message["Subject"] = "c@client.example", "Re: facture"
    message["Date"], message["Message-ID"] = "Wed, 10 Mar 2027 09:00:00 +0100", "<m1@client.example>"
    message.set_content(
        "<div>Nous réglerons la facture vendredi prochain.</div>"
        "<blockquote>Pour vous désabonner, STOP</blockquote>",
        subtype="html", charset="iso-8859-1",
    )  # fmt: skip
    parsed = parse_message(bytes(message))
    reading = classify_message(parsed, shipped_model())
    assert parsed.from_html
    assert parsed.message_id == "<m1@client.example>"
    assert (reading.intent, reading.promise_date) == (Intent.PROMISE_TO_PAY, date(2027, 3, 12))


def test_the_rules_alone_still_classify_without_a_trained_model() -> None:
    reading = classify_text("Estoy de vacaciones hasta el 20 de marzo.", sent=WEDNESDAY, model=None)
    assert reading.intent is Intent.OUT_OF_OFFICE
