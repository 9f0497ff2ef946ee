"""Tests for the risk-factor chapter's computation modules on tables small enough to count by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.chapters.riskmix.config import CONFIG_PATH, RiskConfig, RiskConfigError, load_config, parse_config
from analysis.chapters.riskmix.figures import key_figures
from analysis.chapters.riskmix.municipalities import by_municipality, municipality_map_frame
from analysis.chapters.riskmix.prevalence import combinations, no_risk_share, prevalence_table
from analysis.chapters.riskmix.published import published_overview, published_ranking
from analysis.chapters.riskmix.rules import factor_flags, no_risk_definition, no_risk_flag
from analysis.chapters.riskmix.standardisation import direct_standardise
from analysis.chapters.riskmix.strata import stratified
from analysis.common import disclosure

REFERENCE_CSV = Path("/work/shared/reference/region_indicators.csv")


@pytest.fixture
def cfg() -> RiskConfig:
    return load_config()


@pytest.fixture
def no_suppression(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threshold 1 so the hand-counted 10-row tables stay visible."""
    monkeypatch.setenv("ANALYSIS_MIN_CELL", "1")


@pytest.fixture(autouse=True)
def default_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANALYSIS_MIN_CELL", raising=False)


def ten_rows() -> pd.DataFrame:
    """10 Västmanland deliveries plus 10 risk-free deliveries in Stockholm.

    Row  age  bmi   smoke  diab  hyp   born            educ        factors (no-risk flag)
    0    18   22.0  F      F     F     sweden          compulsory  age_lt20, compulsory  (False)
    1    22   24.9  F      F     F     sweden          upper_sec   -                     (True)
    2    35   25.0  F      F     F     sweden          tertiary    age_ge35, bmi_ge25    (False)
    3    40   NA    T      F     F     outside_europe  tertiary    age_ge35, smoking, outside (False)
    4    30   30.0  F      T     F     sweden          tertiary    bmi_ge25, bmi_ge30, diabetes (False)
    5    28   NA    F      F     F     sweden          tertiary    bmi unknown           (NA)
    6    25   21.0  NA     F     F     europe          upper_sec   smoking unknown       (NA)
    7    33   23.0  F      F     T     nordic          tertiary    hypertension          (False)
    8    29   19.5  F      F     F     sweden          tertiary    -                     (True)
    9    34   27.0  F      F     F     NA              upper_sec   bmi_ge25 (birth unknown) (False)
    """
    region = pd.DataFrame(
        {
            "year": [2023] * 10,
            "region": ["19"] * 10,
            "municipality": ["1980"] * 10,
            "parity": [0, 0, 1, 2, 1, 0, 0, 3, 1, 0],
            "maternal_age": [18, 22, 35, 40, 30, 28, 25, 33, 29, 34],
            "bmi": [22.0, 24.9, 25.0, np.nan, 30.0, np.nan, 21.0, 23.0, 19.5, 27.0],
            "smoking": pd.array([False, False, False, True, False, False, None, False, False, False], dtype="boolean"),
            "diabetes": [False, False, False, False, True, False, False, False, False, False],
            "hypertension": [False, False, False, False, False, False, False, True, False, False],
            "country_of_birth": [
                "sweden",
                "sweden",
                "sweden",
                "outside_europe",
                "sweden",
                "sweden",
                "europe",
                "nordic",
                "sweden",
                None,
            ],
            "education": [
                "compulsory",
                "upper_secondary",
                "tertiary",
                "tertiary",
                "tertiary",
                "tertiary",
                "upper_secondary",
                "tertiary",
                "tertiary",
                "upper_secondary",
            ],
        }
    )
    other = pd.DataFrame(
        {
            "year": [2023] * 10,
            "region": ["01"] * 10,
            "municipality": [""] * 10,
            "parity": [0, 1] * 5,
            "maternal_age": [30] * 10,
            "bmi": [22.0] * 10,
            "smoking": pd.array([False] * 10, dtype="boolean"),
            "diabetes": [False] * 10,
            "hypertension": [False] * 10,
            "country_of_birth": ["sweden"] * 10,
            "education": ["tertiary"] * 10,
        }
    )
    return pd.concat([region, other], ignore_index=True)


