"""Document numbers in other ERPs' formats, how payers quote them, and the structured creditor
references (ISO 11649, Belgian OGM/VCS, Finnish) that carry them.

The simulator numbers invoices ``9xxxxxxx`` and credit memos ``CM8xxxxxxx``, one sequence each;
a numbering scheme maps both sequences one to one onto another ERP's format, so items and truth
are renumbered consistently (a bijection: the running number is kept in every scheme).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from datetime import date

from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

#: Numbering schemes: an invoice and a credit memo number from the running number and the year.
SCHEMES: dict[str, tuple[Callable[[int, int], str], Callable[[int, int], str]]] = {
    "year_dash": (lambda n, y: f"{y}-{n:06d}", lambda n, y: f"GS-{y}-{n:05d}"),  # 2025-004211
    "year_dash_short": (lambda n, y: f"{y}-{n:05d}", lambda n, y: f"GU-{y}-{n:05d}"),  # 2025-04211
    "re_year_slash": (lambda n, y: f"RE-{y}/{n:05d}", lambda n, y: f"GU-{y}/{n:05d}"),  # RE-2025/04211
    "inv_zeros": (lambda n, y: f"INV{n:07d}", lambda n, y: f"CRN{n:07d}"),  # INV0004211
    "inv_dash": (lambda n, y: f"INV-{n:06d}", lambda n, y: f"CM-{n:06d}"),  # INV-004211
    "digits10": (lambda n, y: f"{1_400_000_000 + n}", lambda n, y: f"{1_600_000_000 + n}"),  # SAP-like
}
_INVOICE_BASE, _MEMO_BASE = 90_000_000, 80_000_000
_SEPARATORS = re.compile(r"[-/ .]")
_TRAILING_DIGITS = re.compile(r"(\d+)$")


def renumbered(scheme: str | None, sim_id: str, issued: date) -> str:
    """``sim_id`` (an invoice ``9xxxxxxx`` or a credit memo ``CM8xxxxxxx``) in ``scheme``."""
    if scheme is None:
        return sim_id
    invoice, memo = SCHEMES[scheme]
    if sim_id.startswith("CM"):
        return memo(int(sim_id[2:]) - _MEMO_BASE, issued.year)
    return invoice(int(sim_id) - _INVOICE_BASE, issued.year)


def quoted(rng: random.Random, number: str, how: str) -> str:
    """``number`` as a payer types it: ``exact``; ``no_prefix`` (letters and year dropped, leading
    zeros kept or dropped: ``004211``/``4211`` for ``INV-004211``); ``separators`` (dropped or
    changed); ``cut`` (a field too short for it); ``mistyped`` (one digit wrong or two swapped)."""
    if how == "no_prefix":
        found = _TRAILING_DIGITS.search(number)
        if found is None or found.group(1) == number:
            return number.lstrip("0") if rng.random() < 0.3 else number
        core = found.group(1)
        return core.lstrip("0") or core if rng.random() < 0.5 else core
    if how == "separators":
        if _SEPARATORS.search(number):
            return _SEPARATORS.sub(rng.choice(("", " ", "/", "-", ".")), number)
        split = next((i for i, c in enumerate(number) if c.isdigit()), 0)
        return f"{number[:split]}{rng.choice((' ', '-', '/'))}{number[split:]}" if split else number
    if how == "cut":
        keep = rng.randint(max(3, len(number) - 5), max(3, len(number) - 1))
        return number[-keep:] if rng.random() < 0.5 else number[:keep]
    if how == "mistyped":
        return mistyped(rng, number)
    return number


def mistyped(rng: random.Random, number: str) -> str:
    """One digit of ``number`` wrong, or two neighbouring digits swapped."""
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    if not digits:
        return number
    chars = list(number)
    i = rng.choice(digits)
    if rng.random() < 0.5 and i + 1 < len(chars) and chars[i + 1].isdigit() and chars[i] != chars[i + 1]:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[i] = rng.choice([d for d in string.digits if d != chars[i]])
    return "".join(chars)


def pick(rng: random.Random, weights: tuple[tuple[str, float], ...]) -> str:
    """One of the names in ``weights``, drawn by weight."""
    names, shares = zip(*weights, strict=True)
    return str(rng.choices(names, shares)[0])


def rf_reference(number: str) -> str:
    """The ISO 11649 creditor reference of ``number``: RF, two check digits, its letters and digits."""
    body = "".join(c for c in number.upper() if c.isalnum())
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def ogm_reference(number: str) -> str:
    """A Belgian structured communication (OGM/VCS) carrying ``number``'s last ten digits:
    12 digits, the last two ``mod 97`` of the first ten (97 for 0), as camt carries it."""
    base = "".join(c for c in number if c.isdigit())[-10:].zfill(10)
    return base + ogm_vcs.calc_check_digits(base)


def ogm_printed(reference: str) -> str:
    """An OGM as printed on a Belgian invoice and typed by payers: ``+++123/4567/89012+++``."""
    return f"+++{reference[:3]}/{reference[3:7]}/{reference[7:]}+++"


def finnish_reference(number: str) -> str:
    """A Finnish creditor reference (viitenumero): ``number``'s digits and a 7-3-1 check digit."""
    base = "".join(c for c in number if c.isdigit()).lstrip("0") or "1"
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return f"{base}{(10 - total % 10) % 10}"


def grouped(reference: str) -> str:
    """A reference printed in groups of four, as invoices show RF references."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
