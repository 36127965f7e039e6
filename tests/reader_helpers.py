"""Functions an import's reader process runs in tests (importable there by module name)."""

from __future__ import annotations

import os
from typing import Any


def die_abruptly(rows: list[Any]) -> list[Any]:
    """A ``prepare`` that kills its process, as the kernel's OOM killer would."""
    os._exit(3)


def fail_loudly(rows: list[Any]) -> list[Any]:
    raise ValueError("prepare failed on purpose")
