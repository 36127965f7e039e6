"""The fact guard: a drafted reminder is checked against its facts before anyone sees it.

Everything checkable the draft states must be in the facts: amounts (exactly, in minor units and
the facts' currency), dates (the locale's reading of ``03/04/2027``; relative words only when they
land on a fact's date), percentages, invoice numbers and other references, phone numbers, email
addresses, links and bank accounts. What the facts require must be there: the total, each item,
how to pay, the opt-out notice word for word. Legal threats (unless the step allows them),
marketing, discounts or waivers the policy does not offer, and signs that the model obeyed
injected text or echoed its prompt are refused.

A verdict lists every problem with a sentence a collector can read on the approval page. On any
problem the caller sends the template's words instead (``guarded_text``) and records why."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date

from dunwell.drafting.extract import Found, FoundKind, compact, extract, phone_key, url_key
from dunwell.drafting.facts import DraftFacts, Item
from dunwell.drafting.names import name_problems
from dunwell.drafting.problems import GuardVerdict, Problem, ProblemKind
from dunwell.drafting.wording import wording_problems

__all__ = ["GuardVerdict", "GuardedText", "Problem", "ProblemKind", "check_draft", "guarded_text"]


@dataclass(frozen=True, slots=True)
class GuardedText:
    """The words to send: the draft when it passed, else the template's, with the verdict kept."""

    text: str
    used_template: bool
    verdict: GuardVerdict


@dataclass(frozen=True, slots=True)
class _Allowed:
    money: frozenset[tuple[Decimal, str]]
    #: Figures from Dunwell's own lines written without a currency.
    figures: frozenset[Decimal]
    dates: frozenset[date]
    percentages: frozenset[Decimal]
    references: frozenset[str]
    phones: frozenset[str]
    emails: frozenset[str]
    urls: frozenset[str]
    ibans: frozenset[str]


def check_draft(text: str, facts: DraftFacts, *, customer_texts: Sequence[str] = ()) -> GuardVerdict:
    """The verdict on ``text`` (subject and body) as a message stating ``facts``.

    ``customer_texts`` are the replies quoted in the prompt: a draft repeating a run of their words
    is refused, since it may be carrying an injected instruction out."""
    allowed = _allowed(facts)
    found = extract(text, facts.locale, facts.language)
    problems = [p for f in found for p in _check_found(f, facts, allowed)]
    problems += _missing(text, found, facts, allowed)
    problems += _mismatched_items(text, found, facts)
    problems += wording_problems(text, facts, customer_texts)
    problems += [
        Problem(ProblemKind.UNKNOWN_NAME, f"The draft {why}.", span)
        for why, span in name_problems(text, facts)
    ]
    problems.sort(key=lambda p: (p.span is None, p.span or (0, 0)))
    return GuardVerdict(passed=not problems, problems=tuple(problems))


def guarded_text(
    draft: str | None, template_text: str, facts: DraftFacts, *, customer_texts: Sequence[str] = ()
) -> GuardedText:
    """The draft if it passes the guard, else ``template_text``; no draft at all is a failure too."""
    if draft is None or not draft.strip():
        verdict = GuardVerdict(False, (Problem(ProblemKind.MISSING_TOTAL, "No draft was produced."),))
        return GuardedText(template_text, True, verdict)
    verdict = check_draft(draft, facts, customer_texts=customer_texts)
    return GuardedText(draft if verdict.passed else template_text, not verdict.passed, verdict)


@functools.lru_cache(maxsize=64)
def _allowed(facts: DraftFacts) -> _Allowed:
    money = {(m.amount, m.currency) for m in facts.allowed_money()}
    figures: set[Decimal] = set()
    dates = set(facts.allowed_dates())
    percentages = {d.percent for d in facts.discounts} | set(facts.percentages)
    payment = facts.payment
    references = {compact(r) for r in (*facts.references, payment.reference, payment.account) if r}
    references |= {compact(item.number) for item in facts.items}
    phones = {phone_key(p) for p in facts.phones}
    emails = {e.lower() for e in facts.emails}
    urls = {url_key(u) for u in (*facts.urls, payment.payment_url) if u}
    ibans = {compact(i) for i in (payment.iban, payment.account) if i}
    # Whatever the facts' own texts state is a fact: the figures of an interest sentence, the
    # number in a company's name, the parts of a structured payment reference.
    for string in facts.trusted_strings():
        for f in extract(string, facts.locale, facts.language):
            if f.kind is FoundKind.AMOUNT:
                money |= {(n, c) for n in f.numbers for c in f.currencies}
                figures |= set(f.numbers) if not f.currencies else set()
            elif f.kind is FoundKind.DATE:
                dates |= set(f.dates[:1])
            elif f.kind is FoundKind.PERCENTAGE:
                percentages |= set(f.numbers)
            else:
                {
                    FoundKind.REFERENCE: references,
                    FoundKind.PHONE: phones,
                    FoundKind.EMAIL: emails,
                    FoundKind.URL: urls,
                    FoundKind.IBAN: ibans,
                }.get(f.kind, set()).add(f.key)
    return _Allowed(
        frozenset(money),
        frozenset(figures),
        frozenset(dates),
        frozenset(percentages),
        frozenset(references),
        frozenset(phones),
        frozenset(emails),
        frozenset(urls),
        frozenset(ibans),
    )


