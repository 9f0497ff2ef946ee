"""The synthetic cohort: contract-valid, deterministic, calibrated, and honest about its truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.births import (
    calibration_table,
    covariate_frame,
    generate,
    load_births,
    load_config,
    parse_years,
    synth,
    validate,
)
from analysis.births.synth import _expit
from analysis.common.regions import region_codes


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, dict]:
    out = tmp_path_factory.mktemp("synth") / "births.parquet"
    synth(out, years=[2022, 2023], seed=7, scale=0.2)
    truth = json.loads(Path(str(out) + ".truth.json").read_text(encoding="utf-8"))
    return out, load_births(out), truth


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    """The default five years (~500,000 rows): the size the tolerances are set for."""
    return generate(years=range(2019, 2024), seed=3, scale=1.0).data


def test_output_passes_validation_with_missing_counted(small: tuple[Path, pd.DataFrame, dict]) -> None:
    out, frame, _ = small
    report = validate(out)
    assert report.ok, report.format()
    assert 3.0 < 100 * report.missing["bmi"] / report.n_rows < 4.3
    assert set(report.missing) >= {"bmi", "smoking", "country_of_birth", "education", "birthweight_g"}
    assert sorted(frame["region"].astype(str).unique()) == region_codes()
    assert frame["year"].value_counts().to_dict() == {2022: len(frame) // 2, 2023: len(frame) // 2}


def test_volume_scales_with_published_counts(small: tuple[Path, pd.DataFrame, dict]) -> None:
    _, frame, truth = small
    per_year = truth["case_mix"]["deliveries_per_year"]
    assert abs(sum(per_year.values()) - 20000) < 15
    assert per_year["19"] == round(2440 / 97146 * 20000)  # share of the 21 regions' published sum
    assert (frame["region"] == "19").sum() == 2 * per_year["19"]


def test_municipality_only_for_home_region(small: tuple[Path, pd.DataFrame, dict]) -> None:
    _, frame, _ = small
    home = frame[frame["region"] == "19"]
    assert home["municipality"].notna().all()
    assert home["municipality"].str.startswith("19").all()
    assert home["municipality"].value_counts(normalize=True).idxmax() == "1980"
    assert frame.loc[frame["region"] != "19", "municipality"].isna().all()


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = synth(tmp_path / "a.parquet", years=[2023], seed=5, scale=0.05)
    b = synth(tmp_path / "b.parquet", years=[2023], seed=5, scale=0.05)
    c = synth(tmp_path / "c.parquet", years=[2023], seed=6, scale=0.05)
    assert a.path is not None and b.path is not None and c.path is not None
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.truth_path is not None and b.truth_path is not None
    assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()


def test_csv_output_when_suffix_is_csv(tmp_path: Path) -> None:
    res = synth(tmp_path / "births.csv", years=[2023], seed=2, scale=0.02)
    assert res.path is not None and res.path.read_text(encoding="utf-8").startswith("year,region,")
    assert validate(res.path).ok
    assert (tmp_path / "births.csv.truth.json").exists()


def test_robson_groups_realistic(national: pd.DataFrame) -> None:
    d = national
    single = d["plurality"] == 1
    share_9 = (single & (d["presentation"] == "other")).mean()
    assert 0.001 < share_9 < 0.01
    g1 = (
        single
        & (d["parity"] == 0)
        & (d["presentation"] == "cephalic")
        & (d["gestational_weeks"] >= 37)
        & (d["onset"] == "spontaneous")
    )
    assert 0.2 < g1.mean() < 0.35
    assert 0.05 < d.loc[g1, "mode"].isin(["planned_cs", "emergency_cs"]).mean() < 0.14
    assert ((d["plurality"] > 1).mean()) == pytest.approx(0.015, abs=0.003)
    assert (d["previous_cs"] & (d["parity"] == 0)).sum() == 0


def test_calibration_within_tolerance(national: pd.DataFrame) -> None:
    table = calibration_table(national, scale=1.0)
    assert set(table["region_code"]) == {"19", "00"}
    failing = table[~table["within_tolerance"]]
    assert failing.empty, failing[["region_code", "indicator", "synthetic", "published", "tolerance"]].to_string()
    row = table[(table["region_code"] == "19") & (table["indicator"] == "cs_emergency_pct")].iloc[0]
    assert row["published"] == pytest.approx(12.573)
    assert "local definition" in table.loc[table["indicator"] == "no_risk_factors_at_pregnancy_start_pct", "definition"].iloc[0]
    vm = table.set_index(["region_code", "indicator"])["synthetic"]
    assert vm[("19", "bmi_obese_ge30_pct")] > vm[("00", "bmi_obese_ge30_pct")] + 3
    assert vm[("19", "discharged_within_24h_pct")] < vm[("00", "discharged_within_24h_pct")] - 6


def test_truth_documents_every_outcome(small: tuple[Path, pd.DataFrame, dict]) -> None:
    _, _, truth = small
    assert truth["seed"] == 7 and truth["years"] == [2022, 2023]
    cfg = load_config()
    assert truth["config_sha256"] == cfg["_sha256"]
    for name in ("planned_cs", "induction", "emergency_cs", "instrumental", "oasis", "pph_gt1000"):
        out = truth["outcomes"][name]
        assert sorted(out["region_effects"]) == region_codes()
        assert isinstance(out["prelabour_model_exact"], bool)
        assert out["denominator"]
    exact = {k: v["prelabour_model_exact"] for k, v in truth["outcomes"].items()}
    assert exact["instrumental"] and exact["oasis"] and exact["induction"] and exact["planned_cs"]
    assert not exact["emergency_cs"]
    oasis_terms = {(t["variable"], t["level"]): t for t in truth["outcomes"]["oasis"]["terms"]}
    assert oasis_terms[("birthweight_class", ">=4500")]["odds_ratio"] == pytest.approx(4.0)
    # RR 0.49 at baseline 3 % converted to an OR
    assert oasis_terms[("age_class", "<20")]["odds_ratio"] == pytest.approx(0.49 * 0.97 / (1 - 0.49 * 0.03))
    assert truth["outcomes"]["instrumental"]["region_effect_origin"]["19"].startswith("fitted")


def test_truth_reproduces_generated_rates(small: tuple[Path, pd.DataFrame, dict]) -> None:
    """Predicted probabilities from the truth JSON match the observed instrumental births per region."""
    _, frame, truth = small
    spec = truth["outcomes"]["instrumental"]
    vag = frame[
        frame["mode"].isin(["spontaneous_vaginal", "vacuum", "forceps"])
        & frame["bmi"].notna()
        & frame["smoking"].notna()
        & frame["country_of_birth"].notna()
        & frame["education"].notna()
    ]
    cov = covariate_frame(vag)
    lp = np.full(len(vag), spec["intercept"])
    for term in spec["terms"]:
        lp += term["log_odds_ratio"] * (cov[term["variable"]] == term["level"]).to_numpy()
    obst = {"multiparous": (vag["parity"] > 0).to_numpy(), "previous_cs": vag["previous_cs"].to_numpy()}
    for term in spec["obstetric_terms"]:
        lp += term["log_odds_ratio"] * obst[term["term"]]
    lp += vag["region"].astype(str).map(spec["region_effects"]).to_numpy(dtype=float)
    expected = _expit(lp).sum()
    observed = vag["mode"].isin(["vacuum", "forceps"]).sum()
    assert abs(observed - expected) < 4 * np.sqrt(expected)


def test_planted_effect_is_recovered(tmp_path: Path) -> None:
    """Zeroed practice effects plus a planted Västmanland effect: a logistic fit finds it."""
    res = generate(years=[2023], seed=11, scale=1.0, zero_practice_effects=True, practice_effects={"19": {"instrumental": 0.8}})
    truth = res.truth["outcomes"]["instrumental"]
    assert truth["region_effects"]["19"] == 0.8
    assert truth["region_effects"]["01"] == 0.0 and truth["region_effect_origin"]["01"] == "zeroed"
    d = res.data
    d = d[(d["parity"] == 0) & d["mode"].isin(["spontaneous_vaginal", "vacuum", "forceps"])]
    d = d.dropna(subset=["bmi", "smoking", "country_of_birth", "education", "diabetes", "hypertension"])
    cov = covariate_frame(d)
    coding = load_config()["coding"]
    names = ["age_class", "bmi_class", "smoking", "country_of_birth", "education", "diabetes", "hypertension"]
    design = pd.get_dummies(cov[names], drop_first=False).astype(float)
    design = design.drop(columns=[f"{n}_{coding[n]['reference']}" for n in names])
    design["home"] = (d["region"] == "19").to_numpy(dtype=float)
    design = sm.add_constant(design)
    y = d["mode"].isin(["vacuum", "forceps"]).to_numpy(dtype=float)
    fit = sm.Logit(y, design.to_numpy()).fit(disp=0)
    params = dict(zip(design.columns, fit.params, strict=True))
    ses = dict(zip(design.columns, fit.bse, strict=True))
    assert abs(params["home"] - 0.8) < 3 * ses["home"]
    assert abs(params["const"] - truth["intercept"]) < 3 * ses["const"]
    want = np.log(0.55)
    assert abs(params["education_compulsory"] - want) < 3 * ses["education_compulsory"]


def test_parse_years() -> None:
    assert parse_years("2019-2023") == [2019, 2020, 2021, 2022, 2023]
    assert parse_years("2019,2021") == [2019, 2021]
    with pytest.raises(ValueError):
        parse_years("2023-2019")


def test_calibration_gaps_flag_direction() -> None:
    """Region-minus-nation gaps: same sign -> True, opposite -> False, tiny published gap -> None."""
    import pandas as pd

    from analysis.births import calibration_gaps

    rows = []
    for indicator, reg, nat, pub_reg, pub_nat in [
        ("a", 12.0, 10.0, 12.5, 10.8),
        ("b", 4.0, 5.0, 6.0, 5.0),
        ("c", 5.1, 5.0, 4.9, 5.0),
        ("d", 5.1, 5.0, 6.0, 5.0),
    ]:
        rows.append(
            {
                "region_code": "19",
                "indicator": indicator,
                "label_sv": indicator,
                "synthetic": reg,
                "published": pub_reg,
                "tolerance": 1.0,
            }
        )
        rows.append(
            {
                "region_code": "00",
                "indicator": indicator,
                "label_sv": indicator,
                "synthetic": nat,
                "published": pub_nat,
                "tolerance": 1.0,
            }
        )
    gaps = calibration_gaps(pd.DataFrame(rows)).set_index("indicator")
    assert gaps.loc["a", "same_direction"] is True and gaps.loc["a", "published_gap"] == pytest.approx(1.7)
    assert gaps.loc["b", "same_direction"] is False
    assert gaps.loc["c", "same_direction"] is None  # |−0.1| < 0.25 × tolerance
    assert gaps.loc["d", "direction"] == "weaker" and gaps.loc["d", "same_direction"] is False  # +0.1 vs +1.0
