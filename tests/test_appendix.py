"""The appendix pages (analysis.chapters.appendix): data contract and calibration, on hand-made frames."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.births.contract import Column
from analysis.chapters.appendix import calibration, dataformat, page, tables, text
from analysis.common.formatting import NBSP

GOLDEN = Path(__file__).resolve().parent / "golden" / "results"


# ----------------------------------------------------------------------------------------------- Dataformat


def test_contract_split_and_results_match_golden() -> None:
    data = page.compute_dataformat(region="19")
    assert (len(data.contract.required), len(data.contract.optional), len(data.contract.rules)) == (11, 13, 6)
    assert page.dataformat_results(data) == json.loads((GOLDEN / "dataformat.json").read_text(encoding="utf-8"))
    assert page.dataformat_glue_values(data) == {
        "n_required": "11",
        "n_optional": "13",
        "n_rules": "6",
        "home_region": "Västmanland",
    }


def test_contract_keeps_the_contract_order() -> None:
    cols = (Column("a", "int", True, "", ""), Column("b", "text", False, "", ""), Column("c", "bool", True, "", ""))
    split = dataformat.contract(cols)
    assert [c.name for c in split.required] == ["a", "c"] and [c.name for c in split.optional] == ["b"]
    assert split.rules[0].id == "oasis_on_caesarean"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (Column("a", "int", True, "", "", minimum=12, maximum=60), "heltal 12–60"),
        (Column("b", "float", False, "", "", minimum=12.5, maximum=80), "tal 12.5–80"),
        (Column("c", "int", False, "", "", minimum=0), "heltal 0"),
        (Column("d", "code", True, "", "", digits=4), "fyrsiffrig kod som text"),
        (Column("e", "code", True, "", "", digits=3), "3-siffrig kod som text"),
        (Column("f", "code", True, "", "", allowed=("01", "19"), digits=2), "01, 19"),
        (Column("g", "bool", False, "", ""), "0/1, true/false, ja/nej"),
        (Column("h", "category", True, "", "", allowed=("cephalic", "breech")), "cephalic, breech"),
        (Column("i", "text", False, "", ""), "fri text"),
    ],
)
def test_allowed_values_in_swedish(column: Column, expected: str) -> None:
    assert text.allowed(column) == expected


def test_contract_rows() -> None:
    cols = (Column("year", "int", True, "År", "Year", minimum=1973, maximum=2100), Column("smoking", "bool", False, "Rök", "S"))
    rows = tables.contract_rows(cols)
    assert rows.iloc[:, 0].tolist() == ["<code>year</code>", "<code>smoking</code>"]
    assert rows.iloc[:, 1].tolist() == ["heltal", "ja/nej"]
    assert rows.iloc[:, 2].tolist() == ["heltal 1973–2100", "0/1, true/false, ja/nej"]
    assert rows.iloc[:, 3].tolist() == ["År", "Rök"]


# ----------------------------------------------------------------------------------------------- Kalibrering


def _checks() -> pd.DataFrame:
    """Three checks: a count (no decimals) and two percentages, one outside its tolerance."""
    return pd.DataFrame(
        {
            "region_code": ["19", "00", "19"],
            "region": ["Västmanland", "Riket", "Västmanland"],
            "indicator": ["deliveries_n", "cs_total_pct", "cs_total_pct"],
            "label_sv": ["Förlossningar", "Kejsarsnitt", "Kejsarsnitt"],
            "synthetic": [2400.4, 17.123, 22.5],
            "published": [2440.0, 17.0, 20.0],
            "tolerance": [48.8, 1.5, 1.5],
            "within_tolerance": [True, True, False],
            "published_year": ["2023", "2023", "2023-2024 (not stated)"],
            "quality": ["published", "derived", "unknown"],
        }
    )


def _gaps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["a", "b", "c", "d", "e"],
            "label_sv": ["Alfa", "Beta", "Gamma", "Delta", "Epsilon"],
            "synthetic_gap": [1.0, 0.1, -1.0, 0.0, 2.0],
            "published_gap": [1.2, 1.0, 1.0, 0.01, 2.5],
            "direction": ["same", "weaker", "opposite", "unclear", "same"],
        }
    )


def test_within_count() -> None:
    assert calibration.within_count(_checks()) == 2
    assert calibration.within_count(pd.DataFrame()) == 0


def test_gap_counts() -> None:
    counts = calibration.gap_counts(_gaps())
    assert (counts.gaps, counts.same, counts.weaker, counts.opposite, counts.unclear) == (5, 2, 1, 1, 1)
    assert counts.weaker_labels == ("beta", "gamma")
    assert calibration.gap_counts(pd.DataFrame()) == calibration.GapCounts(0, 0, 0, 0, 0, ())


def test_cohort_size() -> None:
    births = pd.DataFrame({"region": ["19"] * 1400 + ["01"] * 1100})
    assert calibration.cohort(births, years=2) == calibration.Cohort(deliveries=2500, regions=2, years=2, per_year=1000.0)


def test_weaker_list_and_source_year_texts() -> None:
    assert text.weaker_list(()).key == "weaker_list.none"
    some = text.weaker_list(("beta", "gamma"))
    assert some.key == "weaker_list.some" and some.values == {"labels": "beta, gamma"}
    assert text.source_year("2023-2024 (not stated)", "härledd") == "2023–2024 (antaget; rapporten anger inget år), härledd"
    assert text.gaps_caption("Västmanland").values == {"region": "Västmanland"}


def test_calibration_rows() -> None:
    rows = tables.calibration_rows(_checks())
    assert rows.columns.tolist() == ["Region", "Indikator", "Syntetisk", "Publicerad", "Tolerans", "Inom tolerans", "Källa, år"]
    assert rows["Syntetisk"].tolist() == [f"2{NBSP}400", "17,12", "22,50"]  # counts without decimals
    assert rows["Tolerans"].tolist() == ["49", "1,50", "1,50"]
    assert rows["Inom tolerans"].tolist() == ["ja", "ja", "NEJ"]
    assert rows["Källa, år"].tolist() == [
        "2023, publicerad",
        "2023, härledd",
        "2023–2024 (antaget; rapporten anger inget år), unknown",
    ]


def test_gap_rows() -> None:
    rows = tables.gap_rows(_gaps())
    assert rows["Riktning"].tolist() == ["samma", "svagare än publicerat", "MOTSATT", "ingen tydlig riktning", "samma"]
    assert rows["Skillnad i kohorten"].tolist()[:3] == ["1,00", "0,10", "\u22121,00"]


def _fake_births(monkeypatch: pytest.MonkeyPatch, synthetic: bool) -> None:
    births = pd.DataFrame({"region": ["19", "00", "01"] * 1000})
    monkeypatch.setattr(page, "is_synthetic", lambda path: synthetic)
    monkeypatch.setattr(page, "load_births", lambda path: births)
    monkeypatch.setattr(page, "calibration_table", lambda df: _checks())
    monkeypatch.setattr(page, "calibration_gaps", lambda table, region: _gaps())


def test_calibration_page_on_a_synthetic_cohort(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_births(monkeypatch, synthetic=True)
    data = page.compute_calibration(years="2019-2023", births="cohort.parquet")
    glued = page.calibration_glue_values(data)
    assert glued["n_deliveries"] == f"3{NBSP}000" and glued["n_years"] == "5" and glued["per_year"] == "1\u00a0000"
    assert (glued["n_checks"], glued["n_within"], glued["n_gaps"], glued["n_same"]) == ("3", "2", "5", "2")
    assert glued["weaker_list"].key == "weaker_list.some"
    results = page.calibration_results(data)
    assert (results["synthetic"], results["checks"], results["within_tolerance"]) == (True, 3, 2)
    assert results["table"][2] == {
        "region_code": "19",
        "indicator": "cs_total_pct",
        "synthetic": 22.5,
        "published": 20.0,
        "tolerance": 1.5,
        "within_tolerance": False,
    }
    assert tables.calibration(data) is not None and tables.gaps(data) is not None


def test_calibration_page_on_a_register_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_births(monkeypatch, synthetic=False)
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(tables, "notice", lambda title, body, kind: shown.append((title, body, kind)))
    data = page.compute_calibration(years="2019-2023", births="extract.csv")
    glued = page.calibration_glue_values(data)
    assert {k: glued[k] for k in ("n_checks", "n_within", "n_gaps", "n_opposite")} == dict.fromkeys(
        ("n_checks", "n_within", "n_gaps", "n_opposite"), "0"
    )
    assert glued["weaker_list"].key == "weaker_list.none"
    assert page.calibration_results(data) == {"synthetic": False, "checks": 0, "within_tolerance": 0, "table": []}
    assert tables.calibration(data) is None and tables.gaps(data) is None
    assert [kind for _, _, kind in shown] == ["note"]
