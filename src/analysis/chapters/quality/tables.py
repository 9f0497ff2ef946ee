"""Display tables of the Datakvalitet page (headings and cell labels from ``book/text/quality.sv.yml``).

No cell lets a count of 1–4 births be recovered: a share next to 1–4 missing, filled-in or implausible
values is replaced by a ``<5`` mark (see :func:`analysis.chapters.quality.assessment.unit_table`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.chapters.quality import text
from analysis.chapters.quality.page import QualityPage, reason_text
from analysis.chapters.quality.thresholds import Thresholds, VariableRule, load_thresholds
from analysis.common.regions import region_name, regions
from analysis.render.page import Table, notice


def _rule(v: VariableRule) -> str:
    if v.implausible is None:
        return text.label("no_rule")
    return text.label("rule_limit", rule=v.implausible.label_sv, limit=text.pct(v.max_implausible))


def thresholds(data: QualityPage) -> Table:
    """Per variable: which comparisons need it, the minimum completeness, the implausible rule and its maximum."""
    h = "thresholds_heading"
    variables = data.assessment.thresholds.variables
    return Table(
        pd.DataFrame(
            {
                text.label(f"{h}.variable"): [v.label_sv for v in variables],
                text.label(f"{h}.pages"): [text.pages(v.used_by) for v in variables],
                text.label(f"{h}.min_complete"): [text.pct(v.min_complete) for v in variables],
                text.label(f"{h}.rule"): [_rule(v) for v in variables],
            }
        )
    )


def _lowest(units: pd.DataFrame) -> tuple[str, str]:
    """The lowest completeness a variable reaches in any unit, and where (withheld if it rests on 1–4 births)."""
    shown = units[~units["complete_hidden"]]
    if shown.empty:
        return text.small_mark("few_missing"), ""
    row = shown.loc[shown["complete_share"].idxmin()]
    where = "" if row["complete_share"] >= 1 else text.unit(str(row["region"]), int(row["year"]))
    return text.pct(float(row["complete_share"])), where


def _highest(units: pd.DataFrame) -> str:
    if units["implausible"].sum() == 0:
        return text.pct(0.0)
    shown = units[~units["implausible_hidden"]]
    return text.small_mark("few") if shown.empty else text.pct(float(shown["implausible_share"].max()))


def summary(data: QualityPage) -> Table:
    """Per variable: the lowest completeness (and where), units under the limit, the highest implausible share."""
    h = "summary_heading"
    rows = []
    for v in data.assessment.thresholds.variables:
        units = data.assessment.units[data.assessment.units["column"] == v.column]
        lowest, where = _lowest(units)
        rows.append(
            {
                text.label(f"{h}.variable"): v.label_sv,
                text.label(f"{h}.lowest"): lowest,
                text.label(f"{h}.where"): where,
                text.label(f"{h}.failing_complete"): str(int(units["fails_complete"].sum())),
                text.label(f"{h}.highest_implausible"): _highest(units) if v.implausible else text.label("no_rule"),
                text.label(f"{h}.failing_implausible"): str(int(units["fails_implausible"].sum()))
                if v.implausible
                else text.label("no_rule"),
            }
        )
    return Table(pd.DataFrame(rows))


def _cell(share: float, hidden: bool, fails: bool, mark: str) -> str:
    value = text.small_mark(mark) if hidden else text.pct(share)
    return f"<strong>{value}</strong>" if fails else value


def _region_names(codes: Iterable[str]) -> list[str]:
    """``[region_name(c) for c in codes]`` with the names looked up in one table (an unknown code still raises)."""
    table = regions()
    names = dict(zip(table["code"], table["name_mfr"].map(str), strict=True))
    return [names[c] if c in names else region_name(c) for c in codes]


def _grid(data: QualityPage, kind: str) -> pd.DataFrame:
    """Region and year down, variables across; ``kind`` is ``complete`` or ``implausible``."""
    units = data.assessment.units
    variables = [v for v in data.assessment.thresholds.variables if kind == "complete" or v.implausible]
    mark = "few_missing" if kind == "complete" else "few"
    base = units[units["column"] == variables[0].column][["region", "year"]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            text.label("units_heading.region"): _region_names(base["region"]),
            text.label("units_heading.year"): base["year"].astype(str).tolist(),
        }
    )
    for v in variables:
        part = units[units["column"] == v.column].reset_index(drop=True)
        out[v.label_sv] = [
            _cell(s, bool(hd), bool(f), mark)
            for s, hd, f in zip(part[f"{kind}_share"], part[f"{kind}_hidden"], part[f"fails_{kind}"], strict=True)
        ]
    return out


def completeness(data: QualityPage) -> Table:
    return Table(_grid(data, "complete"), text.label("completeness_caption"))


def implausible(data: QualityPage) -> Table:
    return Table(_grid(data, "implausible"), text.label("implausible_caption"))


def _excluded_rows(thresholds: Thresholds, excluded: pd.DataFrame) -> pd.DataFrame:
    h = "excluded_heading"
    return pd.DataFrame(
        {
            text.label(f"{h}.unit"): [text.unit(r.region, int(r.year)) for r in excluded.itertuples(index=False)],
            text.label(f"{h}.reason"): [reason_text(thresholds, r) for r in excluded.itertuples(index=False)],
            text.label(f"{h}.pages"): [text.pages(r.pages.split(", ")) for r in excluded.itertuples(index=False)],
        }
    )


def excluded(data: QualityPage) -> Table | None:
    """The units left out of comparisons, with the reason; a notice when there are none."""
    if data.assessment.excluded.empty:
        notice(text.label("none_excluded.title"), text.label("none_excluded.body"), kind="note")
        return None
    return Table(_excluded_rows(data.assessment.thresholds, data.assessment.excluded))


def demo(data: QualityPage) -> Table | None:
    """The demonstration's verdict on the degraded copy (synthetic cohort only)."""
    if data.demo is None or data.demo.excluded.empty:
        return None
    return Table(_excluded_rows(data.assessment.thresholds, data.demo.excluded), text.label("demo_caption"))


def exclusion_notice(excluded: pd.DataFrame, thresholds: Thresholds | None = None) -> None:
    """What a comparison page shows when the gate left units out of it (nothing when none).

    ``excluded`` is :func:`analysis.chapters.quality.assessment.excluded_units` for that page.
    """
    if excluded.empty:
        return
    t = load_thresholds() if thresholds is None else thresholds
    rows = list(excluded.itertuples(index=False))
    units = list(dict.fromkeys(text.unit(r.region, int(r.year)) for r in rows))
    reasons = [f"{text.unit(r.region, int(r.year))}: {reason_text(t, r)}" for r in rows]
    notice(*text.excluded_notice(units, reasons))
