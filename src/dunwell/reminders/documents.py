"""The statement of account attached to a reminder, and a letter, as PDF (fpdf2).

Rendered from the reminder's stored document, so the preview an approver opens and the file that
is sent are the same. Text is written with DejaVu Sans when the machine has it (every script and
the euro sign); without it, with the PDF core font, whose Latin-1 cannot print some characters
(they are replaced, never dropped silently: ``?`` marks them)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from fpdf import FPDF

from dunwell.reminders.drafting import draft, format_amount, locale_of

_FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
_HEADINGS = {
    "en": (
        "Statement of account",
        "Invoice",
        "Due",
        "Days overdue",
        "Open",
        "Total open",
        "Customer",
        "As of",
    ),
    "de": (
        "Kontoauszug",
        "Rechnung",
        "Fällig",
        "Tage überfällig",
        "Offen",
        "Offener Betrag",
        "Kunde",
        "Stand",
    ),
    "fr": (
        "Relevé de compte",
        "Facture",
        "Échéance",
        "Jours de retard",
        "Restant dû",
        "Total restant dû",
        "Client",
        "Au",
    ),
    "es": (
        "Extracto de cuenta",
        "Factura",
        "Vence",
        "Días de retraso",
        "Pendiente",
        "Total pendiente",
        "Cliente",
        "A fecha",
    ),
}


def statement_pdf(document: dict[str, Any]) -> bytes:
    """The customer's open items in this currency, with charges and any instalment offer."""
    pdf, latin = _new_pdf()
    _statement(pdf, latin, document)
    return bytes(pdf.output())


def letter_pdf(document: dict[str, Any]) -> bytes:
    """A letter: the address and the reminder's words on the first page, the statement after them
    (one file: a print service takes one file per letter)."""
    pdf, latin = _new_pdf()
    write = _writer(pdf, latin)
    words = draft(document, "letter")
    address = document.get("address") or document["customer"]["name"]
    pdf.multi_cell(0, 5, _safe(address, latin), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font_size(12)
    write(0, 8, words.subject, new_line=True)
    pdf.set_font_size(10)
    pdf.multi_cell(0, 5, _safe(words.body, latin), new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    _statement(pdf, latin, document)
    return bytes(pdf.output())


def _statement(pdf: FPDF, latin: bool, document: dict[str, Any]) -> None:
    language = (document.get("language") or "en").split("-")[0]
    title, invoice, due, late, open_, total, customer, as_of = _HEADINGS.get(language, _HEADINGS["en"])
    tag = document.get("language")
    locale = locale_of(tag)
    write = _writer(pdf, latin)

    def day(iso: str) -> str:
        return format_date(date.fromisoformat(iso), "medium", locale=locale)

    pdf.set_font_size(15)
    write(0, 9, title, new_line=True)
    pdf.set_font_size(10)
    write(0, 6, str(document["creditor"]), new_line=True)
    write(
        0, 6, f"{customer}: {document['customer']['name']} ({document['customer']['number']})", new_line=True
    )
    write(0, 6, f"{as_of} {day(document['as_of'])}", new_line=True)
    pdf.ln(4)
    widths = (50, 35, 35, 60)
    pdf.set_font_size(9)
    for text, width in zip((invoice, due, late, open_), widths, strict=True):
        write(width, 7, text, border="B", align="R" if text == open_ else "L")
    pdf.ln()
    currency = document["currency"]
    for item in document["items"]:
        late_days = int(item["days_overdue"])
        write(widths[0], 6, str(item["number"]))
        write(widths[1], 6, day(item["due_date"]))
        write(widths[2], 6, str(late_days) if late_days > 0 else "")
        write(widths[3], 6, format_amount(int(item["open_minor"]), currency, tag), align="R")
        pdf.ln()
    pdf.ln(2)
    write(sum(widths[:3]), 7, total, border="T")
    write(widths[3], 7, format_amount(int(document["total_minor"]), currency, tag), border="T", align="R")
    pdf.ln()
    for line in document.get("charges", []):
        write(0, 6, line["text"], new_line=True)
    for part in document.get("plan") or []:
        write(
            0,
            6,
            f"{day(part['date'])}: {format_amount(int(part['amount_minor']), currency, tag)}",
            new_line=True,
        )


def _new_pdf() -> tuple[FPDF, bool]:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for path in _FONT_PATHS:
        if path.exists():
            pdf.add_font("DejaVu", fname=str(path))
            pdf.set_font("DejaVu", size=10)
            return pdf, False
    pdf.set_font("Helvetica", size=10)
    return pdf, True


def _safe(text: str, latin: bool) -> str:
    if not latin:
        return text
    return text.replace("€", "EUR").encode("latin-1", errors="replace").decode("latin-1")


def _writer(pdf: FPDF, latin: bool) -> Any:
    def write(width: float, height: float, text: str, new_line: bool = False, **kwargs: Any) -> None:
        if new_line:
            kwargs["new_x"], kwargs["new_y"] = "LMARGIN", "NEXT"
        pdf.cell(width, height, _safe(text, latin), **kwargs)

    return write
