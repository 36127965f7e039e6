"""The us_ach family: payments as a US bank's BAI2 statement prints them, and its BAI2 writer.

ACH credits (type 165 CCD+, 168 CTX) carry the originator as NACHA has it: the company name cut at
16 characters, a 10-character company id (``ORIG ID``, stable per paying account), the entry
description, trace number, and the addenda: X12 820 segments (``RMR*IV*...``, ``ADX`` for
deductions; one 80-character addenda for CCD+, the whole remittance for CTX). Fedwire credits
(195) print the originator by order (``B/O:``) with the originator-to-beneficiary information
(``OBI:``), or a bank's ``ORIG:``/``PMT DET:`` layout. Lockbox checks (115) print the check number
and the remitter. Long texts continue on ``88`` records, as banks wrap them.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dunwell.simulate.families import FamilyStyle, PaymentFacts, Shown, UsAch, family_rng
from dunwell.simulate.families_names import realistic_names
from dunwell.simulate.families_numbers import pick, quoted
from dunwell.simulate.records import SimCustomer, SimPayment
from dunwell.simulate.statements import Statement

_DESCRIPTIONS = ("PAYMENT", "VENDOR PMT", "AP PAYMENT", "EDI PAYMNT", "CORP PMT", "PAYABLES")
_BANKS = (("JPMORGAN CHASE BANK, NA", "021000021"), ("BANK OF AMERICA, N.A.", "026009593"),
          ("WELLS FARGO BANK, NA", "121000248"), ("PNC BANK, NA", "043000096"))  # fmt: skip
_CITIES = ("CHICAGO IL", "DALLAS TX", "ATLANTA GA", "NEWARK NJ", "COLUMBUS OH", "DENVER CO")
RECORD_WIDTH = 80  # banks wrap a 16 record's text onto 88 records at this width
TYPE_CODES = {"ccd": "165", "ctx": "168", "wire": "195", "check": "115"}


class UsAchRenderer:
    """Names, accounts and BAI2 text of the us_ach family."""

    def __init__(self, style: FamilyStyle, seed: int, customers: dict[str, SimCustomer]) -> None:
        if not isinstance(style, UsAch):
            raise TypeError(f"the us_ach renderer needs a UsAch style, not {type(style).__name__}")
        self.style: UsAch = style
        self.seed, self.customers = seed, customers
        self.names = realistic_names(sorted(customers), family_rng(style, seed, "names"))

    def master_name(self, customer: SimCustomer) -> str:
        return self.names[customer.customer_id]

    def shown(self, rng: random.Random, facts: PaymentFacts) -> Shown:
        p, payer = facts.payment, facts.payer
        crng = family_rng(self.style, self.seed, "customer", payer.customer_id)
        usual = pick(crng, self.style.channels)
        channel = usual if rng.random() < 0.8 else pick(rng, self.style.channels)
        if facts.kind == "card":
            channel = "ccd"
        arng = family_rng(self.style, self.seed, "account", p.payer_account)
        orig_id = f"{arng.choice('1239')}{arng.randint(10**8, 10**9 - 1)}"
        full = self.master_name(payer).upper().replace(",", "")
        company = _ach_company(crng, full) if facts.kind != "card" else "CARDPAY SETTLE"
        refs = [quoted(rng, i.number, pick(rng, self.style.quotes)) for i in facts.invoices]
        memos = [quoted(rng, m, pick(rng, self.style.quotes)) for m, _ in facts.memos]
        day = p.value_date
        if channel in ("ccd", "ctx"):
            addenda = (
                _ctx(facts, refs, memos, (full, orig_id), self.style)
                if channel == "ctx"
                else _ccd(facts, refs)
            )
            trace = f"{arng.choice(_BANKS)[1][:8]}{rng.randint(10**6, 10**7 - 1)}"
            descr = crng.choice(_DESCRIPTIONS) if facts.kind != "card" else "SETTLEMENT"
            text = (
                f"ORIG CO NAME:{company} ORIG ID:{orig_id} DESC DATE:{day - timedelta(days=1):%y%m%d} "
                f"CO ENTRY DESCR:{descr} SEC:{channel.upper()} TRACE#:{trace} EED:{day:%y%m%d} "
                f"IND ID:V{crng.randint(10000, 99999)} IND NAME:{self.style.company_name[:22]}"
            )
            text += f" ADDENDA:{addenda}" if addenda else ""
            shown = replace(p, payer_name=company, payer_account=orig_id, remittance_text=addenda)
            return Shown(shown, TYPE_CODES[channel], "", text)
        detail = _free_refs(rng, facts, refs, memos)
        if channel == "wire":
            bank, aba = arng.choice(_BANKS)
            account = str(arng.randint(10**8, 10**12))
            name = full[:35]
            if crng.random() < 0.5:
                text = (
                    f"FEDWIRE CREDIT VIA: {bank} {aba} B/O: {name} {crng.choice(_CITIES)} "
                    f"REF: {rng.randint(10**7, 10**8)} OBI: {detail} "
                    f"IMAD: {day:%Y%m%d}QMGFT0{rng.randint(10**5, 10**6)}"
                )
                shown = replace(p, payer_name=name, payer_account="", remittance_text=detail)
            else:
                text = (
                    f"WIRE TYPE:WIRE IN DATE:{day:%y%m%d} "
                    f"TIME:{rng.randint(8, 17):02d}{rng.randint(0, 59):02d} ET "
                    f"TRN:{day:%Y%m%d}{rng.randint(10**5, 10**6)} ORIG:{name} ID:{account} "
                    f"SND BK:{bank} ID:{aba} PMT DET:{detail}"
                )
                shown = replace(p, payer_name=name, payer_account=account, remittance_text=detail)
            return Shown(shown, TYPE_CODES["wire"], "", " ".join(text.split()))
        check = str(rng.randint(1000, 99999))
        text = f"LOCKBOX 0{crng.randint(10000, 99999)} CHECK NO {check} REMITTER {full[:30]}"
        text += f" RE: {detail}" if detail and rng.random() < 0.5 else ""
        shown = replace(p, payer_name=full[:30], payer_account="", remittance_text=detail)
        return Shown(shown, TYPE_CODES["check"], check, text)


def _ach_company(rng: random.Random, full: str) -> str:
    """The name the payer's ACH originator account carries: 16 characters at most."""
    words = full.split()
    roll = rng.random()
    if roll < 0.55:
        return full[:16].strip()
    if roll < 0.8:
        return "".join(words[:-1] if len(words) > 1 else words)[:16]
    return f"{words[0]} AP PAYMENTS"[:16]


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _ccd(facts: PaymentFacts, refs: list[str]) -> str:
    """A CCD+ addenda: RMR segments (``\\`` terminated) in the 80 characters NACHA allows."""
    if facts.kind == "none":
        return ""
    if facts.kind == "po" or not facts.invoices:
        return f"RMR*PO*{facts.po_numbers[0]}*PI*{_money(facts.payment.amount)}\\" if facts.po_numbers else ""
    segments = []
    for ref, paid in zip(refs, facts.invoices, strict=True):
        parts = ["RMR", "IV", ref, "PI", _money(paid.paid)]
        if paid.paid != paid.amount:
            parts.append(_money(paid.amount))
        if paid.discount:
            parts.append(_money(paid.discount))
        segments.append("*".join(parts) + "\\")
    return "".join(segments)[:80]


