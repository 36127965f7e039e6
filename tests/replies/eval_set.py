# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""The labelled evaluation set: every phrase of ``eval_phrases`` wrapped as a real reply (greeting,
signature, quoted reminder with its opt-out notice, Gmail/Outlook/Apple/German/French/Spanish/Dutch
quoting, HTML-only bodies, Latin-1 charsets), with the sent date and the expected date and amount.

Deterministic (a fixed seed); built in memory. ``write_eml_folder`` writes the ``.eml`` files."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from replies.eval_phrases import MIXED, PHRASES


@dataclass(frozen=True)
class EvalCase:
    name: str
    raw: bytes
    intent: str
    language: str
    sent: date
    expected_date: date | None
    expected_amount: Decimal | None


SENT_DAYS = (date(2027, 3, 10), date(2027, 3, 15), date(2027, 3, 4))  # Wed, Mon, Thu


def _weekday_after(sent: date, weekday: int) -> date:
    return sent + timedelta(days=(weekday - sent.weekday() - 1) % 7 + 1)


def _month_end(sent: date) -> date:
    return sent.replace(day=calendar.monthrange(sent.year, sent.month)[1])


def _friday_next_week(sent: date) -> date:
    return sent - timedelta(days=sent.weekday()) + timedelta(days=11)


