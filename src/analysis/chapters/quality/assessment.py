"""The data-quality verdict per unit (one region's deliveries in one year) and the units left out of comparisons.

For every variable in ``data/quality_thresholds.yml`` and every unit: how many rows, how many with a value,
how many of those implausible. A unit fails a variable below the minimum completeness or above the maximum
implausible share; :func:`excluded_units` lists the failures a page must honour and :func:`gate` drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from analysis.chapters.quality.thresholds import Implausible, Thresholds, VariableRule, load_thresholds
from analysis.common.disclosure import threshold

Reason = Literal["completeness", "implausible"]
UNIT = ["region", "year"]
EXCLUDED_COLUMNS = ["region", "year", "column", "reason", "share", "limit", "hidden", "pages"]

_OPS = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}


@dataclass(frozen=True)
class Assessment:
    """``units``: one row per unit and variable (region, year, column, n, present, implausible, shares, verdicts);
    ``excluded``: one row per failed unit and variable (see :data:`EXCLUDED_COLUMNS`)."""

    units: pd.DataFrame
    excluded: pd.DataFrame
    thresholds: Thresholds

    @property
    def n_units(self) -> int:
        return int(self.units[UNIT].drop_duplicates().shape[0])


def implausible_mask(frame: pd.DataFrame, rule: Implausible) -> np.ndarray:
    """Rows matching any alternative of the rule; a missing value in a condition's column never matches."""
    out = np.zeros(len(frame), dtype=bool)
    for alternative in rule.alternatives:
        hit = np.ones(len(frame), dtype=bool)
        for c in alternative:
            if c.column not in frame:
                hit[:] = False
                break
            values = pd.to_numeric(frame[c.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                hit &= _OPS[c.op](values, c.value)
        out |= hit
    return out


def small(count: pd.Series | np.ndarray) -> np.ndarray:
    """Counts from 1 to below the disclosure threshold: a figure built on them must not be shown exactly."""
    values = np.asarray(count, dtype=float)
    return (values >= 1) & (values < threshold())


def _flags(df: pd.DataFrame, variables: tuple[VariableRule, ...]) -> pd.DataFrame:
    cols: dict[str, np.ndarray] = {}
    for v in variables:
        present = df[v.column].notna().to_numpy(dtype=bool) if v.column in df else np.zeros(len(df), dtype=bool)
        cols[f"present|{v.column}"] = present
        bad = implausible_mask(df, v.implausible) if v.implausible is not None else np.zeros(len(df), dtype=bool)
        cols[f"implausible|{v.column}"] = bad & present
    flags = pd.DataFrame(cols, index=df.index)
    flags["region"] = _text(df["region"])
    flags["year"] = df["year"].astype(int).to_numpy()
    return flags


def _text(series: pd.Series) -> np.ndarray:
    """``series.astype(str).to_numpy()``; a categorical without missing values converts its categories once."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if not (codes < 0).any():
            return np.asarray(np.asarray(series.cat.categories.astype(str), dtype=object)[codes], dtype=object)
    return np.asarray(series.astype(str).to_numpy(), dtype=object)


def unit_table(df: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Counts, shares and verdicts per unit and variable (tidy; sorted by region, year, variable order)."""
    variables = thresholds.variables
    flags = _flags(df, variables)
    grouped = flags.groupby(UNIT, sort=True)
    sums = grouped.sum()
    sizes = grouped.size()  # the rows per unit, grouped by the same region and year text as the sums
    frames = []
    for order, v in enumerate(variables):
        part = pd.DataFrame(
            {
                "column": v.column,
                "order": order,
                "n": sizes.to_numpy(),
                "present": sums[f"present|{v.column}"].to_numpy(),
                "implausible": sums[f"implausible|{v.column}"].to_numpy(),
            },
            index=sizes.index,
        )
        frames.append(part.reset_index().rename(columns={"level_0": "region", "level_1": "year"}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["region"], out["year"] = out["region"].astype(str), out["year"].astype(int)
    out["missing"] = out["n"] - out["present"]
    out["complete_share"] = out["present"] / out["n"]
    out["implausible_share"] = np.where(out["present"] > 0, out["implausible"] / out["present"].clip(lower=1), 0.0)
    rules = {v.column: v for v in variables}
    out["min_complete"] = out["column"].map(lambda c: rules[c].min_complete)
    out["max_implausible"] = out["column"].map(lambda c: rules[c].max_implausible)
    out["fails_complete"] = out["complete_share"] < out["min_complete"]
    out["fails_implausible"] = out["implausible_share"] > out["max_implausible"]
    # A share next to a count of 1-4 (missing, present or implausible) would give that count away.
    out["complete_hidden"] = small(out["missing"]) | small(out["present"])
    out["implausible_hidden"] = small(out["implausible"]) | small(out["present"] - out["implausible"])
    return out.sort_values(["region", "year", "order"], kind="stable").reset_index(drop=True)


def _excluded(units: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    pages = {v.column: ", ".join(v.used_by) for v in thresholds.variables}
    rows: list[dict[str, object]] = []
    for r in units[units["fails_complete"] | units["fails_implausible"]].itertuples(index=False):
        reason: Reason = "completeness" if r.fails_complete else "implausible"
        share = r.complete_share if r.fails_complete else r.implausible_share
        limit = r.min_complete if r.fails_complete else r.max_implausible
        hidden = r.complete_hidden if r.fails_complete else r.implausible_hidden
        rows.append(
            {
                "region": r.region,
                "year": int(r.year),
                "column": r.column,
                "reason": reason,
                "share": float(share),
                "limit": float(limit),
                "hidden": bool(hidden),
                "pages": pages[r.column],
            }
        )
    return pd.DataFrame(rows, columns=EXCLUDED_COLUMNS)


def assess(df: pd.DataFrame, thresholds: Thresholds | None = None) -> Assessment:
    """The full verdict on a loaded births frame (canonical dtypes, see :func:`analysis.births.load_births`)."""
    t = load_thresholds() if thresholds is None else thresholds
    units = unit_table(df, t)
    return Assessment(units=units, excluded=_excluded(units, t), thresholds=t)


def excluded_units(df: pd.DataFrame, page: str | None = None, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """The units a page must leave out of its regional comparison, one row per failed variable, with the reason.

    ``page`` is a comparison page's name (``nullipara``, ``riskmix``); None gives every failure.
    Columns: region, year, column, reason (completeness | implausible), share, limit, hidden (the share rests
    on a count of 1–4 and must not be shown), pages.
    """
    t = load_thresholds() if thresholds is None else thresholds
    variables = t.for_page(page)
    if not variables:
        return pd.DataFrame(columns=EXCLUDED_COLUMNS)
    return assess(df, replace(t, variables=variables)).excluded


def drop_excluded(df: pd.DataFrame, excluded: pd.DataFrame) -> pd.DataFrame:
    """The rows of units not listed in ``excluded`` (index kept)."""
    if excluded.empty:
        return df
    units = set(zip(excluded["region"].astype(str), excluded["year"].astype(int), strict=True))
    region, year = _text(df["region"]), df["year"].astype(int).to_numpy()
    drop = np.zeros(len(df), dtype=bool)
    for r, y in units:  # a few units: one comparison each instead of a tuple per row
        drop |= (region == r) & (year == y)
    return df[~drop]


@dataclass(frozen=True)
class Gated:
    """A comparison page's cohort after the gate and the units it left out (with reasons)."""

    frame: pd.DataFrame
    excluded: pd.DataFrame


def gate(df: pd.DataFrame, page: str, thresholds: Thresholds | None = None) -> Gated:
    """What a comparison page calls right after loading the cohort: drop the units that fail its variables."""
    excluded = excluded_units(df, page, thresholds)
    return Gated(drop_excluded(df, excluded), excluded)


def degrade(df: pd.DataFrame, region: str, year: int, column: str, every: int) -> pd.DataFrame:
    """A copy with ``column`` blanked in every ``every``-th row of one unit (the page's demonstration of the gate)."""
    out = df.copy()
    rows = np.flatnonzero((out["region"].astype(str) == region).to_numpy() & (out["year"].astype(int) == year).to_numpy())
    out.loc[out.index[rows[::every]], column] = pd.NA
    return out
