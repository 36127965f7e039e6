"""Content fingerprints: an identical re-import is detected without comparing every column."""

from __future__ import annotations

import hashlib


def fingerprint(values: tuple[object, ...]) -> str:
    """A stable 32-hex-digit digest of ``values`` (plain values: None, str, bool, int, date, Decimal).

    ``repr`` of such a tuple is deterministic across runs and Python versions we support, and one
    C-level call instead of a ``str`` per value (this runs once per imported row).
    """
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()
