"""What the free text of a BAI2 ``16`` record says: who paid, from which account, and for what.

BAI2 has no payer field: banks print the counterparty inside the detail's text (the ``16`` text
with its ``88`` continuations, joined by a space), each in its own but recognisable layout. This
module reads the US layouts by their labels (``read_detail_text``):

- **ACH** (CCD, CCD+, CTX, PPD), Chase style ``ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC
  DATE:251203 CO ENTRY DESCR:PAYMENT SEC:CCD TRACE#:... EED:... IND ID:INV104233 IND NAME:DUNWELL
  FOODS`` (also with ``=``, ``COMPANY NAME:``, ``ORIGINATOR:``, ``CO ID:``, ``ENTRY DESC:``,
  ``ADDENDA:``) and Bank of America style ``ACME CORP DES:PAYMENT ID:INV104233 INDN:DUNWELL FOODS
  CO ID:1234567890 CCD PMT INFO:...``. The originator (its name and ACH company ID) is the payer.
  ``IND NAME``/``INDN`` is the *receiver* (the company itself, as the payer's vendor file names
  it) in every SEC code, so it is never taken as the payer; text beyond its 22 characters is
  addenda. Addenda may carry X12 820 segments (``bai2_x12``).
- **Wires** (Fedwire, CHIPS, book transfers): ``FEDWIRE CREDIT VIA: BANK/ABA B/O: ACME CORP 1 MAIN
  ST ... REF: ... BNF=... RFB=... OBI=... IMAD: ...``, Wells Fargo ``WT FED#... /ORG=... SRF#...
  RFB#...``, ``BY ORDER OF:``, ``ORIGINATOR:``, ``B/O CUSTOMER=/account 1/NAME 2/ADDRESS``. The
  ordering customer is the payer, its address cut off; a ``B/O`` that names a bank gives way to
  ``ORG``. The beneficiary (``BNF``) is the company itself, never the payer.
- **Tagged** lines (Goldman Sachs style): ``From:``, ``Remittance Info:``, ``DBNM`` (debtor name),
  ``DACT``/``DABA`` (its account and routing number), ``REMI``.
- **Lockbox, checks, remote deposits**: ``CHECK NO 1234 REMITTER ACME CORP ACCT 123456789``,
  ``REMITTER:``, ``CHK#``, ``MICR``, with invoice lists such as ``INV 104233 1,500.00`` read as
  items.
- **Payment processors** (Stripe, PayPal, Bill.com, Amex settlements, ...): the processor is not
  the customer, so the payer stays None unless the addenda name the end customer: an X12
  ``N1*PR`` (payer) segment, or Bill.com's ``<payer> Bill.com 015...`` remittance line.

Text in none of these layouts keeps no payer and is returned unchanged as the remittance: nothing
is lost and nothing is guessed. Accounts are printed as found; a routing number and an account
together read ``ROUTING/ACCOUNT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dunwell.ingest.bank.formats.bai2_x12 import invoice_list, n1_payer, readable, remittance_items
from dunwell.ingest.bank.model import RemittanceItem


class PaymentKind(StrEnum):
    ACH = "ach"
    WIRE = "wire"  # Fedwire, CHIPS, book transfers
    CHECK = "check"  # lockbox, check deposits, remote deposit capture
    PROCESSOR = "processor"  # a card or payables processor paying out for others
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DetailText:
    """A BAI2 detail's text, read."""

    payer_name: str | None
    payer_account: str | None
    remittance: str  # the part a person reads for what is paid, without the bank's boilerplate
    items: tuple[RemittanceItem, ...]
    kind: PaymentKind