def _ctx(facts: PaymentFacts, refs: list[str], memos: list[str], payer: tuple[str, str], style: UsAch) -> str:
    """A CTX's X12 820: BPR, TRN, the parties, then RMR per invoice and ADX per deduction."""
    p, (name, orig_id) = facts.payment, payer
    account = "".join(c for c in p.payer_account if c.isdigit())[-10:]
    head = (
        f"BPR*C*{_money(p.amount)}*C*ACH*CTX*01*{_BANKS[int(orig_id) % len(_BANKS)][1]}"
        f"*DA*{account}*{orig_id}"
        f"**01*{_BANKS[0][1]}*DA*{style.own_account}*{p.value_date:%Y%m%d}~TRN*1*{orig_id[1:]}{p.value_date:%m%d}~"
        f"N1*PR*{name[:35]}~N1*PE*{style.company_name}~"
    )
    if facts.kind == "po" or (facts.kind != "none" and not facts.invoices):
        return head + "".join(f"RMR*PO*{po}*PI*{_money(p.amount)}~" for po in facts.po_numbers[:1])
    if facts.kind == "none":
        return head
    body = []
    for ref, paid in zip(refs, facts.invoices, strict=True):
        body.append(f"RMR*IV*{ref}*PI*{_money(paid.paid)}*{_money(paid.amount)}" +
                    (f"*{_money(paid.discount)}" if paid.discount else "") + "~")  # fmt: skip
    for memo, (_, amount) in zip(memos, facts.memos, strict=True):
        body.append(f"ADX*{_money(amount)}*11*CM*{memo}~")  # 11: returns
    return head + "".join(body)


