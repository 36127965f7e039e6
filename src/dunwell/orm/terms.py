"""The terms catalogue: what an ERP's terms codes mean, in the notation of ``core.terms``."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.orm.base import Base, Id, Timestamped


class TermsCode(Timestamped, Base):
    """``NA32`` means ``2/10 net 32``. The definition is kept as written and parsed when read, so
    what a person entered is what the audit log and ``dunwell terms list`` show."""

    __tablename__ = "payment_terms"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    definition: Mapped[str] = mapped_column(String(120))