def assert_disclosure_safe(table: pd.DataFrame) -> None:
    """No visible n or cases under 5; missing counts are either 0 (complete data) or >= 5."""
    disclosure.assert_no_small_cells(table, ["n", "cases"])
    missing = table["missing"].dropna()
    assert not ((missing > 0) & (missing < disclosure.threshold())).any()


def row(table: pd.DataFrame, **where: str) -> pd.Series:
    hit = table
    for col, value in where.items():
        hit = hit[hit[col] == value]
    assert len(hit) == 1, where
    return hit.iloc[0]


# --------------------------------------------------------------------------- configuration


def test_packaged_config_loads_with_default_no_risk_definition(cfg: RiskConfig) -> None:
    assert cfg.no_risk_factors == (
        "age_lt20",
        "age_ge35",
        "bmi_ge25",
        "smoking",
        "diabetes",
        "hypertension",
        "born_outside_europe",
        "compulsory_education",
    )
    assert cfg.factor("age_lt20").label_sv == "Ålder under 20 år"
    assert [g.key for g in cfg.age_groups] == ["<20", "20-24", "25-29", "30-34", "35-39", ">=40"]
    assert [g.key for g in cfg.parity_groups] == ["0", "1", "2+"]
    assert "20–34" in cfg.no_risk_description_sv


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "custom_factors.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["factors"][2]["rule"].update(column="bmi_booking"), "factor 'bmi_ge25': unknown column 'bmi_booking'"),
        (lambda d: d["factors"][0]["rule"].update(op="=>"), "factor 'age_lt20': unknown operator '=>'"),
        (lambda d: d["factors"].append(dict(d["factors"][4])), "factor 'smoking': duplicate key"),
        (
            lambda d: d["factors"][7]["rule"].update(value=["outside-europe"]),
            "factor 'born_outside_europe': unknown country_of_birth",
        ),
        (lambda d: d["factors"][1].update(requires=["bmi"]), "factor 'age_ge35': requires"),
        (lambda d: d["no_risk_factor"]["factors"].append("obesity"), "no_risk_factor: unknown factor(s) ['obesity']"),
        (lambda d: d["age_groups"][2].update(lower=26), "age_groups: band '20-24' must end where '25-29' starts"),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, mutate, message: str) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(RiskConfigError) as err:
        load_config(path)
    assert str(err.value).startswith("custom_factors.yml: ")
    assert message in str(err.value)


# --------------------------------------------------------------------------- flags and prevalence


def test_factor_flags_three_valued(cfg: RiskConfig) -> None:
    flags = factor_flags(ten_rows().head(10), cfg)
    assert flags["bmi_ge25"].tolist() == [False, False, True, pd.NA, True, pd.NA, False, False, False, True]
    assert flags["smoking"].isna().tolist() == [False] * 6 + [True] + [False] * 3
    assert flags["born_outside_europe"].tolist()[3] is True and flags["born_outside_europe"].isna().sum() == 1
    nr = no_risk_flag(flags, cfg.no_risk_factors)
    # Complete cases only: rows 3 and 9 have a known factor but a missing one too, so they are left out.
    assert nr.tolist() == [False, True, False, pd.NA, False, pd.NA, pd.NA, False, True, pd.NA]


