"""Which policy a customer gets: customer > segment > entity > default."""

from __future__ import annotations

import pytest

from dunning.planning_factories import book_from
from dunwell.dunning.assignment import KNOWN_SEGMENTS, resolve_policy
from dunwell.dunning.policy import AssignmentSource
from dunwell.ml.segments import Segment

STEP = "steps: [{id: reminder, from: due, days: 3, tone: friendly, channels: [email]}]"
BOOK = f"""\
policies:
  standard: {{{STEP}}}
  gentle: {{{STEP}}}
  strict: {{{STEP}}}
  key_account: {{{STEP}}}
assignments:
  default: standard
  customers: {{C-1: key_account}}
  segments: {{chronic_late: strict}}
  entities: {{EU01: gentle}}
"""


@pytest.mark.parametrize(
    ("customer_ref", "segment", "entity", "policy", "source"),
    [
        ("C-1", "chronic_late", "EU01", "key_account", AssignmentSource.CUSTOMER),
        ("C-2", "chronic_late", "EU01", "strict", AssignmentSource.SEGMENT),
        ("C-2", "on_time", "EU01", "gentle", AssignmentSource.ENTITY),
        ("C-2", None, "US01", "standard", AssignmentSource.DEFAULT),
        ("C-2", None, None, "standard", AssignmentSource.DEFAULT),
    ],
)
def test_resolution_order(
    customer_ref: str, segment: str | None, entity: str | None, policy: str, source: AssignmentSource
) -> None:
    resolved = resolve_policy(book_from(BOOK), customer_ref=customer_ref, segment=segment, entity=entity)
    assert (resolved.policy.name, resolved.source) == (policy, source)


def test_the_reason_names_the_rule() -> None:
    book = book_from(BOOK)
    assert resolve_policy(book, customer_ref="C-9", segment="chronic_late", entity=None).describe() == (
        "policy 'strict' (assigned to segment chronic_late)"
    )
    assert resolve_policy(book, customer_ref="C-9", segment=None, entity=None).describe() == (
        "policy 'standard' (the default)"
    )


def test_known_segments_are_the_segment_engines() -> None:
    assert {s.value for s in Segment} == KNOWN_SEGMENTS