# (wording, day it names given the sent day): future days for promises and returns.
FUTURE = {
    "en": (("next Friday", lambda s: _weekday_after(s, 4)), ("on the 28th", lambda s: s.replace(day=28)),
           ("by the end of the month", _month_end), ("tomorrow", lambda s: s + timedelta(days=1)),
           ("in two weeks", lambda s: s + timedelta(days=14)), ("on 2 April", lambda s: date(2027, 4, 2)),
           ("on Friday next week", _friday_next_week)),
    "de": (("nächsten Freitag", lambda s: _weekday_after(s, 4)), ("am 28.", lambda s: s.replace(day=28)),
           ("bis Ende des Monats", _month_end), ("morgen", lambda s: s + timedelta(days=1)),
           ("in zwei Wochen", lambda s: s + timedelta(days=14)), ("am 2. April", lambda s: date(2027, 4, 2)),
           ("nächste Woche Freitag", _friday_next_week)),
    "fr": (("vendredi prochain", lambda s: _weekday_after(s, 4)), ("le 28", lambda s: s.replace(day=28)),
           ("d'ici la fin du mois", _month_end), ("demain", lambda s: s + timedelta(days=1)),
           ("dans deux semaines", lambda s: s + timedelta(days=14)), ("le 2 avril", lambda s: date(2027, 4, 2))),
    "es": (("el próximo viernes", lambda s: _weekday_after(s, 4)), ("el 28", lambda s: s.replace(day=28)),
           ("a finales de mes", _month_end), ("mañana", lambda s: s + timedelta(days=1)),
           ("dentro de dos semanas", lambda s: s + timedelta(days=14)), ("el 2 de abril", lambda s: date(2027, 4, 2))),
    "nl": (("volgende week vrijdag", _friday_next_week), ("op de 28e", lambda s: s.replace(day=28)),
           ("aan het eind van de maand", _month_end), ("morgen", lambda s: s + timedelta(days=1)),
           ("over twee weken", lambda s: s + timedelta(days=14)), ("op 2 april", lambda s: date(2027, 4, 2))),
}  # fmt: skip
PAST = {
    "en": (("on 1 March", date(2027, 3, 1)), ("on 26/02/2027", date(2027, 2, 26))),
    "de": (("am 1. März", date(2027, 3, 1)), ("am 26.02.2027", date(2027, 2, 26))),
    "fr": (("le 1er mars", date(2027, 3, 1)), ("le 26/02/2027", date(2027, 2, 26))),
    "es": (("el 1 de marzo", date(2027, 3, 1)), ("el 26/02/2027", date(2027, 2, 26))),
    "nl": (("op 1 maart", date(2027, 3, 1)), ("op 26-02-2027", date(2027, 2, 26))),
}
AMOUNTS = {
    "en": (("£1,480.00", "1480.00"), ("EUR 2,300.50", "2300.50"), ("$640.25", "640.25")),
    "de": (("1.480,00 €", "1480.00"), ("2.300,50 EUR", "2300.50")),
    "fr": (("1 480,00 €", "1480.00"), ("2 300,50 EUR", "2300.50")),
    "es": (("1.480,00 €", "1480.00"), ("2.300,50 euros", "2300.50")),
    "nl": (("€ 1.480,00", "1480.00"), ("2.300,50 EUR", "2300.50")),
}
REFS = ("INV-2027-0412", "RE-104233", "FA-2027-118", "F-2027/0931", "INV-88120")
GREETINGS = {
    "en": ("Hi Sarah,", "Dear Accounts team,", "Hello,", ""),
    "de": ("Hallo Frau Becker,", "Sehr geehrte Damen und Herren,", "Guten Tag,", ""),
    "fr": ("Bonjour,", "Madame, Monsieur,", "Bonjour Claire,", ""),
    "es": ("Hola,", "Estimados señores:", "Buenos días Ana,", ""),
    "nl": ("Goedemorgen,", "Beste heer Bakker,", "Hallo,", ""),
}
CLOSINGS = {
    "en": (
        "Kind regards,\nPeter Hall\nFinance Manager | Hall & Sons Ltd\nT +44 20 7946 0958",
        "Thanks\nJo",
        "Best,\nDana",
    ),
    "de": (
        "Mit freundlichen Grüßen\nKlaus Weber\nBuchhaltung\nWeber GmbH | Tel. 030 1234567",
        "Viele Grüße\nAnna",
        "Beste Grüße\nM. Krüger",
    ),
    "fr": (
        "Cordialement,\nJulien Martin\nService comptabilité\nTél. 01 23 45 67 89",
        "Bien à vous,\nSophie",
        "Bonne journée\nL. Petit",
    ),
    "es": (
        "Saludos cordiales,\nCarlos López\nDepartamento financiero",
        "Un saludo,\nLucía",
        "Atentamente,\nJ. Pérez",
    ),
    "nl": ("Met vriendelijke groet,\nJan de Boer\nFinanciële administratie", "Groeten,\nEva", "Mvg\nPieter"),
}
FOOTERS = {
    "en": ("Sent from my iPhone", "CONFIDENTIALITY NOTICE: This email and any attachments are confidential. "
           "If you are not the intended recipient please stop reading and unsubscribe from nothing."),
    "de": ("Von meinem iPhone gesendet", "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der "
           "richtige Adressat sind, informieren Sie bitte sofort den Absender."),
    "fr": ("Envoyé de mon iPhone", "Ce message et toutes les pièces jointes sont confidentiels et établis à "
           "l'intention exclusive de ses destinataires."),
    "es": ("Enviado desde mi iPhone", "Este mensaje y sus anexos son confidenciales y van dirigidos "
           "exclusivamente a su destinatario."),
    "nl": ("Verzonden vanaf mijn iPhone", "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde(n)."),
}  # fmt: skip
# The reminder the customer answers, with its opt-out notice: it must be stripped, never read.
REMINDERS = {
    "en": "Dear customer, invoice {ref} is overdue. Please pay the outstanding balance within 7 days.\n"
    "To stop receiving these emails, reply STOP or unsubscribe here.",
    "de": "Sehr geehrte Kundin, sehr geehrter Kunde, die Rechnung {ref} ist überfällig. Bitte zahlen Sie bis morgen.\n"
    "Keine E-Mails mehr? Antworten Sie mit STOP, um sich abzumelden.",
    "fr": "Madame, Monsieur, la facture {ref} est échue. Merci de régler le solde sous 7 jours.\n"
    "Pour vous désabonner de ces e-mails, répondez STOP.",
    "es": "Estimado cliente: la factura {ref} está vencida. Le rogamos que pague en 7 días.\n"
    "Para darse de baja de estos correos, responda STOP.",
    "nl": "Geachte klant, factuur {ref} is vervallen. Gelieve binnen 7 dagen te betalen.\n"
    "Wilt u zich afmelden voor deze e-mails? Antwoord dan STOP.",
}
ATTRIBUTIONS = {
    "en": "On Mon, 1 Mar 2027 at 09:00, Dunwell Credit Control <ar@dunwell.example> wrote:",
    "de": "Am 01.03.2027 um 09:00 schrieb Dunwell Forderungsmanagement <ar@dunwell.example>:",
    "fr": "Le lun. 1 mars 2027 à 09:00, Dunwell Recouvrement <ar@dunwell.example> a écrit :",
    "es": "El lun, 1 mar 2027 a las 9:00, Dunwell Cobros (<ar@dunwell.example>) escribió:",
    "nl": "Op ma 1 mrt 2027 om 09:00 schreef Dunwell Debiteurenbeheer <ar@dunwell.example>:",
}
OUTLOOK_HEADERS = {
    "en": ("From", "Sent", "To", "Subject"), "de": ("Von", "Gesendet", "An", "Betreff"),
    "fr": ("De", "Envoyé", "À", "Objet"), "es": ("De", "Enviado el", "Para", "Asunto"),
    "nl": ("Van", "Verzonden", "Aan", "Onderwerp"),
}  # fmt: skip
QUOTE_STYLES = ("gmail", "outlook", "apple", "none", "html", "separator")


