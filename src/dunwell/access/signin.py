"""Signing in and who is asking: password sign-in with throttling, web sessions with their CSRF
token, API tokens (shown once, hashed at rest, revocable, optional expiry), and the principal of
each (its role and portfolio)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from dunwell.access.passwords import hash_password, needs_rehash, verify_password
from dunwell.access.repository import AccessRepository
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit import audit
from dunwell.orm.access import ApiToken, LoginAttempt, WebSession
from dunwell.orm.user import User

#: After this many failed sign-ins for a login within ``THROTTLE_WINDOW``, it must wait.
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "dw_"


class SignInRefused(DunwellError):
    def __init__(self, message: str = "wrong login or password", *, code: str = "sign_in_refused") -> None:
        super().__init__(message, code=code, kind=ErrorKind.FORBIDDEN)


class TooManyAttempts(DunwellError):
    def __init__(self) -> None:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        super().__init__(
            f"too many failed sign-ins: wait {minutes} minutes or ask an admin",
            code="too_many_attempts",
            kind=ErrorKind.THROTTLED,
        )


@dataclass(frozen=True, slots=True)
class StartedSession:
    session_id: str  # the cookie's value (shown once, stored hashed)
    csrf_token: str
    principal: Principal


def principal_of(session: Session, user: User, *, via: str | None = None) -> Principal:
    portfolio: frozenset[int] | None = None
    if user.role is UserRole.COLLECTOR:
        portfolio = frozenset({user.id, *AccessRepository(session).granted_owners(user.id)})
    actor = user.login if via is None else f"{via}@{user.login}"
    return Principal(actor=actor, role=user.role, user_id=user.id, portfolio=portfolio)


def sign_in(session: Session, login: str, password: str, *, client: str | None = None) -> StartedSession:
    """Check the password (throttled per login) and start a web session."""
    repo = AccessRepository(session)
    now = datetime.now(UTC)
    if repo.failures_since(login, now - THROTTLE_WINDOW) >= MAX_FAILURES:
        raise TooManyAttempts()
    user = repo.user_by_login(login)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        repo.add(LoginAttempt(login=login[:120], at=now, succeeded=False, client=client))
        raise SignInRefused()
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    repo.add(LoginAttempt(login=login, at=now, succeeded=True, client=client))
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    repo.add(
        WebSession(
            session_hash=_digest(raw),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    audit.record(session, actor=user.login, action="auth.signed_in", subject_type="user", subject_id=user.id,
                 details={"client": client})  # fmt: skip
    return StartedSession(raw, csrf, principal_of(session, user))


def session_principal(session: Session, session_id: str) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live web session (None: signed out, expired, disabled)."""
    repo = AccessRepository(session)
    row = repo.web_session(_digest(session_id))
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= datetime.now(UTC):
        return None
    user = repo.user(row.user_id)
    if user is None or not user.active:
        return None
    return principal_of(session, user), row.csrf_token


def sign_out(session: Session, session_id: str) -> None:
    row = AccessRepository(session).web_session(_digest(session_id))
    if row is not None and row.ended_at is None:
        row.ended_at = datetime.now(UTC)
        session.flush()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    name: str
    token: str  # shown once; only its hash is kept
    expires_at: datetime | None


def create_token(
    session: Session, principal: Principal, *, name: str, login: str | None = None, days: int | None = None
) -> IssuedToken:
    """A token for ``login`` (default: the principal's own user; another's only for an admin)."""
    repo = AccessRepository(session)
    user = (
        repo.user_by_login(login) if login else (repo.user(principal.user_id) if principal.user_id else None)
    )
    if user is None:
        raise DunwellError(
            "no such user to issue a token for", code="user_not_found", kind=ErrorKind.NOT_FOUND
        )
    if user.id != principal.user_id:
        principal.require_admin()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    row = ApiToken(user_id=user.id, name=name, token_hash=_digest(raw), prefix=raw[:10],
                   created_by=principal.actor, expires_at=expires)  # fmt: skip
    if any(t.name == name for t, _ in repo.tokens(user.id)):
        raise DunwellError(f"{user.login} already has a token named {name!r}", code="token_exists",
                           kind=ErrorKind.CONFLICT)  # fmt: skip
    repo.add(row)
    details = {"user": user.login, "name": name, "expires_at": expires.isoformat() if expires else None}
    audit.record(
        session, actor=principal.actor, action="token.created", subject_type="api_token",
        subject_id=row.id, details=details,
    )  # fmt: skip
    return IssuedToken(row.id, name, raw, expires)


def revoke_token(session: Session, principal: Principal, token_id: int) -> None:
    repo = AccessRepository(session)
    row = repo.token_by_id(token_id)
    if row is None or (row.user_id != principal.user_id and principal.role is not UserRole.ADMIN):
        raise DunwellError(f"no token {token_id}", code="token_not_found", kind=ErrorKind.NOT_FOUND)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.flush()
    audit.record(session, actor=principal.actor, action="token.revoked", subject_type="api_token",
                 subject_id=row.id, details={"name": row.name})  # fmt: skip


def token_principal(session: Session, token: str) -> Principal | None:
    """Who a bearer token speaks for (None: unknown, revoked, expired, or its user disabled)."""
    repo = AccessRepository(session)
    row = repo.token(_digest(token))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or (row.expires_at and _aware(row.expires_at) <= now):
        return None
    user = repo.user(row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = now
    return principal_of(session, user, via=f"token:{row.name}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    login: str
    name: str
    prefix: str  # enough to tell tokens apart, never to use one
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def live(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or _aware(self.expires_at) > datetime.now(UTC)
        )


def list_tokens(session: Session, principal: Principal) -> list[TokenView]:
    """Every API token (an admin), or one's own (anyone else); never the secret itself."""
    mine = None if principal.role is UserRole.ADMIN else principal.user_id
    if mine is None and principal.role is not UserRole.ADMIN:
        return []
    return [
        TokenView(
            t.id,
            login,
            t.name,
            t.prefix,
            _aware(t.created_at),
            t.created_by,
            _maybe_aware(t.expires_at),
            _maybe_aware(t.revoked_at),
            _maybe_aware(t.last_used_at),
        )
        for t, login in AccessRepository(session).tokens(mine)
    ]


def _maybe_aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else _aware(moment)
