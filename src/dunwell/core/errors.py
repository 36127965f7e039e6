"""One error base for the whole product.

Expected problems (a rejected row, an unmatched payment) are values, not exceptions. Exceptions are
for failures that stop an operation; each carries a stable machine code and a kind that the edges
map to an HTTP status or a CLI exit code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class ErrorKind(StrEnum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    THROTTLED = "throttled"  # too many attempts: try again later


class DunwellError(Exception):
    """A failure with a stable ``code`` (for machines) and a one-line message (for people)."""

    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, message: str, *, code: str, kind: ErrorKind | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        if kind is not None:
            self.kind = kind

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses narrow ``__init__``; rebuilding from the state keeps code and kind intact when
        # an error crosses a process boundary (an import's reader process).
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[DunwellError], args: tuple[object, ...], state: dict[str, object]) -> DunwellError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class CurrencyError(DunwellError):
    """An unknown currency code, or arithmetic that mixes currencies."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="currency", kind=ErrorKind.INVALID)


_T = TypeVar("_T")


def present(value: _T | None, what: str) -> _T:
    """``value``, which the database's constraints or the caller's checks guarantee; a clear error
    (never an ``assert``, which ``python -O`` removes) when that guarantee was broken."""
    if value is None:
        raise DunwellError(f"internal error: {what} is missing", code="internal_inconsistency")
    return value
