"""The camt and CSV families' look (erp_numbers, eu_free_text, bank_names, sepa_structured): payer
names and accounts, and remittance text, for each payment."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

from dunwell.simulate import families_names as names
from dunwell.simulate.families import (
    BankNames,
    ErpNumbers,
    EuFreeText,
    FamilyStyle,
    PaymentFacts,
    SepaStructured,
    Shown,
    family_rng,
)
from dunwell.simulate.families_numbers import (
    finnish_reference,
    grouped,
    ogm_printed,
    ogm_reference,
    pick,
    quoted,
    rf_reference,
)
from dunwell.simulate.records import SimCustomer

LIMIT = 140  # unstructured remittance, as SEPA carries it
_NONE = {
    "DE": ("", "Überweisung", "Zahlung", "SEPA-Überweisung", "Sammelüberweisung"),
    "AT": ("", "Überweisung", "Zahlung"),
    "NL": ("", "Betaling", "Overboeking", "Betaling leverancier"),
    "BE": ("", "Betaling", "Paiement"),
    "FR": ("", "Virement", "Paiement fournisseur", "VIR SEPA"),
    "FI": ("", "Maksu", "Lasku"),
}
_PO_WORDS = {"DE": "Bestellung", "AT": "Bestellung", "NL": "Inkooporder", "BE": "Bestelling",
             "FR": "Commande", "FI": "Tilaus"}  # fmt: skip


class TextRenderer:
    """Names, accounts and remittance text of the camt/CSV families."""

    def __init__(self, style: FamilyStyle, seed: int, customers: dict[str, SimCustomer]) -> None:
        self.style, self.seed, self.customers = style, seed, customers
        self.names = names.realistic_names(sorted(customers), family_rng(style, seed, "names"))

    def _customer_rng(self, customer: SimCustomer) -> random.Random:
        return family_rng(self.style, self.seed, "customer", customer.customer_id)

    def country(self, customer: SimCustomer) -> str:
        countries = getattr(self.style, "countries", ())
        return pick(self._customer_rng(customer), countries) if countries else customer.country

    def master_name(self, customer: SimCustomer) -> str:
        style = self.style
        if isinstance(style, EuFreeText | SepaStructured):
            rng = self._customer_rng(customer)
            rng.random()  # the country's draw
            return names.with_form(
                self.names[customer.customer_id], rng.choice(names.LEGAL_FORMS[self.country(customer)])
            )
        if isinstance(style, BankNames):
            return names.with_form(
                self.names[customer.customer_id], self._customer_rng(customer).choice(style.legal_forms)
            )
        return self.names[customer.customer_id]

    def shown(self, rng: random.Random, facts: PaymentFacts) -> Shown:
        p = facts.payment
        if facts.kind == "card":  # the card processor's payout: only the numbers change
            numbers = " ".join(i.number for i in facts.invoices)
            return Shown(
                replace(p, remittance_text=f"CARD {self.master_name(facts.customer)[:24]} {numbers}"[:LIMIT])
            )
        style = self.style
        if isinstance(style, ErpNumbers):
            return Shown(replace(p, remittance_text=self._erp_text(rng, style, facts)))
        if isinstance(style, BankNames):
            name, account = self._bank_name(rng, style, facts)
            return Shown(replace(p, payer_name=name, payer_account=account))
        country = self.country(facts.payer)
        name = self.master_name(facts.payer)
        upper = style.upper_names if isinstance(style, EuFreeText) else 0.3
        name = names.printed(rng, name) if rng.random() < upper else name
        account = names.european_iban(family_rng(style, self.seed, "account", p.payer_account), country)
        if isinstance(style, SepaStructured):
            text, reference = self._sepa(rng, style, facts, self.country(facts.customer))
        else:
            text, reference = _eu_text(rng, style, facts, self.country(facts.customer), self), ""
        return Shown(replace(p, payer_name=name[:70], payer_account=account, remittance_text=text,
                             structured_reference=reference))  # fmt: skip

    def _erp_text(self, rng: random.Random, style: ErpNumbers, facts: PaymentFacts) -> str:
        if facts.kind == "none":
            return facts.payment.remittance_text
        if facts.kind == "po" or not facts.invoices:
            return " ".join(facts.po_numbers) or facts.payment.remittance_text
        shown = [quoted(rng, i.number, pick(rng, style.quotes)) for i in facts.invoices]
        text = rng.choice(style.lead_ins) + rng.choice((" ", ", ", "/", ";", " & ")).join(shown)
        if facts.memos:
            memos = " ".join(quoted(rng, m, pick(rng, style.quotes)) for m, _ in facts.memos)
            text += rng.choice((" LESS ", " less credit ", " MINUS CM ", " deducted ")) + memos
        return text[:LIMIT]

    def _bank_name(self, rng: random.Random, style: BankNames, facts: PaymentFacts) -> tuple[str, str]:
        p = facts.payment
        if rng.random() < style.processor_share:
            pattern, account = rng.choice(names.PROCESSORS)
            return names.processor_name(pattern, self.master_name(facts.payer)), account
        crng = family_rng(style, self.seed, "trade", facts.payer.customer_id)
        trade = names.trade_name(crng) if crng.random() < style.trade_name_share else None
        where = names.address(crng)
        name = self.master_name(facts.payer)
        if trade is not None:
            roll = rng.random()
            name = trade if roll < 0.6 else f"{name} DBA {trade}" if roll < 0.8 else name
        shown = names.printed(rng, name) if rng.random() < 0.85 else name
        if rng.random() < style.address_share:
            shown = f"{shown} {where}"
        return shown[: rng.choice(style.cut_at)].strip(), p.payer_account

    def _sepa(
        self, rng: random.Random, style: SepaStructured, facts: PaymentFacts, country: str
    ) -> tuple[str, str]:
        if facts.kind == "none":
            return rng.choice(_NONE[country]), ""
        if facts.kind == "po" or not facts.invoices:
            return f"{_PO_WORDS[country]} {' '.join(facts.po_numbers)}".strip(), ""
        if len(facts.invoices) == 1 and not facts.memos:
            number = facts.invoices[0].number
            reference = (
                ogm_reference(number) if country == "BE"
                else finnish_reference(number) if country == "FI"
                else rf_reference(number)
            )  # fmt: skip
            if rng.random() < style.structured_share:
                return "", reference
            if rng.random() < style.typed_reference_share:
                typed = ogm_printed(reference) if country == "BE" else grouped(reference)
                return typed, ""
        numbers = " ".join(quoted(rng, i.number, pick(rng, style.quotes)) for i in facts.invoices)
        text = f"{rng.choice(('', 'Invoice ', 'Rechnung ', 'Factuur ', 'INV '))}{numbers}"
        if facts.memos:
            text += " ./. " + " ".join(m for m, _ in facts.memos)
        return text[:LIMIT], ""


def eu_amount(amount: Decimal, country: str) -> str:
    """``amount`` written the European way: ``1.234,56`` (``1 234,56`` in France)."""
    text = f"{amount:,.2f}"
    thousands = " " if country == "FR" else "."
    return text.replace(",", "#").replace(".", ",").replace("#", thousands)


def eu_date(day: date, country: str, rng: random.Random) -> str:
    if country == "FR":
        return day.strftime("%d/%m") if rng.random() < 0.5 else day.strftime("%d/%m/%Y")
    if country == "NL":
        return day.strftime("%d-%m-%Y")
    return day.strftime("%d.%m.%Y") if rng.random() < 0.7 else day.strftime("%d.%m.")


def _eu_text(
    rng: random.Random, style: FamilyStyle, facts: PaymentFacts, country: str, renderer: TextRenderer
) -> str:
    if facts.kind == "none":
        return rng.choice(_NONE[country])
    if facts.kind == "po" or not facts.invoices:
        return f"{_PO_WORDS[country]} {' '.join(facts.po_numbers)}".strip()
    customer_number = 10_000 + int(facts.customer.customer_id[1:])  # the payer's number for the company
    own = rng.choice(
        (f"4500{rng.randint(100000, 999999)}", f"{facts.payment.value_date.year}/{rng.randint(1, 9999):05d}")
    )
    refs = [quoted(rng, i.number, pick(rng, style.quotes)) for i in facts.invoices]
    first = facts.invoices[0]
    day = eu_date(first.issued, country, rng)
    amount = eu_amount(facts.payment.amount, country)
    discount = next((i for i in facts.invoices if i.discount > 0), None)
    percent = f"{(discount.discount * 100 / discount.amount).quantize(Decimal(1))}" if discount else ""
    if country == "NL":
        joined = " en ".join(refs) if len(refs) < 3 else ", ".join(refs)
        text = rng.choice((
            f"Factuur {joined} klantnummer {customer_number}",
            f"Betaling factuur {joined} d.d. {day} bedrag {amount}",
            f"Fact {joined} / debiteurnr {customer_number} uw ref {own}",
        ))  # fmt: skip
        memo, skonto, on_behalf = "onder aftrek van creditnota", f"korting {percent}%", "t.b.v."
    elif country == "FR":
        joined = " ".join(refs) if len(refs) < 3 else ", ".join(refs)
        text = rng.choice((
            f"Fact. n° {joined} du {day}",
            f"Règlement facture {joined} montant {amount} EUR",
            f"Paiement fact {joined} réf client {customer_number}",
        ))  # fmt: skip
        memo, skonto, on_behalf = "avoir déduit", f"escompte {percent}%", "pour le compte de"
    else:
        joined = " u. ".join(refs) if len(refs) < 3 else ", ".join(refs)
        text = rng.choice((
            f"Rechnung {joined} vom {day} Kd-Nr {customer_number}",
            f"Rg.-Nr. {joined} Betrag {amount} EUR",
            f"RE {joined} Kundennr. {customer_number} Beleg {own}",
            f"SVWZ+Zahlung Rechnung {joined} EREF+{own}",
        ))  # fmt: skip
        memo, skonto, on_behalf = "abzgl. Gutschrift", f"abzgl. {percent}% Skonto", "für"
    if facts.memos:
        text += f" {memo} {' '.join(m for m, _ in facts.memos)}"
    if discount is not None and rng.random() < 0.8:
        text += f" {skonto}"
    if facts.payer is not facts.customer and rng.random() < 0.6:
        text += f" {on_behalf} {renderer.master_name(facts.customer)}"
    return text[:LIMIT]
