"""Display tables of the appendix pages (headings and cell labels from ``book/text/appendix.sv.yml``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analysis.births import QUALITY_SV
from analysis.births.contract import Column
from analysis.chapters.appendix import text
from analysis.chapters.appendix.assumptions import AssumptionRow, Assumptions
from analysis.chapters.appendix.page import AssumptionsPage, CalibrationPage, DataformatPage
from analysis.common.formatting import MINUS, sv_number, sv_pct
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_name
from analysis.render.page import Table, notice

# ----------------------------------------------------------------------------------------------- Dataformat


def contract_rows(columns: Sequence[Column]) -> pd.DataFrame:
    """One row per column: name (as code), kind, allowed values and description, in Swedish."""
    h = "contract_heading"
    return pd.DataFrame(
        {
            text.label(f"{h}.column"): [f"<code>{c.name}</code>" for c in columns],
            text.label(f"{h}.type"): [text.label(f"type.{c.kind}") for c in columns],
            text.label(f"{h}.allowed"): [text.allowed(c) for c in columns],
            text.label(f"{h}.description"): [c.description_sv for c in columns],
        }
    )


def required_columns(data: DataformatPage) -> Table:
    return Table(contract_rows(data.contract.required))


def optional_columns(data: DataformatPage) -> Table:
    return Table(contract_rows(data.contract.optional))


def rules(data: DataformatPage) -> Table:
    return Table(pd.DataFrame({text.label("rules_heading"): [r.text_sv for r in data.contract.rules]}))


# ----------------------------------------------------------------------------------------------- Kalibrering


def calibration_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Synthetic, published and tolerance per check (counts without decimals, the rest with two), pass or fail, source."""
    counts = (table["indicator"] == "deliveries_n").tolist()

    def numbers(column: str) -> list[str]:
        return [sv_number(v, 0 if c else 2) for v, c in zip(table[column], counts, strict=True)]

    h = "calibration_heading"
    within = {True: text.label("within.yes"), False: text.label("within.no")}
    quality = [QUALITY_SV.get(q, q) for q in table["quality"]]
    return pd.DataFrame(
        {
            text.label(f"{h}.region"): table["region"].tolist(),
            text.label(f"{h}.indicator"): table["label_sv"].tolist(),
            text.label(f"{h}.synthetic"): numbers("synthetic"),
            text.label(f"{h}.published"): numbers("published"),
            text.label(f"{h}.tolerance"): numbers("tolerance"),
            text.label(f"{h}.within"): [within[bool(w)] for w in table["within_tolerance"]],
            text.label(f"{h}.source"): [
                text.source_year(str(y), q) for y, q in zip(table["published_year"], quality, strict=True)
            ],
        }
    )


def calibration(data: CalibrationPage) -> Table | None:
    """The calibration checks; on a register extract a notice instead (shown, nothing returned)."""
    if not data.synthetic:
        notice(*text.register_notice(), kind="note")
        return None
    return Table(calibration_rows(data.table))


def gap_rows(gaps: pd.DataFrame) -> pd.DataFrame:
    """Region-minus-nation gap in the cohort and as published, and the verdict on its direction."""
    h = "gaps_heading"
    return pd.DataFrame(
        {
            text.label(f"{h}.indicator"): gaps["label_sv"].tolist(),
            text.label(f"{h}.synthetic_gap"): [sv_number(v, 2) for v in gaps["synthetic_gap"]],
            text.label(f"{h}.published_gap"): [sv_number(v, 2) for v in gaps["published_gap"]],
            text.label(f"{h}.direction"): [text.label(f"direction.{d}") for d in gaps["direction"]],
        }
    )


def gaps(data: CalibrationPage) -> Table | None:
    """The region-minus-nation gaps (synthetic cohort only)."""
    if not data.synthetic:
        return None
    return Table(gap_rows(data.gaps), text.gaps_caption(region_name(HOME_REGION)))


# ----------------------------------------------------------------------------------------------- Antaganden

# Units whose values are shares: shown as percentages.
PERCENT_UNITS = ("share", "probability", "share of births", "share of beds occupied")
CHANGE_SIGNIFICANT = 2  # significant digits of a change in the moves column (at least whole numbers)


def _decimals(values: Sequence[float], most: int = 3) -> int:
    """The fewest decimals (at most ``most``) that show every value exactly."""
    for d in range(most + 1):
        if all(abs(round(v, d) - v) < 1e-9 for v in values):
            return d
    return most


def value_triple(row: AssumptionRow) -> str:
    """``45 · <strong>55</strong> · 70``: the base in bold (shares as percentages, ``15 % · 20 % · 30 %``)."""
    values = (row.low, row.base, row.high)
    if row.unit in PERCENT_UNITS:
        pct = [100.0 * v for v in values]
        shown = [sv_pct(v, _decimals(pct, 1)) for v in pct]
    else:
        shown = [sv_number(v, _decimals(values)) for v in values]
    return f"{shown[0]} · <strong>{shown[1]}</strong> · {shown[2]}"


def signed_change(value: float) -> str:
    """``+1,2``, ``−340``, ``0``: two significant digits but whole numbers from 10 up (and for whole changes)."""
    if value == 0:
        return sv_number(0)
    whole = abs(value - round(value)) < 1e-9  # counts: units, midwives, municipalities
    digits = 0 if whole else max(0, CHANGE_SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    text = sv_number(value, digits)
    return text if text.startswith(MINUS) or text == sv_number(0, digits) else f"+{text}"


def moves_groups(row: AssumptionRow, data: Assumptions) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Per metric the assumption moves (metric order): its short label with unit and the formatted changes per row."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for m in row.moves:
        out.setdefault(m.metric, []).append((m.row, signed_change(m.at_low), signed_change(m.at_high)))
    labels = {}
    for key in out:
        metric = data.metrics[key]
        labels[key] = f"{metric.label_sv.split(' (')[0]} ({text.unit_label(metric.unit, 'metric_unit')})"
    return [(labels[k], v) for k, v in out.items()]


def assumption_card(row: AssumptionRow, data: Assumptions) -> str:
    """One assumption as a stacked cell (readable on a phone): label; low · base · high and unit; source and
    reason; the headline figures it moves."""
    source = text.source_cell(row.key, row.source, row.estimate, row.reason_sv)
    moves = text.moves_cell(row.fixed, row.read_by_options, moves_groups(row, data))
    return (
        f"<strong>{row.label_sv}</strong><br>{value_triple(row)} <small>{text.unit_label(row.unit)}</small>"
        f"<br>{source}<br><small>{moves}</small>"
    )


def assumption_rows(rows: Sequence[AssumptionRow], data: Assumptions) -> pd.DataFrame:
    """One single-column row per assumption (:func:`assumption_card`)."""
    return pd.DataFrame({text.label("assumption_heading"): [assumption_card(r, data) for r in rows]})


def assumptions(data: AssumptionsPage, group: str) -> Table:
    """The assumptions of one group (``staffing``, ``access``, ``option``, ``capacity``, ``tasks``, ``travel``)."""
    rows = data.assumptions.group(group)
    if not rows:
        raise ValueError(f"no assumptions in group {group!r}")
    return Table(assumption_rows(rows, data.assumptions))
