"""Cash application for a person: the same operations as ``service``, checked against who is asking.

The API and the pages call these, so they cannot disagree about scope or role. Everyone signed in
sees the queue (a collector: the cash of their portfolio and the cash nobody was identified for,
see ``scope``); writers confirm, reject, split, import and judge write-offs; only managers start
a matching run. The CLI goes through ``service`` as the operator, or through these with
``Principal.operator``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from dunwell.cashapp import review
from dunwell.cashapp.importing import ImportResult, import_statement
from dunwell.cashapp.matching_run import RunSummary, run_matching
from dunwell.cashapp.repository import CashAppRepository
from dunwell.cashapp.review import Decision, ReviewItem
from dunwell.cashapp.scope import require_candidate, require_payment, visible_candidates
from dunwell.cashapp.splitting import SplitLine, SplitResult, split_payment
from dunwell.cashapp.workplace_repository import SplitChoice, WorkplaceRepository
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.settlement import SettlementPolicy
from dunwell.matching.tolerances import Tolerances
from dunwell.orm.cashapp import CashMatch
from dunwell.orm.settlement import WriteOffStatus
from dunwell.settlements import write_offs
from dunwell.settlements.policy import DEFAULT_POLICY
from dunwell.settlements.write_offs import WriteOffView

__all__ = [
    "MAX_UPLOAD_BYTES",
    "FileTooLarge",
    "QueuePage",
    "SplitLine",
    "SplitResult",
    "approve_write_off",
    "confirm_match",
    "pending_write_offs",
    "proposed_by",
    "queue",
    "queue_item",
    "reject_match",
    "reject_write_off",
    "run_now",
    "split",
    "split_choices",
    "upload_statement",
]

#: The largest statement accepted from a browser or a script (a month of a busy account in camt is
#: a few MB); larger files go through `dunwell cashapp import` on the server.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PER_PAGE = 25


class FileTooLarge(DunwellError):
    def __init__(self, size: int | None = None) -> None:
        got = f" ({size / 1024 / 1024:.1f} MB)" if size else ""
        super().__init__(
            f"the file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB{got}: import it on the server "
            "with `dunwell cashapp import`",
            code="file_too_large",
            kind=ErrorKind.INVALID,
        )


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[ReviewItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def queue(session: Session, principal: Principal, *, page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the review queue, newest first, with the candidates they may see."""
    page, per_page = max(1, page), min(max(1, per_page), 100)
    owners = principal.portfolio
    items = review.review_queue(session, limit=per_page, offset=(page - 1) * per_page, owners=owners)
    total = CashAppRepository(session).count_review_rows(owners=owners)
    people = WorkplaceRepository(session)
    return QueuePage([_redacted(people, principal, item) for item in items], total, page, per_page)


def queue_item(session: Session, principal: Principal, match_id: int) -> ReviewItem | None:
    """The match as the queue shows it now (None: no longer waiting for a person, or not theirs)."""
    found = review.review_queue(session, limit=1, owners=principal.portfolio, match_id=match_id)
    return _redacted(WorkplaceRepository(session), principal, found[0]) if found else None


