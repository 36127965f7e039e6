"""The open items as the matcher looks them up: by customer, by document and PO number, by
amount, and, when a payer is a stranger, by a mistyped or cut-short number anywhere in the book.

The book-wide fuzzy and amount lookups are what a person does with a payment nobody
recognises (a group company or a factor paying for a customer, a new bank account): search the
ledger for the number quoted, then for the amount. They answer only when few items fit.
"""

from __future__ import annotations

import string
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from dunwell.matching.normalize import reference_key
from dunwell.matching.records import OpenItem
from dunwell.matching.references import MIN_TOKEN, ReferenceFit, Tokens, number_key, sequence_key

_DUE_ORDER = attrgetter("due_date", "issue_date", "item_id")
#: A book-wide lookup that finds more items than this says nothing about who paid.
MAX_STRANGER_HITS = 3


class OpenItemIndex:
    """The open items indexed every way a payment may point at them (reference, the number inside
    it, PO, customer, amount), with what is still open on each as matching consumes it."""

    def __init__(self, items: Sequence[OpenItem]) -> None:
        self.open: dict[str, int] = {}
        self.items: dict[str, OpenItem] = {}
        self.by_reference: dict[str, list[str]] = defaultdict(list)
        self.by_po: dict[str, list[str]] = defaultdict(list)
        #: item ids by the number inside their reference ("104233" for "INV-0104233")
        self.by_number: dict[str, list[str]] = defaultdict(list)
        self.by_customer: dict[str, list[str]] = defaultdict(list)
        self.by_amount: dict[int, list[str]] = defaultdict(list)
        self.keys: dict[str, str] = {}  # item id -> its reference key
        # Locals: a million items are indexed when a large book is loaded.
        by_id, open_, keys = self.items, self.open, self.keys
        by_reference, by_po, by_customer, by_amount, by_number = (
            self.by_reference,
            self.by_po,
            self.by_customer,
            self.by_amount,
            self.by_number,
        )
        # Each customer's items are put in due order when first asked for: sorting a million
        # items up front costs more than sorting the few customers a statement names.
        self._in_order: set[str] = set()
        for item in items:
            item_id = item.item_id
            by_id[item_id] = item
            open_[item_id] = item.open_minor
            key = keys[item_id] = reference_key(item_id)
            by_reference[key].append(item_id)
            number = number_key(key)
            if number is not None and number != key:
                by_number[number].append(item_id)
            if not item_id.isalnum():  # "RE-2025/05216": also quoted as "5216"
                sequence = sequence_key(item_id)
                if sequence is not None and sequence != number:
                    by_number[sequence].append(item_id)
            if item.po_number:
                by_po[reference_key(item.po_number)].append(item_id)
            by_customer[item.customer_id].append(item_id)
            if item.open_minor > 0:
                by_amount[item.open_minor].append(item_id)
        self._starts: list[str] | None = None  # sorted keys, built on the first stranger
        self._ends: list[str] | None = None  # sorted reversed keys

    def open_items(self, customer_id: str, currency: str, latest_issue: date) -> list[OpenItem]:
        """The customer's items still open in ``currency``, issued by ``latest_issue``, oldest due first."""
        items = self.items
        if customer_id not in self._in_order:
            self._in_order.add(customer_id)
            if customer_id in self.by_customer:
                self.by_customer[customer_id].sort(key=lambda i: _DUE_ORDER(items[i]))
        return [
            items[i]
            for i in self.by_customer.get(customer_id, ())
            if self.open[i] != 0 and items[i].currency == currency and items[i].issue_date <= latest_issue
        ]

    def named(self, tokens: Tokens) -> dict[str, tuple[str, ReferenceFit | str]]:
        """Documents named outright, anywhere in the book: item id -> (token, how)."""
        named: dict[str, tuple[str, ReferenceFit | str]] = {}
        if tokens.structured:
            for item_id in self.by_reference.get(tokens.structured, ()):
                named[item_id] = (tokens.structured, ReferenceFit.STRUCTURED)
        for token in tokens.tokens:
            for item_id in self.by_reference.get(token, ()):
                named.setdefault(item_id, (token, ReferenceFit.EXACT))
            for item_id in self.by_po.get(token, ()):
                named.setdefault(item_id, (token, "po_number"))
        for token in tokens.spliced:  # a number broken at a record's end, glued back
            for item_id in self.by_reference.get(token, ()):
                named.setdefault(item_id, (token, ReferenceFit.EXACT))
        for token in tokens.tokens:  # after every outright name: a bare number is weaker
            if token.isdigit() and len(token) >= MIN_TOKEN:
                hits = [i for i in self.by_number.get(token.lstrip("0"), ()) if i not in named]
                customers = [self.items[i].customer_id for i in hits]
                if len(set(customers)) < len(customers):
                    continue  # it names several of one customer's items: the amount decides
                for item_id in hits:
                    named[item_id] = (token, ReferenceFit.NUMBER)
        return named

    def with_amount(self, amount_minor: int, currency: str) -> list[str]:
        """Open items of exactly ``amount_minor`` anywhere in the book, or none when too many."""
        hits = [
            i
            for i in self.by_amount.get(amount_minor, ())
            if self.open[i] == amount_minor and self.items[i].currency == currency
        ]
        return hits if len(hits) <= MAX_STRANGER_HITS else []

    def fuzzy(self, token: str) -> list[tuple[str, ReferenceFit]]:
        """Open items anywhere in the book that ``token`` names with a digit wrong, two swapped,
        or cut at the start or the end; none when too many fit."""
        hits: dict[str, ReferenceFit] = {}
        if len(token) >= 6:
            for variant in _one_edit(token):
                for item_id in self.by_reference.get(variant, ()):
                    hits.setdefault(item_id, ReferenceFit.MISTYPED)
        if len(token) >= MIN_TOKEN:
            for key in self._with_end(token):
                for item_id in self.by_reference[key]:
                    hits.setdefault(item_id, ReferenceFit.TRUNCATED)
        if len(token) >= 5:
            for key in self._with_start(token):
                for item_id in self.by_reference[key]:
                    hits.setdefault(item_id, ReferenceFit.TRUNCATED)
        open_hits = [(i, how) for i, how in hits.items() if self.open[i] != 0]
        return open_hits if len(open_hits) <= MAX_STRANGER_HITS else []

    def _with_start(self, token: str) -> list[str]:
        if self._starts is None:
            self._starts = sorted(self.by_reference)
        return _prefixed(self._starts, token)

    def _with_end(self, token: str) -> list[str]:
        if self._ends is None:
            self._ends = sorted(k[::-1] for k in self.by_reference)
        return [k[::-1] for k in _prefixed(self._ends, token[::-1])]


def _prefixed(keys: list[str], start: str) -> list[str]:
    """Keys longer than ``start`` that begin with it (at most one more than is useful)."""
    found: list[str] = []
    at = bisect_left(keys, start)
    while at < len(keys) and keys[at].startswith(start) and len(found) <= MAX_STRANGER_HITS:
        if len(keys[at]) > len(start):
            found.append(keys[at])
        at += 1
    return found


def _one_edit(token: str) -> set[str]:
    """``token`` with one digit changed or two neighbours swapped."""
    variants = set()
    chars = list(token)
    for i, c in enumerate(chars):
        if c.isdigit():
            for d in string.digits:
                if d != c:
                    variants.add("".join((*chars[:i], d, *chars[i + 1 :])))
        if i + 1 < len(chars) and chars[i + 1] != c:
            variants.add("".join((*chars[:i], chars[i + 1], c, *chars[i + 2 :])))
    return variants
