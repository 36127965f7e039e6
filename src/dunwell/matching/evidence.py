"""The signals a match can show and their prior weights.

The weights rank the engine's drafts while it searches (a candidate's ``score`` is their sum,
additive, so a person can check it) and give each signal its sign and scale. How sure a
candidate is comes from the learned model over the same signals (``confidence``), whose
coefficients are bounded by these signs.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {
    # Who paid.
    "payer_account": 3.0,  # the account has paid this customer before
    "payer_account_shared": 2.0,  # an account several customers have paid from
    "payer_name_exact": 2.0,  # the customer's own name, in canonical form
    "payer_alias": 1.5,  # a name that paid for this customer before (learned)
    "payer_name_fuzzy": 1.0,  # scaled by similarity above the cut-off
    "payer_name_prefix": 2.0,  # the bank cut the name: shared out among the customers it fits
    "parent_pays": -0.5,  # identified through the group company that paid
    "customer_from_reference": 1.0,  # no payer signal, but the documents named belong to it
    # A stranger's payment: a number quoted with a slip names this customer's item, book-wide.
    "customer_from_fuzzy_reference": 0.5,
    # A stranger's payment: the customer has an open item of exactly the amount (the weight is
    # the doubt that the payer has anything to do with it).
    "customer_from_amount": -1.0,
    # A processor's payment: one of the few customers known to pay through it whose open items
    # add up to the amount.
    "customer_from_processor": -1.0,
    # What was paid.
    "reference_structured": 5.0,
    "reference_exact": 4.0,
    "reference_prefixed": 3.5,
    "reference_number": 3.5,  # the number without the document's prefix or leading zeros
    "reference_mistyped": 2.0,
    "reference_truncated": 1.5,
    # A number that names another item outright, read as a slip for this one: a guess.
    "reference_slip": 0.0,
    "po_number": 3.0,
    "reference_ambiguous": 0.5,  # a slipped number that fits a few of its items: the amount decides
    "reference_unresolved": -1.0,  # the remittance names something this customer does not owe
    "reference_elsewhere": -3.0,  # it names another customer's open item outright
    "reference_ignored": -2.0,  # a set found by amount that leaves out items the remittance names
    # The payer states it pays another item in part; this one is open for exactly the amount (a
    # slip in the number stated?): suggested, never applied without a person.
    "stated_elsewhere": -2.0,
    # How much.
    "amount_exact": 3.0,
    # The remittance states the amount paid on each item it names, and they add up (X12 RMR).
    "remittance_amounts": 3.0,
    "deduction_stated": 0.0,  # what it deducts, with the payer's reason: proposed for write-off
    "discount_taken": 1.5,
    "discount_late": 1.0,  # the terms' discount, on some items after its window: unearned
    "short_paid": 0.0,  # within the write-off tolerance: which item bears it is a convention
    "short_per_item": -0.5,  # per item beyond the first in a short set found by amount alone
    # Less than the items named: which of them is paid in part cannot be known for sure.
    "partial_payment": -5.0,
    "overpayment": -6.0,  # more than the items named: often items the remittance left out
    "overpayment_small": -0.5,  # a few units over: kept as unapplied cash
    "overpayment_slip": -3.0,  # over by one digit's worth of whole units: a keying slip? (a guess)
    "amount_combination": 0.5,  # several items add up to it, none named
    # Found as a window of the items in due order (a payment run, perhaps one held back), not by
    # the bounded set search: a reading to check, never applied without a person.
    "amount_due_run": 0.0,
    "amount_ambiguous": -3.0,  # other sets of items add up to the same amount
    "on_account_only": -4.0,  # customer known, items not: cash left on account
    "close_alternative": -2.0,  # another candidate scores nearly as well
    "partial_item": -0.1,  # another reading of which named item is paid in part
    "partial_round_share": 2.0,  # the part paid is a round share (a half, 40 %) of the item
    # None named: one item paid at a round share, the others in full, adds up to the amount.
    "amount_partial_share": -3.0,
    "partial_oldest": -3.5,  # none named, nothing adds up: part of the oldest open item
    # Shown, not scored: the rules reach the same answer from independent identifiers (``rules``).
    "structural_agreement": 0.0,
}
