"""Amounts as the mobile-money APIs write them: in major units (``"10.50"`` EUR, ``"5000"`` RWF),
while ours are minor units (ISO 4217 exponent; zero-decimal currencies in whole units)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# ISO 4217 exponents of the currencies MTN and Airtel collect in (absent: 2).
EXPONENT = {
    "RWF": 0,
    "UGX": 0,
    "XAF": 0,
    "XOF": 0,
    "GNF": 0,
    "MGA": 0,
    "KMF": 0,
    "BIF": 0,
    "DJF": 0,
}


def to_major(amount: int, currency: str) -> str:
    digits = EXPONENT.get(currency.upper(), 2)
    if digits == 0:
        return str(amount)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"


def from_major(value: object, currency: str | None) -> int | None:
    """``"10.50"`` EUR → 1050; None when the value is not a plain amount."""
    if currency is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        minor = Decimal(str(value)).scaleb(EXPONENT.get(currency.upper(), 2))
    except InvalidOperation:
        return None
    return int(minor) if minor == minor.to_integral_value() else None
