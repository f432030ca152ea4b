"""Prices: an integer amount in the currency's minor units and an ISO 4217 code (API.md).

Zero-decimal currencies (RWF, UGX, XAF, …) have no minor unit, so their amount is in whole units;
three-decimal ones (BHD, KWD, …) count thousandths. The exponent bounds a sane price here.
"""

from __future__ import annotations


def _exponent(codes: str, exponent: int) -> dict[str, int]:
    return dict.fromkeys(codes.split(), exponent)


# Active ISO 4217 currency codes → minor-unit exponent. Funds, precious metals and test codes
# (XAU, XDR, XTS, XXX, …) are not prices and are left out.
CURRENCY_EXPONENTS: dict[str, int] = {
    **_exponent(
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN "
        "BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL "
        "GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK "
        "LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO "
        "NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE "
        "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST "
        "XCD XCG YER ZAR ZMW ZWG",
        2,
    ),
    **_exponent("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF", 0),
    **_exponent("BHD IQD JOD KWD LYD OMR TND", 3),
}

# The most a course may cost, in major units of any currency (some currencies count thousands
# of units per US dollar, so the bound is generous; it catches slips like minor units twice).
MAX_MAJOR_UNITS = 100_000_000


def is_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENTS


def max_amount(code: str) -> int:
    """The largest ``amount`` (minor units) accepted for a price in ``code``."""
    return MAX_MAJOR_UNITS * 10 ** CURRENCY_EXPONENTS[code]
