"""Published statistics shipped with the package, shown in the book as real figures.

``data/published_indicators.csv`` holds the Medical Birth Register (MFR, Socialstyrelsen) 2023
regional tables for the 21 regions and Riket (``region_code`` "00"), older national series, and
the register and survey figures quoted in Region Västmanland's 2025 report (quality
``secondary``). It was carried over from the project's reference file ``region_indicators.csv``
with a region code added; every row keeps its source, year as published, and quality flag.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.common.paths import PACKAGE_DATA

RIKET = "00"
COLUMNS: tuple[str, ...] = (
    "region_code",
    "region",
    "year",
    "indicator",
    "value",
    "unit",
    "denominator",
    "source",
    "quality",
    "notes",
)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    frame = pd.read_csv(PACKAGE_DATA / "published_indicators.csv", dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    return frame[list(COLUMNS)]


def indicators() -> pd.DataFrame:
    """All published figures, one row per region, year and indicator (a copy, safe to modify)."""
    return _table().copy()


def value(indicator: str, region_code: str, year: str = "2023") -> float:
    """One published figure; raises ``KeyError`` naming what exists when the combination is missing."""
    table = _table()
    rows = table[(table["indicator"] == indicator) & (table["region_code"] == region_code) & (table["year"] == year)]
    if len(rows) == 1:
        return float(rows["value"].iloc[0])
    if table["indicator"].eq(indicator).sum() == 0:
        raise KeyError(f"published indicator {indicator!r} does not exist")
    available = table[table["indicator"] == indicator]
    pairs = sorted({f"{r}/{y}" for r, y in zip(available["region_code"], available["year"], strict=True)})
    raise KeyError(
        f"no published value for {indicator!r}, region {region_code!r}, year {year!r}; "
        f"available region/year: {', '.join(pairs[:30])}"
    )


def regional(indicator: str, year: str = "2023") -> pd.Series:
    """One indicator for every region that publishes it, indexed by region code (Riket excluded)."""
    table = _table()
    rows = table[(table["indicator"] == indicator) & (table["year"] == year) & (table["region_code"] != RIKET)]
    return rows.set_index("region_code")["value"].sort_index()


def latest(indicator: str, region_code: str) -> tuple[float, str]:
    """The last published value of an indicator for a region and its years as the book prints them
    ('2023–2024', without the data file's '(not stated)' note); raises ``KeyError`` when there is none."""
    table = _table()
    rows = table[(table["indicator"] == indicator) & (table["region_code"] == region_code)]
    if rows.empty:
        raise KeyError(f"published_indicators.csv: no row for indicator {indicator!r} and region {region_code}")
    return float(rows["value"].iloc[-1]), str(rows["year"].iloc[-1]).split("(")[0].strip().replace("-", "–")
