"""Who paid, as a bank shows it: master names with other legal forms, names as banks print them
(upper case, abbreviated, with the address run in and cut), trade names, payment processors, and
IBANs with valid check digits for European payers."""

from __future__ import annotations

import random
import string

from stdnum import iban
from stdnum.be import ogm_vcs

_SIM_SUFFIXES = ("Inc.", "LLC", "Ltd", "Corp.", "Co.")
#: Legal forms by country, as the master data spells them.
LEGAL_FORMS = {
    "DE": ("GmbH", "GmbH", "AG", "GmbH & Co. KG"),
    "AT": ("GmbH",),
    "NL": ("B.V.", "B.V.", "N.V."),
    "BE": ("BV", "NV", "SRL"),
    "FR": ("SARL", "S.A.S.", "SA"),
    "FI": ("Oy", "Oyj"),
}
#: How banks print legal forms: the master spelling, then the printed ones.
_PRINTED_FORMS = {
    "Inc.": ("INC", "INC."),
    "Corp.": ("CORP", "CORPORATION"),
    "Co.": ("CO", "COMPANY"),
    "Ltd": ("LTD", "LIMITED"),
    "GmbH": ("GMBH",),
    "B.V.": ("BV", "B.V."),
    "S.A.S.": ("SAS",),
    "GmbH & Co. KG": ("GMBH + CO. KG", "GMBH CO KG"),
}
_ABBREVIATIONS = {
    "INTERNATIONAL": "INTL", "MANUFACTURING": "MFG", "SERVICES": "SVCS", "DISTRIBUTION": "DISTR",
    "BROTHERS": "BROS", "HOLDINGS": "HLDGS", "FOODS": "FDS",
}  # fmt: skip
_TRADE_FIRST = ("Northwind", "Blue Harbor", "Redwood", "Summit", "Lakeside", "Iron Gate", "Golden Oak",
                "Silver Creek", "Pioneer", "Harborview", "Cedar Ridge", "Eagle Point")  # fmt: skip
_TRADE_SECOND = ("Supply", "Market", "Trading", "Outfitters", "Provisions", "Wholesale", "Depot", "Group")
_STREETS = (
    "MAIN STREET",
    "INDUSTRIAL PKWY",
    "COMMERCE DRIVE",
    "HAUPTSTRASSE",
    "KERKSTRAAT",
    "RUE DE LA GARE",
)
_CITIES = ("SPRINGFIELD", "RIVERSIDE", "FRANKFURT AM MAIN", "ROTTERDAM", "LYON", "COLUMBUS", "ESPOO")
#: Payment processors paying on a customer's behalf: the name pattern and their own account.
PROCESSORS = (
    ("STRIPE", "US00STRP0000000000001"),
    ("PAYPAL *{short}", "US00PYPL0000000000002"),
    ("BILL.COM", "US00BILL0000000000003"),
    ("MELIO PAYMENTS INC", "US00MELI0000000000004"),
    ("AVIDXCHANGE INC", "US00AVDX0000000000005"),
)
_NL_BANKS = ("ABNA", "INGB", "RABO", "TRIO", "SNSB")
#: Master names as real books have them: a family or place name and a trade, no serial numbers.
#: The simulator's own names ("Oscorp Brothers 225 Co.") share their first words by the dozen, so
#: a bank's 16-character cut would collide far more often than it does in a real book.
_FIRST = (
    "Abbott", "Ashford", "Bellamy", "Blackwood", "Bradley", "Brennan", "Calloway", "Carver", "Castell",
    "Chandler", "Coleridge", "Crawford", "Dalton", "Delaney", "Donovan", "Eastman", "Ellison",
    "Fairbanks", "Fenwick", "Fletcher", "Garrison", "Gilmore", "Granger", "Hadley", "Halloran",
    "Harrington", "Hawthorne", "Holloway", "Huxley", "Irving", "Jennings", "Kendall", "Kingsley",
    "Lancaster", "Langford", "Lockhart", "Maddox", "Marlowe", "Merritt", "Montague", "Norwood",
    "Oakley", "Pemberton", "Prescott", "Quincy", "Radcliffe", "Remington", "Rutherford", "Sinclair",
    "Stafford", "Sterling", "Sutton", "Thornton", "Underwood", "Vance", "Wakefield", "Whitaker",
    "Winslow", "Yardley", "Zeller", "Blue Ridge", "Cedar Valley", "Clearwater", "Copper Hill",
    "Eagle Creek", "Fox River", "Granite State", "Green Valley", "High Plains", "Lone Star",
    "Maple Grove", "Mill Creek", "North Shore", "Old Mill", "Pine Bluff", "Prairie", "Red Rock",
    "River Bend", "Rocky Mountain", "Sandy Point", "Silver Lake", "South Bay", "Stone Bridge",
    "Sunrise", "Twin Oaks", "West End", "White Pine", "Willow Brook",
)  # fmt: skip
_TRADES = (
    "Foods", "Fresh Foods", "Provisions", "Grocers", "Market", "Dairy", "Bakery", "Meats", "Produce",
    "Catering", "Restaurants", "Hospitality", "Hotels", "Distribution", "Supply", "Wholesale",
    "Trading", "Logistics", "Manufacturing", "Industries", "Services", "Health Systems", "Schools",
    "Holdings", "Group", "Partners", "Enterprises", "Brands", "Beverages", "Kitchens",
)  # fmt: skip


