"""Payments whose remittance states what is paid on each item (X12 820 ``RMR`` lines, lockbox
stubs): the payer's own allocation, taken as it is when it names the customer's open items and
adds up to the payment.

What the payer deducts (a stated discount, or an ``ADX`` adjustment with its reason code) is
proposed for write-off with that reason; an item paid short with no reason stated stays open for
the rest, as a partial payment does.
"""

from __future__ import annotations

from collections.abc import Sequence

from dunwell.core.settlement import SettleReason
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.deductions import deduction_reason
from dunwell.matching.draft import Draft, discount_on
from dunwell.matching.normalize import reference_key
from dunwell.matching.records import Evidence, IncomingPayment, OpenItem, RemittedItem
from dunwell.matching.references import ReferenceFit, fit, number_key

#: How a stated reference may name an item: as its number or a recognisable form of it.
_NAMES = frozenset({ReferenceFit.EXACT, ReferenceFit.PREFIXED, ReferenceFit.TRUNCATED, ReferenceFit.MISTYPED})


def names(reference: str, document_key: str, *, loosely: bool = False) -> bool:
    """Whether a stated reference names the document: its number with or without the prefix
    and leading zeros; ``loosely``, also cut or with one slip."""
    key = reference_key(reference)
    if not key:
        return False
    if key == document_key:
        return True
    number = number_key(key)
    if number is not None and number == number_key(document_key):
        return True
    return loosely and fit(key, document_key) in _NAMES


def stated_lines(
    lines: Sequence[RemittedItem], items: Sequence[OpenItem], keys: dict[str, str]
) -> list[tuple[OpenItem, RemittedItem]] | None:
    """Each stated line with a paid amount paired with the one item it names, or None when any
    line names none of ``items`` or several, or two lines name the same item."""
    paired: list[tuple[OpenItem, RemittedItem]] = []
    used: set[str] = set()
    for line in lines:
        if line.paid_minor is None:
            return None
        hits = [i for i in items if names(line.reference, keys[i.item_id])] or [
            i for i in items if names(line.reference, keys[i.item_id], loosely=True)
        ]
        if len(hits) != 1 or hits[0].item_id in used:
            return None
        used.add(hits[0].item_id)
        paired.append((hits[0], line))
    return paired or None


def from_stated(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    evidence: tuple[Evidence, ...],
    referenced: list[tuple[OpenItem, Evidence]],
) -> Draft | None:
    """The payer's stated allocation over the customer's named items, when it adds up."""
    items = [item for item, _ in referenced]
    paired = stated_lines(payment.remittance_items, items, book.keys)
    if paired is None:
        return None
    memos = _memos_netted(book, payment, customer_id, paired)
    if memos is None:
        return None
    if any((line.paid_minor or 0) > book.open[item.item_id] > 0 for item, line in paired):
        return None  # more than is open on an item: not the allocation it states
    by_item = {item.item_id: e for item, e in referenced}
    weakest = min(by_item[item.item_id].weight for item, _ in paired)
    shared = round(weakest / len(paired), 2)
    draft = Draft(
        customer_id,
        [(item, line.paid_minor or 0) for item, line in paired],
        [
            *evidence,
            *(Evidence(by_item[i.item_id].signal, by_item[i.item_id].detail, shared) for i, _ in paired),
        ],
    )
    draft.add("remittance_amounts", f"the remittance states the amount paid on each of {len(paired)} item(s)")
    for memo, line in memos:
        draft.items.append((memo, book.open[memo.item_id]))
        draft.evidence.append(
            Evidence(
                "remittance_amounts", f"{memo.item_id} netted as the adjustment on {line.reference}", 0.0
            )
        )
    netted = {id(line) for _, line in memos}
    deducted, reasons = 0, []
    lines: dict[str, tuple[int, SettleReason]] = {}
    for item, line in paired:
        short = book.open[item.item_id] - (line.paid_minor or 0)
        if short <= 0 or id(line) in netted:
            continue  # paid in full, or in part with a credit memo netted beside it
        if line.discount_minor:
            reasons.append(f"{item.item_id}: discount taken")
            offered = discount_on(item, book.open[item.item_id], payment.value_date)
            earned = 0 < short <= offered
            code = SettleReason.EARLY_PAYMENT_DISCOUNT if earned else SettleReason.UNEARNED_DISCOUNT
        elif line.adjustment_minor:
            reasons.append(f"{item.item_id}: adjustment {line.adjustment_reason or 'without a reason code'}")
            code = deduction_reason(line.adjustment_reason)
        else:
            continue  # paid in part: the rest stays open
        deducted += short
        lines[item.item_id] = (short, code)
    if deducted:
        draft.add("deduction_stated", "; ".join(reasons))
        draft.settle(deducted, "deduction stated by the payer: " + "; ".join(reasons), SettleReason.OTHER)
        draft.write_off_lines = lines
    return draft


def _memos_netted(
    book: OpenItemIndex,
    payment: IncomingPayment,
    customer_id: str,
    paired: list[tuple[OpenItem, RemittedItem]],
) -> list[tuple[OpenItem, RemittedItem]] | None:
    """The customer's open credit memos the stated lines net as adjustments, when the amounts
    paid add up to the payment only with them (a payer's system lists a credit memo taken as a
    negative adjustment on the invoice it credits); [] when the amounts paid add up by themselves,
    None when they add up neither way."""
    paid = sum(line.paid_minor or 0 for _, line in paired)
    if paid == payment.amount_minor:
        return []
    open_memos = [
        book.items[i]
        for i in book.by_customer.get(customer_id, ())
        if book.open[i] < 0 and book.items[i].currency == payment.currency
    ]
    memos: list[tuple[OpenItem, RemittedItem]] = []
    for _, line in paired:
        if line.adjustment_minor is None or line.adjustment_minor >= 0:
            continue
        fits = [
            m for m in open_memos if book.open[m.item_id] == line.adjustment_minor and m not in dict(memos)
        ]
        if len(fits) != 1:
            return None  # no memo, or several of that amount: which one is a person's call
        memos.append((fits[0], line))
    if not memos or paid + sum(line.adjustment_minor or 0 for _, line in memos) != payment.amount_minor:
        return None
    return memos


def exact_instead(
    book: OpenItemIndex,
    payment: IncomingPayment,
    stated: Draft,
    evidence: tuple[Evidence, ...],
    open_items: Sequence[OpenItem],
) -> list[Draft]:
    """When the stated allocation pays an item in part, the customer's other items open for
    exactly the amount: a slip in the number stated (INV0004346 for INV0004344) is as likely as
    a part payment, and a person needs that reading on the table."""
    if len(stated.items) != 1 or not 0 < stated.items[0][1] < book.open[stated.items[0][0].item_id]:
        return []
    quoted = ", ".join(line.reference for line in payment.remittance_items)
    drafts = []
    for item in open_items:
        if item is stated.items[0][0] or book.open[item.item_id] != payment.amount_minor:
            continue
        draft = Draft(stated.customer_id, [(item, payment.amount_minor)], list(evidence))
        draft.add("amount_exact", f"{payment.amount_minor} = open amount of {item.item_id}")
        draft.add("stated_elsewhere", f"the remittance states {quoted}: a slip for {item.item_id}?")
        drafts.append(draft)
    return drafts
