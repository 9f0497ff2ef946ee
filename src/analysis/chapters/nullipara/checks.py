"""Parameter checks of the first-time-mothers chapter (looked up by the pipeline by chapter name)."""

from __future__ import annotations

from typing import Any


def check_outcomes(value: Any) -> str | None:
    from analysis.chapters.nullipara.outcomes import OUTCOME_KEYS

    allowed = list(OUTCOME_KEYS)
    unknown = [v for v in str(value).split(",") if v.strip() and v.strip() not in allowed]
    return f"unknown outcome(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}" if unknown else None


CHECKS = {"outcomes": check_outcomes}
