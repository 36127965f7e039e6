# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""The facts a reply states beside its intent, read with ``dunwell.drafting.extract`` (amounts in
the reply's locale, invoice-like references, e-mail addresses): the amount and currency nearest the
words that decided, the invoices named, the dispute's category and a new contact's address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from dunwell.core.collections import DisputeCategory
from dunwell.drafting.extract import Found, FoundKind, extract

#: Category words (folded: lower case, no accents), most specific first; the first that matches wins.
_DISPUTE_WORDS: tuple[tuple[DisputeCategory, str], ...] = (
    (DisputeCategory.DUPLICATE, r"duplicate|twice|double[- ]?(?:billed|charged)|doppelt|zweimal|en double|deux fois"
     r"|duplicad|dos veces|dubbel|twee keer|tweemaal|already (?:invoiced|billed)|bereits (?:berechnet|in rechnung)"),
    (DisputeCategory.NOT_RECEIVED, r"(?:never|not|n't|nie|nicht|pas|jamais|no|niet|nooit) (?:\w+ ){0,3}(?:received|arrived"
     r"|delivered|erhalten|geliefert|angekommen|bekommen|recu|livre|arrive|recibido|llegado|llego|entregad|ontvangen"
     r"|geleverd|aangekomen)"),
    (DisputeCategory.QUALITY, r"damag|defect|broken|faulty|beschadig|kaputt|mangel|endommag|abime|casse|defectu|danad"
     r"|roto|rota|kapot|quality|qualitat|qualite|calidad|kwaliteit"),
    (DisputeCategory.QUANTITY, r"quantit|units|pieces|only (?:received|got) \d|short[- ]deliver|menge|stuck|cantidad"
     r"|unidades|aantal|stuks|colis|cajas|kartons|boxes|pallets"),
    (DisputeCategory.PRICING, r"price|pricing|priced|overcharg|rate|discount|quoted|preis|rabatt|angebot|prix|tarif"
     r"|remise|devis|precio|descuento|presupuesto|tarifa|prijs|korting|offerte"),
    (DisputeCategory.MISSING_PO, r"purchase order|po number|\bpo\b|bestellnummer|bon de commande|orden de compra"
     r"|inkoopordernummer|po-nummer|ordernummer"),
)  # fmt: skip
_COMPILED = tuple((category, re.compile(words)) for category, words in _DISPUTE_WORDS)
#: References that are not invoices: order, customer and ticket numbers keep their own prefix.
_INVOICE_PREFIX = re.compile(
    r"^(?:inv|rg|re|fa|fac|fact|f|rechnung|factura|factuur|nr|no)[-./ ]?\d", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str | None
    span: tuple[int, int]


def dispute_category(folded: str) -> DisputeCategory:
    """The category the words of a dispute name; ``other`` when none does."""
    for category, pattern in _COMPILED:
        if pattern.search(folded):
            return category
    return DisputeCategory.OTHER


def found_in(text: str, *, locale: str, language: str) -> tuple[Found, ...]:
    return extract(text, locale=locale, language=language)


def invoice_refs(found: tuple[Found, ...]) -> list[str]:
    """The invoice-like references, as written, once each in reading order."""
    refs: dict[str, str] = {}
    for item in found:
        if item.kind is FoundKind.REFERENCE:
            token = item.text.lstrip("#")
            has_letters = any(c.isalpha() for c in token)
            if (has_letters and _INVOICE_PREFIX.match(token)) or (not has_letters and len(token) >= 5):
                refs.setdefault(item.key, token)
    return list(refs.values())


def amounts(found: tuple[Found, ...]) -> list[Money]:
    """The amounts stated, the locale's reading, with a currency when the writing names one."""
    money = []
    for item in found:
        if item.kind is FoundKind.AMOUNT and item.numbers:
            money.append(Money(abs(item.numbers[0]), _currency(item.currencies), item.span))
    return money


def _currency(codes: frozenset[str]) -> str | None:
    if len(codes) == 1:
        return next(iter(codes))
    # "$" alone: several dollars; the US one is what a reply in these languages means most often.
    return "USD" if "USD" in codes else (min(codes) if codes else None)


def contact_emails(found: tuple[Found, ...], *, sender: str | None) -> list[str]:
    """Addresses named in the text other than the sender's own."""
    own = (sender or "").lower()
    return [item.key for item in found if item.kind is FoundKind.EMAIL and item.key != own]


def nearest(spans: list[tuple[int, int]], anchor: tuple[int, int]) -> int | None:
    """The index of the span closest to ``anchor`` (after it preferred at equal distance)."""
    if not spans:
        return None

    def distance(span: tuple[int, int]) -> tuple[int, int]:
        gap = span[0] - anchor[1] if span[0] >= anchor[1] else anchor[0] - span[1]
        return (max(gap, 0), 0 if span[0] >= anchor[0] else 1)

    return min(range(len(spans)), key=lambda i: distance(spans[i]))
