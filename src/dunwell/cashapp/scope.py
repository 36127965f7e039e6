"""Whose cash a person may see and work in cash application.

A payment belongs to the portfolio of the customer it is assigned to and to that of its best
candidate's customer. A payment nobody has been identified for (no assigned customer, no
candidate) belongs to everyone's queue: until someone recognises the payer there is no portfolio to
put it in, and hiding it from every collector would leave it to nobody. Candidates whose customer
lies outside the portfolio are not shown, and choosing one is refused as *not found*, like any
customer outside the portfolio.
"""

from __future__ import annotations

from typing import Any

from dunwell.cashapp.workplace_repository import WorkplaceRepository
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind


def payment_visible(
    repo: WorkplaceRepository, principal: Principal, *, assigned: int | None, best: int | None
) -> bool:
    """Whether cash assigned to customer ``assigned`` with best candidate ``best`` is theirs to see."""
    if principal.portfolio is None:
        return True
    known = [c for c in (assigned, best) if c is not None]
    if not known:
        return True
    owners = repo.customer_owners(known)
    return any(principal.sees(owners.get(c)) for c in known)


def require_payment(
    repo: WorkplaceRepository, principal: Principal, *, assigned: int | None, best: int | None, what: str
) -> None:
    if not payment_visible(repo, principal, assigned=assigned, best=best):
        raise DunwellError(f"no {what}", code=f"{what.split()[0]}_not_found", kind=ErrorKind.NOT_FOUND)


def visible_candidates(
    repo: WorkplaceRepository, principal: Principal, candidates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The candidates they may see, each with its ``index`` in the stored list (what confirm takes)."""
    indexed = [{**c, "index": i} for i, c in enumerate(candidates)]
    if principal.portfolio is None:
        return indexed
    owners = repo.customer_owners(c["customer_id"] for c in candidates if c.get("customer_id") is not None)
    return [
        c
        for c in indexed
        if c.get("customer_id") is not None and principal.sees(owners.get(c["customer_id"]))
    ]


def require_candidate(repo: WorkplaceRepository, principal: Principal, candidate: dict[str, Any]) -> None:
    """A candidate for a customer outside the portfolio is refused as not found."""
    customer_id = candidate.get("customer_id")
    if principal.portfolio is None or customer_id is None:
        return  # a vanished customer is the review service's to report
    principal.require_customer(repo.customer_owners([customer_id]).get(customer_id))
