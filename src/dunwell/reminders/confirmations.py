"""The one confirmation of an e-mail opt-out (RULES.md RF-MEDIA-1, §1006.14(h)(2)): when a contact
asks us to stop e-mailing, one message may still go to that address, containing nothing but the
confirmation. It is an outbox row like every reminder, so it goes through the same sender and the
same compliance guard (which lets exactly this message through the opt-out it confirms, and
nothing else; see ``dunning.compliance.case.ProposedAction.confirms_opt_out``).

Its key is derived from what it confirms, so queueing it twice writes one row. It lists no items,
carries no statement, no open pixel and no opt-out notice (there is nothing left to opt out of)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.kit.audit import record
from dunwell.orm.reminders import Reminder
from dunwell.reminders.repository import OutboxRepository

#: The step (and policy) name that marks the confirmation in the outbox.
OPT_OUT_CONFIRMATION = "opt_out_confirmation"
#: Subject and body per language: one sentence, nothing else (no amounts, no request to pay).
_WORDING = {
    "en": (
        "Confirmed: no more e-mails to {address}",
        "As you asked, we will send no more e-mails to {address}.",
    ),
    "de": (
        "Bestätigt: keine E-Mails mehr an {address}",
        "Wie gewünscht senden wir keine E-Mails mehr an {address}.",
    ),
    "fr": (
        "Confirmé : plus d'e-mails à {address}",
        "Comme vous l'avez demandé, nous n'enverrons plus d'e-mails à {address}.",
    ),
    "es": (
        "Confirmado: no más correos a {address}",
        "Tal como nos pidió, no enviaremos más correos electrónicos a {address}.",
    ),
    "nl": (
        "Bevestigd: geen e-mails meer naar {address}",
        "Zoals u vroeg, sturen wij geen e-mails meer naar {address}.",
    ),
}


@dataclass(frozen=True, slots=True)
class OptOutConfirmation:
    customer_id: int
    customer_name: str
    customer_number: str
    contact_id: int
    to_address: str
    #: BCP 47 tag; languages without a wording get English.
    language: str
    #: A currency of the customer's: the outbox row needs one (it counts against that debt's history).
    currency: str
    #: What is confirmed (``reply:<id>``): the same source never queues a second confirmation.
    source: str


def is_opt_out_confirmation(reminder: Reminder) -> bool:
    return reminder.step == OPT_OUT_CONFIRMATION and reminder.channel == "email"


def queue_opt_out_confirmation(
    session: Session, confirmation: OptOutConfirmation, *, actor: str, at: datetime
) -> Reminder | None:
    """Queue the confirmation, due at once (the guard still picks the hour); None when this
    source's confirmation was queued before."""
    outbox = OutboxRepository(session)
    key = f"{OPT_OUT_CONFIRMATION}:{confirmation.source}:email"
    if outbox.existing_keys([key]):
        return None
    language = confirmation.language.split("-", 1)[0].lower()
    subject, body = _WORDING.get(language, _WORDING["en"])
    reminder = Reminder(
        key=key,
        customer_id=confirmation.customer_id,
        contact_id=confirmation.contact_id,
        currency=confirmation.currency,
        policy=OPT_OUT_CONFIRMATION,
        step=OPT_OUT_CONFIRMATION,
        step_index=0,
        tone="none",
        channel="email",
        language=language if language in _WORDING else "en",
        planned_on=at.date(),
        send_after=at,
        status=ReminderStatus.QUEUED,
        needs_approval=False,
        reasons=[
            {"code": OPT_OUT_CONFIRMATION, "text": f"confirms the e-mail opt-out of {confirmation.source}"}
        ],
        total_minor=0,
        to_address=confirmation.to_address,
        subject=subject.format(address=confirmation.to_address),
        body=body.format(address=confirmation.to_address),
        document={
            "kind": OPT_OUT_CONFIRMATION,
            "customer": {"name": confirmation.customer_name, "number": confirmation.customer_number},
            "source": confirmation.source,
            "opt_out_notice": False,
        },
        attempts=0,
    )
    outbox.add(reminder)
    outbox.flush()
    outbox.add_event(
        reminder.id, ReminderEventKind.PLANNED, actor, detail=f"opt-out confirmation ({confirmation.source})"
    )
    record(
        session,
        actor=actor,
        action="reminder.planned",
        subject_type="reminder",
        subject_id=reminder.id,
        details={
            "key": key,
            "customer_id": confirmation.customer_id,
            "contact_id": confirmation.contact_id,
            "step": OPT_OUT_CONFIRMATION,
            "channel": "email",
            "status": reminder.status.value,
        },
    )
    return reminder
