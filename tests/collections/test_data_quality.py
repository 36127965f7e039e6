"""Data quality's duplicate checks: the same company by name, or by a bank account two or three
customers pay from; an account many pay from is a processor's, and a parent paying for its
subsidiaries is a family, not a duplicate (both databases)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Principal
from dunwell.customers.quality import book_quality, customer_quality
from dunwell.orm import LegalEntity
from factories import make_customer, make_payment


def test_likely_duplicates_by_name_and_by_a_shared_account_but_not_a_processors(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        acme, acme_again, other = (make_customer(session) for _ in range(3))
        acme.name, acme_again.name, other.name = "ACME Inc.", "Acme", "Brightwater GmbH"
        twin_account = "DE89370400440532013000"
        for customer in (acme, other):
            make_payment(session, customer=customer).payer_account = twin_account
        processor = "US-BILLCOM-0001"
        for _ in range(6):  # a processor paying for six customers
            make_payment(session, customer=make_customer(session)).payer_account = processor
        make_payment(session, customer=acme_again).payer_account = processor
        parent = make_customer(session)
        group = session.get(LegalEntity, parent.entity_id)
        north, south = (make_customer(session, entity=group) for _ in range(2))
        north.parent_external_id = south.parent_external_id = parent.external_id
        for customer in (parent, north, south):  # the group's treasury pays for its subsidiaries
            make_payment(session, customer=customer).payer_account = "GB33BUKB20201555555555"
        ids = acme.id, acme_again.id, other.id, north.id
    operator = Principal.operator("test")
    with sessions() as session:
        found = {q.customer_id: {p.code for p in q.problems} for q in book_quality(session, operator)}
        alone = customer_quality(session, operator, ids[1])
    assert "duplicate_name" in found[ids[0]]
    assert "duplicate_name" in found[ids[1]]
    assert "shared_bank_account" in found[ids[0]]
    assert "shared_bank_account" in found[ids[2]]
    assert "shared_bank_account" not in found[ids[1]]  # paid only through the processor
    assert "shared_bank_account" not in found[ids[3]]  # its parent pays for it
    assert {p.code for p in alone.problems} == found[ids[1]]  # the page's check is the book's