def test_rule_language_all_any_and_text_booleans() -> None:
    cfg = parse_config(
        {
            "factors": [
                {
                    "key": "overweight_only",
                    "label_sv": "Övervikt",
                    "label_en": "Overweight",
                    "rule": {"all": [{"column": "bmi", "op": "ge", "value": 25}, {"column": "bmi", "op": "lt", "value": 30}]},
                    "requires": ["bmi"],
                },
                {
                    "key": "smoke_or_diab",
                    "label_sv": "R/D",
                    "label_en": "S/D",
                    "rule": {"any": [{"column": "smoking", "op": "is_true"}, {"column": "diabetes", "op": "is_true"}]},
                    "requires": ["smoking", "diabetes"],
                },
            ],
            "no_risk_factor": {"factors": ["overweight_only"], "description_sv": "x"},
            "age_groups": [{"key": "all", "lower": None, "upper": None}],
            "parity_groups": [{"key": "all", "lower": 0, "upper": None}],
        }
    )
    births = pd.DataFrame(
        {"bmi": [24.9, 25.0, 29.9, 30.0, None], "smoking": ["ja", "nej", None, "nej", "nej"], "diabetes": [0, 0, 1, None, 0]}
    )
    flags = factor_flags(births, cfg)
    assert flags["overweight_only"].tolist() == [False, True, True, False, pd.NA]
    # Kleene: unknown smoking OR known diabetes = True; False OR unknown = unknown.
    assert flags["smoke_or_diab"].tolist() == [True, False, True, pd.NA, False]


def test_prevalence_table_hand_counts(cfg: RiskConfig, no_suppression: None) -> None:
    table = prevalence_table(ten_rows(), "19", 2023, cfg)
    bmi = row(table, factor="bmi_ge25", area="region")
    assert (bmi["n"], bmi["cases"], bmi["missing"]) == (8, 3, 2)  # rows 2, 4, 9 of 8 known
    assert bmi["pct"] == pytest.approx(37.5)
    assert row(table, factor="age_ge35", area="region")["cases"] == 2
    assert row(table, factor="smoking", area="region")[["n", "cases", "missing"]].tolist() == [9, 1, 1]
    # Nation = both regions: 18 known BMI, still 3 with BMI >= 25.
    assert row(table, factor="bmi_ge25", area="nation")[["n", "cases"]].tolist() == [18, 3]
    assert row(table, factor="bmi_ge25", area="nation")["area_name"] == "Riket"


def test_no_risk_share_with_wilson_ci(cfg: RiskConfig, no_suppression: None) -> None:
    share = no_risk_share(ten_rows(), "19", 2023, cfg)
    region = row(share, area="region")
    # Rows 1 and 8 have no factor; rows 3, 5, 6 and 9 are incomplete (complete cases only).
    assert (region["n"], region["cases"], region["missing"]) == (6, 2, 4)
    # Wilson, p = 2/6, z = 1.95996: centre = (1/3 + z²/12) / (1 + z²/6) = 0.39839,
    # half-width = z * sqrt(p(1-p)/6 + z²/144) / (1 + z²/6) = 0.30162 -> 9.677 % to 70.00 %.
    assert region["ci_low"] == pytest.approx(9.677, abs=1e-3)
    assert region["ci_high"] == pytest.approx(70.001, abs=1e-3)
    assert row(share, area="nation")[["n", "cases"]].tolist() == [16, 12]  # the ten other rows are complete


def test_changing_the_no_risk_definition_changes_the_share(cfg: RiskConfig, no_suppression: None) -> None:
    # Without BMI >= 25: row 5 (only BMI unknown) becomes risk-free (3 of 8 instead of 2 of 8);
    # row 9 (only BMI >= 25, country of birth unknown) moves from "has a factor" to unknown;
    # row 4 keeps diabetes. Denominator stays 8: rows 6 and 9 are unknown.
    relaxed = cfg.with_no_risk_factors([k for k in cfg.no_risk_factors if k != "bmi_ge25"])
    share = row(no_risk_share(ten_rows(), "19", 2023, relaxed), area="region")
    assert (share["n"], share["cases"], share["missing"]) == (8, 3, 2)
    assert share["pct"] == pytest.approx(37.5)
    assert "bmi_ge25" not in share["definition"]
    with pytest.raises(RiskConfigError, match="unknown factor"):
        cfg.with_no_risk_factors(["bmi_ge40"])


