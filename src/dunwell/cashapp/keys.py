"""Natural keys of statement payments: the same bank entry gets the same key from any file.

The key is the company's account (its ``bank_accounts`` id, which survives the account being
named later, see ``importing``) plus the bank's entry reference when the file has one (camt
``AcctSvcrRef``/``NtryRef``, BAI2 bank reference, MT940 bank reference, OFX ``FITID``) and the
amount, so that a reference reused for another entry cannot swallow it. Not the value date: BAI2
files give the file's date where camt gives the entry's. Placeholders such as ``NONREF`` are no
reference at all. Without a reference, it is a hash of what the entry says (direction, value date,
amount, currency, payer account, remittance, creditor reference) and its occurrence among identical
entries of its statement, so two identical payments on one day stay two, and a statement
overlapping an earlier one adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from dunwell.ingest.bank import BankStatement

KEY_LENGTH = 120  # payments.natural_key
#: What banks write where they have no reference.
PLACEHOLDER_REFS = frozenset({"NONREF", "NOTPROVIDED", "NONE", "NA", "UNKNOWN"})


def account_key(account: str) -> str:
    """The company's account as stored: upper case, letters and digits (IBAN spacing removed)."""
    return "".join(c for c in account.upper() if c.isalnum())


def payment_keys(account_id: int, statement: BankStatement) -> list[str]:
    """The natural key of each transaction's payment, in order (see the module docstring).

    A reference the bank repeats within one statement gets ``#2``, ``#3``... on its later
    entries, so distinct entries never share a key.
    """
    refs: Counter[str] = Counter()
    contents: Counter[str] = Counter()
    keys = []
    for t in statement.transactions:
        amount = format(t.amount.normalize(), "f")  # 100.00 and 100 alike, never 1E+2
        if t.entry_ref and account_key(t.entry_ref) not in PLACEHOLDER_REFS:
            refs[t.entry_ref] += 1
            seen = refs[t.entry_ref]
            key = f"bank:{account_id}:{t.entry_ref}:{amount}"
            keys.append(_fit(key + (f"#{seen}" if seen > 1 else "")))
            continue
        content = "|".join(
            (
                t.direction.value,
                t.value_date.isoformat(),
                amount,
                t.currency,
                # A reader that parses the bank's text into payer and remittance (BAI2) keys on
                # the text as the bank sent it, as it did before it parsed it: a statement read by
                # an older or newer parser keeps its keys, so re-importing never doubles it.
                "" if t.bank_text else account_key(t.payer_account or ""),
                " ".join((t.bank_text or t.remittance).split()),
                t.structured_reference or "",
            )
        )
        contents[content] += 1
        digest = hashlib.sha256(f"{content}|{contents[content]}".encode()).hexdigest()[:32]
        keys.append(f"bank:{account_id}:h:{digest}")
    return keys


def _fit(key: str) -> str:
    if len(key) <= KEY_LENGTH:
        return key
    return f"bank:h:{hashlib.sha256(key.encode()).hexdigest()}"
