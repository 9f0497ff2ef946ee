"""'Ladda ner data (CSV)' links beside every chart and table, embedded in the page (works offline).

The CSV holds what the chart or table shows: the table's display cells (already suppressed and
formatted) or the chart's approved datasets (never row-level; the renderer refuses anything else).
Excel in Swedish opens it directly: semicolon separator, decimal comma, UTF-8 with a byte-order mark.
The file name is ``<page>-<n>.csv``, numbered in the order the page shows its charts and tables.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

LINK_TEXT = "Ladda ner data (CSV)"
BOM = "\ufeff"
NBSP = "\u00a0"
# Above this many rows a chart gets no link (a data: link that size would bloat the page); the travel
# page's two grid maps together are about 5 600 rows.
MAX_ROWS = 10_000

_state: dict[str, Any] = {"page": "data", "n": 0}


def set_page(name: str) -> None:
    """Start numbering the page's downloads (the setup cell's ``build`` calls this)."""
    _state["page"] = name or "data"
    _state["n"] = 0


def next_name() -> str:
    _state["n"] += 1
    return f"{_state['page']}-{_state['n']}.csv"


def _cell(value: Any) -> str:
    if isinstance(value, float):  # the commonest value first (numpy floats are floats too)
        if math.isnan(value):
            return ""
        text = f"{value:.10g}"
        return (text if "e" not in text else f"{value:.12f}".rstrip("0")).replace(".", ",")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    text = str(value)
    # A formatted number '1 234' reads as a number in Excel only without the no-break space.
    stripped = text.replace(NBSP, "")
    if stripped.replace(",", "").replace("\u2212", "").isdigit():
        text = stripped.replace("\u2212", "-")
    return text


def _quoted(text: str) -> str:
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Semicolon-separated CSV with decimal commas and a byte-order mark (Excel, Swedish settings)."""
    lines = [";".join(_quoted(str(c)) for c in columns)]
    lines += [";".join([_quoted(_cell(v)) for v in row]) for row in rows]
    return BOM + "\r\n".join(lines) + "\r\n"


def frame_csv(frame: pd.DataFrame) -> str:
    return to_csv([str(c) for c in frame.columns], frame.astype(object).itertuples(index=False))


def records_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """Rows of a chart dataset; GeoJSON features contribute their properties (not the geometry)."""
    flat = [dict(r.get("properties") or {}) if r.get("type") == "Feature" else dict(r) for r in records]
    columns = list(dict.fromkeys(k for r in flat for k in r))  # first appearance order
    return to_csv(columns, ([r.get(c) for c in columns] for r in flat))


def link(csv_text: str, name: str | None = None) -> str:
    """The download link as HTML: a ``data:`` URI, so no separate file is needed and it works offline."""
    href = "data:text/csv;charset=utf-8," + quote(csv_text, safe="")
    filename = html.escape(name or next_name())
    return f'<p class="data-download"><a href="{href}" download="{filename}">{LINK_TEXT}</a></p>'


def chart_records(datasets: Mapping[str, list[Any]], approvals: Mapping[str, str | None]) -> list[dict[str, Any]]:
    """What a chart's CSV holds: its person aggregates, or (when it has none) its other data, constants left out."""
    aggregates = [n for n, a in approvals.items() if a == "aggregate"]
    chosen = aggregates or [n for n, rows in datasets.items() if len(rows) > 1 or (rows and len(rows[0]) > 1)]
    out: list[dict[str, Any]] = []
    for name in chosen:
        out += [r for r in datasets[name] if isinstance(r, dict)]
    return out
