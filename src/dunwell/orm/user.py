"""People who use Dunwell. A collector's portfolio is the set of customers they own."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.collections import UserRole
from dunwell.orm.base import Base, Id, Timestamped, enum_column


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole), default=UserRole.COLLECTOR)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: argon2 (``access.passwords``); None: cannot sign in to the web app (e.g. imported owners).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: Babel locale for money and dates on the pages ("en_US", "de_DE").
    locale: Mapped[str] = mapped_column(String(16), default="en_US")
    #: Minutes a day they spend working the worklist (``dunwell users set-capacity``).
    worklist_minutes: Mapped[int] = mapped_column(Integer, default=240, server_default=text("240"))
