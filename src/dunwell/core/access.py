"""Who is asking: one principal per request, command or job, resolved at the edge and passed to
services, which check it (so the API, the web pages and the CLI cannot drift apart).

A collector sees and changes only the customers of their portfolio (the customers they own, and
those of the collectors whose portfolios a manager granted them); managers and admins see and
change everything; a viewer sees everything and changes nothing. Only admins manage users.
"""

from __future__ import annotations

from dataclasses import dataclass

from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError, ErrorKind


class Forbidden(DunwellError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="forbidden", kind=ErrorKind.FORBIDDEN)


@dataclass(frozen=True, slots=True)
class Principal:
    #: The audit log's name for them: a login, ``token:<name>@<login>``, or a CLI operator.
    actor: str
    role: UserRole
    user_id: int | None = None
    #: Owner (user) ids whose customers they may work; None: every customer.
    portfolio: frozenset[int] | None = None

    @classmethod
    def operator(cls, actor: str) -> Principal:
        """Whoever runs the command line on the server: full access, named in the audit log."""
        return cls(actor=actor, role=UserRole.ADMIN)

    @property
    def can_write(self) -> bool:
        return self.role is not UserRole.VIEWER

    @property
    def is_manager(self) -> bool:
        return self.role in (UserRole.MANAGER, UserRole.ADMIN)

    def sees(self, owner_id: int | None) -> bool:
        """Whether a customer owned by ``owner_id`` (None: nobody) is in their portfolio."""
        return self.portfolio is None or (owner_id is not None and owner_id in self.portfolio)

    def require_write(self) -> None:
        if not self.can_write:
            raise Forbidden(f"{self.actor} may read but not change anything (role {self.role.value})")

    def require_manager(self) -> None:
        if not self.is_manager:
            raise Forbidden(f"only a manager or an admin may do this, not {self.actor} ({self.role.value})")

    def require_admin(self) -> None:
        if self.role is not UserRole.ADMIN:
            raise Forbidden(f"only an admin may do this, not {self.actor} ({self.role.value})")

    def require_customer(self, owner_id: int | None, *, write: bool = False) -> None:
        """Refuse a customer outside the portfolio as *not found*: its existence is not theirs to know."""
        if not self.sees(owner_id):
            raise DunwellError("customer not found", code="customer_not_found", kind=ErrorKind.NOT_FOUND)
        if write:
            self.require_write()
