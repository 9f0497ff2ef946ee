"""Display tables of the appendix pages (headings and cell labels from ``book/text/appendix.sv.yml``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.births import QUALITY_SV
from analysis.births.contract import Column
from analysis.chapters.appendix import text
from analysis.chapters.appendix.page import CalibrationPage, DataformatPage
from analysis.common.formatting import sv_number
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
