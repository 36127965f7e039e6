"""A reminder's words from its document: Jinja2 templates per language (``templates/<lang>/``) with
money and dates written by Babel for the language, so a German reminder reads ``1.250,50 €`` and
``15.01.2027``. The document (what the message says, in minor units and ISO dates) is stored on the
outbox row; the subject and body drafted from it are stored too, so an approver previews the exact
words that will leave, and an edit replaces them.

Templates are the product's own files, loaded from the package: nothing stored in the database is
ever rendered as a template (an edited body is plain text)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined

from dunwell.core.money import minor_to_decimal
from dunwell.kit.money_format import money_formatter

LANGUAGES = ("en", "de", "fr", "es")
#: The locale each language's money and dates are written in when the contact names only a language.
_LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES"}


@dataclass(frozen=True, slots=True)
class Draft:
    subject: str
    body: str


def language_of(tag: str | None) -> str:
    """The template language for a contact's BCP 47 tag (``de-CH`` → ``de``); English otherwise."""
    base = (tag or "en").replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def locale_of(tag: str | None) -> Locale:
    language = language_of(tag)
    if tag and "-" in tag.replace("_", "-"):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (ValueError, LookupError):
            pass
    return Locale.parse(_LOCALES[language])


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text: autoescape would put HTML entities into an email body. StrictUndefined: a
    # template naming something the document lacks fails loudly instead of printing nothing.
    return Environment(
        loader=PackageLoader("dunwell.reminders", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )


def draft(document: dict[str, Any], channel: str) -> Draft:
    """The subject and body of ``document`` for ``channel`` (email, letter: the email's words; sms)."""
    language = language_of(document.get("language"))
    context = _context(document)
    if channel == "sms":
        body = _environment().get_template(f"{language}/sms.j2").render(context).strip()
        return Draft(subject=_subject_line(document, context), body=body)
    text = _environment().get_template(f"{language}/email.j2").render(context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"template {language}/email.j2 must start with a Subject: line")
    return Draft(subject=first.removeprefix("Subject: ").strip(), body=_tidy(rest))


def _subject_line(document: dict[str, Any], context: dict[str, Any]) -> str:
    return f"{document.get('step', '')}: {context['total']}"


def _context(document: dict[str, Any]) -> dict[str, Any]:
    locale = locale_of(document.get("language"))
    currency = document["currency"]
    money = money_formatter(currency, locale)

    def amount(minor: int, of: str = currency) -> str:
        return money_formatter(of, locale)(minor_to_decimal(minor, of))

    def day(iso: str) -> str:
        return format_date(date.fromisoformat(iso), format="medium", locale=locale)

    items = [
        {
            "number": item["number"],
            "due": day(item["due_date"]),
            "days_overdue": int(item["days_overdue"]),
            "open": amount(int(item["open_minor"])),
        }
        for item in document["items"]
    ]
    charges = [line["text"] for line in document.get("charges", [])]
    return {
        "tone": document["tone"],
        "overdue": any(item["days_overdue"] > 0 for item in items),
        "items": items,
        "total": money(minor_to_decimal(int(document["total_minor"]), currency)),
        "charges": charges,
        "grand_total": amount(int(document.get("grand_total_minor", document["total_minor"]))),
        "plan": [
            {"date": day(part["date"]), "amount": amount(int(part["amount_minor"]))}
            for part in document.get("plan") or []
        ],
        "pay_by": day(document["pay_by"]) if document.get("pay_by") else "",
        "customer_name": document["customer"]["name"],
        "contact_name": document.get("contact_name") or "",
        "creditor": document["creditor"],
        "opt_out": bool(document.get("opt_out_notice", True)),
    }


def _tidy(text: str) -> str:
    """No run of more than one empty line, no trailing spaces: templates stay readable."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    kept: list[str] = []
    for line in lines:
        if not line and kept and not kept[-1]:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def format_amount(minor: int, currency: str, tag: str | None) -> str:
    return money_formatter(currency, locale_of(tag))(minor_to_decimal(minor, currency))