def test_absent_and_empty_optional_columns_are_unavailable(cfg: RiskConfig, no_suppression: None) -> None:
    births = ten_rows().drop(columns=["bmi"])
    births["education"] = pd.Series([None] * len(births), dtype="string")  # loader adds absent columns empty
    table = prevalence_table(births, "19", 2023, cfg)
    unavailable = set(table.loc[table["status"] == "unavailable", "factor"])
    assert unavailable == {"bmi_ge25", "bmi_ge30", "compulsory_education"}
    definition = no_risk_definition(births, cfg)
    assert definition.unavailable == ("bmi_ge25", "compulsory_education")
    # Without BMI and education: rows 0 (age < 20), 2, 3 (age 35+), 4 (diabetes), 7 (hypertension)
    # have a factor; rows 1, 5, 8 none; 6 (smoking) and 9 (country of birth) unknown -> 3 of 8.
    share = row(no_risk_share(births, "19", 2023, cfg), area="region")
    assert (share["n"], share["cases"]) == (8, 3)
    figures = key_figures(births, "19", 2023, cfg)
    assert "bmi_ge30" not in figures["standardised"] and figures["factors"]["bmi_ge30"]["available"] is False


def test_prevalence_is_suppressed_under_threshold(cfg: RiskConfig) -> None:
    table = prevalence_table(ten_rows(), "19", 2023, cfg)
    diab = row(table, factor="diabetes", area="region")
    assert diab["suppressed"] and math.isnan(diab["cases"]) and math.isnan(diab["pct"])
    assert_disclosure_safe(table)


# --------------------------------------------------------------------------- combinations


def test_combinations_rank_and_pool_small_ones(cfg: RiskConfig, no_suppression: None) -> None:
    # Complete on all 8 factors: rows 0, 1, 2, 4, 7, 8 (3, 5, 6, 9 have a missing value).
    combos = combinations(ten_rows(), "19", 2023, cfg, top_k=2)
    assert combos["denominator"].iloc[0] == 6 and combos["excluded_incomplete"].iloc[0] == 4
    top = combos.iloc[0]
    assert (top["combination"], top["count"], top["label_en"]) == ("none", 2, "No risk factor")
    assert top["share"] == pytest.approx(100 * 2 / 6)
    # Ties of one are ordered alphabetically: 'age_ge35+bmi_ge25' before 'age_lt20+...'.
    assert combos.iloc[1]["combination"] == "age_ge35+bmi_ge25"
    other = combos.iloc[-1]
    # The other 3 complete women (rows 0, 4, 7) have 3 different combinations.
    assert (other["combination"], other["count"], other["hidden_combinations"]) == ("other", 3, 3)


def test_combinations_under_threshold_are_never_shown(cfg: RiskConfig) -> None:
    combos = combinations(ten_rows(), "19", 2023, cfg)
    # Nothing reaches 5 women, so only the pooled row (6 women, 5 combinations) remains.
    assert combos["combination"].tolist() == ["other"]
    assert combos["count"].tolist() == [6] and combos["hidden_combinations"].tolist() == [5]


# --------------------------------------------------------------------------- standardisation


def standardisation_cohort() -> pd.DataFrame:
    """Obesity by age group, everyone first-time mothers (one parity stratum).

    Region 19: 25-29: 10 women, 2 obese; 35-39: 30 women, 12 obese.
    Region 01: 25-29: 90 women, 9 obese; 35-39: 30 women, 6 obese.
    """

    def block(region: str, age: int, n: int, obese: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "year": 2023,
                "region": region,
                "municipality": "",
                "parity": 0,
                "maternal_age": age,
                "bmi": [32.0] * obese + [22.0] * (n - obese),
            }
        )

    return pd.concat(
        [block("19", 27, 10, 2), block("19", 37, 30, 12), block("01", 27, 90, 9), block("01", 37, 30, 6)], ignore_index=True
    )


