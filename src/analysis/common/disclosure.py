"""Disclosure control applied before any figure, table or map is shown.

Health data rule: aggregate first, then suppress every cell that rests on fewer
than ``threshold`` individuals (default 5). Suppressed cells keep their row so a
reader sees *that* something was hidden, never *what*.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5
SUPPRESSED_MARK = "<5"


def threshold() -> int:
    """The active threshold (``ANALYSIS_MIN_CELL`` overrides the default of 5; never below 1)."""
    value = int(os.environ.get("ANALYSIS_MIN_CELL", DEFAULT_THRESHOLD))
    if value < 1:
        raise ValueError("ANALYSIS_MIN_CELL must be at least 1")
    return value


def suppress(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    value_columns: Iterable[str] = (),
    min_cell: int | None = None,
    flag_column: str = "suppressed",
) -> pd.DataFrame:
    """Blank counts below the threshold and every value derived from them.

    A row is suppressed when any of ``count_columns`` is below the threshold
    (a numerator or a denominator). Its counts and ``value_columns`` become NaN
    and ``flag_column`` is True, so charts can mark it and tables can print
    ``<5``. Counts of zero are also hidden when the denominator is small,
    because a zero in a tiny group discloses as much as a one.
    """
    limit = threshold() if min_cell is None else min_cell
    out = table.copy()
    small = np.zeros(len(out), dtype=bool)
    for col in count_columns:
        if col not in out.columns:
            raise KeyError(f"suppress: count column {col!r} not in table (columns: {list(out.columns)})")
        counts = pd.to_numeric(out[col], errors="coerce")
        small |= (counts < limit).fillna(False).to_numpy()
    out[flag_column] = small
    for col in [*count_columns, *value_columns]:
        out[col] = out[col].astype("float64")
        out.loc[small, col] = np.nan
    return out


def assert_no_small_cells(table: pd.DataFrame, count_columns: Sequence[str], min_cell: int | None = None) -> None:
    """Raise if any visible count is below the threshold (guard before publishing)."""
    limit = threshold() if min_cell is None else min_cell
    for col in count_columns:
        counts = pd.to_numeric(table[col], errors="coerce")
        bad = counts[(counts < limit) & counts.notna()]
        if len(bad):
            raise ValueError(
                f"disclosure: column {col!r} has {len(bad)} visible cell(s) below {limit} "
                f"(rows {list(bad.index[:5])}); suppress before publishing"
            )


def format_count(value: float) -> str:
    """Counts for tables: suppressed cells print as ``<5``-style marks."""
    if pd.isna(value):
        return f"<{threshold()}"
    return f"{int(round(value)):,}".replace(",", "\u00a0")
