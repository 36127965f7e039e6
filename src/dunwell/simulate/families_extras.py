"""Credits on the company's account that are not customer payments and must stay unmatched:
interest, tax refunds, transfers between the company's own accounts, card-settlement batches and
supplier refunds, as each family's bank prints them. They have no truth rows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from dunwell.simulate.families import EuFreeText, FamilyStyle, SepaStructured, Shown, UsAch, family_rng
from dunwell.simulate.families_names import european_iban
from dunwell.simulate.records import Company, SimPayment

KINDS = (
    ("interest", 0.25),
    ("tax_refund", 0.15),
    ("transfer", 0.25),
    ("card_batch", 0.25),
    ("supplier_refund", 0.1),
)
_AMOUNTS = {
    "interest": (2, 600), "tax_refund": (150, 25_000), "transfer": (5_000, 250_000),
    "card_batch": (300, 20_000), "supplier_refund": (40, 6_000),
}  # fmt: skip


def extra_credits(
    style: FamilyStyle, seed: int, company: Company, start: date, end: date, payments: int
) -> list[Shown]:
    """About ``style.extra_share`` of the period's credits (beside ``payments`` customer payments)."""
    rng = family_rng(style, seed, "extras", company.preset, company.seed, start, end)
    share = rng.uniform(*style.extra_share)
    count = max(1, round(payments * share / (1 - share)))
    entities = company.entities
    extras = []
    for n in range(count):
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        entity = rng.choices(entities, [e.weight for e in entities])[0]
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        low, high = _AMOUNTS[kind]
        amount = Decimal(rng.uniform(low, high)).quantize(Decimal("0.01"))
        if kind == "transfer":
            amount = (amount / 1000).quantize(Decimal(1)) * 1000 + Decimal("0.00")
        payment = SimPayment(
            payment_id=f"X{start:%Y%m}{n + 1:04d}",
            customer_id="",
            entity=entity.code,
            value_date=day,
            amount=amount,
            currency=entity.currency,
            payer_name="",
            payer_account="",
            remittance_text="",
        )
        if isinstance(style, UsAch):
            extras.append(_bai2(rng, kind, payment, entity.account))
        elif isinstance(style, EuFreeText | SepaStructured):
            extras.append(_european(rng, kind, payment, entity.account))
        else:
            extras.append(_plain(rng, kind, payment, entity.account))
    return extras


def _european(rng: random.Random, kind: str, p: SimPayment, own: str) -> Shown:
    month = p.value_date.strftime("%m/%Y")
    name, text = {
        "interest": ("", rng.choice((f"Habenzinsen {month}", f"Rente {month}",
                                     f"Intérêts créditeurs {month}"))),
        "tax_refund": (rng.choice(("Finanzamt Frankfurt am Main", "Belastingdienst", "DGFIP")),
                       rng.choice((f"Erstattung Umsatzsteuer {month} StNr 045 123 45678",
                                   f"Teruggaaf btw {month}", f"Remboursement TVA {month}"))),
        "transfer": ("Dunwell Distribution GmbH", f"Übertrag von Konto {own[-10:]} Liquiditätsausgleich"),
        "card_batch": (rng.choice(("PAYONE GmbH", "SumUp Payments Limited", "Worldline")),
                       f"Kartenumsätze Terminal 600{rng.randint(10000, 99999)} vom {p.value_date:%d.%m.}"),
        "supplier_refund": (rng.choice(("Bürobedarf Müller GmbH", "Transportes Lopez SL",
                                        "Lyreco Nederland B.V.")),
                            f"Gutschrift Rückerstattung Rg {rng.randint(100000, 999999)} "
                            f"Kd-Nr {rng.randint(1000, 9999)}"),
    }[kind]  # fmt: skip
    account = european_iban(rng, "DE") if kind != "interest" else ""
    return Shown(_with(p, name, account, text))


def _plain(rng: random.Random, kind: str, p: SimPayment, own: str) -> Shown:
    name, text = {
        "interest": ("", rng.choice(("INTEREST PAYMENT", "INTEREST CREDIT",
                                     f"INTEREST {p.value_date:%b %Y}".upper()))),
        "tax_refund": ("IRS TREAS 310", "TAX REF"),
        "transfer": ("DUNWELL DISTRIBUTION", f"TRANSFER FROM ACCOUNT {own[-6:]}"),
        "card_batch": (rng.choice(("MERCHANT BANKCD", "FISERV MERCHANT", "ELAVON")),
                       f"DEPOSIT MID {rng.randint(10**11, 10**12)} BATCH {rng.randint(100, 999)}"),
        "supplier_refund": (rng.choice(("ULINE", "GRAINGER", "OFFICE DEPOT")),
                            f"REFUND CREDIT {rng.randint(100000, 999999)}"),
    }[kind]  # fmt: skip
    account = "" if kind == "interest" else f"US{rng.randint(10, 99)}XTRA{rng.randint(10**9, 10**10 - 1)}"
    return Shown(_with(p, name, account, text))


def _bai2(rng: random.Random, kind: str, p: SimPayment, own: str) -> Shown:
    day = p.value_date
    trace = f"0910000{rng.randint(10**7, 10**8 - 1)}"

    def ach(name: str, orig: str, descr: str) -> str:
        return (f"ORIG CO NAME:{name} ORIG ID:{orig} DESC DATE:{day:%y%m%d} CO ENTRY DESCR:{descr} SEC:CCD "
                f"TRACE#:{trace} EED:{day:%y%m%d} IND ID:000000000 IND NAME:DUNWELL DISTRIBUTI")  # fmt: skip

    if kind == "interest":
        return Shown(_with(p, "", "", "INTEREST CREDIT"), "354", "", "INTEREST CREDIT")
    if kind == "transfer":
        text = (
            f"ZBA CREDIT TRANSFER FROM ACCT {own[-8:]}"
            if rng.random() < 0.5
            else f"BOOK TRANSFER CREDIT FROM {own}"
        )
        return Shown(_with(p, "", "", text), "275" if text.startswith("ZBA") else "206", "", text)
    name, orig, descr = {
        "tax_refund": ("IRS TREAS 310", "9101036151", "TAX REF"),
        "card_batch": (rng.choice(("MERCHANT BANKCD", "FISERV MERCHANT", "ELAVON")), "1941234567", "DEPOSIT"),
        "supplier_refund": (rng.choice(("ULINE", "GRAINGER", "OFFICE DEPOT INC")), "1362345678", "REFUND"),
    }[kind]
    return Shown(_with(p, name, orig, descr), "169", "", ach(name, orig, descr))


def _with(p: SimPayment, name: str, account: str, text: str) -> SimPayment:
    return SimPayment(p.payment_id, p.customer_id, p.entity, p.value_date, p.amount, p.currency,
                      name, account, text)  # fmt: skip