# Label spellings by meaning. Strong labels mark a layout; the others only split text within one.
_LABELS: dict[str, tuple[str, ...]] = {
    "orig_name": ("ORIG CO NAME", "ORIG CO NM", "ORIG NAME", "COMPANY NAME", "CO NAME", "ORIGINATOR NAME"),
    "originator": ("ORIGINATOR", "ORIGINATING COMPANY"),
    "orig_id": ("ORIG ID", "ORIG CO ID", "CO ID", "COMPANY ID", "ORIGINATOR ID"),
    "entry_desc": ("CO ENTRY DESCR", "CO ENTRY DESC", "ENTRY DESCR", "ENTRY DESC", "ENTRY DESCRIPTION",
                   "DES"),
    "ach_other": ("DESC DATE", "CO DESC DATE", "SEC", "TRACE#", "TRACE NO", "TRACE NUMBER", "TRACE", "EED"),
    "ind_id": ("IND ID", "INDIVIDUAL ID", "RECEIVER ID"),
    "ind_name": ("IND NAME", "INDN", "INDIVIDUAL NAME", "RECEIVER NAME"),
    "addenda": ("ADDENDA", "ADDENDA INFO", "PMT INFO", "PAYMENT INFO", "PAYMENT RELATED INFO", "ADDL INFO"),
    "id": ("ID",),
    "bo": ("B/O", "BY ORDER OF", "B/O CUSTOMER", "ORDERING CUSTOMER", "ORDERING PARTY"),
    "org": ("ORG", "ORIG"),  # JPMorgan wires: "WIRE TYPE:WIRE IN ... ORIG:ACME CORP ID:123 ..."
    "obi": ("OBI", "ORIGINATOR TO BENEFICIARY INFO", "PAYMENT DETAILS", "PMT DET", "DETAILS", "REMARK"),
    "rfb": ("RFB", "RFB#"),
    "ref": ("REF", "YOUR REF", "CUSTOMER REF"),
    "wire_other": ("VIA", "BNF", "NBNF", "BENEFICIARY", "OGB", "B/O BANK", "ORDERING BANK", "REC FROM",
                   "BBI", "BBK", "IBK", "IMAD", "OMAD", "SRF", "SRF#", "TRN#", "SSN", "FED ID", "FED REF",
                   "CHIP SEQ", "CHIP REF", "MRN SEQ", "REC GFP", "ACCT PARTY", "OUR REF", "A/C",
                   "WIRE TYPE", "SND BK", "SEQ", "TIME", "ET TRN"),
    "trn": ("TRN",),
    "from": ("FROM", "RETURN FROM"),
    "tagged_remit": ("REMITTANCE INFO", "REMI"),
    "dbnm": ("DBNM",),
    "dact": ("DACT",),
    "daba": ("DABA",),
    "tagged_other": ("TO", "RETURN TO", "EREF", "CREF", "CRNM", "CACT", "CABA", "CBIC", "DBIC", "CHKN",
                     "IDNM", "GS ID", "CLIENT REF ID", "RETURN OF CLIENT REF ID", "CLEARING REF",
                     "SETTLED AMT", "FX RATE", "REASON", "RETURN REASON"),
    "remitter": ("REMITTER", "PAYOR", "PAYER", "DRAWER", "REMITTER NAME", "PAYER NAME"),
    "check_no": ("CHECK NO", "CHECK NUMBER", "CHECK #", "CHECK#", "CHK NO", "CHK#", "CHK #",
                 "CHECK SERIAL NUMBER"),
    "micr": ("MICR",),
    "acct": ("ACCT", "ACCT NO", "ACCOUNT", "ACCOUNT NO"),
    "rt": ("RT", "ABA", "ROUTING", "TRANSIT"),
}  # fmt: skip
_FAMILIES = {
    PaymentKind.ACH: {"orig_name", "orig_id", "entry_desc", "ach_other", "ind_id", "ind_name", "addenda"},
    PaymentKind.WIRE: {"bo", "org", "obi", "rfb", "wire_other"},
    PaymentKind.CHECK: {"remitter", "check_no", "micr"},
    PaymentKind.OTHER: {"originator", "dbnm", "dact", "tagged_remit", "tagged_other"},  # the lead decides
}
_STRONG = set().union(*_FAMILIES.values())
#: Labels that may be printed without ``:`` in check and lockbox text.
_BARE = ("remitter", "check_no", "micr", "acct", "rt")
#: Labels some banks glue to the fixed-width field before them ("J1996 OOFFSEC:CCD").
_GLUED = ("SEC", "TRACE#", "EED", "IND ID", "IND NAME", "ORIG ID", "DESC DATE", "CO ENTRY DESCR", "TRN")
_SPELLING = {spelling: key for key, spellings in _LABELS.items() for spelling in spellings}


def _alternatives(spellings: list[str]) -> str:
    ordered = sorted(spellings, key=len, reverse=True)  # the longest label wins at a position
    return "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in ordered)


_START = r"(?<![^\s,;/(])"  # a label starts the text or follows a blank, comma, semicolon or slash
_SEPARATED = rf"{_START}(?P<label>{_alternatives(list(_SPELLING))})(?:\s*[:=]|(?<=#))"
_GLUED_LABEL = rf"(?P<glued>{_alternatives(list(_GLUED))})(?=\s*:)\s*:"
_BARE_LABEL = (
    rf"{_START}(?P<bare>{_alternatives([s for k in _BARE for s in _LABELS[k]])})(?:\s*[:=]|(?<=#)|(?=\s))"
)
_TOKENS = re.compile(rf"(?:{_SEPARATED}|{_GLUED_LABEL})\s*", re.IGNORECASE)
_TOKENS_BARE = re.compile(rf"(?:{_SEPARATED}|{_GLUED_LABEL}|{_BARE_LABEL})\s*", re.IGNORECASE)