def test_direct_standardisation_worked_example(cfg: RiskConfig) -> None:
    # Nation: 25-29 100 women (11 obese), 35-39 60 women (18 obese) -> national 29/160 = 18.125 %.
    # Standard weights 100/160 = 0.625 and 60/160 = 0.375.
    # Region crude 14/40 = 35 %; region rates 2/10 = 0.2 and 12/30 = 0.4.
    # Standardised = 0.625 * 0.2 + 0.375 * 0.4 = 0.275 -> 27.5 %.
    # Crude gap 35 - 18.125 = 16.875; explained by age structure 35 - 27.5 = 7.5 (44.4 %).
    # Var = 0.625² * 0.2 * 0.8 / 10 + 0.375² * 0.4 * 0.6 / 30 = 0.00625 + 0.001125 = 0.007375,
    # SE = 0.085878, 1.96 SE = 0.168317 -> CI 10.668 % to 44.332 %.
    res = direct_standardise(standardisation_cohort(), "19", "bmi_ge30", 2023, cfg)
    assert res.crude == pytest.approx(35.0)
    assert res.standardised == pytest.approx(27.5)
    assert res.national == pytest.approx(18.125)
    assert res.gap_explained_by_structure == pytest.approx(7.5)
    assert res.standardised_gap == pytest.approx(9.375)
    assert res.share_of_gap_explained == pytest.approx(7.5 / 16.875)
    assert res.ci_low == pytest.approx(10.668, abs=1e-3)
    assert res.ci_high == pytest.approx(44.332, abs=1e-3)
    assert res.dropped_standard_weight == 0.0
    strata = res.strata.set_index("age_group")
    assert strata.loc["35-39", "weight"] == pytest.approx(0.375)
    assert json.loads(json.dumps(res.to_dict(), allow_nan=False))["standardised"] == 27.5


def test_custom_standard_population(cfg: RiskConfig) -> None:
    # Equal weights: 0.5 * 0.2 + 0.5 * 0.4 = 30 %.
    standard = pd.DataFrame({"age_group": ["25-29", "35-39"], "weight": [1.0, 1.0]})
    res = direct_standardise(standardisation_cohort(), "19", "bmi_ge30", 2023, cfg, by=["age_group"], standard=standard)
    assert res.standardised == pytest.approx(30.0) and res.standard == "custom"


def test_fay_feuer_single_stratum_is_exact_poisson(cfg: RiskConfig) -> None:
    # One stratum, 10 smokers of 100: the gamma interval reduces to Garwood's exact Poisson
    # limits for 10 events, 4.795 and 18.390, divided by 100 women.
    births = pd.DataFrame(
        {
            "year": 2023,
            "region": "19",
            "municipality": "1980",
            "parity": 0,
            "maternal_age": 30,
            "smoking": [True] * 10 + [False] * 90,
        }
    )
    res = direct_standardise(births, "19", "smoking", 2023, cfg, by=["parity_group"], ci_method="gamma")
    assert res.standardised == pytest.approx(10.0)
    assert res.ci_low == pytest.approx(4.795, abs=1e-3)
    assert res.ci_high == pytest.approx(18.390, abs=1e-3)


def test_no_risk_share_can_be_standardised(cfg: RiskConfig, no_suppression: None) -> None:
    res = direct_standardise(ten_rows(), "19", "no_risk_factor", 2023, cfg)
    assert (res.n_region, res.cases_region, res.excluded_region) == (6, 2, 4)
    assert res.crude == pytest.approx(100 / 3)


# --------------------------------------------------------------------------- municipalities


