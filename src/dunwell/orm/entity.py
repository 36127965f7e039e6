"""Legal entities (company codes): every document belongs to exactly one."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.orm.base import Base, CurrencyCode, Id, Timestamped


class LegalEntity(Timestamped, Base):
    __tablename__ = "legal_entities"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    base_currency: Mapped[str | None] = mapped_column(CurrencyCode)
