"""Who paid: the payer's account, its name against the customer master, learned aliases, and
group companies paying for their subsidiaries."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from dunwell.matching.evidence import WEIGHTS
from dunwell.matching.normalize import account_key, cut_name_key, name_key
from dunwell.matching.records import CustomerProfile, Evidence

NAME_CUTOFF = 88.0  # token-sort similarity (0-100) below which a name says nothing
MAX_PAYERS = 8  # customers considered per payment (a group's shared account names several)
MIN_PREFIX = 8  # a cut name this long (canonical form) still says something
#: A processor's account is searched for a payment's customer only while it has paid for at most
#: this many (beyond, the search costs more than the little it says).
MAX_SHARED = 500


@dataclass(frozen=True, slots=True)
class PayerGuess:
    customer_id: str
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> float:
        return sum(e.weight for e in self.evidence)


class PayerIndex:
    def __init__(self, customers: Sequence[CustomerProfile]) -> None:
        self.by_account: dict[str, set[str]] = defaultdict(set)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.children: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, str] = {}
        self.own_names: dict[str, set[str]] = defaultdict(set)
        for customer in customers:
            self.names[customer.customer_id] = customer.name
            self.own_names[name_key(customer.name)].add(customer.customer_id)
            for account in customer.accounts:
                key = account_key(account)
                if key:
                    self.by_account[key].add(customer.customer_id)
            for name in (customer.name, *customer.aliases):
                self.by_name[name_key(name)].add(customer.customer_id)
            if customer.parent_id:
                self.children[customer.parent_id].append(customer.customer_id)
        self.sorted_names = sorted(self.by_name)
        # Names without their spaces ("MADDOXDAIRY"), as ACH batches and card processors glue them.
        self.by_glued: dict[str, set[str]] = defaultdict(set)
        for name, found in self.by_name.items():
            self.by_glued[name.replace(" ", "")].update(found)
        self.sorted_glued = sorted(self.by_glued)
        self._fuzzy_cache: dict[str, tuple[str, float] | None] = {}

    def identify(self, payer_name: str | None, payer_account: str | None) -> list[PayerGuess]:
        """The customers the payer may be, strongest first (a group company's subsidiaries too)."""
        found: dict[str, list[Evidence]] = defaultdict(list)
        account = account_key(payer_account)
        customers = self.by_account.get(account, set()) if account else set()
        # An account that has paid for more customers than are worth considering is a payment
        # processor's or a factor's: it says nothing about who paid. One that paid for a few (a
        # group's treasury) says less than a customer's own.
        if len(customers) <= MAX_PAYERS:
            signal = "payer_account" if len(customers) == 1 else "payer_account_shared"
            for customer in customers:
                found[customer].append(Evidence(signal, payer_account or "", WEIGHTS[signal]))
        if payer_name:
            for customer, evidence in self._by_name(payer_name):
                found[customer].append(evidence)
        guesses = [PayerGuess(c, tuple(e)) for c, e in found.items()]
        for guess in list(guesses):
            for child in self.children.get(guess.customer_id, ()):
                if child not in found:
                    via = Evidence(
                        "parent_pays", f"group company {guess.customer_id} paid", WEIGHTS["parent_pays"]
                    )
                    guesses.append(PayerGuess(child, (*guess.evidence, via)))
        guesses.sort(key=lambda g: -g.strength)
        return guesses

    def through_account(self, payer_account: str | None) -> set[str]:
        """The customers that have paid from ``payer_account`` when it is a processor's or a
        factor's (more of them than ``identify`` considers, at most ``MAX_SHARED``); else none."""
        account = account_key(payer_account)
        customers = self.by_account.get(account, set()) if account else set()
        return customers if MAX_PAYERS < len(customers) <= MAX_SHARED else set()

    def _by_name(self, payer_name: str) -> list[tuple[str, Evidence]]:
        key = name_key(payer_name)
        exact = self.by_name.get(key)
        if exact and len(exact) > MAX_PAYERS:
            return []  # a processor's name ("BILL.COM") learned for many customers: no one in particular
        if exact:
            own = self.own_names.get(key, set())
            found = [
                (c, Evidence("payer_name_exact", payer_name, WEIGHTS["payer_name_exact"]))
                if c in own
                else (c, Evidence("payer_alias", payer_name, WEIGHTS["payer_alias"]))
                for c in exact
            ]
            # A name learned as an alias may itself be cut short ("OSCORP BROTHERS" for several
            # "Oscorp Brothers ..."): customers whose full name begins with it stay in the running.
            return found + [hit for hit in self._cut_short(key, payer_name) if hit[0] not in exact]
        cut = cut_name_key(payer_name)
        if cut:  # the bank cut the name: any customer whose name starts with what is left
            start = bisect_left(self.sorted_names, cut)
            hits: list[str] = []
            for name in self.sorted_names[start : start + 5]:
                if name.startswith(cut):
                    hits.extend(self.by_name[name])
            if hits:
                return [
                    (c, Evidence("payer_name_exact", f"{payer_name} (cut)", WEIGHTS["payer_name_exact"]))
                    for c in hits
                ]
        found = (
            self._with_more_text(key, payer_name)
            or self._cut_short(key, payer_name)
            or self._glued(payer_name)
        )
        if found:
            return found
        best = self._fuzzy(key)
        if best is None:
            return []
        name, score = best
        weight = WEIGHTS["payer_name_fuzzy"] * (score - NAME_CUTOFF) / (100 - NAME_CUTOFF)
        detail = f"{payer_name} ~ {self.names.get(next(iter(self.by_name[name])), name)} ({score:.0f}%)"
        return [(c, Evidence("payer_name_fuzzy", detail, round(weight, 2))) for c in self.by_name[name]]

    def _with_more_text(self, key: str, payer_name: str) -> list[tuple[str, Evidence]]:
        """A customer's whole name followed by more (an address, a branch, "for the account of"):
        the longest such name, if it is distinctive (two words or more)."""
        words = key.split()
        for end in range(len(words) - 1, 1, -1):
            customers = self.by_name.get(" ".join(words[:end]))
            if customers:
                detail = f"{payer_name} (the name, then more text)"
                return [
                    (c, Evidence("payer_name_exact", detail, WEIGHTS["payer_name_exact"])) for c in customers
                ]
        return []

    def _cut_short(self, key: str, payer_name: str) -> list[tuple[str, Evidence]]:
        """Customers whose name begins with the payer's, as banks cut names (16 characters in a US
        ACH batch, 35 in SWIFT, 70 in SEPA): all of them when few, each the weaker the more."""
        if len(key) < MIN_PREFIX:
            return []
        start = bisect_left(self.sorted_names, key)
        hits: list[str] = []
        for name in self.sorted_names[start : start + MAX_PAYERS + 1]:
            if not name.startswith(key):
                break
            if name != key:
                hits.extend(self.by_name[name])
        if not hits or len(hits) > MAX_PAYERS:
            return []
        weight = round(WEIGHTS["payer_name_prefix"] / len(hits), 2)
        detail = f"{payer_name} (cut short; {len(hits)} customer(s) begin so)"
        return [(c, Evidence("payer_name_prefix", detail, weight)) for c in hits]

    def _glued(self, payer_name: str) -> list[tuple[str, Evidence]]:
        """Customers whose name, spaces removed, begins with the payer's written as one word
        ("BLUERIDGEBAKERY", or a card processor's "PAYPAL *MADDOXDAIR": the payer after the
        star), cut as banks cut names: all of them when few, each the weaker the more."""
        words = name_key(payer_name.rpartition("*")[2]).split()
        if len(words) != 1 or len(words[0]) < MIN_PREFIX:
            return []
        start = bisect_left(self.sorted_glued, words[0])
        hits: set[str] = set()
        for name in self.sorted_glued[start : start + MAX_PAYERS + 1]:
            if not name.startswith(words[0]):
                break
            hits |= self.by_glued[name]
        if not hits or len(hits) > MAX_PAYERS:
            return []
        weight = round(WEIGHTS["payer_name_prefix"] / len(hits), 2)
        detail = f"{payer_name} (written as one word; {len(hits)} customer(s) begin so)"
        return [(c, Evidence("payer_name_prefix", detail, weight)) for c in sorted(hits)]

    def _fuzzy(self, key: str) -> tuple[str, float] | None:
        if key not in self._fuzzy_cache:
            hit = process.extractOne(
                key, self.sorted_names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_CUTOFF
            )
            self._fuzzy_cache[key] = (hit[0], float(hit[1])) if hit else None
        return self._fuzzy_cache[key]