_CHECK_TEXT = re.compile(
    r"\b(?:LOCK\s?BOX|REMITTER|PAYOR|DRAWER|MICR|CHE?C?K\s?(?:NO|#|NUM)|CHK|REMOTE\s+DEPOSIT|MOBILE\s+DEPOSIT|"
    r"RDC)\b",
    re.IGNORECASE,
)
_WIRE_TEXT = re.compile(
    r"\b(?:FEDWIRE|FED\s?WIRE|CHIPS|BOOK\s+TRANSFER|WIRE|WT\s+(?:FED|SEQ))", re.IGNORECASE
)
_ACH_TEXT = re.compile(r"\bACH\b", re.IGNORECASE)
#: "WIRE TRANSFER CREDIT VISA INTERNATIONAL 900 METRO CENTER BLVD ...": the sender follows the words.
_WIRE_FROM = re.compile(r"^(?:INCOMING\s+)?WIRE\s+(?:TRANSFER\s+)?(?:CREDIT|IN|FROM)\s+(?P<name>\D.*)$", re.I)
_PROCESSORS = re.compile(
    r"\b(?:STRIPE|PAYPAL|BILL\.?COM|AMEX|AMERICAN\s+EXPRESS|SQUARE,?\s+INC|ADYEN|BRAINTREE|SHOPIFY|"
    r"AUTHORIZE\.NET|WORLDPAY|FISERV|FIRST\s+DATA|HEARTLAND\s+PAYMENT|ELAVON|GLOBAL\s+PAYMENTS|PAYMENTECH|"
    r"TSYS|MERCHANT\s+(?:BNKCD|BANKCARD|SERVICES|SVCS?|SETTLEMENT|DEPOSIT)|BANKCARD|INTUIT|QB\s+PAYMENTS|"
    r"QUICKBOOKS|AVIDXCHANGE|AVID\s?PAY|MELIO|TIPALTI|PAYONEER|PAYMODE|VERSAPAY|BILLTRUST|GOCARDLESS|"
    r"CHECKOUT\.COM|AFTERPAY|KLARNA)\b",
    re.IGNORECASE,
)
_BILL_COM_PAYER = re.compile(r"(?P<name>[^:;]{2,80}?)\s+BILL\.?COM\s+0\w+", re.IGNORECASE)
_BANK = re.compile(
    r"\b(?:BANK|BANCO|BANQUE|BK|BANCORP|N\.A\b|NATIONAL\s+ASSOCIATION|CREDIT\s+UNION|SAVINGS)", re.I
)
_SEC_CODES = frozenset(
    {"CCD", "CCD+", "CTX", "PPD", "PPD+", "WEB", "TEL", "IAT", "CIE", "ARC", "BOC", "POP", "RCK"}
)
_LEGAL_FORMS = frozenset({"INC", "INCORPORATED", "LLC", "LLP", "LP", "LTD", "LIMITED", "CORP", "CORPORATION",
                          "CO", "COMPANY", "PLC", "GMBH", "AG", "NV", "BV", "PC", "PLLC"})  # fmt: skip
_US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "PR",
})  # fmt: skip
_TYPE_KINDS = {
    **dict.fromkeys(("115", "116", "118", "173", "174", "175", "176", "301"), PaymentKind.CHECK),
    **dict.fromkeys(("121", "122", "142", "143", "145", "155", "164", "165", "166", "167", "169"),
                    PaymentKind.ACH),
    **dict.fromkeys(("191", "195", "196", "206", "208"), PaymentKind.WIRE),
}  # fmt: skip
_IND_NAME_LENGTH = 22  # NACHA's individual / receiving company name field
#: Fields that hold one token: what follows it on the same field is spill (BofA's SEC code ...).
_ONE_TOKEN = frozenset({"orig_id", "ach_other", "check_no", "acct", "rt"})
_REMITTANCE_KEYS = frozenset({"entry_desc", "ind_id", "id", "addenda", "obi", "rfb", "ref", "tagged_remit"})


