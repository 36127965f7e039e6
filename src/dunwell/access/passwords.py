"""Passwords: argon2id hashes (the library's defaults, RFC 9106's second recommendation)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dunwell.core.errors import DunwellError, ErrorKind

_HASHER = PasswordHasher()
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise DunwellError(
            f"a password needs at least {MIN_LENGTH} characters", code="weak_password", kind=ErrorKind.INVALID
        )
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: a user who cannot sign in). Constant effort:
    a missing hash is verified against a dummy so timing does not tell which logins exist."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


_DUMMY = _HASHER.hash("not a real password, only spends the time")
