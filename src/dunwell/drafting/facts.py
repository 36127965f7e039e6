"""What a drafted reminder may state: the facts it was drafted from, as plain values.

A draft is checked against these and nothing else, so every figure a reader could act on (an
amount, a date, an invoice number, a bank account, a phone number) must be here. Money is integer
minor units with its currency; dates are ``date``. ``from_document`` reads the reminder document
that ``dunwell.reminders.composing`` stores on the outbox row (minor units, ISO dates), but takes it
as a plain dict: this engine does not import the application."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dunwell.core.money import minor_to_decimal

#: The opt-out sentences the product's own templates print (RULES.md RF-ELEC-1: a reasonable and
#: simple opt-out method in every email and text). A draft must carry the one for its language and
#: channel word for word, so the method the customer reads is the one the reply reader honours.
OPT_OUT_NOTICES: Mapping[tuple[str, str], str] = {
    (
        "en",
        "email",
    ): 'To stop receiving reminders at this email address, reply with "stop" in the subject line.',
    ("en", "sms"): "Reply STOP to stop texts to this number.",
    ("de", "email"): "Wenn Sie keine Erinnerungen mehr an diese E-Mail-Adresse erhalten möchten, "
    "antworten Sie mit „stop“ im Betreff.",
    ("de", "sms"): "Antworten Sie STOP, um keine SMS mehr an diese Nummer zu erhalten.",
    (
        "fr",
        "email",
    ): "Pour ne plus recevoir de relances à cette adresse, répondez avec « stop » dans l'objet.",
    ("fr", "sms"): "Répondez STOP pour ne plus recevoir de SMS à ce numéro.",
    (
        "es",
        "email",
    ): "Para dejar de recibir recordatorios en esta dirección, responda con «stop» en el asunto.",
    ("es", "sms"): "Responda STOP para no recibir más SMS en este número.",
    (
        "nl",
        "email",
    ): 'Wilt u geen herinneringen meer op dit e-mailadres ontvangen? Antwoord met "stop" in het onderwerp.',
    ("nl", "sms"): "Antwoord STOP om geen sms meer op dit nummer te ontvangen.",
}
LANGUAGES = ("en", "de", "fr", "es", "nl")
#: The locale a bare language's figures are read in (the same choice the templates write them in).
DEFAULT_LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "nl": "nl_NL"}


@dataclass(frozen=True, slots=True)
class MoneyFact:
    minor: int
    currency: str

    @property
    def amount(self) -> Decimal:
        return minor_to_decimal(self.minor, self.currency)


@dataclass(frozen=True, slots=True)
class Item:
    number: str
    open: MoneyFact
    due_date: date
    days_overdue: int = 0


@dataclass(frozen=True, slots=True)
class Discount:
    """An early-payment discount the policy offers: ``percent`` off when paid within ``within_days``."""

    percent: Decimal
    within_days: int | None = None


@dataclass(frozen=True, slots=True)
class PaymentInstructions:
    iban: str = ""
    #: Another account identifier (a US routing and account number, a BIC) as it should be written.
    account: str = ""
    payment_url: str = ""
    #: What the customer should quote with the payment (invoice number, customer number, RF reference).
    reference: str = ""

    def given(self) -> bool:
        return bool(self.iban or self.account or self.payment_url)


@dataclass(frozen=True, slots=True)
class DraftFacts:
    language: str
    locale: str
    customer_name: str
    contact_name: str
    sender_name: str
    items: tuple[Item, ...]
    total: MoneyFact
    tone: str = "friendly"
    #: The step allows saying that legal action may follow (a final demand some policies permit).
    legal_allowed: bool = False
    discounts: tuple[Discount, ...] = ()
    opt_out_required: bool = False
    opt_out_text: str = ""
    payment: PaymentInstructions = field(default_factory=PaymentInstructions)
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    #: Other amounts the draft may state: the total with charges, interest, compensation, instalments.
    other_amounts: tuple[MoneyFact, ...] = ()
    today: date | None = None
    deadline: date | None = None
    #: Other dates the draft may state (instalment dates); due dates, today and the deadline count anyway.
    other_dates: tuple[date, ...] = ()
    #: Interest rates and other percentages the draft may state (discount percentages count anyway).
    percentages: tuple[Decimal, ...] = ()
    #: Other identifiers the draft may state: the customer number, a contract number.
    references: tuple[str, ...] = ()
    #: People who may sign the message (the collector's name), beyond the sender company.
    sender_people: tuple[str, ...] = ()
    #: Lines Dunwell itself wrote (the interest and compensation sentences): every figure in them
    #: is a fact, so a draft quoting them is not refused for it.
    trusted_lines: tuple[str, ...] = ()
    #: Relative dates ("next week") the facts cannot pin to a day are refused unless this is set.
    relative_dates_allowed: bool = False
    #: A text message names no invoices; an email or a letter lists every item.
    items_required: bool = True

    @property
    def currency(self) -> str:
        return self.total.currency

    def allowed_dates(self) -> frozenset[date]:
        days = {item.due_date for item in self.items} | set(self.other_dates)
        days |= {d for d in (self.today, self.deadline) if d is not None}
        return frozenset(days)

    def allowed_money(self) -> frozenset[MoneyFact]:
        return frozenset((self.total, *(item.open for item in self.items), *self.other_amounts))

    def trusted_strings(self) -> tuple[str, ...]:
        """Every text the facts hold: what these contain (a number in a company name, the figures
        of an interest sentence) is a fact too."""
        payment = self.payment
        return tuple(
            s
            for s in (
                self.customer_name,
                self.contact_name,
                self.sender_name,
                payment.iban,
                payment.account,
                payment.payment_url,
                payment.reference,
                self.opt_out_text,
                *self.phones,
                *self.emails,
                *self.urls,
                *self.references,
                *self.sender_people,
                *self.trusted_lines,
            )
            if s
        )

    @classmethod
    def from_document(
        cls,
        document: Mapping[str, Any],
        *,
        channel: str = "email",
        legal_allowed: bool | None = None,
        discounts: Sequence[Discount] = (),
        payment: PaymentInstructions | None = None,
        phones: Sequence[str] = (),
        emails: Sequence[str] = (),
        urls: Sequence[str] = (),
        sender_people: Sequence[str] = (),
        opt_out_text: str | None = None,
    ) -> DraftFacts:
        """The facts of a stored reminder document (``composing.compose``'s shape) for ``channel``.

        What the document does not carry (how to pay, contact points, discounts, whether the step
        allows legal wording) is passed in; the document's own ``legal_allowed`` is read if set."""
        tag = str(document.get("language") or "en")
        language = language_of(tag)
        currency = str(document["currency"])
        items = tuple(
            Item(
                number=str(line["number"]),
                open=MoneyFact(int(line["open_minor"]), currency),
                due_date=date.fromisoformat(str(line["due_date"])),
                days_overdue=int(line.get("days_overdue", 0)),
            )
            for line in document["items"]
        )
        charges = list(document.get("charges") or [])
        plan = list(document.get("plan") or [])
        other_amounts = [MoneyFact(int(document.get("grand_total_minor", document["total_minor"])), currency)]
        other_amounts += [
            MoneyFact(int(c["amount_minor"]), str(c.get("currency", currency))) for c in charges
        ]
        other_amounts += [MoneyFact(int(p["amount_minor"]), currency) for p in plan]
        # The templates print the notice unless the document says not to (an absent flag prints it).
        required = bool(document.get("opt_out_notice", True))
        notice_channel = "sms" if channel == "sms" else "email"
        text = (
            opt_out_text if opt_out_text is not None else OPT_OUT_NOTICES.get((language, notice_channel), "")
        )
        customer = document.get("customer") or {}
        return cls(
            language=language,
            locale=locale_of(tag),
            customer_name=str(customer.get("name", "")),
            contact_name=str(document.get("contact_name") or ""),
            sender_name=str(document.get("creditor", "")),
            items=items,
            total=MoneyFact(int(document["total_minor"]), currency),
            tone=str(document.get("tone", "friendly")),
            legal_allowed=bool(document.get("legal_allowed", False))
            if legal_allowed is None
            else legal_allowed,
            discounts=tuple(discounts),
            opt_out_required=required,
            opt_out_text=text if required else "",
            payment=payment or PaymentInstructions(),
            phones=tuple(phones),
            emails=tuple(emails),
            urls=tuple(urls),
            other_amounts=tuple(other_amounts),
            today=_day(document.get("as_of")),
            deadline=_day(document.get("pay_by")),
            other_dates=tuple(date.fromisoformat(str(p["date"])) for p in plan),
            # The customer number and the step's name (a text message's subject line shows it).
            references=tuple(str(v) for v in (customer.get("number"), document.get("step")) if v),
            sender_people=tuple(sender_people),
            trusted_lines=tuple(str(c["text"]) for c in charges if c.get("text")),
            items_required=channel != "sms",
        )


def language_of(tag: str) -> str:
    """``de-CH`` → ``de``; a language the guard has no words for reads as English."""
    base = tag.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def locale_of(tag: str) -> str:
    """The Babel locale name figures are read in: the tag's own region when it names one."""
    parts = tag.replace("-", "_").split("_")
    language = language_of(tag)
    if len(parts) >= 2 and parts[0].lower() == language and len(parts[1]) == 2:
        return f"{language}_{parts[1].upper()}"
    return DEFAULT_LOCALES[language]


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
