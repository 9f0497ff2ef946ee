"""The calibration page's figures: cohort size, checks within tolerance, region-minus-nation directions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DIRECTIONS = ("same", "weaker", "opposite", "unclear")


@dataclass(frozen=True)
class Cohort:
    """Size of the births data: deliveries, regions, years and deliveries per year (rounded to thousands)."""

    deliveries: int
    regions: int
    years: int
    per_year: float


@dataclass(frozen=True)
class GapCounts:
    """How many indicators reproduce the region's published gap to the nation, by direction."""

    gaps: int
    same: int
    weaker: int
    opposite: int
    unclear: int
    weaker_labels: tuple[str, ...]  # weaker or opposite, lower case, in table order


def cohort(births: pd.DataFrame, years: int) -> Cohort:
    return Cohort(
        deliveries=len(births),
        regions=int(births["region"].nunique()),
        years=years,
        per_year=float(round(len(births) / years, -3)),
    )


def within_count(table: pd.DataFrame) -> int:
    """Checks within tolerance (0 for an empty table)."""
    return int(table["within_tolerance"].sum()) if len(table) else 0


def gap_counts(gaps: pd.DataFrame) -> GapCounts:
    """Counts per direction; ``weaker_labels`` names the weaker and opposite ones."""
    if gaps.empty:
        return GapCounts(0, 0, 0, 0, 0, ())
    direction = gaps["direction"]
    n = {d: int((direction == d).sum()) for d in DIRECTIONS}
    labels = gaps.loc[direction.isin(["weaker", "opposite"]), "label_sv"].str.lower()
    return GapCounts(len(gaps), n["same"], n["weaker"], n["opposite"], n["unclear"], tuple(labels))


RESULT_COLUMNS = ["region_code", "indicator", "synthetic", "published", "tolerance", "within_tolerance"]


def result_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The calibration table's pinned columns, one record per check."""
    if table.empty:
        return []
    return [{str(k): v for k, v in r.items()} for r in table[RESULT_COLUMNS].to_dict(orient="records")]