def read_detail_text(text: str, type_code: str = "") -> DetailText:
    """Read the payer, its account, the remittance and its items out of a ``16`` record's text.

    ``type_code`` (the detail's BAI type code) only decides the kind when the text does not.
    Never raises: text in no known layout comes back unchanged as the remittance, without payer.
    """
    original, text = text, " ".join(text.split())
    check_text = _CHECK_TEXT.search(text) is not None
    lead, fields = _fields(text, bare=check_text)
    labels = {key for key, _ in fields}
    kind = _kind(labels & _STRONG, lead if labels else text, type_code)
    if not labels & _STRONG:
        return _unlabelled(original, kind, remittance_items(text))
    values: dict[str, list[str]] = {}
    spill: list[str] = []
    fields = _ordering_ids(fields)
    for key, value in fields:
        if key in _ONE_TOKEN or key == "micr":
            value, rest = _leading_number(value) if key == "micr" else _first_token(value)
            spill.append(" ".join(word for word in rest.split() if word.upper() not in _SEC_CODES))
        elif key == "ind_name":
            value, rest = _split_ind_name(value)
            spill.append(rest)
        values.setdefault(key, []).append(value)
    payer, account = _payer(values, lead)
    if payer and _PROCESSORS.search(payer):
        kind, payer, account = PaymentKind.PROCESSOR, _end_customer(values, spill), ""
    elif not payer and _PROCESSORS.search(lead):
        kind = PaymentKind.PROCESSOR
    sources = [value for key, value in fields if key in _REMITTANCE_KEYS] + spill
    items = remittance_items(" ".join(sources))
    pieces = [_remittance_piece(key, value) for key, value in fields if key in _REMITTANCE_KEYS]
    pieces += [readable(piece) for piece in spill]
    if kind is PaymentKind.CHECK:
        pieces.insert(0, lead)
    unique: dict[str, str] = {}  # tagged layouts repeat the remittance ("Remittance Info:", "REMI:")
    for piece in pieces:
        piece = " ".join(piece.split()).strip("\"' ")
        unique.setdefault(piece.casefold(), piece)
    remittance = " ".join(piece for piece in unique.values() if piece)
    if kind is PaymentKind.CHECK and not items:
        items = invoice_list(remittance)
    return DetailText(payer or None, account or None, remittance, items, kind)


def _fields(text: str, *, bare: bool) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first label, and each label's meaning with the text up to the next."""
    found = list((_TOKENS_BARE if bare else _TOKENS).finditer(text))
    ends = [match.start() for match in found[1:]] + [len(text)] if found else []
    fields = []
    for match, end in zip(found, ends, strict=True):
        label = match.group("label") or match.group("glued") or match.group("bare")
        key = _SPELLING.get(" ".join(label.upper().split()), "")
        fields.append((key, text[match.end() : end].strip().rstrip(",;/ ").strip()))
    lead = text[: found[0].start()] if found else text
    return lead.strip(" ,;-"), fields