def _free_refs(rng: random.Random, facts: PaymentFacts, refs: list[str], memos: list[str]) -> str:
    """What a payer types into a wire's or a check stub's free text."""
    if facts.kind == "none":
        return rng.choice(("", "PAYMENT", "INVOICE PAYMENT", "VENDOR PAYMENT"))
    if facts.kind == "po" or not refs:
        return " ".join(f"PO {po.removeprefix('PO')}" for po in facts.po_numbers)
    text = f"{rng.choice(('INV ', 'INV# ', 'INVOICE ', ''))}{' '.join(refs)}"
    if memos:
        text += f" LESS CM {' '.join(memos)}"
    return text[:140]


def bai2_statement(statement: Statement, shown: dict[str, Shown]) -> str:
    """A BAI2 file for one statement's period, one group per day with credits (the as-of date is
    the value date), each entry with its type code, customer reference and text wrapped onto 88
    records; balances carry over day to day, control totals in cents over balances and entries."""
    s = statement
    by_day: dict[date, list[SimPayment]] = defaultdict(list)
    for p in s.payments:
        by_day[p.value_date].append(p)
    lines = [f"01,USBANK,DUNWELL,{s.last_day:%y%m%d},2359,{s.sequence},{RECORD_WIDTH},,2/"]
    balance, file_total = _cents(s.opening), 0
    for day in sorted(by_day):
        paid = by_day[day]
        credits = sum(_cents(p.amount) for p in paid)
        closing = balance + credits
        account = [
            f"03,{s.entity.account},{s.entity.currency},010,{balance},,,015,{closing},,,"
            f"100,{credits},{len(paid)},Z/"
        ]
        for p in paid:
            one = shown[p.payment_id]
            text = one.bank_text.rstrip("/ ")
            fields = f"16,{one.type_code},{_cents(p.amount)},Z,{p.payment_id},{one.customer_ref},"
            account.extend(_wrapped(fields, text))
        total = balance + closing + 2 * credits
        account.append(f"49,{total},{len(account) + 1}/")
        group = [f"02,DUNWELL,USBANK,1,{day:%y%m%d},2359,{s.entity.currency},2/", *account]
        group.append(f"98,{total},1,{len(group) + 1}/")
        lines.extend(group)
        balance, file_total = closing, file_total + total
    lines.append(f"99,{file_total},{len(by_day)},{len(lines) + 1}/")
    return "\n".join(lines) + "\n"


def _wrapped(fields: str, text: str) -> list[str]:
    """A 16 record with ``text``, continued on 88 records of at most ``RECORD_WIDTH`` characters,
    broken after a blank or an X12 segment terminator (a longer piece is cut where it must be)."""
    pieces = [p for p in re.split(r"(?<=[ ~\\])", text) if p.strip()]
    records, line = [], fields
    for piece in pieces:
        while len(line) + len(piece.rstrip()) > RECORD_WIDTH:
            if line not in (fields, "88,"):
                records.append(line.rstrip())
                line = "88,"
                continue
            room = RECORD_WIDTH - len(line)
            records.append(line + piece[:room])
            line, piece = "88,", piece[room:]
        line += piece
    records.append(line.rstrip() or "88,")
    if records[0] == fields and len(records) == 1:
        records[0] += "/"
    return records


def _cents(amount: Decimal) -> int:
    return int(amount * 100)