def _check_found(f: Found, facts: DraftFacts, allowed: _Allowed) -> Iterator[Problem]:
    quoted = f"“{f.text}”"
    if f.kind is FoundKind.AMOUNT:
        yield from _check_amount(f, facts, allowed)
    elif f.kind in (FoundKind.DATE, FoundKind.RELATIVE_DATE):
        why = _date_problem(f, facts, allowed)
        if why:
            yield Problem(ProblemKind.UNKNOWN_DATE, f"The date {quoted} {why}.", f.span)
    elif f.kind is FoundKind.PERCENTAGE and not set(f.numbers) & allowed.percentages:
        yield Problem(ProblemKind.UNKNOWN_PERCENTAGE, f"The percentage {quoted} is not in the facts.", f.span)
    elif f.kind is FoundKind.REFERENCE and f.key not in allowed.references:
        yield Problem(
            ProblemKind.UNKNOWN_INVOICE,
            f"The invoice number or reference {quoted} is not one of the customer's items or references.",
            f.span,
        )
    elif f.kind is FoundKind.IBAN and f.key not in allowed.ibans:
        yield Problem(
            ProblemKind.UNKNOWN_ACCOUNT, f"The bank account {quoted} is not the account in the facts.", f.span
        )
    else:
        known = {
            FoundKind.PHONE: allowed.phones,
            FoundKind.EMAIL: allowed.emails,
            FoundKind.URL: allowed.urls,
        }
        what = {FoundKind.PHONE: "phone number", FoundKind.EMAIL: "email address", FoundKind.URL: "link"}
        if f.kind in known and f.key not in known[f.kind]:
            yield Problem(
                ProblemKind.UNKNOWN_CONTACT,
                f"The {what[f.kind]} {quoted} is not one of the contact points in the facts.",
                f.span,
            )


def _check_amount(f: Found, facts: DraftFacts, allowed: _Allowed) -> Iterator[Problem]:
    values = set(f.numbers)
    if f.currencies:
        if any((n, c) in allowed.money for n in values for c in f.currencies) or values & allowed.figures:
            return
        if any(n == m for n in values for m, _ in allowed.money):
            currencies = sorted({c for _, c in allowed.money})
            yield Problem(
                ProblemKind.UNKNOWN_AMOUNT,
                f"The amount “{f.text}” is written in {'/'.join(sorted(f.currencies))}, "
                f"but the facts are in {', '.join(currencies)}.",
                f.span,
            )
            return
    elif values & ({m for m, _ in allowed.money} | allowed.figures):
        return
    yield Problem(
        ProblemKind.UNKNOWN_AMOUNT,
        f"The amount “{f.text}” is not in the facts (total due {facts.total.amount} {facts.currency}).",
        f.span,
    )


def _date_problem(f: Found, facts: DraftFacts, allowed: _Allowed) -> str | None:
    if f.kind is FoundKind.RELATIVE_DATE:
        if f.offset_days is not None and facts.today is not None:
            day = facts.today + timedelta(days=f.offset_days)
            if day in allowed.dates or facts.relative_dates_allowed:
                return None
            return f"means {day.isoformat()}, which is not one of the facts' dates"
        return (
            None
            if facts.relative_dates_allowed
            else "names no single day; the facts' dates must be written out"
        )
    if f.month_day is not None:
        matches = [d for d in allowed.dates if (d.month, d.day) == f.month_day]
        if not matches:
            return "is not one of the facts' dates"
        if f.weekday is not None and all(d.weekday() != f.weekday for d in matches):
            return "gives a weekday that does not fall on that date"
        return None
    if not f.dates:
        return "is not a real calendar date"
    # The reader reads the locale's way: 03/04/2027 is 3 April in Britain, whatever else it could be.
    day = f.dates[0]
    if day not in allowed.dates:
        return "is not one of the facts' dates"
    if f.weekday is not None and day.weekday() != f.weekday:
        weekday = format_date(day, "EEEE", locale="en")
        return f"gives the wrong weekday ({day.isoformat()} is a {weekday})"
    return None


