"""The risk-factor page: what used to live in the template (tables, glue values, results), on hand-made frames."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.chapters.riskmix import charts, page, tables
from analysis.chapters.riskmix.config import NO_RISK_KEY, RiskConfigError, load_config, parse_config
from analysis.chapters.riskmix.municipalities import has_municipalities, municipality_figures
from analysis.chapters.riskmix.published import highlighted

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "results" / "riskmix.json"
NBSP = "\u00a0"


# --------------------------------------------------------------------------- configuration of the page


def test_page_settings_and_labels_come_from_the_config() -> None:
    cfg = load_config()
    assert cfg.no_risk_label_sv == "Ingen riskfaktor" and cfg.other_label_en == "Other combinations"
    assert cfg.page.standardised == (NO_RISK_KEY, "bmi_ge30")
    assert cfg.page.maps[0] == NO_RISK_KEY
    assert cfg.short_label_sv("bmi_ge30") == "Fetma (BMI 30+)"
    assert cfg.sentence_label_sv("bmi_ge30") == "Fetma (BMI 30 eller mer)"
    # Without a short label the factor's own label is used.
    assert cfg.short_label_sv("smoking") == cfg.factor("smoking").label_sv
    assert cfg.label_sv(NO_RISK_KEY) == cfg.short_label_sv(NO_RISK_KEY) == "Ingen riskfaktor"
    assert [v.by for v in cfg.page.stratified] == ["country_of_birth", "education"]


def _minimal(page_section: object) -> dict[str, object]:
    return {
        "factors": [
            {
                "key": "bmi_ge30",
                "label_sv": "Fetma",
                "label_en": "Obesity",
                "rule": {"column": "bmi", "op": "ge", "value": 30},
                "requires": ["bmi"],
            }
        ],
        "no_risk_factor": {"factors": ["bmi_ge30"], "description_sv": "x"},
        "age_groups": [{"key": "all", "lower": None, "upper": None}],
        "parity_groups": [{"key": "all", "lower": 0, "upper": None}],
        "page": page_section,
    }


def test_page_section_is_optional_and_checked() -> None:
    cfg = parse_config(_minimal(None))
    assert cfg.page.maps == () and cfg.no_risk_label_sv == NO_RISK_KEY  # no Swedish default in Python
    with pytest.raises(RiskConfigError, match=r"page\.maps: unknown factor\(s\) \['obesity'\]"):
        parse_config(_minimal({"maps": ["obesity"]}))
    with pytest.raises(RiskConfigError, match=r"page\.short_labels_sv: unknown factor"):
        parse_config(_minimal({"short_labels_sv": {"smoke": "Rökning"}}))
    with pytest.raises(RiskConfigError, match="page: must be a mapping"):
        parse_config(_minimal(["maps"]))


# --------------------------------------------------------------------------- municipalities


def municipality_table() -> pd.DataFrame:
    """Two municipalities, two factors; 1904 suppressed for obesity."""
    return pd.DataFrame(
        {
            "municipality": ["1980", "1980", "1904", "1904"],
            "factor": ["bmi_ge30", NO_RISK_KEY, "bmi_ge30", NO_RISK_KEY],
            "label_sv": ["BMI 30 eller mer (fetma)", "Ingen riskfaktor"] * 2,
            "n": [200.0, 180.0, math.nan, 40.0],
            "pct": [25.26, 30.0, math.nan, 12.5],
            "suppressed": [False, False, True, False],
        }
    )


def test_municipality_cell() -> None:
    assert tables.municipality_cell(25.26, False) == f"25,3{NBSP}%"
    assert tables.municipality_cell(math.nan, True) == "<5"


def test_municipality_frame_orders_rows_by_name_and_puts_the_no_risk_share_first() -> None:
    frame = tables.municipality_frame(municipality_table(), {"1980": "Västerås", "1904": "Fagersta"}, load_config())
    assert list(frame.columns) == ["Kommun", "Ingen riskfaktor", "BMI 30 eller mer (fetma)"]
    assert frame["Kommun"].tolist() == ["Fagersta", "Västerås"]
    assert frame.iloc[0].tolist() == ["Fagersta", f"12,5{NBSP}%", "<5"]
    assert frame.iloc[1].tolist() == ["Västerås", f"30,0{NBSP}%", f"25,3{NBSP}%"]


def test_municipality_figures_hide_suppressed_shares() -> None:
    figures = municipality_figures(municipality_table())
    assert figures == {
        "1904": {"bmi_ge30": None, NO_RISK_KEY: 12.5, "n": 40},
        "1980": {"bmi_ge30": 25.26, NO_RISK_KEY: 30.0, "n": 200},
    }
    assert municipality_figures(pd.DataFrame()) == {}


def test_has_municipalities() -> None:
    births = pd.DataFrame({"region": ["19", "19", "03"], "municipality": [None, "1980", ""]})
    assert has_municipalities(births, "19")
    assert not has_municipalities(births, "03")


# --------------------------------------------------------------------------- published table


def ranking(value: float, national: float, rank: float, baseline: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "highlight": [False, True],
            "year": ["2023", "2023"],
            "baseline_year": ["2018", "2018"],
            "value": [1.0, value],
            "national_value": [national, national],
            "rank": [1.0, rank],
            "n_ranked": [21, 21],
            "baseline_value": [math.nan, baseline],
            "change": [math.nan, value - baseline],
        }
    )


def test_published_frame_one_row_per_indicator() -> None:
    cfg = load_config()
    rankings = {ind.key: ranking(23.106, 17.838, 3, math.nan) for ind in cfg.published_indicators}
    rankings["mean_age_nulliparous"] = ranking(29.0, 29.9, 11, 27.9)
    frame = tables.published_frame(rankings, cfg, "Västmanland")
    assert list(frame.columns) == [
        "Indikator",
        "Västmanland 2023",
        "Riket 2023",
        "Plats (1 = högst)",
        "Västmanland 2018",
        "Förändring 2018–2023",
    ]
    assert len(frame) == len(cfg.published_indicators)
    obese = frame.iloc[1].tolist()
    assert obese[1:] == ["23,1", "17,8", "3 av 21", "–", "–"]
    assert frame.iloc[-1].tolist()[1:] == ["29,0", "29,9", "11 av 21", "27,9", "1,1"]
    assert highlighted(rankings["mean_age_nulliparous"])["rank"] == 11


# --------------------------------------------------------------------------- the whole page on a small cohort


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analysis.births import generate

    path = tmp_path_factory.mktemp("riskmix") / "births.parquet"
    generate(years=[2022, 2023], seed=11, scale=0.05).data.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def bundle(cohort: Path) -> page.RiskmixPage:
    return page.compute(region="19", years="2022-2023", births=str(cohort))


def _template_glue_keys() -> set[str]:
    return set(re.findall(r"\{glue:\}`([a-z0-9_]+)`", (REPO / "notebooks" / "riskmix.md").read_text(encoding="utf-8")))


@pytest.mark.slow
def test_glue_values_cover_the_template(bundle: page.RiskmixPage) -> None:
    values = page.glue_values(bundle)
    assert _template_glue_keys() <= set(values)
    assert all(isinstance(v, str) and v for v in values.values())
    assert values["years"] == "2022–2023" and values["region_name"] == "Västmanland"
    assert values["std_sentence_obese"].key.startswith("standardisation.")  # type: ignore[attr-defined]
    assert values["std_sentence_obese"].values["label"] == "Fetma (BMI 30 eller mer)"  # type: ignore[attr-defined]
    assert values["strata_note"].key == "strata_note.real"  # type: ignore[attr-defined]  (no truth file beside it)


@pytest.mark.slow
def test_results_have_the_golden_keys_and_are_plain_json(bundle: page.RiskmixPage) -> None:
    figures = page.results(bundle)
    json.dumps(figures, allow_nan=False)
    if GOLDEN.exists():
        golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
        assert set(figures) == set(golden)
    assert figures["no_risk_share"]["region"] == pytest.approx(figures["no_risk_region_pct"], abs=1e-4)
    assert set(figures["by_municipality"]) == set(bundle.municipalities["municipality"])


@pytest.mark.slow
def test_tables_and_charts_render(bundle: page.RiskmixPage) -> None:
    assert len(tables.published(bundle).frame) == len(bundle.config.published_indicators)
    muni = tables.municipalities(bundle)
    assert muni is not None and muni.frame.columns[0] == "Kommun"
    for chart in (
        charts.rankings(bundle),
        charts.prevalence(bundle),
        charts.combinations(bundle),
        charts.standardisation(bundle),
        charts.municipalities(bundle),
        charts.stratified(bundle, "country_of_birth"),
        charts.stratified(bundle, "education"),
    ):
        assert chart is not None
        chart.to_dict()
    assert list(bundle.map_tables) == [
        "Ingen riskfaktor",
        "Fetma (BMI 30+)",
        "Född utanför Europa",
        "Endast förgymnasial utbildning",
    ]


@pytest.mark.slow
def test_a_region_without_municipality_codes_has_no_maps(cohort: Path) -> None:
    other = page.compute(region="03", years="2022-2023", births=str(cohort))
    assert not other.has_municipalities and charts.municipalities(other) is None
    assert page.results(other)["by_municipality"] == {}
    # The published figures the prose quotes are the home county's, whatever region is shown.
    assert page.glue_values(other)["mfr_missing_region"] == f"3,5{NBSP}%"
