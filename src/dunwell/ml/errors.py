"""Failures of training, scoring or a backtest that stop it (bad data is a value elsewhere)."""

from __future__ import annotations

from dunwell.core.errors import DunwellError, ErrorKind


class PredictionError(DunwellError):
    """Why a model cannot be trained or used on the data given; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code, kind=ErrorKind.INVALID)
