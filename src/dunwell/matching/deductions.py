"""What a payer's stated adjustment is, as a settlement reason code.

X12 820 ``ADX`` segments carry an adjustment reason code from code list 426 (``01`` pricing
error, ``04`` item not accepted - damaged, ``54`` freight deducted, ...); lockbox stubs and
free-text remittances say it in words. Codes and words not recognised are ``other``: a person
reads the note, and the policy treats ``other`` as a customer's deduction.
"""

from __future__ import annotations

import re

from dunwell.core.settlement import SettleReason

#: X12 code list 426, grouped by what the deduction is about.
_X12_CODES: dict[str, SettleReason] = {
    **dict.fromkeys(("01", "02", "03", "09", "16", "23", "33", "62"), SettleReason.PRICING),
    **dict.fromkeys(("04", "05", "06", "07", "11", "12", "25", "41", "42", "59"), SettleReason.DAMAGED_GOODS),
    **dict.fromkeys(("10", "21", "22", "30", "31", "32", "46", "47", "54"), SettleReason.FREIGHT),
    **dict.fromkeys(("24", "43", "57"), SettleReason.UNEARNED_DISCOUNT),
}
_WORDS: tuple[tuple[re.Pattern[str], SettleReason], ...] = (
    (re.compile(r"freight|shipping|delivery|fracht|vracht", re.I), SettleReason.FREIGHT),
    (re.compile(r"damage|defect|broken|return|besch[aä]dig|schade", re.I), SettleReason.DAMAGED_GOODS),
    (re.compile(r"pric|overcharg|preis", re.I), SettleReason.PRICING),
    (re.compile(r"discount|skonto|korting", re.I), SettleReason.UNEARNED_DISCOUNT),
    (re.compile(r"bank\s*(fee|charge)|wire\s*fee|geb[uü]hr|kosten", re.I), SettleReason.BANK_FEE),
)


def deduction_reason(stated: str | None) -> SettleReason:
    """The reason code for an adjustment the payer stated (``"01"``, ``"54,01"``, ``"FREIGHT"``)."""
    if not stated:
        return SettleReason.OTHER
    for code in (c.strip() for c in stated.split(",")):
        if code in _X12_CODES:
            return _X12_CODES[code]
    for pattern, reason in _WORDS:
        if pattern.search(stated):
            return reason
    return SettleReason.OTHER
