"""Billing addresses for simulated customers, derived from the customer number alone (like the
portfolio owner): the simulator's random streams are left untouched, so adding addresses moved no
simulated figure. Plausible, not real: street and town names per country, a postcode of the
country's shape."""

from __future__ import annotations

import hashlib

_STREETS = {
    "US": (
        "Main Street",
        "Oak Avenue",
        "Market Street",
        "Industrial Parkway",
        "Commerce Drive",
        "Elm Street",
    ),
    "CA": ("King Street West", "Rue Sainte-Catherine", "Portage Avenue", "Granville Street", "Bay Street"),
    "GB": ("High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street"),
    "DE": ("Hauptstraße", "Industriestraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"),
}
_TOWNS = {
    "US": (("Springfield", "IL"), ("Columbus", "OH"), ("Albany", "NY"), ("Austin", "TX"), ("Madison", "WI")),
    "CA": (("Toronto", "ON"), ("Montréal", "QC"), ("Winnipeg", "MB"), ("Vancouver", "BC")),
    "GB": (("Leeds", ""), ("Bristol", ""), ("Norwich", ""), ("York", "")),
    "DE": (("Berlin", ""), ("Köln", ""), ("Leipzig", ""), ("Mainz", "")),
}


def simulated_address(customer_id: str, country: str) -> dict[str, str]:
    """``address_line1``, ``postal_code``, ``city`` and ``region`` for a customer (a country the
    simulator does not bill in gets the US shapes)."""
    where = country if country in _STREETS else "US"
    seed = int.from_bytes(hashlib.sha256(customer_id.encode()).digest()[:8], "big")
    street = _STREETS[where][seed % len(_STREETS[where])]
    town, region = _TOWNS[where][(seed // 7) % len(_TOWNS[where])]
    number = 1 + (seed // 97) % 980
    digits = f"{(seed // 1013) % 100_000:05d}"
    if where == "GB":
        code = f"LS{digits[0]} {digits[1]}{chr(65 + seed % 26)}{chr(65 + (seed // 26) % 26)}"
    elif where == "CA":
        code = f"M{digits[0]}A {digits[1]}B{digits[2]}"
    else:
        code = digits
    line = f"{street} {number}" if where == "DE" else f"{number} {street}"
    return {"address_line1": line, "postal_code": code, "city": town, "region": region}
