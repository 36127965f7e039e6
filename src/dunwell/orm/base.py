"""Declarative base, naming convention and shared column types for every mapped class."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Enum, Integer, MetaData, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Named constraints make migrations reviewable and identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SQLite only auto-increments an INTEGER PRIMARY KEY, so ids are BIGINT elsewhere and INTEGER there.
Id = BigInteger().with_variant(Integer(), "sqlite")
#: Money is integer minor units; BIGINT holds 92 quadrillion cents.
MinorUnits = BigInteger
JsonDoc = JSON().with_variant(postgresql.JSONB(), "postgresql").with_variant(sqlite.JSON(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum: type[StrEnum], **kwargs: Any) -> Any:
    """A VARCHAR + CHECK column holding a StrEnum's values (portable, and readable in SQL)."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        name=enum.__name__.lower(),
        **kwargs,
    )


def table_of(mapped: type[Base]) -> Table:
    """The Core table of a mapped class, for bulk statements that bypass the ORM's unit of work."""
    table = mapped.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{mapped.__name__} is not mapped to a table")
    return table


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


CurrencyCode = String(3)
