"""Reminders the product's own templates write, for the fact guard's tests and its benchmark
(``bench/drafting_guard_bench.py``): one suite, measured and asserted.

A clean draft is a template's words for a document built like ``reminders.composing`` builds one;
every one must pass. ``Base`` is a clean draft with the lines a model adds (how to pay, whom to
call), which ``drafting_mutations`` changes one thing at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date

from dunwell.drafting import DraftFacts, PaymentInstructions
from dunwell.reminders.drafting import draft, format_amount, locale_of

LANGUAGES = ("en", "de", "fr", "es")
IBAN = "DE89 3704 0044 0532 0130 00"
PHONE = "+49 30 1234567"
EMAIL = "ar@nordlicht.example"


def document(
    *,
    language: str = "en",
    tone: str = "firm",
    currency: str = "EUR",
    items: tuple[tuple[str, str, int], ...] = (
        ("RE-2027-0042", "2027-01-15", 125050),
        ("RE-2027-0077", "2027-02-01", 9900),
    ),
    as_of: str = "2027-03-01",
    contact: str = "Anna Müller",
    customer: str = "Müller & Söhne KG",
    charges: bool = True,
    plan: bool = False,
) -> dict[str, Any]:
    """A reminder document in ``composing.compose``'s shape."""
    today = date.fromisoformat(as_of)
    lines = [
        {
            "invoice_id": n,
            "number": number,
            "due_date": due,
            "days_overdue": max((today - date.fromisoformat(due)).days, 0),
            "open_minor": minor,
            "step": "s",
        }
        for n, (number, due, minor) in enumerate(items, start=1)
    ]
    total = sum(minor for _, _, minor in items)
    first_number, first_due, first_minor = items[0]
    start = date.fromisoformat(first_due) + timedelta(days=1)
    money = f"{currency} {first_minor / 100:,.2f}"
    extra = (
        [
            {
                "kind": "interest",
                "text": f"{first_number}: Interest at 12.50 % (ECB MRO 4.50 % + 8 pp) "
                f"from {start.isoformat()} to {as_of} on {money}: {currency} 18.84",
                "amount_minor": 1884,
                "currency": currency,
            },
            {
                "kind": "compensation",
                "text": f"{first_number}: Fixed compensation {currency} 40.00 (EU-4, DE-2)",
                "amount_minor": 4000,
                "currency": currency,
            },
        ]
        if charges
        else []
    )
    half = total // 2
    return {
        "language": language,
        "currency": currency,
        "tone": tone,
        "step": "step-2",
        "policy": "standard",
        "as_of": as_of,
        "pay_by": (today + timedelta(days=10)).isoformat(),
        "creditor": "Nordlicht Handels GmbH",
        "customer": {"name": customer, "number": "C-10042"},
        "contact_name": contact,
        "items": lines,
        "total_minor": total,
        "charges": extra,
        "grand_total_minor": total + sum(c["amount_minor"] for c in extra),
        "plan": [
            {"date": (today + timedelta(days=14)).isoformat(), "amount_minor": half},
            {"date": (today + timedelta(days=44)).isoformat(), "amount_minor": total - half},
        ]
        if plan
        else None,
        "opt_out_notice": True,
    }


def documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """Varied documents: tones, currencies, one item or several, charges, a plan, no contact."""
    for language in LANGUAGES:
        yield f"{language}-firm-eur", document(language=language)
        yield (
            f"{language}-friendly-gbp",
            document(language=language, tone="friendly", currency="GBP", charges=False),
        )
        yield (
            f"{language}-urgent-usd-plan",
            document(language=language, tone="urgent", currency="USD", plan=True),
        )
        yield (
            f"{language}-final-chf-one-item",
            document(
                language=language,
                tone="final_demand",
                currency="CHF",
                items=(("2027/10042", "2026-12-20", 1_234_567),),
                charges=False,
            ),
        )
        yield (
            f"{language}-friendly-not-due-no-contact",
            document(
                language=language,
                tone="friendly",
                items=(
                    ("INV-5501", "2027-03-10", 50000),
                    ("INV-5502", "2027-03-20", 25),
                ),
                contact="",
                charges=False,
            ),
        )


def render(doc: dict[str, Any], channel: str = "email") -> str:
    """What the customer reads: an email's subject line and body; a text message's body alone."""
    words = draft(doc, channel)
    return words.body if channel == "sms" else f"Subject: {words.subject}\n{words.body}"


def facts_for(doc: dict[str, Any], channel: str = "email", **extra: Any) -> DraftFacts:
    return DraftFacts.from_document(doc, channel=channel, **extra)


def clean_cases() -> Iterator[tuple[str, str, DraftFacts]]:
    """(label, text, facts) for every template draft: each must pass the guard."""
    for label, doc in documents():
        for tone in ("friendly", "firm", "urgent", "final_demand"):
            toned = dict(doc, tone=tone)
            for channel in ("email", "sms"):
                yield f"{label}-{tone}-{channel}", render(toned, channel), facts_for(toned, channel)
    for language in LANGUAGES:
        base = Base.make(language)
        yield f"{language}-with-payment-lines", base.text, base.facts


#: What a drafting model adds that the templates lack: how to pay and whom to call.
_PAYMENT_LINES = {
    "en": f"Please pay by bank transfer to IBAN {IBAN}, quoting C-10042. Questions: {PHONE} or {EMAIL}.",
    "de": f"Bitte überweisen Sie auf IBAN {IBAN} mit Verwendungszweck C-10042. Fragen: {PHONE} oder {EMAIL}.",
    "fr": f"Merci de régler par virement sur l'IBAN {IBAN}, référence C-10042. Questions : {PHONE}, {EMAIL}.",
    "es": f"Le rogamos transfiera a la IBAN {IBAN} indicando C-10042. Consultas: {PHONE} o {EMAIL}.",
}


@dataclass(frozen=True)
class Base:
    """A passing draft with payment lines, and what the mutations need to know about it."""

    language: str
    doc: dict[str, Any]
    text: str
    facts: DraftFacts
    payment_line: str = field(repr=False)

    @classmethod
    def make(cls, language: str) -> Base:
        doc = document(language=language)
        template = render(doc)
        line = _PAYMENT_LINES[language]
        marker = template.split("\n\n")[-3]  # the paragraph before the closing: attach after the items
        text = template.replace(marker, marker + "\n\n" + line, 1)
        facts = facts_for(
            doc,
            payment=PaymentInstructions(iban=IBAN, reference="C-10042"),
            phones=(PHONE,),
            emails=(EMAIL,),
        )
        return cls(language, doc, text, facts, line)

    def amount(self, minor: int, currency: str | None = None, tag: str | None = None) -> str:
        return format_amount(minor, currency or self.doc["currency"], tag or self.doc["language"])

    def day(self, iso: str | date, tag: str | None = None) -> str:
        day = iso if isinstance(iso, date) else date.fromisoformat(iso)
        return format_date(day, "medium", locale=locale_of(tag or self.doc["language"]))

    def item(self, n: int) -> dict[str, Any]:
        return self.doc["items"][n]