def confirm_match(
    session: Session,
    principal: Principal,
    match_id: int,
    *,
    candidate: int = 0,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> Decision:
    principal.require_write()
    _checked_candidate(session, principal, match_id, candidate)
    return review.confirm(session, match_id, candidate=candidate, actor=principal.actor, policy=policy)


def reject_match(
    session: Session, principal: Principal, match_id: int, *, candidate: int = 0, reason: str | None = None
) -> Decision:
    principal.require_write()
    _checked_candidate(session, principal, match_id, candidate)
    reason = (reason or "").strip()[:500] or None
    return review.reject(session, match_id, actor=principal.actor, reason=reason, candidate=candidate)


def split(session: Session, principal: Principal, payment_id: int, lines: list[SplitLine]) -> SplitResult:
    return split_payment(session, principal, payment_id, lines)


def split_choices(
    session: Session, principal: Principal, payment_id: int
) -> tuple[ReviewItem, list[SplitChoice]]:
    """The payment as the queue shows it, and the open documents of its visible candidates' and
    assigned customer's that it could be split over."""
    repo = CashAppRepository(session)
    payment = repo.payment(payment_id)
    match = repo.matches_for([payment_id]).get(payment_id) if payment is not None else None
    item = queue_item(session, principal, match.id) if match is not None else None
    if payment is None or match is None or item is None:
        raise DunwellError(
            f"no payment {payment_id} waiting for a person",
            code="payment_not_found",
            kind=ErrorKind.NOT_FOUND,
        )
    customers = {c["customer_id"] for c in item.candidates if c.get("customer_id") is not None}
    if payment.customer_id is not None:
        customers.add(payment.customer_id)
    choices = WorkplaceRepository(session).open_documents_of(
        customers, entity_id=payment.entity_id, currency=payment.currency
    )
    return item, [c for c in choices if principal.sees(c.owner_id)]


def run_now(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    tolerances: Tolerances | None = None,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> RunSummary:
    """A matching run started by a manager (it touches every portfolio's cash)."""
    principal.require_manager()
    principal.require_write()
    return run_matching(session, as_of=as_of, actor=principal.actor, tolerances=tolerances, policy=policy)


def upload_statement(
    session: Session, principal: Principal, *, data: bytes, filename: str | None, entity_code: str | None
) -> ImportResult:
    """Import a statement a person sent, through a temporary file named like theirs (the readers
    recognise some formats by their extension)."""
    principal.require_write()
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(len(data))
    if not data.strip():
        raise DunwellError("the file is empty", code="statement_unreadable", kind=ErrorKind.INVALID)
    name = _safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="dunwell-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = import_statement(
            session, path, entity_code=(entity_code or "").strip() or None, actor=principal.actor
        )
    result.file = name
    return result


def pending_write_offs(session: Session, principal: Principal, *, limit: int = 100) -> list[WriteOffView]:
    """Write-offs waiting for a person, of the customers in their portfolio."""
    found = write_offs.listing(session, status=WriteOffStatus.PROPOSED, limit=limit)
    if principal.portfolio is None:
        return found
    owners = WorkplaceRepository(session).write_off_owners(w.id for w in found)
    return [w for w in found if principal.sees(owners.get(w.id))]


def approve_write_off(
    session: Session, principal: Principal, write_off_id: int, *, note: str | None = None
) -> WriteOffView:
    """Post a waiting write-off: a manager's decision (money given up above the company's policy),
    and nobody approves their own request (not with a token either)."""
    principal.require_manager()
    found = _write_off(session, principal, write_off_id)
    if proposed_by(found, principal):
        raise DunwellError(
            f"write-off {write_off_id} was proposed by you: another person approves it",
            code="own_write_off",
            kind=ErrorKind.FORBIDDEN,
        )
    write_offs.approve(session, write_off_id, actor=principal.actor, note=(note or "").strip() or None)
    return write_offs.view(session, write_off_id)


def reject_write_off(session: Session, principal: Principal, write_off_id: int, *, note: str) -> WriteOffView:
    """Refuse a waiting write-off: the amount stays open to collect (or to dispute). A manager's
    decision, like approving it."""
    principal.require_manager()
    _write_off(session, principal, write_off_id)
    note = note.strip()
    if not note:
        raise DunwellError("say why the write-off is refused", code="note_required", kind=ErrorKind.INVALID)
    write_offs.reject(session, write_off_id, actor=principal.actor, note=note)
    return write_offs.view(session, write_off_id)


def proposed_by(view: WriteOffView, principal: Principal) -> bool:
    """Whether the write-off is their own request (which another person approves)."""
    return _person(view.proposed_by) == _person(principal.actor)


def _write_off(session: Session, principal: Principal, write_off_id: int) -> WriteOffView:
    principal.require_write()
    found = write_offs.view(session, write_off_id)
    owner = WorkplaceRepository(session).write_off_owners([write_off_id]).get(write_off_id)
    if not principal.sees(owner):
        raise DunwellError(
            f"no write-off {write_off_id}", code="write_off_not_found", kind=ErrorKind.NOT_FOUND
        )
    return found


def _checked_candidate(session: Session, principal: Principal, match_id: int, candidate: int) -> CashMatch:
    """The match, if it is theirs to see, and the candidate, if its customer is theirs to work."""
    repo = CashAppRepository(session)
    match = repo.match_for_update(match_id)
    if match is None:
        raise DunwellError(f"no match {match_id}", code="match_not_found", kind=ErrorKind.NOT_FOUND)
    payment = repo.payment(match.payment_id)
    assigned = payment.customer_id if payment is not None else None
    people = WorkplaceRepository(session)
    require_payment(people, principal, assigned=assigned, best=match.customer_id, what=f"match {match_id}")
    if 0 <= candidate < len(match.candidates):
        require_candidate(people, principal, match.candidates[candidate])
    return match


def _redacted(repo: WorkplaceRepository, principal: Principal, item: ReviewItem) -> ReviewItem:
    return replace(item, candidates=visible_candidates(repo, principal, item.candidates))


def _person(actor: str) -> str:
    """The person behind an actor: ``token:<name>@<login>`` is ``<login>``'s token."""
    return actor.rsplit("@", 1)[-1] if actor.startswith("token:") else actor


def _safe_name(filename: str | None) -> str:
    """The file's own name without any folder, in characters every file system takes."""
    base = re.split(r"[\\/]", filename or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return cleaned or "statement"
