"""A reusable scanner for published figures: does anything reveal a count of 1–4 individuals?

It reads what a reader sees — display tables, glued prose values, chart datasets and results JSON — and
reports every count below the threshold that is visible directly or can be recovered:

- a count cell or count field of 1..limit-1 (columns/keys named like counts: n, observed, events, cases,
  "Antal", "Observerat", "Kvinnor" …), including each side of "a / b" cells;
- O/E × expected (same row, record or glue prefix) rounding to 1..limit-1;
- rate × n (a percentage or proportion beside its denominator) rounding to 1..limit-1;
- subtraction: parts of a visible total (results' ``regions`` against ``national``, a results mapping of parts
  against a named total) where the hidden parts add up to 1..limit-1.

The column and key names it looks for are deliberately broad; a finding names where it was found so a test
failure can be read without a debugger. Use ``scan_page`` for an in-process page (the template's display cells
evaluated against the page data) and ``scan_notebook`` for an executed notebook.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

# Table headings (lower case, Swedish) whose cells are counts of individuals.
COUNT_HEADINGS = ("antal", "observerat", "kvinnor", "händelser", "förlossningar", "utan matchning")
# Headings with a count word that count something other than people.
NOT_PEOPLE_HEADINGS = ("platser", "enheter", "orter", "strata", "regioner", "dragningar", "parametrar", "mönster")
# Results/chart keys that are counts of individuals.
COUNT_KEYS = re.compile(r"^(n|observed|events|cases|count|antal|deliveries|n_region|cases_region|n_[a-z_]*|[a-z_]*_n)$")
NOT_COUNT_KEYS = re.compile(
    r"(n_sites|n_sets|n_boot|n_strata|n_parameters|n_patterns|n_units|n_regions|n_ranked|n_outcomes|n_judged|min_cell|df)"
)
NBSP = "\u00a0"


@dataclass(frozen=True)
class Finding:
    where: str
    what: str
    value: float

    def __str__(self) -> str:
        return f"{self.where}: {self.what} = {self.value:g}"


def parse_number(text: Any) -> float | None:
    """A Swedish-formatted number ('1 234,5', '−3', '12,3 %') as a float; None when the cell is not one number."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return None if isinstance(text, float) and math.isnan(text) else float(text)
    s = str(text).replace(NBSP, "").replace(" ", "").replace("\u2212", "-").replace("%", "")
    if not re.fullmatch(r"-?\d+(,\d+)?", s):
        return None
    return float(s.replace(",", "."))


