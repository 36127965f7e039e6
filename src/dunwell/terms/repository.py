"""All SQL of the terms catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.orm.terms import TermsCode


class TermsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[TermsCode]:
        return list(self.session.scalars(select(TermsCode).order_by(TermsCode.code)))

    def by_code(self, code: str) -> TermsCode | None:
        return self.session.scalar(select(TermsCode).where(TermsCode.code == code))

    def add(self, entry: TermsCode) -> None:
        self.session.add(entry)
        self.session.flush()
