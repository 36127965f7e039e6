"""The shipped default policy file, read from the package (the only file this part of the dunning
engine reads; everything else takes text or values, so it can be moved out whole if the engines'
no-I/O rule, ADR 0019, is extended to ``dunning``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy_parse import parse_policy_text

#: Declared as package data in pyproject.toml (``dunning/policies/*.yaml``).
SHIPPED_POLICIES = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY_FILE = SHIPPED_POLICIES / "default.yaml"


def default_policy_text() -> str:
    """The shipped default policy file as written (a starting point to copy and edit)."""
    return DEFAULT_POLICY_FILE.read_text(encoding="utf-8")


@cache
def default_policy_book() -> PolicyBook:
    """The shipped default, parsed once; ``PolicyFileError`` if someone broke it (a test guards it)."""
    return parse_policy_text(default_policy_text(), source="shipped default policy")
