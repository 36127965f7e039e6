"""Legal entities and users: looked up by their codes, created on first mention by an import."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dunwell.core.collections import UserRole
from dunwell.orm.entity import LegalEntity
from dunwell.orm.user import User


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def entity_ids(self, codes: Iterable[str], *, create: bool = True) -> dict[str, int]:
        """``{code: id}`` for ``codes``; missing entities are created (named after their code)."""
        wanted = set(codes)
        rows = self.session.execute(
            select(LegalEntity.code, LegalEntity.id).where(LegalEntity.code.in_(wanted))
        )
        found = dict(rows.all())
        missing = sorted(wanted - found.keys())
        if missing and create:
            self.session.execute(insert(LegalEntity), [{"code": c, "name": c} for c in missing])
            return self.entity_ids(wanted, create=False)
        return found

    def user_ids(self, logins: Iterable[str], *, create: bool = True) -> dict[str, int]:
        """``{login: id}``; a login first seen as a customer owner becomes a collector."""
        wanted = set(logins)
        rows = self.session.execute(select(User.login, User.id).where(User.login.in_(wanted)))
        found = dict(rows.all())
        missing = sorted(wanted - found.keys())
        if missing and create:
            self.session.execute(
                insert(User), [{"login": x, "name": x, "role": UserRole.COLLECTOR} for x in missing]
            )
            return self.user_ids(wanted, create=False)
        return found