def _mismatched_items(text: str, found: Sequence[Found], facts: DraftFacts) -> Iterator[Problem]:
    """A line naming exactly one invoice states that invoice's amount and due date, not another's.

    A wrong pairing ("INV-1 due 1 Feb" when 1 February is INV-2's due date, or an interest period's
    first day) passes the fact-by-fact check; here it does not. Dunwell's own lines (interest
    sentences) quoted whole are exempt: they name an invoice and state other dates by design."""
    numbers = {compact(item.number): item for item in facts.items}
    free_dates = {d for d in (facts.today, facts.deadline) if d} | set(facts.other_dates)
    trusted = [_loose(line) for line in facts.trusted_lines]
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        inside = [f for f in found if start <= f.span[0] < end]
        named = {numbers[f.key] for f in inside if f.kind is FoundKind.REFERENCE and f.key in numbers}
        loose = _loose(line)
        if len(named) == 1 and not any(loose and loose in t for t in trusted):
            yield from _mismatched(inside, named.pop(), facts, free_dates)
        start = end + 1


def _mismatched(
    found: Sequence[Found], item: Item, facts: DraftFacts, free_dates: set[date]
) -> Iterator[Problem]:
    others = [i for i in facts.items if i != item]
    other_amounts = {i.open.amount for i in others} - {item.open.amount}
    for f in found:
        if f.kind is FoundKind.AMOUNT and f.numbers[0] in other_amounts:
            yield Problem(
                ProblemKind.UNKNOWN_AMOUNT,
                f"The amount “{f.text}” is another invoice's, written next to {item.number} "
                f"(whose open amount is {item.open.amount} {item.open.currency}).",
                f.span,
            )
        if f.kind is FoundKind.DATE and f.dates and f.dates[0] not in free_dates | {item.due_date}:
            yield Problem(
                ProblemKind.UNKNOWN_DATE,
                f"The date “{f.text}” is written next to {item.number}, "
                f"whose due date is {item.due_date.isoformat()}.",
                f.span,
            )


def _missing(text: str, found: Sequence[Found], facts: DraftFacts, allowed: _Allowed) -> Iterator[Problem]:
    total = facts.total
    stated = [f for f in found if f.kind is FoundKind.AMOUNT and total.amount in f.numbers]
    if not any(not f.currencies or total.currency in f.currencies for f in stated):
        yield Problem(
            ProblemKind.MISSING_TOTAL,
            f"The draft does not state the total due ({total.amount} {total.currency}).",
        )
    if facts.items_required:
        keys = {f.key for f in found if f.kind is FoundKind.REFERENCE}
        for item in facts.items:
            written = re.search(rf"(?<![\w-]){re.escape(item.number)}(?![\w-])", text, re.IGNORECASE)
            if compact(item.number) not in keys and not written:
                yield Problem(ProblemKind.MISSING_ITEM, f"The draft does not name invoice {item.number}.")
    payment = facts.payment
    if payment.given():
        ibans = {f.key for f in found if f.kind is FoundKind.IBAN}
        urls = {f.key for f in found if f.kind is FoundKind.URL}
        named = (
            (payment.iban and compact(payment.iban) in ibans)
            or (payment.payment_url and url_key(payment.payment_url) in urls)
            or (payment.account and compact(payment.account) in compact(text))
        )
        if not named:
            yield Problem(
                ProblemKind.MISSING_PAYMENT_INSTRUCTIONS,
                "The draft does not say how to pay (the account or payment link in the facts).",
            )
        if payment.reference and compact(payment.reference) not in compact(text):
            yield Problem(
                ProblemKind.MISSING_PAYMENT_INSTRUCTIONS,
                f"The draft does not give the payment reference {payment.reference}.",
            )
    if facts.opt_out_required and facts.opt_out_text and _loose(facts.opt_out_text) not in _loose(text):
        yield Problem(
            ProblemKind.MISSING_OPT_OUT,
            f"The draft lacks the opt-out notice RULES.md requires, word for word: “{facts.opt_out_text}”",
        )


def _loose(text: str) -> str:
    """Text compared without case, spacing or quotation marks (« stop », „stop“ and "stop" are one)."""
    normal = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.sub(r"[\s\"“”„«»‹›]", "", normal)
