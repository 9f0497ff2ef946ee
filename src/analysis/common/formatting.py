"""One Swedish formatting rule for every number the book shows.

Decimal comma, a no-break space between thousands, a true minus sign, ``–`` for a
missing value, ``12,3 %`` for percentages and ``a, b och c`` for lists. Every chapter
formats through these functions so a figure looks the same on every page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

MISSING = "–"
NBSP = "\u00a0"
MINUS = "\u2212"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def sv_number(value: float | int | None, decimals: int = 0) -> str:
    """Swedish number: decimal comma and a (no-break) space between thousands; '–' for missing."""
    if _missing(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    if text.lstrip("-").strip("0,.") == "":  # never print "−0" or "−0,0"
        text = text.lstrip("-")
    return text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)


def sv_pct(value: float | None, decimals: int = 1) -> str:
    """A percentage already on the 0–100 scale, Swedish style: ``12,3 %``."""
    return MISSING if _missing(value) else f"{sv_number(value, decimals)}{NBSP}%"


def sv_range(low: float | None, high: float | None, decimals: int = 0, pct: bool = False) -> str:
    """``low–high`` with the same number of decimals on both ends (``11,5–12,0``)."""
    fmt = sv_pct if pct else sv_number
    if _missing(low) or _missing(high):
        return MISSING
    if pct:
        return f"{sv_number(low, decimals)}–{sv_number(high, decimals)}{NBSP}%"
    return f"{fmt(low, decimals)}–{fmt(high, decimals)}"


def sv_estimate(value: float | None, low: float | None, high: float | None, decimals: int = 0) -> str:
    """``value (low–high)`` with one precision throughout."""
    if _missing(value):
        return MISSING
    if _missing(low) or _missing(high):
        return sv_number(value, decimals)
    return f"{sv_number(value, decimals)} ({sv_range(low, high, decimals)})"


def sv_list(items: Iterable[str], conjunction: str = "och") -> str:
    """``a``, ``a och b``, ``a, b och c``; an empty list gives an empty string."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def round_half_up(value: float) -> int:
    """Round .5 away from zero (Python's ``round`` rounds half to even)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def round_to(value: float, step: float = 10) -> float:
    """Round to a multiple of ``step`` (estimates shown as tens, hundreds …)."""
    return float(round(value / step) * step)


def sv_table(df: pd.DataFrame, decimals: dict[str, int] | None = None, pct: tuple[str, ...] = ()) -> pd.DataFrame:
    """Format a display table's numbers the Swedish way (strings; NaN shown as '–')."""
    decimals = decimals or {}
    out = df.copy()
    for col in out.columns:
        if col in pct:
            out[col] = [sv_pct(v, decimals.get(col, 1)) for v in out[col]]
        elif pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = [sv_number(v, decimals.get(col, 0)) for v in out[col]]
    return out