def realistic_names(customer_ids: list[str], rng: random.Random) -> dict[str, str]:
    """A master name per customer, distinct in the first 16 characters where the vocabulary allows
    (as most real books are, not all)."""
    found: dict[str, str] = {}
    cuts: set[str] = set()
    for customer_id in customer_ids:
        name = ""
        for _ in range(30):
            name = f"{rng.choice(_FIRST)} {rng.choice(_TRADES)} {rng.choice(_SIM_SUFFIXES)}"
            if name.upper()[:16] not in cuts and name not in found.values():
                break
        cuts.add(name.upper()[:16])
        found[customer_id] = name
    return found


def base_name(name: str) -> str:
    """The simulator's name without its legal form."""
    words = name.split()
    return " ".join(words[:-1]) if words and words[-1] in _SIM_SUFFIXES else name


def with_form(name: str, form: str) -> str:
    return f"{base_name(name)} {form}"


def printed(rng: random.Random, name: str) -> str:
    """``name`` as a bank prints it: upper case, legal form and long words abbreviated at times."""
    for form, shown in _PRINTED_FORMS.items():
        if name.endswith(" " + form):
            name = f"{name[: -len(form) - 1]} {rng.choice(shown)}"
            break
    words = name.upper().split()
    if rng.random() < 0.5:
        words = [_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words).replace(".", "" if rng.random() < 0.5 else ".")


def address(rng: random.Random) -> str:
    return f"{rng.randint(1, 9999)} {rng.choice(_STREETS)} {rng.choice(_CITIES)}"


def trade_name(rng: random.Random) -> str:
    return f"{rng.choice(_TRADE_FIRST)} {rng.choice(_TRADE_SECOND)}"


def processor_name(pattern: str, name: str) -> str:
    short = "".join(c for c in base_name(name).upper() if c.isalnum())[:10]
    return pattern.format(short=short)


def european_iban(rng: random.Random, country: str) -> str:
    """A well-formed IBAN of ``country`` (DE, AT, NL, BE, FR, FI; others read as DE)."""

    def digits(n: int) -> str:
        return "".join(rng.choice(string.digits) for _ in range(n))

    if country == "NL":
        bban = rng.choice(_NL_BANKS) + digits(10)
    elif country == "BE":
        base = digits(10)
        bban = base + ogm_vcs.calc_check_digits(base)
    elif country == "FR":
        bank, branch, account = digits(5), digits(5), digits(11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
    elif country == "FI":
        base = digits(13)
        bban = base + _luhn(base)
    elif country == "AT":
        bban = digits(16)
    else:
        country, bban = "DE", digits(18)
    return f"{country}{iban.calc_check_digits(country + '00' + bban)}{bban}"


def _luhn(digits: str) -> str:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)