def _ordering_ids(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An ``ID:`` straight after a wire's ordering party is that party's account, and after a
    bank (``SND BK:``) the bank's: neither is remittance."""
    found = []
    for at, (key, value) in enumerate(fields):
        before = fields[at - 1][0] if at else ""
        if key == "id" and before in ("org", "bo"):
            key = "org_id"
        elif key == "id" and before == "wire_other":
            key = "wire_other"
        found.append((key, value))
    return found


def _kind(strong: set[str], lead: str, type_code: str) -> PaymentKind:
    for kind in (PaymentKind.ACH, PaymentKind.WIRE, PaymentKind.CHECK):
        if strong & _FAMILIES[kind]:
            return kind
    if _PROCESSORS.search(lead):
        return PaymentKind.PROCESSOR
    for pattern, kind in ((_ACH_TEXT, PaymentKind.ACH), (_WIRE_TEXT, PaymentKind.WIRE)):
        if pattern.search(lead):
            return kind
    if _CHECK_TEXT.search(lead):
        return PaymentKind.CHECK
    return _TYPE_KINDS.get(type_code, PaymentKind.OTHER)


def _unlabelled(text: str, kind: PaymentKind, items: tuple[RemittanceItem, ...]) -> DetailText:
    wired = _WIRE_FROM.match(" ".join(text.split()))
    if wired and not _PROCESSORS.search(text):
        sender = wired.group("name")
        name = _party(sender)[0]
        rest = sender[sender.find(name) + len(name) :] if name and name in sender else sender
        return DetailText(name or None, None, rest.strip(" ,;/"), items, PaymentKind.WIRE)
    return DetailText(None, None, text, items, kind)


def _first_token(value: str) -> tuple[str, str]:
    head, _, rest = value.partition(" ")
    return head, rest


def _leading_number(value: str) -> tuple[str, str]:
    """A MICR line (routing, account, serial: digits and the MICR symbols), and what follows it."""
    found = re.match(r"[\d\s:;/\u2446-\u2449-]*\d", value)
    return (found.group(), value[found.end() :]) if found else ("", value)


def _split_ind_name(value: str) -> tuple[str, str]:
    """The receiver's name, and the addenda some banks print straight after it."""
    segment = re.search(r"(?<![A-Z0-9])[A-Z][A-Z0-9]{1,2}\*", value)
    if segment:
        return value[: segment.start()].strip(), value[segment.start() :]
    words, name = value.split(), ""
    while words and len(f"{name} {words[0]}".strip()) <= _IND_NAME_LENGTH:
        name = f"{name} {words.pop(0)}".strip()
    return name, " ".join(words)


def _payer(values: dict[str, list[str]], lead: str) -> tuple[str, str]:
    """The payer's name and account, in the order the layouts state them most reliably."""
    account = _first(values, "orig_id") or _first(values, "org_id")
    if _first(values, "orig_name"):
        return _first(values, "orig_name"), account
    if "entry_desc" in values and "ind_name" in values and lead:  # BofA: "ACME CORP DES:..."
        return lead, account
    if _first(values, "originator"):
        return _party(_first(values, "originator"))[0], account
    ordering = [_party(v) for v in (*values.get("bo", ()), *values.get("org", ())) if v]
    named = [(name, acct) for name, acct in ordering if name and not _BANK.search(name)]
    name, from_account = (named or ordering or [("", "")])[0]
    account = account or from_account or next((a for _, a in ordering if a), "")
    name = name or _party(_first(values, "from"))[0] or _first(values, "dbnm")
    name = name or _party(_first(values, "remitter"))[0]
    return name, account or _routed(values)


def _routed(values: dict[str, list[str]]) -> str:
    """A debtor or check account, with its routing number when the text gives one."""
    routing, account = _first(values, "daba") or _first(values, "rt"), _first(values, "dact")
    account = account or _first(values, "acct")
    micr = re.findall(r"\d[\d-]*", _first(values, "micr"))
    if len(micr) >= 2:
        routing, account = micr[0], micr[1]
    if routing and account:
        return f"{routing}/{account}"
    return account


def _first(values: dict[str, list[str]], key: str) -> str:
    return next((value for value in values.get(key, ()) if value), "")


def _party(value: str) -> tuple[str, str]:
    """A wire party (``/account NAME ADDRESS`` or SWIFT ``/account 1/NAME 2/ADDRESS``): name, account."""
    account = ""
    found = re.match(r"/\s*([A-Z0-9-]+)\s*(.*)$", value, re.IGNORECASE)
    if found:
        account, value = found.group(1), found.group(2)
    numbered = re.match(r"1/(.*?)(?:\s+[2-8]/.*)?$", value)
    if numbered:
        value = numbered.group(1)
    words, cut = value.split(), False
    for index, word in enumerate(words[1:], start=1):  # a street number or zip code ends the name
        if word[0].isdigit():
            words, cut = words[:index], True
            break
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.strip(",").upper() in _US_STATES and any(c.isdigit() for c in following):
            words = words[:index]  # "FORT WORTH, TX XXXXX4071": a masked zip code
            break
    if cut and len(words) > 1 and words[-1].strip(",").upper() in _US_STATES:
        words.pop()
    for index, word in enumerate(words[1:], start=1):  # "ROLLA BOYS, L.L.C. CENTENNIAL" ends at L.L.C.
        if word.upper().replace(".", "").strip(",") in _LEGAL_FORMS:
            words = words[: index + 1]
            break
    return " ".join(words).strip(" ,;/-"), account


def _end_customer(values: dict[str, list[str]], spill: list[str]) -> str:
    """The customer a processor pays for, where its addenda name one."""
    keys = ("addenda", "obi", "tagged_remit")
    addenda = " ".join([*(value for key in keys for value in values.get(key, ())), *spill])
    named = _BILL_COM_PAYER.search(addenda)
    return n1_payer(addenda) or (named.group("name").strip(" ,;") if named else "")


def _remittance_piece(key: str, value: str) -> str:
    if key == "rfb" and value.upper().startswith("O/B"):
        return ""  # the ordering bank's name, not a reference
    if key == "ref" and re.search(r"/CTR\b", value, re.IGNORECASE):
        return ""  # the bank's routing ("CHASE NYC/CTR/")
    value = re.sub(r"^/(?:URI|ROC|RFB)/", "", value)
    value = re.sub(r"^/INV/", "INV ", value)
    return readable(value).strip(" ;-")
