"""A planned message as the document a reminder prints: its items with their days overdue, the
late-payment interest and fixed compensation where the step claims them (``dunning.interest``, the
customer's country choosing the rules), an instalment offer, the pay-by day. Stored on the outbox
row as JSON (minor units, ISO dates), drafted into words by ``drafting`` and into PDF by
``documents``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dunwell.core.errors import DunwellError
from dunwell.core.money import Money
from dunwell.dunning.interest import LateDebt, late_payment_claim
from dunwell.dunning.jurisdictions import JurisdictionTable
from dunwell.dunning.planner_values import PlannedMessage
from dunwell.dunning.reference_rates import ReferenceRates
from dunwell.reminders.book_repository import CustomerRecord

#: The customer's country chooses the late-payment rules (RULES.md §B3): the national rule where
#: one is shipped, the EU directive's baseline elsewhere in the EU; other countries get no claim.
NATIONAL = {"GB": "UK", "DE": "DE", "FR": "FR", "ES": "ES"}
EU_MEMBERS = frozenset(
    "AT BE BG CY CZ DK EE FI GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
#: Days the customer is given to pay, after the message, by tone.
PAY_WITHIN_DAYS = {"friendly": 7, "firm": 7, "urgent": 5, "final_demand": 10}


@dataclass(frozen=True)
class LatePaymentRules:
    jurisdictions: JurisdictionTable
    rates: ReferenceRates


def jurisdiction_for(country: str | None) -> str | None:
    code = (country or "").upper()
    if code in NATIONAL:
        return NATIONAL[code]
    return "EU" if code in EU_MEMBERS else None


def compose(
    message: PlannedMessage,
    customer: CustomerRecord,
    *,
    as_of: date,
    language: str,
    contact_name: str,
    channel: str,
    consumer: bool,
    rules: LatePaymentRules | None,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The document and the notes for the approver (a claim that could not be computed, and why)."""
    notes: list[dict[str, str]] = []
    items = [
        {
            "invoice_id": line.item_id,
            "number": line.reference,
            "due_date": line.due_date.isoformat(),
            "days_overdue": max((as_of - line.due_date).days, 0) if line.open_minor > 0 else 0,
            "open_minor": line.open_minor,
            "step": line.step_id,
        }
        for line in message.lines
    ]
    charges: list[dict[str, Any]] = []
    if (message.claim_interest or message.claim_compensation) and rules is not None and not consumer:
        charges, notes = _late_payment_charges(message, customer, as_of, rules)
    elif message.claim_interest or message.claim_compensation:
        why = "a consumer debt" if consumer else "no late-payment rules are loaded"
        notes.append({"code": "no_claim", "text": f"interest and compensation not claimed: {why}"})
    extra = sum(int(c["amount_minor"]) for c in charges if c["currency"] == message.currency)
    plan = None
    if message.payment_plan is not None:
        plan = [
            {"date": part.due_date.isoformat(), "amount_minor": part.amount_minor}
            for part in message.payment_plan.instalments
        ]
    document = {
        "language": language,
        "currency": message.currency,
        "tone": message.tone.value,
        "step": message.step_id,
        "policy": message.policy,
        "as_of": as_of.isoformat(),
        "pay_by": (as_of + timedelta(days=PAY_WITHIN_DAYS.get(message.tone.value, 7))).isoformat(),
        "creditor": customer.entity_name,
        "customer": {"name": customer.name, "number": customer.external_id},
        "contact_name": contact_name,
        "items": items,
        "total_minor": message.total_minor,
        "charges": charges,
        "grand_total_minor": message.total_minor + extra,
        "plan": plan,
        # RULES.md RF-ELEC-1 asks it of every electronic message to a consumer; B2B reminders carry
        # it too (GDPR-7: one opt-out engine for every contact). A letter is not electronic.
        "opt_out_notice": channel in {"email", "sms"},
    }
    return document, notes


def _late_payment_charges(
    message: PlannedMessage, customer: CustomerRecord, as_of: date, rules: LatePaymentRules
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    code = jurisdiction_for(customer.country)
    if code is None:
        text = f"no late-payment rules for country {customer.country or 'unknown'}: nothing claimed"
        return [], [{"code": "no_claim", "text": text}]
    try:
        rule = rules.jurisdictions.rule(code)
    except DunwellError as error:
        return [], [{"code": "no_claim", "text": str(error)}]
    charges: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    for line in message.lines:
        if line.open_minor <= 0 or line.due_date >= as_of:
            continue
        debt = LateDebt(
            reference=line.reference,
            amount=Money.from_minor(line.open_minor, message.currency),
            due_date=line.due_date,
        )
        try:
            claim = late_payment_claim(
                debt,
                rule,
                rules.rates,
                as_of=as_of,
                claim_interest=message.claim_interest,
                claim_compensation=message.claim_compensation,
            )
        except DunwellError as error:
            notes.append({"code": "no_claim", "text": f"{line.reference}: {error}"})
            continue
        if claim.interest.amount > 0:
            charges.append(
                {
                    "kind": "interest",
                    "invoice_id": line.item_id,
                    "text": f"{line.reference}: " + "; ".join(part.describe() for part in claim.lines),
                    "amount_minor": claim.interest.to_minor(),
                    "currency": claim.interest.currency,
                    "rules": list(claim.rule_ids),
                }
            )
        if claim.compensation is not None:
            charges.append(
                {
                    "kind": "compensation",
                    "invoice_id": line.item_id,
                    "text": f"{line.reference}: {claim.compensation.describe()}",
                    "amount_minor": claim.compensation.amount.to_minor(),
                    "currency": claim.compensation.amount.currency,
                    "rules": list(claim.compensation.rule_ids),
                }
            )
        notes.extend({"code": "claim_warning", "text": w} for w in claim.warnings)
    return charges, notes