def _parts(cell: Any) -> list[float | None]:
    """'12 / 3' -> [12, 3]; '0,81 (0,6–1,1)' -> [0.81]; a plain number -> [it]."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return [parse_number(cell)]
    text = str(cell)
    sides = text.split(" / ") if " / " in text else [text]
    return [parse_number(re.sub(r"\s*\(.*\)\s*$", "", side).strip()) for side in sides]


def _small(value: float | None, limit: int) -> bool:
    return value is not None and 1 <= round(value) < limit and abs(value - round(value)) < 0.35


def _is_count_heading(heading: str) -> bool:
    h = heading.lower()
    if COUNT_KEYS.match(h) and not NOT_COUNT_KEYS.search(h):
        return True
    if any(word in h for word in NOT_PEOPLE_HEADINGS):
        return False
    return any(word in h for word in COUNT_HEADINGS) and "andel" not in h and "%" not in h


# --------------------------------------------------------------------------- tables


def scan_table(frame: pd.DataFrame, where: str, limit: int = 5) -> list[Finding]:
    """Count cells of 1..limit-1 and O/E × expected in a display table (strings as the page shows them)."""
    found: list[Finding] = []
    headings = [str(c) for c in frame.columns]
    oe_cols = [c for c in headings if "o/e" in c.lower() and "modell" not in c.lower()]
    exp_cols = [c for c in headings if "förväntat" in c.lower()]
    count_cols = [c for c in headings if _is_count_heading(c)]
    for i, row in enumerate(frame.astype(object).itertuples(index=False)):
        cells = dict(zip(headings, row, strict=True))
        for col in count_cols:
            for k, value in enumerate(_parts(cells[col])):
                if "/" in str(cells[col]) and "förväntat" in col.lower() and k == 1:
                    continue  # 'Observerat / förväntat': the second side is an expected value
                if _small(value, limit):
                    found.append(Finding(f"{where} row {i} column {col!r}", "count", value))  # type: ignore[arg-type]
        for oc in oe_cols:
            for ec in exp_cols:
                for oe, ex in zip(_parts(cells[oc]), _parts(cells[ec]), strict=False):
                    if oe is not None and ex is not None and _small(oe * ex, limit):
                        found.append(Finding(f"{where} row {i} {oc!r} × {ec!r}", "O/E × expected", oe * ex))
    return found


# --------------------------------------------------------------------------- records (chart rows, results dicts)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def scan_record(record: Mapping[str, Any], where: str, limit: int = 5) -> list[Finding]:
    """One dict: count keys of 1..limit-1, oe × expected, rate × n and pct × n."""
    found: list[Finding] = []
    for key, value in record.items():
        v = _num(value)
        if v is not None and COUNT_KEYS.match(str(key)) and not NOT_COUNT_KEYS.search(str(key)) and _small(v, limit):
            found.append(Finding(f"{where}.{key}", "count", v))
    n = _num(record.get("n"))
    for oe_key, exp_key in (("oe", "expected"), ("oe_full", "expected_full"), ("oe_table", "expected_table"), ("sr", "expected")):
        oe, ex = _num(record.get(oe_key)), _num(record.get(exp_key))
        if oe is not None and ex is not None and _small(oe * ex, limit):
            found.append(Finding(f"{where}.{oe_key}×{exp_key}", "O/E × expected", oe * ex))
    if n is not None:
        for rate_key, scale in (("rate", 1.0), ("crude_rate", 1.0), ("pct", 100.0), ("share", 100.0)):
            r = _num(record.get(rate_key))
            if r is not None and _small(r * n / scale, limit):
                found.append(Finding(f"{where}.{rate_key}×n", "rate × n", r * n / scale))
            if r is not None and _small((1 - r / scale) * n, limit):
                found.append(Finding(f"{where}.(1−{rate_key})×n", "non-events", (1 - r / scale) * n))
    return found


def scan_records(rows: Iterable[Mapping[str, Any]], where: str, limit: int = 5) -> list[Finding]:
    return [f for i, row in enumerate(rows) for f in scan_record(row, f"{where}[{i}]", limit)]


# --------------------------------------------------------------------------- results JSON


def _subtraction(parts: Mapping[str, Any], total: Mapping[str, Any], where: str, limit: int) -> list[Finding]:
    """Hidden parts of a visible total: their sum is total − visible parts."""
    found: list[Finding] = []
    entries = [p for p in parts.values() if isinstance(p, Mapping)]
    for key in ("n", "observed", "events", "cases"):
        t = _num(total.get(key))
        if t is None or not entries or not any(key in p for p in entries):
            continue
        visible = [_num(p.get(key)) for p in entries]
        hidden = sum(1 for v in visible if v is None)
        if hidden == 0:
            continue
        rest = t - sum(v for v in visible if v is not None)
        if _small(rest, limit):
            found.append(Finding(f"{where}: {key} total − visible parts ({hidden} hidden)", "subtraction", rest))
    return found


def scan_results(obj: Any, where: str = "results", limit: int = 5) -> list[Finding]:
    """Walk a results structure: every dict as a record, ``regions`` against ``national`` by subtraction."""
    found: list[Finding] = []
    if isinstance(obj, Mapping):
        found += scan_record(obj, where, limit)
        if isinstance(obj.get("regions"), Mapping) and isinstance(obj.get("national"), Mapping):
            found += _subtraction(obj["regions"], obj["national"], f"{where}.regions", limit)
        for key, value in obj.items():
            found += scan_results(value, f"{where}.{key}", limit)
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found += scan_results(value, f"{where}[{i}]", limit)
    return found


def scan_parts_of_total(
    parts: Mapping[str, Mapping[str, Any]], total: Mapping[str, Any], where: str, limit: int = 5
) -> list[Finding]:
    """Explicit subtraction check for a results mapping of parts (e.g. municipalities) and a named total."""
    return _subtraction(parts, total, where, limit)


# --------------------------------------------------------------------------- glued prose values


def scan_glue(values: Mapping[str, Any], where: str = "glue", limit: int = 5) -> list[Finding]:
    """Prose values: keys naming counts, and O/E × expected glued under matching names (``x_oe_y`` / ``x_expected_y``)."""
    found: list[Finding] = []
    parsed = {k: parse_number(str(v)) for k, v in values.items()}
    for key, v in parsed.items():
        if re.search(r"(^|_)(n|observed|events|cases|count)(_|$)", key) and not NOT_COUNT_KEYS.search(key) and _small(v, limit):
            found.append(Finding(f"{where}.{key}", "count", v))  # type: ignore[arg-type]
        if "oe" in key.split("_"):
            for other, ex in parsed.items():
                if other == key.replace("oe", "expected", 1) and v is not None and ex is not None and _small(v * ex, limit):
                    found.append(Finding(f"{where}.{key}×{other}", "O/E × expected", v * ex))
    return found


# --------------------------------------------------------------------------- charts


def chart_datasets(spec: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from analysis.render.charts import inline_datasets

    return inline_datasets(dict(spec))


def scan_chart(spec: Mapping[str, Any], where: str, limit: int = 5, guard: bool = True) -> list[Finding]:
    """A chart's datasets; in-process (``guard``) the renderer's guard runs first (an unapproved dataset raises)."""
    from analysis.render.charts import check_aggregated

    if guard:
        check_aggregated(dict(spec))
    return [f for name, rows in chart_datasets(spec).items() for f in scan_records(rows, f"{where}:{name}", limit)]


# --------------------------------------------------------------------------- whole pages


def scan_object(obj: Any, where: str, limit: int = 5) -> list[Finding]:
    """Whatever a display cell returns: a Table (or several), an Altair chart, or nothing."""
    if obj is None:
        return []
    if (hasattr(obj, "to_dict") and hasattr(obj, "mark")) or type(obj).__module__.startswith("altair"):
        return scan_chart(obj.to_dict(), where, limit)
    if hasattr(obj, "parts"):
        return [f for i, part in enumerate(obj.parts) for f in scan_object(part, f"{where}[{i}]", limit)]
    if hasattr(obj, "frame") and isinstance(obj.frame, pd.DataFrame):
        return scan_table(obj.frame, where, limit)
    if isinstance(obj, pd.DataFrame):
        return scan_table(obj, where, limit)
    return []


def display_cells(template: Path) -> list[str]:
    """The one-statement display cells of a page template (after the setup cell)."""
    from analysis.pipeline.params import read_template

    nb = read_template(template)
    cells = [
        ("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and "parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    return [c.strip() for c in cells if "build(" not in c and "import" not in c and c.strip()]


def scan_page(template: Path, namespace: Mapping[str, Any], limit: int = 5) -> list[Finding]:
    """Evaluate every display cell of ``template`` with ``namespace`` (charts, tables, data) and scan what it shows."""
    found: list[Finding] = []
    for source in display_cells(template):
        obj = eval(source, dict(namespace))
        found += scan_object(obj, f"{template.stem}: {source}", limit)
    return found


def csv_downloads(html: str) -> list[pd.DataFrame]:
    """The 'Ladda ner data (CSV)' files embedded in a cell's HTML (every table and chart has one), as strings."""
    from io import StringIO
    from urllib.parse import unquote

    frames = []
    for m in re.finditer(r'href="data:text/csv;charset=utf-8,([^"]*)"', html):
        text = unquote(m.group(1)).lstrip("\ufeff")
        frames.append(pd.read_csv(StringIO(text), sep=";", dtype=str, keep_default_na=False))
    return frames


def scan_notebook(path: Path, limit: int = 5) -> list[Finding]:
    """An executed notebook: HTML tables, embedded chart specs and glued text values."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found: list[Finding] = []
    glued: dict[str, str] = {}
    for c, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            key = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if key and "text/plain" in data:
                glued[key] = "".join(data["text/plain"])
            html = "".join(data.get("text/html", ""))
            for m in re.finditer(r"var spec=(\{.*?\});var opt=", html):
                spec = json.loads(m.group(1).replace("<\\/", "</"))
                found += scan_chart(spec, f"{path.name} cell {c}", limit, guard=False)
            for t, frame in enumerate(csv_downloads(html)):
                found += scan_table(frame, f"{path.name} cell {c} CSV {t + 1}", limit)
    return found + scan_glue(glued, f"{path.name} glue", limit)
