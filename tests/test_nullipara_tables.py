"""Display tables of the page "Förstföderskor" on hand-made frames, and the labels they take from outcomes.yml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.chapters.nullipara import labels as labels_module
from analysis.chapters.nullipara import sources, tables, text
from analysis.chapters.nullipara.labels import labels, level_label, outcome_label
from analysis.chapters.nullipara.outcomes import CONFIG_PATH
from analysis.chapters.nullipara.robson import robson_display
from analysis.common import formatting, published
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_name

HOME = HOME_REGION


def test_display_labels_use_swedish_notation() -> None:
    assert level_label("18.5-24.9") == "18,5–24,9"
    assert level_label(">=40") == "≥\u00a040"
    assert level_label("25-29") == "25–29"
    assert level_label("<3000") == "<\u00a03\u00a0000"
    assert level_label("tertiary") == "eftergymnasial"
    assert outcome_label("pph_1000") == "Blödning över 1000 ml"
    assert "bristning grad 3–4" in outcome_label("oasis")
    assert text.tagged("Titel", False) == "Titel"


def test_labels_come_from_the_yaml_file(tmp_path: Path) -> None:
    kinds = labels_module.outcome_kinds()
    assert kinds["pph_1000"] == kinds["oasis"] == "complication"
    assert {kinds[k] for k in ("emergency_cs", "planned_cs", "instrumental", "induction")} == {"intervention"}
    # heading_sv falls back to label_sv; the page's name for instrumental delivery is shorter.
    assert labels().outcomes["emergency_cs"].heading == "Akut kejsarsnitt"
    assert labels().outcomes["instrumental"].heading == "Instrumentell förlossning"
    assert labels().robson_names["unclassified"] == "Ej klassad"
    assert labels().published[0].outcome == "emergency_cs"
    # Editing the file changes what the page reads.
    edited = tmp_path / "outcomes.yml"
    shutil.copy(CONFIG_PATH, edited)
    raw = edited.read_text(encoding="utf-8").replace("short_sv: Akut snitt", "short_sv: Akuta snitt")
    edited.write_text(raw, encoding="utf-8")
    assert labels_module.labels(edited).outcomes["emergency_cs"].short == "Akuta snitt"


def test_published_table_shows_real_figures_with_source() -> None:
    table = tables.published_table(HOME)
    assert table["Utfall"].tolist()[0] == outcome_label("emergency_cs")
    row = table.set_index("Utfall").loc[outcome_label("emergency_cs")]
    assert row[region_name(HOME)] == formatting.sv_pct(published.value("cs_emergency_pct", HOME), 1)
    assert row["Riket"] == formatting.sv_pct(published.value("cs_emergency_pct", published.RIKET), 1)
    assert row["Källa"] == "Socialstyrelsen, MFR 2023, tabell 9.3"
    pph = table.set_index("Utfall").loc[outcome_label("pph_1000")]
    assert pph["Kvalitet"].startswith("sekundär")
    # The report gives whole percent, no year and no denominator: shown as published.
    assert pph[region_name(HOME)] == formatting.sv_pct(
        published.value("pph_gt1000ml_mainly_emergency_cs_pct", HOME, "2023-2024 (not stated)"), 0
    )
    assert "," not in pph[region_name(HOME)] and "," not in pph["Riket"]
    assert pph["År"].startswith("anges inte") and "tredje högst i landet" in pph["Vad som mäts (nämnare)"]
    oasis = table.set_index("Utfall").loc[outcome_label("oasis")]
    assert oasis["Vad som mäts (nämnare)"] == "förstföderskor med vaginal förlossning"
    for synthetic in (True, False):
        cap = text.published_caption(synthetic)
        assert "MFR 2023" not in cap and "alla förlossningar" not in cap and "egen nämnare" in cap
    # Another region has no figure from Region Västmanland's report: that row is left out, not invented.
    assert outcome_label("pph_1000") not in set(tables.published_table("01")["Utfall"])
    assert "socialstyrelsen.se" in sources.source_urls()


def test_robson_html_highlights_only_groups_1_and_2() -> None:
    rows = []
    for area in (HOME, "nation"):
        for g in [*("1", "2a", "2b", "3", "4a", "4b", "5", "6", "7", "8", "9", "10"), "unclassified", "total"]:
            rows.append(
                {
                    "group": g,
                    "area": area,
                    "n": 100,
                    "cs": 20,
                    "relative_size_pct": 8.0,
                    "cs_rate_pct": 20.0,
                    "absolute_contribution_pct": 1.6,
                    "relative_contribution_pct": 8.0,
                }
            )
    table = pd.DataFrame(rows)
    table.loc[(table["group"] == "9") & (table["area"] == HOME), "n"] = 3
    shown = robson_display(table)
    frame = tables.robson_frame(shown, HOME)
    assert frame.loc[frame["Grupp"] == "9"].iloc[0, 2] == "<5 / 100"
    html = tables.robson_html(shown, HOME, "Robson")
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", html)
    highlighted = {
        int(row) for selectors, body in rules if "#fbe3e4" in body for row in re.findall(r"_row(\d+)_col\d+", selectors)
    }
    assert sorted(frame.loc[sorted(highlighted), "Grupp"]) == ["1", "2a", "2b"]
    # An empty group (true zero) is shown as 0, its undefined caesarean rate as '–', never as '<5'.
    table.loc[table["group"] == "unclassified", ["n", "cs"]] = 0
    table.loc[
        table["group"] == "unclassified", ["relative_size_pct", "absolute_contribution_pct", "relative_contribution_pct"]
    ] = 0.0
    table.loc[table["group"] == "unclassified", "cs_rate_pct"] = np.nan
    empty = tables.robson_frame(robson_display(table), HOME).set_index("Grupp").loc["Ej klassad"]
    assert empty.iloc[1] == "0 / 0"
    assert empty["Kejsarsnitt i gruppen"] == "– / –"
    assert empty["Gruppens andel av alla förlossningar"] == "0,0\u00a0% / 0,0\u00a0%"
