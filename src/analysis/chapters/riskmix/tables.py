"""Display tables of the risk-factor chapter (numbers formatted the Swedish way)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.chapters.riskmix import text
from analysis.chapters.riskmix.config import RiskConfig
from analysis.chapters.riskmix.published import highlighted
from analysis.common import disclosure
from analysis.common.formatting import sv_number, sv_pct
from analysis.render.page import Table, notice

if TYPE_CHECKING:
    from analysis.chapters.riskmix.page import RiskmixPage


def published_frame(rankings: dict[str, pd.DataFrame], config: RiskConfig, region_name: str) -> pd.DataFrame:
    """One row per published indicator: the region, the nation, its rank and the change since the baseline year."""
    rows = []
    for ind in config.published_indicators:
        h = highlighted(rankings[ind.key])
        year, base = str(h["year"]), str(h["baseline_year"])
        rows.append(
            {
                text.label("published_table.indicator"): ind.label_sv,
                text.label("published_table.region_year", region_name=region_name, year=year): sv_number(h["value"], 1),
                text.label("published_table.nation_year", year=year): sv_number(h["national_value"], 1),
                text.label("published_table.rank"): text.published_rank(h["rank"], h["n_ranked"]),
                text.label("published_table.region_year", region_name=region_name, year=base): sv_number(h["baseline_value"], 1),
                text.label("published_table.change", baseline_year=base, year=year): sv_number(h["change"], 1),
            }
        )
    return pd.DataFrame(rows)


def published(data: RiskmixPage) -> Table:
    frame = published_frame(data.rankings, data.config, data.region_name)
    return Table(frame, text.label("published_table.caption"))


def municipality_cell(pct: float, suppressed: bool) -> str:
    """A share, or ``<5`` when the cell builds on fewer women than the disclosure threshold."""
    return f"<{disclosure.threshold()}" if suppressed else sv_pct(pct)


def municipality_frame(table: pd.DataFrame, names: dict[str, str], config: RiskConfig) -> pd.DataFrame:
    """Municipalities as rows (sorted by name), the no-risk share then the factors in config order as columns."""
    cells = [municipality_cell(p, bool(s)) for p, s in zip(table["pct"], table["suppressed"], strict=True)]
    wide = table.assign(cell=cells).pivot(index="municipality", columns="label_sv", values="cell")
    label_order = [f.label_sv for f in config.factors if f.label_sv in wide.columns]
    first = [c for c in wide.columns if c not in label_order]
    wide = wide[first + label_order]
    wide.insert(0, text.label("municipality_table.name_column"), [names.get(c, c) for c in wide.index])
    return wide.sort_values(text.label("municipality_table.name_column")).reset_index(drop=True)


def municipalities(data: RiskmixPage) -> Table | None:
    """The municipality table, or a notice (and nothing to show) when the data has no municipality of residence."""
    if not data.has_municipalities or data.boundaries is None:
        title, body = text.no_municipalities(data.region_name)
        notice(title, body, kind="note")
        return None
    names = dict(zip(data.boundaries["kommun_kod"], data.boundaries["kommun"], strict=False))
    frame = municipality_frame(data.municipalities, names, data.config)
    return Table(frame, text.municipality_caption(data.synthetic))
