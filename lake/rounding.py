"""Rounding as DfE publishes figures: halves round up (away from zero), never to even.

Python's round() and f-string formats round halves to even ("3.25" -> "3.2") and binary floats
land either side of a half ("0.145 * 100" is 14.4999...), and Plotly's d3 formats do the same in
the browser. So every figure, table cell, chart label and hover the dashboard shows is rounded
here, in decimal arithmetic on the number as written (its shortest repr), and charts are given
the finished text rather than a d3 format. One definition: no two places can disagree.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "–"


def _decimal(value: object) -> Decimal | None:
    """The number as written (3.25, not the binary 3.24999...), or None for blanks and NaN."""
    if value is None or isinstance(value, str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    try:
        return Decimal(repr(number))
    except InvalidOperation:
        return None


def _quantize(number: Decimal, digits: int) -> Decimal:
    out = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return out.copy_abs() if out == 0 else out          # never "-0.0"


def round_half_up(value: object, digits: int = 0) -> float | None:
    """`value` rounded half up to `digits` decimals (None for blanks): 3.25 -> 3.3, 2.5 -> 3, -2.5 -> -3."""
    number = _decimal(value)
    return None if number is None else float(_quantize(number, digits))


def number(value: object, digits: int = 0, suffix: str = "", thousands: bool = True) -> str:
    """A number as shown: '3.3', '1,250', '–' for blanks."""
    d = _decimal(value)
    if d is None:
        return DASH
    return format(_quantize(d, digits), ",f" if thousands else "f") + suffix


def percent(share: object, digits: int = 0) -> str:
    """A share (0-1) as a percentage: 0.125 -> '13%'."""
    d = _decimal(share)
    if d is None:
        return DASH
    return format(_quantize(d * 100, digits), "f") + "%"


def percent_value(share: object, digits: int = 1) -> float | None:
    """A share (0-1) as a rounded percentage number, for table columns: 0.125 -> 12.5 (1 decimal)."""
    d = _decimal(share)
    return None if d is None else float(_quantize(d * 100, digits))


def signed(value: object, digits: int = 0, suffix: str = "") -> str:
    """A change with its sign: +2.5 -> '+3', -0.25 at 1 decimal -> '-0.3'; '0' has no sign."""
    d = _decimal(value)
    if d is None:
        return DASH
    q = _quantize(d, digits)
    sign = "+" if q > 0 else ""
    return sign + format(q, ",f") + suffix


def is_zero(value: object, digits: int = 0) -> bool:
    """True when the value rounds to nothing at `digits` decimals."""
    d = _decimal(value)
    return d is not None and _quantize(d, digits) == 0


def trimmed(value: object, digits: int = 2) -> str:
    """A number rounded half up to at most `digits` decimals with trailing zeros dropped: 3.25 -> '3.25',
    9.5 -> '9.5', 1250.0 -> '1,250'."""
    d = _decimal(value)
    if d is None:
        return DASH
    text = format(_quantize(d, digits), ",f")
    return text.rstrip("0").rstrip(".") if "." in text else text
