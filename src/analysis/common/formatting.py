"""One Swedish formatting rule for every number the book shows.

Decimal comma, a no-break space between thousands (also in four-digit numbers: ``1 000``),
a true minus sign, ``–`` for a missing value, ``12,3 %`` for percentages and ``a, b och c``
for lists. Every chapter formats through these functions so a figure looks the same on
every page.

The precision rule (written out for readers in ``book/data_och_metod.md``, "Siffror och ord"):
``DECIMALS`` gives the decimals per kind of figure, an interval always has the decimals of
its estimate (``11,8 (11,5–12,0)``, ``0,53 (0,26–1,00)``), and estimated counts in prose are
rounded (``sv_count(…, step=10)``). Rounding for display never changes the results JSON,
which keeps the unrounded figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

MISSING = "–"
NBSP = "\u00a0"
MINUS = "\u2212"
EN_DASH = "–"

#: Decimals per kind of figure (the book's precision rule).
DECIMALS: dict[str, int] = {
    "count": 0,  # people, births, deliveries, units (estimates rounded further in prose: sv_count)
    "pct": 1,  # shares in per cent: 12,3 %
    "pp": 1,  # differences of shares, in percentage points
    "ratio": 2,  # O/E, odds ratios, risk ratios: 0,87
    "minutes": 0,  # travel times
    "days": 1,  # length of stay
    "years": 1,  # mean ages
}


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
    """``low–high`` with the same number of decimals on both ends (``11,5–12,0``).

    When an end is negative the dash would read as a minus, so the ends are joined with
    ``till`` (``−0,50 till 0,10``), as Swedish typography prescribes.
    """
    if _missing(low) or _missing(high):
        return MISSING
    lo, hi = sv_number(low, decimals), sv_number(high, decimals)
    sep = " till " if MINUS in lo + hi else EN_DASH
    return f"{lo}{sep}{hi}" + (f"{NBSP}%" if pct else "")


def sv_estimate(value: float | None, low: float | None, high: float | None, decimals: int = 0, pct: bool = False) -> str:
    """``value (low–high)`` with the estimate's decimals on both bounds: ``11,8 (11,5–12,0)``.

    ``pct=True`` puts the unit once, after the estimate: ``11,8 % (11,5–12,0)``.
    """
    if _missing(value):
        return MISSING
    head = sv_pct(value, decimals) if pct else sv_number(value, decimals)
    if _missing(low) or _missing(high):
        return head
    return f"{head} ({sv_range(low, high, decimals)})"


def sv_ratio(value: float | None, low: float | None = None, high: float | None = None) -> str:
    """An O/E or odds ratio with two decimals, its interval (if given) with two as well: ``0,53 (0,26–1,00)``."""
    return sv_estimate(value, low, high, DECIMALS["ratio"])


def sv_count(value: float | None, step: int = 1) -> str:
    """A count rounded to a multiple of ``step`` (estimates in prose: ``step=10`` gives ``2 570``)."""
    if _missing(value):
        return MISSING
    return sv_number(round_half_up(float(value) / step) * step, 0)  # type: ignore[arg-type]


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
