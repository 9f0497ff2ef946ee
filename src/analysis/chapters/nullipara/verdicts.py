"""The book's single inference rule: is the home region different from the nation for one outcome?

The rule (stated in the page's method text, used by the chapter and the option pages):

* The region's O/E is placed in the outcome's funnel plot. When the regions differ more than
  chance explains (Spiegelhalter's overdispersion test), the limits are widened by the
  between-region variance τ² (random-effects limits, as the NMPA does; Spiegelhalter 2005);
  otherwise the limits are the exact ones.
* Six outcomes are judged at once, so one of them is expected outside its 95 % limits every
  few reports by chance alone. "Clearly different" (``direction`` ±1) therefore needs the region
  outside the 99.8 % limits; outside the 95 % limits only is a "possible" difference (``signal``
  ±1, ``direction`` 0).
* The comparison uses unrounded values; O = E is tested once (the funnel), not again on the
  printed O/E interval or the practice-part interval, which are descriptive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.chapters.nullipara.funnel import Funnel

CLEAR_LEVEL = 0.998  # outside these limits: "clearly different"
SIGNAL_LEVEL = 0.95  # outside these (but not the outer) limits: "possibly different"


def _sign(position: str) -> int:
    return 1 if position.startswith("above") else (-1 if position.startswith("below") else 0)


@dataclass(frozen=True)
class Verdict:
    """The rule's answer for one outcome in the home region (see the module docstring)."""

    key: str
    direction: int  # +1 clearly more than expected (outside 99.8 %), −1 clearly fewer, 0 otherwise
    signal: int  # ±1 outside the 95 % limits (possible difference), 0 within them
    position: str | None  # funnel position ('within', 'above 95%', 'below 99.8%', …); None when unknown
    adjusted: bool  # the position is judged against overdispersion-adjusted limits

    @property
    def outside(self) -> bool:
        return self.position is not None and self.position != "within"

    @property
    def strength(self) -> str:
        """'clear', 'possible', 'none' or 'unknown' (no funnel position)."""
        if self.position is None:
            return "unknown"
        return "clear" if self.direction else ("possible" if self.signal else "none")

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "signal": self.signal,
            "strength": self.strength,
            "funnel_position": self.position,
            "adjusted_limits": self.adjusted,
            "clear_level": CLEAR_LEVEL,
            "signal_level": SIGNAL_LEVEL,
        }


def judge(key: str, position: str | None, adjusted: bool = False) -> Verdict:
    """Apply the rule to a funnel position ('within', 'above 95%', 'below 99.8%', …; None = not drawn)."""
    if position is None:
        return Verdict(key, 0, 0, None, adjusted)
    sign = _sign(position)
    clear = position.endswith(f"{CLEAR_LEVEL * 100:g}%")
    return Verdict(key, sign if clear else 0, sign, position, adjusted)


def judge_stored(key: str, stored: Mapping[str, Any] | None) -> Verdict | None:
    """Re-apply the rule to a verdict read back from a results file (None when there is none)."""
    if not isinstance(stored, Mapping) or "funnel_position" not in stored:
        return None
    position = stored.get("funnel_position")
    return judge(key, None if position is None else str(position), bool(stored.get("adjusted_limits", False)))


def funnel_position(funnel: Funnel, region: str) -> tuple[str | None, bool]:
    """The region's position in the funnel (None when not drawn) and whether adjusted limits apply."""
    pts = funnel.points
    row = pts[pts["region"].astype(str) == region]
    position = str(row["position"].iloc[0]) if len(row) and not bool(row["suppressed"].iloc[0]) else None
    adjusted = bool(funnel.dispersion.overdispersed and funnel.dispersion.tau2 > 0)
    return position, adjusted


def judge_funnel(key: str, funnel: Funnel, region: str) -> Verdict:
    """The verdict for one outcome from its funnel (the one call the chapter makes)."""
    return judge(key, *funnel_position(funnel, region))