def municipality_cohort() -> pd.DataFrame:
    """1980: 20 women, 6 obese (30 %); 1904: 3 women, 1 obese; all aged 30 (no one under 20)."""
    return pd.DataFrame(
        {
            "year": 2023,
            "region": "19",
            "parity": 1,
            "maternal_age": 30,
            "municipality": ["1980"] * 20 + ["1904"] * 3,
            "bmi": [32.0] * 6 + [22.0] * 14 + [31.0, 22.0, 23.0],
        }
    )


def test_municipality_table_suppresses_small_cells(cfg: RiskConfig) -> None:
    table = by_municipality(municipality_cohort(), "19", 2023, cfg, municipalities=["1904", "1907", "1980"])
    vasteras = row(table, municipality="1980", factor="bmi_ge30")
    # Complementary suppression: the region's 23 women, 7 obese, minus Västerås's 20/6 would give 1904's 3/1 back.
    assert vasteras["suppressed"] and math.isnan(vasteras["pct"])
    small = row(table, municipality="1904", factor="bmi_ge30")
    assert small["suppressed"] and small["status"] == "suppressed"
    assert math.isnan(small["n"]) and math.isnan(small["cases"]) and math.isnan(small["pct"])
    assert row(table, municipality="1907", factor="bmi_ge30")["status"] == "no_data"
    # Zero cases among 20 is also a small cell.
    assert row(table, municipality="1980", factor="age_lt20")["suppressed"]
    # Absent optional columns (smoking, education, ...) are left out, not crashed on.
    assert "smoking" not in set(table["factor"])
    assert set(table["municipality"]) == {"1904", "1907", "1980"}
    assert_disclosure_safe(table)


