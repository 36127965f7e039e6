"""The ``:86:`` information to account owner, in the dialects banks put it in.

- German (and most of central Europe): a three-digit transaction code, then ``?NN`` subfields.
  ``?20``-``?29`` and ``?60``-``?63`` hold the purpose, which carries SEPA keys (``EREF+``,
  ``SVWZ+``, ``ABWA+`` ...); ``?31`` the counterparty account, ``?32``/``?33`` its name.
- Dutch (ING, ABN AMRO, Rabobank, Mollie): ``/KEY/value`` pairs (``/EREF/``, ``/NAME/``,
  ``/REMI/``, ``/IBAN/``; ING's ``/CNTP/IBAN/BIC/NAME/CITY/``).
- Anything else is free text; when it starts with an IBAN (SNS, ASN) the rest of that line is the
  counterparty's name.

Written here rather than with ``mt940.processors``: its German processor drops the text in front
of the first SEPA key and glues ``?60``-``?63`` onto the key before them, and it has no Dutch one.
Lines of a structured field are joined without a separator: banks wrap them mid-word at 65
characters, so a reference split over two lines comes back whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GERMAN = re.compile(r"\d{3}\?\d{2}")
_SUBFIELD = re.compile(r"\?(\d{2})")
_SEPA_KEY = re.compile(
    r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP|SQTP|ORCR|ORMR|DDAT) ?\+"
)
_DUTCH_KEYS = (
    "ADDR|BENM|BIC|BUSP|CHGS|CNTP|CSID|EREF|EXCH|IBAN|ISDT|MARF|NAME|OCMT|ORDP|PREF|PURP|REMI|RTRN|SVCL|TRTP"
    "|ULTB|ULTC|ULTD"
)
_DUTCH_TAG = re.compile(rf"/({_DUTCH_KEYS})/")
_DUTCH_START = re.compile(rf"\s*/({_DUTCH_KEYS})/")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_RF = re.compile(r"\bRF\d{2}[A-Z0-9]{1,21}\b")
#: A Dutch payment reference ("betalingskenmerk"), as acceptgiro and ABN AMRO print it.
_BETALINGSKENMERK = re.compile(r"BETALINGSKENM\.?:?\s*(\d{7,16})")
_NOT_PROVIDED = frozenset({"", "NOTPROVIDED", "NONREF", "NONE"})


@dataclass(frozen=True, slots=True)
class Details:
    remittance: str = ""
    payer_name: str | None = None
    payer_account: str | None = None
    end_to_end_id: str | None = None
    structured_reference: str | None = None


def details(text: str) -> Details:
    """The counterparty, references and remittance text of one entry's ``:86:`` text."""
    joined = "".join(text.split("\n"))
    if _GERMAN.match(joined):
        found = _german(joined)
    elif _DUTCH_START.match(joined):
        found = _dutch(joined.strip())
    else:
        found = _free_text(text)
    if found.structured_reference is None:
        reference = creditor_reference(found.remittance) or creditor_reference(found.end_to_end_id or "")
        if reference is None and (kenmerk := _BETALINGSKENMERK.search(found.remittance)):
            reference = kenmerk.group(1)
        found = Details(
            found.remittance, found.payer_name, found.payer_account, found.end_to_end_id, reference
        )
    return found


def _german(joined: str) -> Details:
    pieces = _SUBFIELD.split(joined)
    subfields: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        subfields[key] = subfields.get(key, "") + value
    purpose = "".join(subfields.get(str(n), "") for n in range(20, 30))
    more = "".join(subfields.get(str(n), "") for n in range(60, 64))
    keys, lead = _sepa_keys(purpose)
    more_keys, more_lead = _sepa_keys(more)
    for key, value in more_keys.items():
        keys.setdefault(key, value)
    text = " ".join(part for part in (lead, keys.get("SVWZ", ""), more_lead) if part)
    name = _clean(subfields.get("32", "") + subfields.get("33", ""))
    return Details(
        remittance=text or _clean(purpose + more),
        payer_name=name or keys.get("ABWA") or None,
        payer_account=_clean(subfields.get("31", "")) or keys.get("IBAN") or None,
        end_to_end_id=_reference(keys.get("EREF")),
    )


def _sepa_keys(purpose: str) -> tuple[dict[str, str], str]:
    """``EREF+x SVWZ+y`` into {"EREF": "x", "SVWZ": "y"}, and the text before the first key."""
    pieces = _SEPA_KEY.split(purpose)
    keys: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        keys.setdefault(key, _clean(value))
    return keys, _clean(pieces[0])


def _dutch(joined: str) -> Details:
    tags = list(_DUTCH_TAG.finditer(joined))
    values: dict[str, str] = {}
    for tag, following in zip(tags, [*tags[1:], None], strict=True):
        end = following.start() if following else len(joined)
        values.setdefault(tag.group(1), joined[tag.end() : end].rstrip("/").strip())
    counterparty = values.get("CNTP", "").split("/")  # ING: IBAN/BIC/NAME/CITY
    remittance, structured = values.get("REMI", ""), None
    if remittance.startswith("STRD/"):  # ING: /REMI/STRD/CUR/<reference>/
        structured = remittance.rstrip("/").rsplit("/", 1)[-1] or None
    remittance = re.sub(r"^(USTD|STRD/CUR)/+", "", remittance)
    return Details(
        remittance=_clean(remittance),
        payer_name=_clean(values.get("NAME") or (counterparty[2] if len(counterparty) > 2 else "")) or None,
        payer_account=values.get("IBAN") or counterparty[0] or None,
        end_to_end_id=_reference(values.get("EREF")),
        structured_reference=structured,
    )


def _free_text(text: str) -> Details:
    lines = [line.strip() for line in text.split("\n")]
    first = lines[0].split(maxsplit=1) if lines and lines[0] else []
    account = first[0] if first and is_iban(first[0]) else None
    name = _clean(first[1]) if account and len(first) > 1 else None
    return Details(remittance=_clean(" ".join(lines)), payer_name=name, payer_account=account)


def is_iban(text: str) -> bool:
    """An IBAN whose check digits hold (ISO 13616 mod 97)."""
    if not _IBAN.fullmatch(text):
        return False
    return _mod97(text[4:] + text[:4]) == 1


def creditor_reference(text: str) -> str | None:
    """The first ISO 11649 creditor reference ("RF18 5390 0754 7034" written without blanks)
    whose check digits hold."""
    for match in _RF.finditer(text.upper()):
        reference = match.group(0)
        if _mod97(reference[4:] + reference[:4]) == 1:
            return reference
    return None


def _mod97(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text)) % 97


def _reference(value: str | None) -> str | None:
    value = _clean(value or "")
    return None if value.upper() in _NOT_PROVIDED else value


def _clean(text: str) -> str:
    return " ".join(text.split())
