"""The page's single inference rule: is there a difference against the nation for one outcome?

A difference is stated only when BOTH printed 95 % intervals agree: the O/E interval
(exact Poisson, two decimals) lies on one side of 1 AND the practice-part interval
(bootstrap, one decimal, percentage points) on the same side of 0. Neither interval
includes between-region variation, so the funnel position (against the
overdispersion-adjusted limits when the outcome is overdispersed) is reported beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.chapters.nullipara.funnel import Funnel


def _rounded(value: float, decimals: int) -> float:
    """The value as it is printed (same rounding as ``sv_number``)."""
    return float(f"{float(value):.{decimals}f}")


def _side(low: float | None, high: float | None, centre: float, decimals: int) -> int:
    """+1 when the printed interval lies above ``centre``, −1 below, 0 when it includes it."""
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return 0
    if _rounded(low, decimals) > centre:
        return 1
    if _rounded(high, decimals) < centre:
        return -1
    return 0


@dataclass(frozen=True)
class Verdict:
    """The rule's answer for one outcome in the home region (see the module docstring)."""

    key: str
    direction: int  # +1 more than expected, −1 fewer, 0 no difference shown
    oe_side: int
    practice_side: int
    position: str | None  # funnel position ('within', 'above 95%', …); None when unknown
    adjusted: bool  # the position is judged against overdispersion-adjusted limits

    @property
    def outside(self) -> bool:
        return self.position is not None and self.position != "within"


def judge(key: str, entry: Mapping[str, Any], position: str | None = None, adjusted: bool = False) -> Verdict:
    """Apply the page's inference rule to one results entry (see ``Verdict``)."""
    oe_side = _side(entry.get("oe_low"), entry.get("oe_high"), 1.0, 2)
    practice_side = _side(entry.get("practice_part_low"), entry.get("practice_part_high"), 0.0, 1)
    direction = oe_side if oe_side == practice_side else 0
    return Verdict(key, direction, oe_side, practice_side, position, adjusted)


def funnel_position(funnel: Funnel, region: str) -> tuple[str | None, bool]:
    """The region's position in the funnel (None when not drawn) and whether adjusted limits apply."""
    pts = funnel.points
    row = pts[pts["region"].astype(str) == region]
    position = str(row["position"].iloc[0]) if len(row) and not bool(row["suppressed"].iloc[0]) else None
    adjusted = bool(funnel.dispersion.overdispersed and funnel.dispersion.tau2 > 0)
    return position, adjusted
