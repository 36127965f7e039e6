"""All SQL about users, their sign-ins, sessions, tokens and portfolio grants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dunwell.orm.access import ApiToken, LoginAttempt, PortfolioGrant, WebSession
from dunwell.orm.user import User


class AccessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def user(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def user_by_login(self, login: str) -> User | None:
        return self.session.scalars(select(User).where(User.login == login)).first()

    def users(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.login)))

    def add(self, row: User | ApiToken | WebSession | LoginAttempt | PortfolioGrant) -> None:
        self.session.add(row)
        self.session.flush()

    def granted_owners(self, grantee_id: int) -> set[int]:
        rows = select(PortfolioGrant.owner_id).where(PortfolioGrant.grantee_id == grantee_id)
        return set(self.session.scalars(rows))

    def grant(self, grantee_id: int, owner_id: int) -> PortfolioGrant | None:
        return self.session.scalars(
            select(PortfolioGrant).where(
                PortfolioGrant.grantee_id == grantee_id, PortfolioGrant.owner_id == owner_id
            )
        ).first()

    def delete_grant(self, grant: PortfolioGrant) -> None:
        self.session.delete(grant)
        self.session.flush()

    def failures_since(self, login: str, since: datetime) -> int:
        rows = select(func.count()).where(
            LoginAttempt.login == login, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
        )
        return int(self.session.scalar(rows) or 0)

    def last_success(self, login: str) -> datetime | None:
        rows = select(func.max(LoginAttempt.at)).where(
            LoginAttempt.login == login, LoginAttempt.succeeded.is_(True)
        )
        return self.session.scalar(rows)

    def web_session(self, session_hash: str) -> WebSession | None:
        return self.session.scalars(select(WebSession).where(WebSession.session_hash == session_hash)).first()

    def sessions_of(self, user_id: int) -> list[WebSession]:
        rows = select(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        return list(self.session.scalars(rows))

    def token(self, token_hash: str) -> ApiToken | None:
        return self.session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()

    def token_by_id(self, token_id: int) -> ApiToken | None:
        return self.session.get(ApiToken, token_id)

    def tokens(self, user_id: int | None = None) -> list[tuple[ApiToken, str]]:
        rows = select(ApiToken, User.login).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
        if user_id is not None:
            rows = rows.where(ApiToken.user_id == user_id)
        return [(token, login) for token, login in self.session.execute(rows)]

    def grants(self) -> list[tuple[PortfolioGrant, str, str]]:
        """Every portfolio grant with the grantee's and the owner's logins."""
        owner = aliased(User)
        rows = (
            select(PortfolioGrant, User.login, owner.login)
            .join(User, User.id == PortfolioGrant.grantee_id)
            .join(owner, owner.id == PortfolioGrant.owner_id)
            .order_by(User.login, owner.login)
        )
        return [(grant, grantee, of) for grant, grantee, of in self.session.execute(rows)]