def _quoted(style: str, language: str, ref: str) -> str:
    reminder = REMINDERS[language].format(ref=ref)
    if style in ("gmail", "apple"):
        head = (
            ATTRIBUTIONS[language]
            if style == "gmail"
            else "On 1 Mar 2027, at 09:00, ar@dunwell.example wrote:"
        )
        if style == "gmail" and language == "en":  # Gmail wraps long attribution lines
            head = head.replace(" Dunwell Credit Control", "\nDunwell Credit Control")
        return "\n\n" + head + "\n\n" + "\n".join("> " + line for line in reminder.split("\n"))
    if style == "outlook":
        frm, sent, to, subject = OUTLOOK_HEADERS[language]
        return (f"\n\n________________________________\n{frm}: Dunwell <ar@dunwell.example>\n{sent}: 01.03.2027 09:00\n"
                f"{to}: ap@customer.example\n{subject}: {ref}\n\n{reminder}")  # fmt: skip
    if style == "separator":
        return f"\n\n-----Original Message-----\nFrom: ar@dunwell.example\nSubject: {ref}\n\n{reminder}"
    return ""


def _message(body_lines: list[str], *, style: str, language: str, ref: str, sent: date, index: int,
             subject: str, latin1: bool) -> bytes:  # fmt: skip
    message = EmailMessage()
    message["From"] = f"customer{index}@client{index % 17}.example"
    message["To"] = "ar@dunwell.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(sent.year, sent.month, sent.day, 9 + index % 8, 5, tzinfo=UTC))
    message["Message-ID"] = f"<reply-{index}@client.example>"
    message["In-Reply-To"] = f"<reminder-{index}@dunwell.example>"
    text = "\n".join(line for line in body_lines if line is not None)
    if style == "html":
        paragraphs = "".join(f"<div>{line or '<br>'}</div>" for line in text.split("\n"))
        quoted = REMINDERS[language].format(ref=ref).replace("\n", "<br>")
        html = (f"<html><body>{paragraphs}<div class=\"gmail_quote\"><div>{ATTRIBUTIONS[language]}</div>"
                f"<blockquote>{quoted}</blockquote></div></body></html>")  # fmt: skip
        message.set_content(html, subtype="html", charset="utf-8")
    else:
        body = text + _quoted(style, language, ref)
        charset = "iso-8859-1" if latin1 and all(ord(c) < 256 for c in body) else "utf-8"
        message.set_content(body, charset=charset)
    return bytes(message)


def build_cases() -> list[EvalCase]:
    rng = random.Random(20)
    entries: list[tuple[str, str, str, int]] = []
    extra = {"promise_to_pay": 3, "unsubscribe": 3}
    for intent, by_language in PHRASES.items():
        for language, phrases in by_language.items():
            entries += [(intent, language, p, extra.get(intent, 2)) for p in phrases]
    entries += [(intent, language, p, 2) for intent, language, p in MIXED]
    cases = []
    for intent, language, phrase, variants in entries:
        for _ in range(variants):
            cases.append(_case(len(cases), intent, language, phrase, rng))
    return cases


def _case(index: int, intent: str, language: str, phrase: str, rng: random.Random) -> EvalCase:
    sent = rng.choice(SENT_DAYS)
    ref = rng.choice(REFS)
    expected_date = expected_amount = None
    filled = {"ref": ref, "domain": f"client{index % 17}.example", "amount": "", "date": ""}
    if "{amount}" in phrase:
        written, value = rng.choice(AMOUNTS[language])
        filled["amount"], expected_amount = written, Decimal(value)
    if "{date}" in phrase:
        if intent == "already_paid":
            filled["date"], expected_date = rng.choice(PAST[language])
        else:
            wording, resolve = rng.choice(FUTURE[language])
            filled["date"], expected_date = wording, resolve(sent)
    text = phrase.format(**filled).replace("  ", " ")
    if rng.random() < 0.15 and len(text) > 20:  # a typo: two letters swapped
        at = rng.randrange(3, len(text) - 3)
        if text[at].isalpha() and text[at + 1].isalpha():
            text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    style = rng.choice(QUOTE_STYLES)
    lines = [rng.choice(GREETINGS[language]), "", text, "", rng.choice(CLOSINGS[language])]
    if rng.random() < 0.35:
        lines += ["", rng.choice(FOOTERS[language])]
    if rng.random() < 0.2:
        lines.insert(-1, "-- ")
    subject = f"Re: {ref}"
    if intent == "out_of_office" and rng.random() < 0.4:
        subject = {"en": "Automatic reply: ", "de": "Abwesenheitsnotiz: ", "fr": "Réponse automatique : ",
                   "es": "Respuesta automática: ", "nl": "Automatisch antwoord: "}[language] + ref  # fmt: skip
    raw = _message(lines, style=style, language=language, ref=ref, sent=sent, index=index, subject=subject,
                   latin1=rng.random() < 0.3)  # fmt: skip
    return EvalCase(
        f"{index:04d}-{language}-{intent}", raw, intent, language, sent, expected_date, expected_amount
    )


def write_eml_folder(cases: list[EvalCase], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        (folder / f"{case.name}.eml").write_bytes(case.raw)
