"""The compliance guard (issue 18, ADR 0026): every outbound contact is decided here, fail-closed,
by the ledger's policy pack (consumer: Regulation F + TCPA; commercial: B2B defaults + TCPA).

``read_case`` turns the file contract's JSON into a :class:`Case`; ``decide`` returns a
:class:`Decision` with every blocking rule's ID and reason and the next allowed time.
"""

from __future__ import annotations

from dunwell.dunning.compliance.case import (
    Automation,
    Case,
    Channel,
    Consent,
    ContactKind,
    Debtor,
    InconvenientTime,
    Ledger,
    PastContact,
    ProposedAction,
)
from dunwell.dunning.compliance.case_reader import CaseError, read_case
from dunwell.dunning.compliance.decision import (
    DEFAULT_POLICY,
    Block,
    Decision,
    Flag,
    Policy,
    decision_document,
    utc_text,
)
from dunwell.dunning.compliance.guard import decide

__all__ = [
    "DEFAULT_POLICY",
    "Automation",
    "Block",
    "Case",
    "CaseError",
    "Channel",
    "Consent",
    "ContactKind",
    "Debtor",
    "Decision",
    "Flag",
    "InconvenientTime",
    "Ledger",
    "PastContact",
    "Policy",
    "ProposedAction",
    "decide",
    "decision_document",
    "read_case",
    "utc_text",
]
