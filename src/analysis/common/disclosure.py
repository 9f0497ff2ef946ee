"""Disclosure control applied before any figure, table or map is shown.

Health data rule: aggregate first, then suppress every cell that rests on fewer
than ``threshold`` individuals (default 5). Suppressed cells keep their row so a
reader sees *that* something was hidden, never *what*.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

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


def complementary_flags(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    primary: Sequence[bool] | np.ndarray,
    group_by: str | Sequence[str] | None = None,
    min_cell: int | None = None,
) -> np.ndarray:
    """Secondary suppression: which rows must be hidden so no hidden count can be recovered by subtraction.

    ``table`` holds the unsuppressed counts of the parts of a total the reader can see (regions of the
    nation, municipalities of a region); ``primary`` marks the rows hidden for their own small counts.
    With one hidden row its counts are the total minus the visible rows; with several, their sum is. So in
    each group the smallest visible rows (by the first count column) are hidden as well until the group
    has no hidden row, or at least two whose counts add up, in every count column, to zero or at least the
    threshold.
    """
    limit = threshold() if min_cell is None else min_cell
    hidden = np.asarray(primary, dtype=bool).copy()
    if len(hidden) != len(table):
        raise ValueError(f"complementary_flags: {len(hidden)} flags for {len(table)} rows")
    counts = table[list(count_columns)].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float)
    if group_by is None:
        groups = [np.arange(len(table))]
    else:
        keys = [group_by] if isinstance(group_by, str) else list(group_by)
        groups = [np.asarray(ix) for ix in table.reset_index(drop=True).groupby(keys, sort=False).indices.values()]

    def safe(ix: np.ndarray) -> bool:
        h = ix[hidden[ix]]
        if len(h) == 0:
            return True
        sums = counts[h].sum(axis=0)
        return len(h) >= 2 and bool(np.all((sums == 0) | (sums >= limit)))

    for ix in groups:
        while not safe(ix):
            visible = ix[~hidden[ix]]
            if len(visible) == 0:
                break
            hidden[visible[np.argmin(counts[visible, 0])]] = True
    return hidden


def secondary_suppress(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    value_columns: Iterable[str] = (),
    group_by: str | Sequence[str] | None = None,
    min_cell: int | None = None,
    flag_column: str = "suppressed",
) -> pd.DataFrame:
    """``suppress`` plus complementary suppression for the parts of a published total (see ``complementary_flags``)."""
    limit = threshold() if min_cell is None else min_cell
    primary = suppress(table, count_columns, (), min_cell=limit, flag_column=flag_column)[flag_column].to_numpy()
    hidden = complementary_flags(table, count_columns, primary, group_by, limit)
    out = table.copy()
    out[flag_column] = hidden
    for col in [*count_columns, *value_columns]:
        out[col] = out[col].astype("float64")
        out.loc[hidden, col] = np.nan
    return out


# --------------------------------------------------------------------------- what a chart may receive

# Content digests of datasets approved for charts (digest -> what it is). The chart renderer refuses any
# inline dataset whose digest is not here, so a chart can only show data that went through this module.
_APPROVED: dict[str, str] = {}
# Column names that read as counts of individuals when ``chart_data`` is not told which columns are counts.
COUNT_NAMES = frozenset({"n", "observed", "events", "cases", "count", "antal", "deliveries", "births", "women"})


def chart_values(data: Any) -> list[Any]:
    """The rows a chart embeds for ``data`` exactly as Altair serialises them (frames, geo frames or a list)."""
    if isinstance(data, list):
        return data
    from altair.utils.data import to_values

    return list(to_values(data)["values"])


def values_digest(values: list[Any]) -> str:
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chart_data(frame: pd.DataFrame, counts: Sequence[str] | None = None, min_cell: int | None = None) -> pd.DataFrame:
    """Approve an aggregate of people for a chart: its visible counts are checked, then it is registered.

    ``counts`` names the count columns (default: columns named like counts, ``COUNT_NAMES``); a visible
    count of 1..threshold-1 raises. Rows suppressed upstream carry NaN counts and pass. Returns ``frame``.
    """
    limit = threshold() if min_cell is None else min_cell
    columns = [c for c in frame.columns if str(c).lower() in COUNT_NAMES] if counts is None else list(counts)
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values[(values > 0) & (values < limit)]
        if len(bad):
            raise ValueError(
                f"disclosure: chart data column {col!r} has {len(bad)} visible count(s) below {limit} "
                f"(rows {list(bad.index[:5])}); suppress before charting"
            )
    _APPROVED[values_digest(chart_values(frame))] = "aggregate"
    return frame


def non_person(data: Any, what: str) -> Any:
    """Approve data that describes no person for a chart: boundaries, sites, travel grids, published statistics,
    model limit lines or constants (``what`` says which, for error messages and review). Returns ``data``."""
    if not what:
        raise ValueError("non_person: say what the data is (e.g. 'municipality boundaries')")
    _APPROVED[values_digest(chart_values(data))] = f"non-person: {what}"
    return data


def forget_approvals() -> None:
    """Start a page with no approved chart data (a kernel reused for several pages approves afresh per page)."""
    _APPROVED.clear()


def approval(values: list[Any]) -> str | None:
    """What an embedded dataset was approved as, or None when it never went through this module."""
    return _APPROVED.get(values_digest(values))


# --------------------------------------------------------------------------- notebook outputs


def stream_tracebacks(path: Any) -> list[str]:
    """Stream outputs (stdout/stderr) of an executed notebook that carry a Python traceback.

    A traceback printed by a library (a caught exception logged to stderr) would otherwise be published
    with the page and can show paths and data values. One entry per output: cell number and last line.
    """
    from pathlib import Path

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "stream":
                continue
            text = out.get("text", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            if "Traceback (most recent call last)" in text:
                last = [line for line in text.strip().splitlines() if line.strip()][-1]
                found.append(f"cell {number}: traceback in {out.get('name', 'stream')} output ({last.strip()})")
    return found
