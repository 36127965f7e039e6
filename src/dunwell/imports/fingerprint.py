"""Content fingerprints: an identical re-import is detected without comparing every column."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def fingerprint(values: Iterable[object]) -> str:
    """A stable 32-hex-digit digest of ``values`` (None, dates and Decimals by their ``str``)."""
    text = "\x1f".join("\x00" if v is None else str(v) for v in values)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
