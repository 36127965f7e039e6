"""The terms catalogue: codes explained in the notation, every change audited (both databases)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.orm import AuditEntry
from dunwell.terms.service import TermsRefused, catalogue, set_terms, terms_reader


def test_a_code_is_set_changed_and_read_before_the_notation(session: Session) -> None:
    set_terms(session, "NA32", "2/10 net 32", actor="ann")
    set_terms(session, "NA32", "2/10 net 32", actor="ann")  # the same again: nothing to audit
    set_terms(session, "NA32", "3/10  net 32", actor="bob")
    set_terms(session, "NET30", "1/5 net 30", actor="ann")  # a code that looks like the notation

    [na32, net30] = catalogue(session)
    assert (na32.code, na32.definition, na32.terms.discount_percent) == ("NA32", "3/10 net 32", Decimal(3))
    read = terms_reader(session)
    assert read("NET30") == net30.terms, "the catalogue wins over the notation"
    net45 = read("net 45")
    assert net45 is not None
    assert net45.net_days == 45
    assert (read("NAA8"), read(None)) == (None, None)
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "terms.set")).all()
    assert [(a.actor, a.details["before"], a.details["after"]) for a in audited] == [
        ("ann", None, "2/10 net 32"), ("bob", "2/10 net 32", "3/10 net 32"), ("ann", None, "1/5 net 30"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "definition"), [("NA32", "two percent ten days"), ("", "net 30"), ("X" * 41, "net 30")]
)
def test_a_bad_entry_is_refused_and_changes_nothing(session: Session, code: str, definition: str) -> None:
    with pytest.raises(TermsRefused):
        set_terms(session, code, definition, actor="ann")
    assert catalogue(session) == []
