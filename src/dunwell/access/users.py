"""Managing users: add, list, disable, set a password, grant a portfolio. Admins only (a manager
may grant portfolios); every change audited with who made it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dunwell.access.passwords import hash_password
from dunwell.access.repository import AccessRepository
from dunwell.access.signin import principal_of
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit import audit
from dunwell.orm.access import PortfolioGrant
from dunwell.orm.user import User


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    login: str
    name: str
    email: str | None
    role: str
    active: bool
    can_sign_in: bool
    locale: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def view_of(user: User) -> UserView:
    return UserView(
        user.id, user.login, user.name, user.email, user.role.value, user.active,
        user.password_hash is not None, user.locale,
    )  # fmt: skip


def generated_password() -> str:
    """A password to hand over once (the person changes it): 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


def add_user(
    session: Session,
    principal: Principal,
    *,
    login: str,
    name: str,
    role: UserRole,
    password: str,
    email: str | None = None,
    locale: str = "en_US",
) -> UserView:
    principal.require_admin()
    repo = AccessRepository(session)
    login = login.strip()
    if not login or len(login) > 120:
        raise DunwellError("a login is 1 to 120 characters", code="invalid_login", kind=ErrorKind.INVALID)
    existing = repo.user_by_login(login)
    if existing is not None and existing.password_hash is not None:
        raise DunwellError(f"user {login!r} already exists", code="user_exists", kind=ErrorKind.CONFLICT)
    if existing is None:  # an owner imported with the customers becomes a person who signs in
        existing = User(login=login, name=name, role=role)
        repo.add(existing)
    existing.name, existing.role, existing.email, existing.locale = name, role, email, locale
    existing.password_hash, existing.active = hash_password(password), True
    session.flush()
    _audit(session, principal, "user.added", existing, {"role": role.value})
    return view_of(existing)


def list_users(session: Session, principal: Principal) -> list[UserView]:
    principal.require_manager()
    return [view_of(u) for u in AccessRepository(session).users()]


def set_active(session: Session, principal: Principal, login: str, *, active: bool) -> UserView:
    """Disable (or enable) a user: a disabled user's sessions end and tokens stop working at once."""
    principal.require_admin()
    user = _user(session, login)
    if not active and principal.user_id == user.id:
        raise DunwellError("you cannot disable yourself", code="disable_self", kind=ErrorKind.CONFLICT)
    user.active = active
    session.flush()
    _audit(session, principal, "user.enabled" if active else "user.disabled", user, {})
    return view_of(user)


def set_password(session: Session, principal: Principal, login: str, password: str) -> UserView:
    """An admin sets anyone's password; a person sets their own."""
    user = _user(session, login)
    if principal.user_id != user.id:
        principal.require_admin()
    user.password_hash = hash_password(password)
    session.flush()
    _audit(session, principal, "user.password_set", user, {})
    return view_of(user)


def grant_portfolio(session: Session, principal: Principal, *, grantee: str, owner: str, allow: bool) -> None:
    """Let ``grantee`` also work ``owner``'s customers (or take that back)."""
    principal.require_manager()
    repo = AccessRepository(session)
    to, of = _user(session, grantee), _user(session, owner)
    existing = repo.grant(to.id, of.id)
    if allow and existing is None:
        repo.add(PortfolioGrant(grantee_id=to.id, owner_id=of.id, granted_by=principal.actor))
    elif not allow and existing is not None:
        repo.delete_grant(existing)
    _audit(session, principal, "portfolio.granted" if allow else "portfolio.revoked", to, {"owner": owner})


def _user(session: Session, login: str) -> User:
    user = AccessRepository(session).user_by_login(login)
    if user is None:
        raise DunwellError(f"no user {login!r}", code="user_not_found", kind=ErrorKind.NOT_FOUND)
    return user


def _audit(session: Session, principal: Principal, action: str, user: User, details: dict[str, Any]) -> None:
    audit.record(
        session, actor=principal.actor, action=action, subject_type="user", subject_id=user.id,
        details={"login": user.login, **details},
    )  # fmt: skip


def list_grants(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Who may also work whose customers."""
    principal.require_manager()
    return [
        {
            "grantee": grantee,
            "owner": owner,
            "granted_by": g.granted_by,
            "granted_at": g.granted_at.isoformat(),
        }
        for g, grantee, owner in AccessRepository(session).grants()
    ]


def active_readers(session: Session) -> list[Principal]:
    """What each active user may see (a collector: their portfolio), one per distinct portfolio:
    the scopes whose figures are worth computing ahead of the first reader."""
    seen: set[frozenset[int] | None] = set()
    readers = []
    for user in AccessRepository(session).users():
        if not user.active:
            continue
        principal = principal_of(session, user)
        if principal.portfolio not in seen:
            seen.add(principal.portfolio)
            readers.append(principal)
    return readers
