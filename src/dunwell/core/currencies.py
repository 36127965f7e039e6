"""ISO 4217 currency codes and their minor-unit exponents.

Kept as data in the core (which may use the standard library only) so that money never depends on
a locale library. Funds and precious-metal codes without minor units are deliberately absent: an
invoice in XAU is a mistake we want to reject.
"""

from __future__ import annotations

from types import MappingProxyType

from dunwell.core.errors import CurrencyError

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
    "GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP "
    "LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR "
    "NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN "
    "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR "
    "ZMW ZWG"
)


def _table() -> dict[str, int]:
    table: dict[str, int] = {}
    for exponent, codes in (
        (0, _ZERO_DECIMALS),
        (2, _TWO_DECIMALS),
        (3, _THREE_DECIMALS),
        (4, _FOUR_DECIMALS),
    ):
        for code in codes.split():
            table[code] = exponent
    return table


MINOR_UNIT_EXPONENTS = MappingProxyType(_table())


def is_currency(code: str) -> bool:
    """True when ``code`` is an active ISO 4217 code with minor units (upper case, three letters)."""
    return code in MINOR_UNIT_EXPONENTS


def minor_unit_exponent(code: str) -> int:
    """Number of decimals of ``code``'s minor unit (JPY 0, USD 2, KWD 3).

    Raises ``CurrencyError`` for an unknown code.
    """
    try:
        return MINOR_UNIT_EXPONENTS[code]
    except KeyError:
        raise CurrencyError(f"unknown currency {code!r} (expected an ISO 4217 code such as USD)") from None