def test_municipality_map_marks_suppressed_polygons(cfg: RiskConfig) -> None:
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box

    cohort = municipality_cohort()
    partner = cohort[cohort["municipality"] == "1980"].assign(municipality="1961")  # hidden as 1904's complement
    table = by_municipality(pd.concat([cohort, partner], ignore_index=True), "19", 2023, cfg)
    boundaries = gpd.GeoDataFrame(
        {"kommun_kod": ["1980", "1904", "1962"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:3006"
    )
    geo = municipality_map_frame(table, boundaries, "bmi_ge30").set_index("municipality")
    assert geo.loc["1980", "label"] == "30.0 %"
    assert geo.loc["1904", "label"] == "<5" and math.isnan(geo.loc["1904", "pct"]) and geo.loc["1904", "suppressed"]
    assert geo.loc["1962", "status"] == "no data"
    assert len(geo) == 3


# --------------------------------------------------------------------------- origin and education


def test_stratified_by_country_of_birth(cfg: RiskConfig, no_suppression: None) -> None:
    table = stratified(ten_rows(), "19", "country_of_birth", 2023, cfg)
    assert "born_outside_europe" not in set(table["factor"])  # 0/100 % by construction
    assert list(table["stratum"].unique()) == ["sweden", "nordic", "europe", "outside_europe"]
    # Swedish-born in region 19: rows 0, 1, 2, 4, 5, 8; BMI known in 5, >= 25 in rows 2 and 4.
    sweden = row(table, stratum="sweden", area="region", factor="bmi_ge25")
    assert (sweden["n"], sweden["cases"], sweden["missing"], sweden["stratum_missing"]) == (5, 2, 1, 1)
    assert sweden["stratum_sv"] == "Sverige"
    assert stratified(ten_rows().drop(columns=["education"]), "19", "education", 2023, cfg).empty


# --------------------------------------------------------------------------- published comparison


def published_frame() -> pd.DataFrame:
    """value = 2-digit code as a number (so rank is obvious); 2018 only for Västmanland and Riket."""
    from analysis.common.regions import region_codes

    rows = [
        {
            "region_code": c,
            "region": c,
            "year": "2023",
            "indicator": "bmi_obese_ge30_pct",
            "value": float(int(c)),
            "unit": "%",
            "source": "test",
            "quality": "published",
        }
        for c in region_codes()
    ]
    rows += [
        {
            "region_code": "00",
            "region": "Riket",
            "year": "2023",
            "indicator": "bmi_obese_ge30_pct",
            "value": 12.5,
            "unit": "%",
            "source": "test",
            "quality": "published",
        },
        {
            "region_code": "19",
            "region": "Västmanland",
            "year": "2018",
            "indicator": "bmi_obese_ge30_pct",
            "value": 16.0,
            "unit": "%",
            "source": "test",
            "quality": "published",
        },
    ]
    return pd.DataFrame(rows)


def test_published_ranking_small_frame() -> None:
    ranking = published_ranking(published_frame(), "bmi_obese_ge30_pct", "2023", "19")
    assert len(ranking) == 21 and ranking["n_ranked"].iloc[0] == 21
    vm = ranking[ranking["highlight"]].iloc[0]
    # Codes above 19: 20, 21, 22, 23, 24, 25 -> Västmanland ranks 7th highest.
    assert (vm["region_code"], vm["rank"], vm["national_value"], vm["diff_national"]) == ("19", 7, 12.5, 6.5)
    assert vm["change"] == pytest.approx(3.0)
    assert ranking["highlight"].sum() == 1
    assert ranking.loc[ranking["region_code"] == "01", "change"].isna().all()
    with pytest.raises(ValueError, match="published years"):
        published_ranking(published_frame(), "bmi_obese_ge30_pct", "2019")


@pytest.mark.skipif(not REFERENCE_CSV.exists(), reason="shared reference file not mounted")
def test_published_ranking_on_reference_csv() -> None:
    ind = pd.read_csv(REFERENCE_CSV, dtype={"year": str})
    obesity = published_ranking(ind, "bmi_obese_ge30_pct")
    vm = obesity[obesity["highlight"]].iloc[0]
    # MFR 2023 table 4.5: only Västernorrland (24.382) and Sörmland (23.902) exceed 23.106.
    assert (vm["value"], vm["rank"], vm["national_value"]) == (23.106, 3, 17.838)
    age = published_ranking(ind, "mean_age_nulliparous")
    vm_age = age[age["highlight"]].iloc[0]
    assert vm_age["change"] == pytest.approx(vm_age["value"] - vm_age["baseline_value"])
    overview = published_overview(ind)
    assert overview.groupby("indicator").size().to_dict() == {
        k: 21
        for k in (
            "bmi_overweight_25_29_9_pct",
            "bmi_obese_ge30_pct",
            "smoking_at_booking_pct",
            "snus_at_booking_pct",
            "mean_age_nulliparous",
        )
    }


# --------------------------------------------------------------------------- key figures


def test_key_figures_are_plain_json(cfg: RiskConfig, no_suppression: None) -> None:
    figures = key_figures(ten_rows(), "19", 2023, cfg, indicators_df=published_frame())
    text = json.dumps(figures, allow_nan=False)
    back = json.loads(text)
    assert back["deliveries_region"] == 10 and back["deliveries_nation"] == 20
    assert back["no_risk_region_pct"] == 33.3333
    assert back["factors"]["bmi_ge25"]["region_pct"] == 37.5
    assert back["published"]["bmi_obese_ge30_pct"]["rank"] == 7
    assert back["standardised"]["no_risk_factor"]["crude"] == 33.3333


def test_near_total_shares_are_suppressed_too(cfg: RiskConfig) -> None:
    # 18 of 20 obese: the 2 non-obese women are a small cell, so the row is hidden as well.
    births = municipality_cohort()
    births.loc[births["municipality"] == "1980", "bmi"] = [32.0] * 18 + [22.0] * 2
    hidden = row(by_municipality(births, "19", 2023, cfg), municipality="1980", factor="bmi_ge30")
    assert hidden["suppressed"] and math.isnan(hidden["pct"])
