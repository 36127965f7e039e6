"""Which policy a customer is dunned under (ADR 0029).

Resolution order, most specific first: the customer's own entry (by external id) > its segment's
> its legal entity's > the book's default. A person who names one customer means that customer; a
segment describes how the customer pays, which says more about the right ladder than which of our
companies billed it; the entity is the house rule of that company; the default catches the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from dunwell.dunning.policy import AssignmentSource, Policy, PolicyBook

#: The segment names of ``dunwell.ml.segments.Segment`` (an engine this one may not import; a test
#: keeps the two in step), so a policy file cannot assign a segment that never occurs.
KNOWN_SEGMENTS = frozenset(
    {
        "early_payer",
        "on_time",
        "payment_run",
        "seasonal",
        "steady_late",
        "chronic_late",
        "deteriorating",
        "new_or_thin",
    }
)


@dataclass(frozen=True, slots=True)
class ResolvedPolicy:
    policy: Policy
    source: AssignmentSource
    key: str  # the customer id, segment or entity code that matched ("" for the default)

    def describe(self) -> str:
        if self.source is AssignmentSource.DEFAULT:
            return f"policy {self.policy.name!r} (the default)"
        return f"policy {self.policy.name!r} (assigned to {self.source.value} {self.key})"


def resolve_policy(
    book: PolicyBook, *, customer_ref: str, segment: str | None, entity: str | None
) -> ResolvedPolicy:
    """The policy for a customer: its own entry, else its segment's, else its entity's, else the default."""
    a = book.assignments
    for source, key, table in (
        (AssignmentSource.CUSTOMER, customer_ref, a.customers),
        (AssignmentSource.SEGMENT, segment, a.segments),
        (AssignmentSource.ENTITY, entity, a.entities),
    ):
        if key is not None and key in table:
            return ResolvedPolicy(book.policies[table[key]], source, key)
    return ResolvedPolicy(book.policies[a.default], AssignmentSource.DEFAULT, "")
