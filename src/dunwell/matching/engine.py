"""The cash-application engine: for each incoming payment, who paid and which open items it
settles, with a calibrated confidence and the evidence.

Per payment: the documents the remittance names (index lookups: exact numbers, creditor
references, PO numbers), the customers the payer may be (``payers``), then for each of the top
customers the candidate allocations: the named items with the amount reconciled (exact, with a
discount, short within the write-off tolerance, partial, overpaid), or, when nothing usable is
named, the combinations of the customer's open items that add up to the amount. Candidates are
scored by additive evidence and ranked; only a clear winner above the calibrated threshold is
applied without a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from dunwell.matching.amounts import combinations_near
from dunwell.matching.evidence import WEIGHTS, Calibration, default_calibration
from dunwell.matching.normalize import reference_key
from dunwell.matching.payers import MAX_PAYERS, PayerGuess, PayerIndex
from dunwell.matching.records import (
    Candidate,
    CustomerProfile,
    Evidence,
    IncomingPayment,
    MatchResult,
    MatchStatus,
    OpenItem,
    ProposedAllocation,
)
from dunwell.matching.references import ReferenceFit, Tokens, extract, fit

MAX_SUGGESTIONS = 3
#: A short payment up to this much (minor units) and this share is a bank fee to write off.
WRITE_OFF_LIMIT_MINOR = 5_000
WRITE_OFF_SHARE = 0.10
#: Items issued after the payment's value date are not what it pays (a few days' grace for
#: invoices dated after the goods left).
ISSUE_GRACE = timedelta(days=3)
CLOSE_MARGIN = 2.0
#: An overpayment up to this much (and 2 %) looks like a rounding or a fee paid twice, not like
#: invoices the remittance left out.
SMALL_OVERPAYMENT_MINOR = 10_000


@dataclass(slots=True)
class _Draft:
    customer_id: str
    items: list[tuple[OpenItem, int]]  # (item, amount applied)
    evidence: list[Evidence]
    unapplied: int = 0
    write_off: int = 0
    write_off_reason: str | None = None

    @property
    def score(self) -> float:
        return sum(e.weight for e in self.evidence)

    @property
    def key(self) -> tuple[str, frozenset[tuple[str, int]]]:
        return self.customer_id, frozenset((i.item_id, a) for i, a in self.items)


class Matcher:
    """Matches payments against a book of open items; ``match_all`` consumes what it applies."""

    def __init__(
        self,
        items: Sequence[OpenItem],
        customers: Sequence[CustomerProfile],
        *,
        rejected: Iterable[tuple[str, str]] = (),
        auto_threshold: float | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.calibration = calibration or default_calibration()
        self.auto_threshold = self.calibration.auto_threshold if auto_threshold is None else auto_threshold
        self.rejected = set(rejected)
        self.payers = PayerIndex(customers)
        self.open: dict[str, int] = {}
        self.items: dict[str, OpenItem] = {}
        self.by_reference: dict[str, list[str]] = defaultdict(list)
        self.by_po: dict[str, list[str]] = defaultdict(list)
        self.by_customer: dict[str, list[str]] = defaultdict(list)
        for item in sorted(items, key=lambda i: (i.due_date, i.issue_date, i.item_id)):
            self.items[item.item_id] = item
            self.open[item.item_id] = item.open_minor
            self.by_reference[reference_key(item.item_id)].append(item.item_id)
            if item.po_number:
                self.by_po[reference_key(item.po_number)].append(item.item_id)
            self.by_customer[item.customer_id].append(item.item_id)

    # -- the public API ---------------------------------------------------------------------

    def match_all(self, payments: Sequence[IncomingPayment]) -> list[MatchResult]:
        results = []
        for payment in payments:
            result = self.match(payment)
            if result.status is MatchStatus.AUTO and result.best is not None:
                for allocation in result.best.allocations:
                    self.open[allocation.item_id] -= allocation.amount_minor
            results.append(result)
        return results

    def match(self, payment: IncomingPayment) -> MatchResult:
        tokens = extract(payment.remittance, payment.structured_reference)
        named = self._named(tokens)
        guesses = self.payers.identify(payment.payer_name, payment.payer_account)[:MAX_PAYERS]
        known = {g.customer_id for g in guesses}
        for customer in {self.items[i].customer_id for i in named} - known:
            evidence = Evidence(
                "customer_from_reference",
                "the documents named belong to it",
                WEIGHTS["customer_from_reference"],
            )
            guesses.append(PayerGuess(customer, (evidence,)))
        drafts: dict[tuple[str, frozenset[tuple[str, int]]], _Draft] = {}
        for guess in guesses:
            for draft in self._drafts(payment, guess, tokens, named):
                if any((payment.payment_ref, i.item_id) in self.rejected for i, _ in draft.items):
                    continue
                if draft.key not in drafts or drafts[draft.key].score < draft.score:
                    drafts[draft.key] = draft
        ranked = sorted(drafts.values(), key=lambda d: -d.score)[:MAX_SUGGESTIONS]
        if not ranked:
            reason = (
                "payer not identified and no open item named"
                if not guesses
                else "no open items in its currency"
            )
            return MatchResult(payment.payment_ref, MatchStatus.UNMATCHED, (), reason)
        if len(ranked) > 1 and ranked[0].score - ranked[1].score < CLOSE_MARGIN:
            gap = ranked[0].score - ranked[1].score
            ranked[0].evidence.append(
                Evidence(
                    "close_alternative",
                    f"next candidate {gap:.1f} points behind",
                    round(WEIGHTS["close_alternative"] * (1 - gap / CLOSE_MARGIN), 2),
                )
            )
        candidates = tuple(self._candidate(d) for d in ranked)
        candidates = tuple(sorted(candidates, key=lambda c: -c.confidence))
        best = candidates[0]
        # A close second means the choice between them is a coin toss: a person decides.
        contested = any(e.signal == "close_alternative" for e in best.evidence)
        if best.confidence >= self.auto_threshold and best.allocations and not contested:
            return MatchResult(payment.payment_ref, MatchStatus.AUTO, (best,))
        reason = (
            "confidence below the auto-apply threshold" if best.allocations else "customer found, items not"
        )
        return MatchResult(payment.payment_ref, MatchStatus.SUGGESTED, candidates, reason)

    # -- candidates -------------------------------------------------------------------------

    def _named(self, tokens: Tokens) -> dict[str, tuple[str, ReferenceFit | str]]:
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
        return named

    def _drafts(
        self,
        payment: IncomingPayment,
        guess: PayerGuess,
        tokens: Tokens,
        named: dict[str, tuple[str, ReferenceFit | str]],
    ) -> list[_Draft]:
        latest_issue = payment.value_date + ISSUE_GRACE
        open_items = [
            self.items[i]
            for i in self.by_customer.get(guess.customer_id, ())
            if self.open[i] != 0
            and self.items[i].currency == payment.currency
            and self.items[i].issue_date <= latest_issue
        ]
        if not open_items:  # the payer is known, what it pays is not: cash on account
            evidence = [
                *guess.evidence,
                Evidence(
                    "on_account_only", "no open items in the payment's currency", WEIGHTS["on_account_only"]
                ),
            ]
            return [_Draft(guess.customer_id, [], evidence, unapplied=payment.amount_minor)]
        referenced = self._referenced(open_items, tokens, named)
        drafts = []
        if referenced:
            draft = self._reconcile(payment, guess, referenced, open_items)
            drafts.append(draft)
            drafts.extend(self._partial_variants(draft, payment.amount_minor))
        unresolved = bool(tokens.tokens) and not referenced
        drafts.extend(self._by_amount(payment, guess, open_items, unresolved=unresolved))
        if not drafts:
            evidence = [
                *guess.evidence,
                Evidence("on_account_only", "no open items add up to the amount", WEIGHTS["on_account_only"]),
            ]
            drafts.append(_Draft(guess.customer_id, [], evidence, unapplied=payment.amount_minor))
        return drafts

    def _referenced(
        self, open_items: list[OpenItem], tokens: Tokens, named: dict[str, tuple[str, ReferenceFit | str]]
    ) -> list[tuple[OpenItem, Evidence]]:
        found: list[tuple[OpenItem, Evidence]] = []
        used: set[str] = set()
        for item in open_items:
            if item.item_id in named:
                token, how = named[item.item_id]
                signal = "po_number" if how == "po_number" else f"reference_{how}"
                found.append((item, Evidence(signal, f"{token} names {item.item_id}", WEIGHTS[signal])))
                used.add(token)
        for token in tokens.tokens:
            if token in used:
                continue
            fits = [(item, fit(token, reference_key(item.item_id))) for item in open_items]
            hits = [(item, how) for item, how in fits if how is not None and item.item_id not in named]
            if len(hits) == 1:  # a fuzzy reading counts only when it names one item of this customer
                item, how = hits[0]
                signal = f"reference_{how}"
                found.append((item, Evidence(signal, f"{token} ~ {item.item_id}", WEIGHTS[signal])))
        return found

    def _reconcile(
        self,
        payment: IncomingPayment,
        guess: PayerGuess,
        referenced: list[tuple[OpenItem, Evidence]],
        open_items: list[OpenItem],
    ) -> _Draft:
        items = [item for item, _ in referenced]
        # A candidate is as well referenced as its weakest reference: naming six invoices is not
        # six times the evidence. The weakest weight is shared out so the evidence still adds up.
        weakest = min(e.weight for _, e in referenced)
        shared = round(weakest / len(referenced), 2)
        evidence = [*guess.evidence, *(replace(e, weight=shared) for _, e in referenced)]
        total = sum(self.open[i.item_id] for i in items)
        amount = payment.amount_minor
        draft = _Draft(guess.customer_id, [], evidence)
        discount = sum(
            i.discount_minor for i in items if i.discount_until and payment.value_date <= i.discount_until
        )
        if amount == total:
            draft.evidence.append(Evidence("amount_exact", f"{amount} = open total", WEIGHTS["amount_exact"]))
            draft.items = [(i, self.open[i.item_id]) for i in items]
        elif discount and amount == total - discount:
            draft.evidence.append(
                Evidence("discount_taken", f"{discount} early-payment discount", WEIGHTS["discount_taken"])
            )
            draft.items = _in_order(items, self.open, amount)  # the cash; the discount closes the rest
            draft.write_off, draft.write_off_reason = discount, "early-payment discount"
        elif amount < total and total - amount <= _tolerance(total):
            draft.evidence.append(Evidence("short_paid", f"{total - amount} short", WEIGHTS["short_paid"]))
            draft.items = _in_order(items, self.open, amount)
            draft.write_off, draft.write_off_reason = (
                total - amount,
                "bank fee (short payment within tolerance)",
            )
        elif amount < total:
            draft.evidence.append(
                Evidence("partial_payment", f"{amount} of {total}", WEIGHTS["partial_payment"])
            )
            draft.items = _in_order(items, self.open, amount)
        else:
            unnamed = self._complete(open_items, items, amount - total)
            if unnamed:
                # Exact, but only with items the remittance left out: less sure than a named set.
                weight = WEIGHTS["amount_exact"] + WEIGHTS["amount_combination"] - 2.0
                detail = f"{amount} = named + {len(unnamed)} more open items"
                draft.evidence.append(Evidence("amount_exact", detail, weight))
                draft.items = [(i, self.open[i.item_id]) for i in (*items, *unnamed)]
            else:
                extra = amount - total
                signal = (
                    "overpayment_small"
                    if extra <= min(SMALL_OVERPAYMENT_MINOR, amount // 50)
                    else "overpayment"
                )
                draft.evidence.append(Evidence(signal, f"{extra} more than the open total", WEIGHTS[signal]))
                draft.items = [(i, self.open[i.item_id]) for i in items]
                draft.unapplied = amount - total
        return draft

    def _partial_variants(self, draft: _Draft, amount: int) -> list[_Draft]:
        """For a partial payment of several named items, the other readings: each item in turn
        the one paid in part, the rest in full (a person picks; ranked below the first)."""
        if not any(e.signal == "partial_payment" for e in draft.evidence) or len(draft.items) < 2:
            return []
        variants = []
        items = [i for i, _ in draft.items]
        for partial in items[:-1]:
            full = [(i, self.open[i.item_id]) for i in items if i is not partial]
            rest = amount - sum(a for _, a in full)
            if rest <= 0:
                continue
            evidence = [
                *draft.evidence,
                Evidence("partial_item", f"{partial.item_id} paid in part", WEIGHTS["partial_item"]),
            ]
            variants.append(_Draft(draft.customer_id, [*full, (partial, rest)], evidence))
        return variants

    def _complete(self, open_items: list[OpenItem], named: list[OpenItem], rest: int) -> list[OpenItem]:
        others = [i for i in open_items if i not in named]
        found = combinations_near([self.open[i.item_id] for i in others], rest)
        return [others[j] for j in found[0].indices] if len(found) == 1 else []

    def _by_amount(
        self, payment: IncomingPayment, guess: PayerGuess, open_items: list[OpenItem], *, unresolved: bool
    ) -> list[_Draft]:
        amount = payment.amount_minor
        values = [self.open[i.item_id] for i in open_items]
        found = combinations_near(values, amount, tolerance=_tolerance(amount))
        drafts = []
        exact = [c for c in found if c.total == amount]
        for combination in found[:MAX_SUGGESTIONS]:
            items = [open_items[j] for j in combination.indices]
            evidence = list(guess.evidence)
            if unresolved:
                evidence.append(
                    Evidence(
                        "reference_unresolved",
                        "the remittance names no open item of theirs",
                        WEIGHTS["reference_unresolved"],
                    )
                )
            draft = _Draft(guess.customer_id, [], evidence)
            if combination.total == amount:
                signal = "amount_exact" if len(items) == 1 else "amount_combination"
                detail = f"{amount} = {len(items)} open item(s)"
                draft.evidence.append(Evidence(signal, detail, WEIGHTS[signal]))
                draft.items = [(i, self.open[i.item_id]) for i in items]
            else:
                short = combination.total - amount
                draft.evidence.append(
                    Evidence("short_paid", f"{short} short of {len(items)} item(s)", WEIGHTS["short_paid"])
                )
                draft.items = _in_order(items, self.open, amount)
                draft.write_off, draft.write_off_reason = short, "bank fee (short payment within tolerance)"
            if len(exact) > 1 or (not exact and len(found) > 1):
                draft.evidence.append(
                    Evidence(
                        "amount_ambiguous", f"{len(found)} sets of items fit", WEIGHTS["amount_ambiguous"]
                    )
                )
            drafts.append(draft)
        return drafts

    def _candidate(self, draft: _Draft) -> Candidate:
        score = draft.score
        allocations = tuple(ProposedAllocation(i.item_id, a) for i, a in draft.items if a)
        return Candidate(
            customer_id=draft.customer_id,
            allocations=allocations,
            confidence=round(self.calibration.confidence(score), 4),
            evidence=tuple(draft.evidence),
            score=round(score, 2),
            unapplied_minor=draft.unapplied,
            write_off_minor=draft.write_off,
            write_off_reason=draft.write_off_reason,
        )


def _tolerance(total: int) -> int:
    return min(WRITE_OFF_LIMIT_MINOR, int(abs(total) * WRITE_OFF_SHARE))


def _in_order(items: list[OpenItem], open_amounts: dict[str, int], amount: int) -> list[tuple[OpenItem, int]]:
    """``amount`` spread over ``items`` in numbering order; credit memos (negative) are netted first."""
    # Document numbers are issued in sequence, so their order is the order of issue.
    ordered = sorted(items, key=lambda i: (open_amounts[i.item_id] > 0, len(i.item_id), i.item_id))
    left = amount
    applied: list[tuple[OpenItem, int]] = []
    for item in ordered:
        open_amount = open_amounts[item.item_id]
        share = open_amount if open_amount < 0 else min(open_amount, left)
        if share == 0 and open_amount > 0:
            continue
        applied.append((item, share))
        left -= share
    return applied
