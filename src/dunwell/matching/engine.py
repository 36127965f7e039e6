"""The cash-application engine: for each incoming payment, who paid and which open items it
settles, with a calibrated confidence and the evidence.

Per payment: the documents the remittance names (index lookups: exact numbers, creditor
references, PO numbers), the customers the payer may be (``payers``), then for each of the top
customers the candidate allocations: the named items with the amount reconciled (exact, with a
discount, short within the write-off tolerance, partial, overpaid), or, when nothing usable is
named, the combinations of the customer's open items that add up to the amount (``drafts``).
When nothing the payer owes explains the payment, the whole book is searched for the number
quoted and for the amount, as a person would for a stranger's payment (``book``). Candidates
are scored by additive evidence and ranked; only a clear winner above the calibrated threshold
is applied without a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta

from dunwell.matching.amounts import SubsetSums
from dunwell.matching.book import OpenItemIndex
from dunwell.matching.confidence import ConfidenceModel, shipped_model
from dunwell.matching.draft import Draft
from dunwell.matching.drafts import from_amount, from_references
from dunwell.matching.evidence import WEIGHTS
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
    WriteOffLine,
)
from dunwell.matching.references import ReferenceFit, Tokens, extract, fit
from dunwell.matching.rules import RuleHit, Rules
from dunwell.matching.stated import exact_instead, from_stated
from dunwell.matching.tolerances import Tolerances

MAX_SUGGESTIONS = 3
#: Items issued after the payment's value date are not what it pays (a few days' grace for
#: invoices dated after the goods left).
ISSUE_GRACE = timedelta(days=3)
CLOSE_MARGIN = 2.0
STRANGER_SIGNALS = frozenset(
    {"customer_from_fuzzy_reference", "customer_from_amount", "customer_from_processor"}
)
PARTIAL_SIGNALS = frozenset({"partial_payment", "partial_item", "amount_partial_share", "partial_oldest"})
#: Below this score, a reconciled candidate does not stop the search of the whole book.
SURE_ENOUGH = 5.0
#: A token that fits more of one customer's items than this names none of them (a number cut
#: by one digit fits ten).
MAX_AMBIGUOUS_FITS = 10
#: Readings tried for several such numbers together (one item for each); beyond, one at a time.
MAX_READINGS = 30

_DraftKey = tuple[str, frozenset[tuple[str, int]]]
_Reference = tuple[OpenItem, Evidence]


class Matcher:
    """Matches payments against a book of open items; ``match_all`` consumes what it applies."""

    def __init__(
        self,
        items: Sequence[OpenItem],
        customers: Sequence[CustomerProfile],
        *,
        rejected: Iterable[tuple[str, str]] = (),
        auto_threshold: float | None = None,
        model: ConfidenceModel | None = None,
        structural: bool = True,
        tolerances: Tolerances | None = None,
    ) -> None:
        self.model = model or shipped_model()
        self.auto_threshold = self.model.auto_threshold if auto_threshold is None else auto_threshold
        self.rejected = set(rejected)
        self.payers = PayerIndex(customers)
        self.book = OpenItemIndex(items)
        self.open = self.book.open  # item id -> what is still open (minor units)
        self.items = self.book.items
        self.rules = Rules(self.book, self.payers)
        self.tolerances = tolerances or Tolerances()
        # A threshold above 1 means "never apply without a person", structural agreement included.
        self.structural = structural and self.auto_threshold <= 1.0

    # -- the public API ---------------------------------------------------------------------

    def match_all(self, payments: Sequence[IncomingPayment]) -> list[MatchResult]:
        results = []
        for payment in payments:
            result = self.match(payment)
            if result.status is MatchStatus.AUTO and result.best is not None:
                for allocation in result.best.allocations:
                    self.open[allocation.item_id] -= allocation.amount_minor
                # What it settles without cash (a fee, a discount) is proposed for posting: not an
                # open balance for the next payment to "complete" the items it names.
                for line in result.best.write_offs:
                    self.open[line.item_id] -= line.amount_minor
            results.append(result)
        return results

    def match(self, payment: IncomingPayment) -> MatchResult:
        tokens = extract(payment.remittance, payment.structured_reference)
        named = self.book.named(tokens)
        guesses = self.payers.identify(payment.payer_name, payment.payer_account)[:MAX_PAYERS]
        known = {g.customer_id for g in guesses}
        for customer in {self.items[i].customer_id for i in named} - known:
            evidence = Evidence(
                "customer_from_reference",
                "the documents named belong to it",
                WEIGHTS["customer_from_reference"],
            )
            guesses.append(PayerGuess(customer, (evidence,)))
        drafts: dict[_DraftKey, Draft] = {}
        self._collect(drafts, payment, guesses, tokens, named)
        if not any(d.reconciled and d.score >= SURE_ENOUGH for d in drafts.values()):
            strangers = self._strangers(payment, tokens, {g.customer_id for g in guesses})
            self._collect(drafts, payment, strangers, tokens, named)
            guesses += strangers
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
            ranked[0].add(
                "close_alternative",
                f"next candidate {gap:.1f} points behind",
                round(WEIGHTS["close_alternative"] * (1 - gap / CLOSE_MARGIN), 2),
            )
        candidates = tuple(self._candidate(d) for d in ranked)
        # Proposals first: keeping the cash on account is the fallback a person chooses last.
        candidates = tuple(sorted(candidates, key=lambda c: (not c.allocations, -c.confidence)))
        best = candidates[0]
        # A close second means the choice between them is a coin toss: a person decides. So do
        # several sets of items that fit the amount equally (two open items of the same amount),
        # and a payment read as part of one item while another item is open for exactly it (a
        # slip in the number the payer quoted is as likely as a part payment).
        contested = any(e.signal in ("close_alternative", "amount_ambiguous") for e in best.evidence)
        contested = contested or self._exact_elsewhere(payment, best)
        # A payer nobody knows, tied to a customer only by searching the whole book, is a person's call.
        stranger = any(e.signal in STRANGER_SIGNALS for e in best.evidence)
        # Which item a payment covers only in part is a reading, not a fact, unless the payer
        # stated it: with another reading on the table (or the oldest item as a mere guess), a
        # person decides; the simulator's instalments are round shares, real customers' need not be.
        signals = {e.signal for e in best.evidence}
        guessed_part = bool(signals & PARTIAL_SIGNALS) and (
            "partial_oldest" in signals or sum(bool(c.allocations) for c in candidates) > 1
        )
        # A discount taken after its window is the payer's claim, not the terms': granting it is
        # a credit decision, never applied without a person.
        # So is an amount read as keyed with a digit wrong, an item other than the one the payer
        # states it pays, or a run of items falling due together read from the amount alone: a
        # guess, however well the rest agrees.
        unearned = "discount_late" in signals
        slipped = bool(signals & {"overpayment_slip", "stated_elsewhere", "amount_due_run"})
        if best.allocations and not (contested or stranger or guessed_part or unearned or slipped):
            if best.confidence >= self.auto_threshold:
                return MatchResult(payment.payment_ref, MatchStatus.AUTO, (best,))
            # Independent identifiers that agree (the payer's account or exact name and an amount
            # only one set of its items explains; or documents named outright adding up) are
            # strong in any remittance style, whatever the calibration has seen.
            hit = self.rules.decide(payment, tokens) if self.structural else None
            if hit is not None and _same(hit, best):
                return MatchResult(payment.payment_ref, MatchStatus.AUTO, (_structural(best, hit),))
        why = self._why_suggested(best, contested, stranger, guessed_part, unearned or slipped)
        return MatchResult(payment.payment_ref, MatchStatus.SUGGESTED, candidates, why)

    def _exact_elsewhere(self, payment: IncomingPayment, best: Candidate) -> bool:
        """Whether ``best`` pays an item in part while another open item of the same customer is
        open for exactly the amount paid."""
        if not any(0 < a.amount_minor < self.open[a.item_id] for a in best.allocations):
            return False
        taken = {a.item_id for a in best.allocations}
        return any(
            self.open[i] == payment.amount_minor and self.items[i].currency == payment.currency
            for i in self.book.by_customer.get(best.customer_id, ())
            if i not in taken
        )

    def _why_suggested(
        self, best: Candidate, contested: bool, stranger: bool, guessed_part: bool, guessed: bool
    ) -> str:
        if not best.allocations:
            return "customer found, items not"
        if contested:
            return "another reading is almost as likely (a close candidate, or items of the same amount)"
        if stranger:
            return "payer not known; found only by searching the whole book"
        if guessed_part:
            return "a partial payment: which item it pays in part is a person's call"
        if guessed:
            return "a reading of the amount (a late discount, a digit keyed wrong) is a person's call"
        return f"confidence {best.confidence:.2%} below the auto-apply threshold {self.auto_threshold:.2%}"

    # -- candidates -------------------------------------------------------------------------

    def _collect(
        self,
        drafts: dict[_DraftKey, Draft],
        payment: IncomingPayment,
        guesses: list[PayerGuess],
        tokens: Tokens,
        named: dict[str, tuple[str, ReferenceFit | str]],
    ) -> None:
        for guess in guesses:
            # Once the remittance's own numbers add up exactly, sets found by amount alone cannot
            # compete (they score below it by more than the close margin): not searched for.
            settled = any(d.conclusive for d in drafts.values())
            for draft in self._drafts(payment, guess, tokens, named, by_amount=not settled):
                if any((payment.payment_ref, i.item_id) in self.rejected for i, _ in draft.items):
                    continue
                if draft.key not in drafts or drafts[draft.key].score < draft.score:
                    drafts[draft.key] = draft

    def _strangers(self, payment: IncomingPayment, tokens: Tokens, known: set[str]) -> list[PayerGuess]:
        """Customers the payer is not known to be, found through the whole book: a document
        number quoted with a slip, else an open item of exactly the amount."""
        found: dict[str, Evidence] = {}
        for token in tokens.tokens:
            if token in self.book.by_reference:
                continue  # it names a document outright: not a slip for another one
            for item_id, how in self.book.fuzzy(token):
                customer = self.items[item_id].customer_id
                if customer not in known:
                    detail = f"{token} ~ {item_id} ({how}), searched in the whole book"
                    found.setdefault(
                        customer,
                        Evidence(
                            "customer_from_fuzzy_reference", detail, WEIGHTS["customer_from_fuzzy_reference"]
                        ),
                    )
        if not found:
            for item_id in self.book.with_amount(payment.amount_minor, payment.currency):
                customer = self.items[item_id].customer_id
                if customer not in known:
                    detail = f"{item_id} is open for exactly the amount; the payer is not this customer"
                    found.setdefault(
                        customer, Evidence("customer_from_amount", detail, WEIGHTS["customer_from_amount"])
                    )
        self._through_processor(payment, known, found)
        return [PayerGuess(customer, (evidence,)) for customer, evidence in found.items()]

    def _through_processor(
        self, payment: IncomingPayment, known: set[str], found: dict[str, Evidence]
    ) -> None:
        """The customers a processor's account has paid for whose open items add up to the amount
        (exactly, or a fee short), when only a few do: who a processor paid for is read from what
        it paid, as a person would among the customers known to use it."""
        customers = self.payers.through_account(payment.payer_account) - known - set(found)
        if not customers:
            return
        latest_issue = payment.value_date + ISSUE_GRACE
        fee = self.tolerances.limits(payment.currency).short(payment.amount_minor)
        exact: list[str] = []
        share: list[str] = []
        short: list[str] = []
        for customer in sorted(customers):
            items = self.book.open_items(customer, payment.currency, latest_issue)
            if not items:
                continue
            sums = SubsetSums([self.open[i.item_id] for i in items])
            if sums.near(payment.amount_minor):
                exact.append(customer)
            elif not exact and any(not f.full for f in sums.partials(payment.amount_minor)):
                share.append(customer)  # an instalment: one invoice at a round share, to the unit
            elif len(short) <= MAX_PAYERS and sums.near(payment.amount_minor, tolerance=fee):
                short.append(customer)
        # Items adding up to the unit say more than items a fee away, which many customers have;
        # so does one invoice at a round share (to the unit).
        fits = exact or share or short
        if len(fits) > MAX_PAYERS:
            return  # the amount fits too many of them to say who paid
        for customer in fits:
            detail = "paid through an account it has used; its open items add up to the amount"
            found[customer] = Evidence("customer_from_processor", detail, WEIGHTS["customer_from_processor"])

    def _drafts(
        self,
        payment: IncomingPayment,
        guess: PayerGuess,
        tokens: Tokens,
        named: dict[str, tuple[str, ReferenceFit | str]],
        *,
        by_amount: bool = True,
    ) -> list[Draft]:
        latest_issue = payment.value_date + ISSUE_GRACE
        limits = self.tolerances.limits(payment.currency)
        open_items = self.book.open_items(guess.customer_id, payment.currency, latest_issue)
        if not open_items:  # the payer is known, what it pays is not: cash on account
            draft = Draft(guess.customer_id, [], list(guess.evidence), unapplied=payment.amount_minor)
            draft.add("on_account_only", "no open items in the payment's currency")
            return [draft]
        # A customer found by searching the book for a stranger's payment does not get to read a
        # number that names another customer's document outright as a slip for one of its own.
        stranger = any(e.signal in STRANGER_SIGNALS for e in guess.evidence)
        referenced, ambiguous, slips = self._referenced(open_items, tokens, named, strict=stranger)
        drafts = []
        if referenced:
            drafts += from_references(
                self.book, payment, guess.customer_id, guess.evidence, referenced, open_items, limits
            )
            if payment.remittance_items:  # the payer says what it pays on each item: its word
                stated = from_stated(self.book, payment, guess.customer_id, guess.evidence, referenced)
                if stated:
                    drafts = [stated, *exact_instead(self.book, payment, stated, guess.evidence, open_items)]
        for reading in _readings(ambiguous):  # numbers that fit several items: the amount decides
            drafts += from_references(
                self.book,
                payment,
                guess.customer_id,
                guess.evidence,
                [*referenced, *reading],
                open_items,
                limits,
            )
        if not any(d.reconciled for d in drafts):
            # A number named outright that does not add up may be a slip for a neighbour.
            for named_item, neighbour in slips:
                rest = [r for r in referenced if r[0] is not named_item]
                if any(item is neighbour[0] for item, _ in rest):
                    continue  # the neighbour is named too: reading the number as it would pay it twice
                drafts += from_references(
                    self.book,
                    payment,
                    guess.customer_id,
                    guess.evidence,
                    [*rest, neighbour],
                    open_items,
                    limits,
                )
        if not by_amount or any(d.conclusive for d in drafts):
            return drafts
        unresolved = None
        if tokens.tokens and not referenced and not ambiguous:
            elsewhere = sorted(named)
            unresolved = (
                Evidence(
                    "reference_elsewhere",
                    f"names {elsewhere[0]}, another customer's",
                    WEIGHTS["reference_elsewhere"],
                )
                if elsewhere
                else Evidence(
                    "reference_unresolved",
                    "the remittance names no open item of theirs",
                    WEIGHTS["reference_unresolved"],
                )
            )
        drafts += from_amount(
            self.book,
            payment,
            guess.customer_id,
            guess.evidence,
            open_items,
            unresolved=unresolved,
            named=frozenset(i.item_id for i, _ in referenced),
            limit=MAX_SUGGESTIONS,
            limits=limits,
        )
        if not drafts:
            draft = Draft(guess.customer_id, [], list(guess.evidence), unapplied=payment.amount_minor)
            draft.add("on_account_only", "no open items add up to the amount")
            drafts.append(draft)
        return drafts

    def _referenced(
        self,
        open_items: list[OpenItem],
        tokens: Tokens,
        named: dict[str, tuple[str, ReferenceFit | str]],
        *,
        strict: bool = False,
    ) -> tuple[list[_Reference], list[list[_Reference]], list[tuple[OpenItem, _Reference]]]:
        """The customer's items the remittance names (outright, or as the only item a slipped
        number fits); per number that fits a few of them, each of those readings; and for each
        number named outright, the items it would name with one digit wrong or two swapped."""
        found: list[_Reference] = []
        ambiguous: list[list[_Reference]] = []
        slips: list[tuple[OpenItem, _Reference]] = []
        used: set[str] = set()
        for item in open_items:
            if item.item_id in named:
                token, how = named[item.item_id]
                signal = "po_number" if how == "po_number" else f"reference_{how}"
                found.append((item, Evidence(signal, f"{token} names {item.item_id}", WEIGHTS[signal])))
                used.add(token)
                if how in (ReferenceFit.EXACT, ReferenceFit.PREFIXED):
                    for other in open_items:
                        if (
                            other is not item
                            and fit(token, self.book.keys[other.item_id]) is ReferenceFit.MISTYPED
                        ):
                            detail = f"{token} ~ {other.item_id}, a slip for it?"
                            slips.append(
                                (
                                    item,
                                    (
                                        other,
                                        Evidence("reference_slip", detail, WEIGHTS["reference_slip"]),
                                    ),
                                )
                            )
        for token in tokens.tokens:
            if token in used or (strict and token in self.book.by_reference):
                continue
            if any(token in name for name in used):
                continue  # a piece of a number that already named an item (cut where a record ended)
            fits = [(item, fit(token, self.book.keys[item.item_id])) for item in open_items]
            hits = [(item, how) for item, how in fits if how is not None and item.item_id not in named]
            if len(hits) == 1:  # a fuzzy reading counts only when it names one item of this customer
                item, how = hits[0]
                signal = f"reference_{how}"
                found.append((item, Evidence(signal, f"{token} ~ {item.item_id}", WEIGHTS[signal])))
            elif 1 < len(hits) <= MAX_AMBIGUOUS_FITS:
                weight = WEIGHTS["reference_ambiguous"]
                ambiguous.append(
                    [
                        (
                            item,
                            Evidence(
                                "reference_ambiguous", f"{token} ~ {item.item_id}, one of {len(hits)}", weight
                            ),
                        )
                        for item, _ in hits
                    ]
                )
        return found, ambiguous, slips

    def _candidate(self, draft: Draft) -> Candidate:
        score = draft.score
        allocations = tuple(ProposedAllocation(i.item_id, a) for i, a in draft.items if a)
        return Candidate(
            customer_id=draft.customer_id,
            allocations=allocations,
            confidence=round(self.model.confidence(draft.evidence), 6),
            evidence=tuple(draft.evidence),
            score=round(score, 2),
            unapplied_minor=draft.unapplied,
            write_off_minor=draft.write_off,
            write_off_reason=draft.write_off_reason,
            write_offs=self._write_offs(draft),
        )

    def _write_offs(self, draft: Draft) -> tuple[WriteOffLine, ...]:
        """The remainder to settle per item: what the draft says, else what the cash leaves open on
        each of its items (a discount or a fee short of them)."""
        if not draft.write_off or draft.write_off_code is None:
            return ()
        if draft.write_off_lines is not None:
            return tuple(WriteOffLine(i, a, code) for i, (a, code) in sorted(draft.write_off_lines.items()))
        lines = [
            WriteOffLine(item.item_id, self.open[item.item_id] - applied, draft.write_off_code)
            for item, applied in draft.items
            if self.open[item.item_id] - applied > 0 and item.open_minor > 0
        ]
        # Only when the remainders are exactly the write-off: anything else is not ours to settle.
        return tuple(lines) if sum(line.amount_minor for line in lines) == draft.write_off else ()


def _same(hit: RuleHit, candidate: Candidate) -> bool:
    return hit.customer_id == candidate.customer_id and set(hit.allocations) == set(candidate.allocations)


def _structural(candidate: Candidate, hit: RuleHit) -> Candidate:
    detail = f"{hit.rule.replace('_', ' ')}: {hit.detail}"
    evidence = Evidence("structural_agreement", detail, WEIGHTS["structural_agreement"])
    return replace(candidate, evidence=(*candidate.evidence, evidence))


def _readings(ambiguous: list[list[_Reference]]) -> list[list[_Reference]]:
    """One item for each ambiguous number, every combination while they are few."""
    if not ambiguous:
        return []
    count = 1
    for hits in ambiguous:
        count *= len(hits)
    if count > MAX_READINGS:
        return [[hit] for hits in ambiguous for hit in hits]
    readings: list[list[_Reference]] = [[]]
    for hits in ambiguous:
        readings = [[*r, hit] for r in readings for hit in hits if hit[0] not in {i for i, _ in r}]
    return readings
