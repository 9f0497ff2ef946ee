"""Case-mix adjustment: config, coding, collapsed fit, O/E, decomposition, recovery of planted truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from analysis.chapters.nullipara import casemix as cm
from analysis.common.regions import HOME_REGION, region_codes

# --------------------------------------------------------------------------- simulator with known truth

TRUTH: dict[str, float] = {
    "Intercept": -1.90,
    "age_class[<20]": -0.40,
    "age_class[20-24]": -0.20,
    "age_class[30-34]": 0.30,
    "age_class[35-39]": 0.60,
    "age_class[>=40]": 0.90,
    "bmi_class[<18.5]": -0.15,
    "bmi_class[25-29.9]": 0.20,
    "bmi_class[30-34.9]": 0.45,
    "bmi_class[>=35]": 0.70,
    "bmi_class[missing]": 0.10,
    "smoking[yes]": 0.10,
    "country_of_birth[nordic]": 0.05,
    "country_of_birth[europe]": 0.15,
    "country_of_birth[outside_europe]": 0.35,
    "education[compulsory]": 0.20,
    "education[upper_secondary]": 0.10,
    "diabetes[yes]": 0.60,
    "hypertension[yes]": 0.50,
}


def _age_class(age: np.ndarray) -> np.ndarray:
    return np.select([age < 20, age < 25, age < 30, age < 35, age < 40], ["<20", "20-24", "25-29", "30-34", "35-39"], ">=40")


def _bmi_class(bmi: np.ndarray) -> np.ndarray:
    cls = np.select([bmi < 18.5, bmi < 25, bmi < 30, bmi < 35], ["<18.5", "18.5-24.9", "25-29.9", "30-34.9"], ">=35")
    return np.where(np.isnan(bmi), "missing", cls)


def simulate(n: int, seed: int, home_effect: float = 0.0, home: str = HOME_REGION) -> pd.DataFrame:
    """Deliveries whose nulliparous emergency CS follows TRUTH plus ``home_effect`` in the home region.

    The home region gets an older, heavier case mix so a case-mix part exists.
    """
    rng = np.random.default_rng(seed)
    codes = region_codes()
    weights = np.linspace(1, 3, len(codes))
    weights[codes.index(home)] = 4.0
    region = rng.choice(codes, size=n, p=weights / weights.sum())
    is_home = region == home
    age = np.clip(np.rint(rng.normal(np.where(is_home, 31.5, 29.5), 5.5)), 15, 49).astype(int)
    bmi = np.exp(rng.normal(np.where(is_home, np.log(27.0), np.log(24.0)), 0.2))
    bmi[rng.random(n) < 0.05] = np.nan
    smoking = pd.array(rng.random(n) < 0.04, dtype="boolean")
    smoking[rng.random(n) < 0.02] = pd.NA
    country = rng.choice(["sweden", "nordic", "europe", "outside_europe"], size=n, p=[0.72, 0.03, 0.09, 0.16]).astype(object)
    country[rng.random(n) < 0.01] = None
    education = rng.choice(["compulsory", "upper_secondary", "tertiary"], size=n, p=[0.1, 0.35, 0.55]).astype(object)
    education[rng.random(n) < 0.03] = None
    diabetes = rng.random(n) < 0.02
    hypertension = rng.random(n) < 0.03
    parity = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 4, size=n))

    edu_for_truth = np.where(pd.isna(education), "missing", education.astype(str))
    eta = np.full(n, TRUTH["Intercept"])
    for label in ["<20", "20-24", "30-34", "35-39", ">=40"]:
        eta += TRUTH[f"age_class[{label}]"] * (_age_class(age) == label)
    for label in ["<18.5", "25-29.9", "30-34.9", ">=35", "missing"]:
        eta += TRUTH[f"bmi_class[{label}]"] * (_bmi_class(bmi) == label)
    eta += TRUTH["smoking[yes]"] * smoking.fillna(False).to_numpy(dtype=bool)
    for label in ["nordic", "europe", "outside_europe"]:
        eta += TRUTH[f"country_of_birth[{label}]"] * (country == label)
    for label in ["compulsory", "upper_secondary"]:
        eta += TRUTH[f"education[{label}]"] * (edu_for_truth == label)
    eta += TRUTH["diabetes[yes]"] * diabetes + TRUTH["hypertension[yes]"] * hypertension
    eta += home_effect * is_home
    # Pre-labour caesareans first: only women who labour are at risk of an emergency caesarean.
    u = rng.random(n)
    planned = u < 0.08
    emergency = ~planned & np.where(parity == 0, rng.random(n) < 1 / (1 + np.exp(-eta)), rng.random(n) < 0.06)
    instrumental = ~emergency & ~planned & (u > 0.86)
    mode = np.select([emergency, planned, instrumental], ["emergency_cs", "planned_cs", "vacuum"], "spontaneous_vaginal")
    onset = np.where(planned, "prelabour_cs", np.where(rng.random(n) < 0.3, "induced", "spontaneous"))
    vaginal = ~emergency & ~planned
    oasis = pd.array(np.where(vaginal, rng.random(n) < 0.05, pd.NA), dtype="boolean")
    pph = rng.gamma(2.0, 250.0, size=n)
    return pd.DataFrame(
        {
            "year": rng.integers(2021, 2024, size=n),
            "region": region,
            "municipality": "x",
            "parity": parity,
            "maternal_age": age,
            "plurality": np.where(rng.random(n) < 0.015, 2, 1),
            "presentation": "cephalic",
            "gestational_weeks": np.clip(np.rint(rng.normal(39.3, 1.5)), 30, 43).astype(int),
            "previous_cs": (parity > 0) & (rng.random(n) < 0.1),
            "onset": onset,
            "mode": mode,
            "bmi": bmi,
            "smoking": smoking,
            "country_of_birth": country,
            "education": education,
            "diabetes": diabetes,
            "hypertension": hypertension,
            "birthweight_g": np.rint(rng.normal(3500, 480, size=n)),
            "oasis": oasis,
            "pph_ml": pph,
        }
    )


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return simulate(150_000, seed=11, home_effect=0.5)


@pytest.fixture(scope="module")
def null_practice() -> pd.DataFrame:
    return simulate(150_000, seed=12, home_effect=0.0)


@pytest.fixture(scope="module")
def planted_fit(planted: pd.DataFrame) -> tuple[cm.PreparedOutcome, cm.CasemixFit]:
    prepared = cm.prepare_outcome(planted, "emergency_cs")
    return prepared, cm.fit_national(prepared)


# --------------------------------------------------------------------------- config


def test_config_has_exact_keys_and_birthweight_only_for_oasis() -> None:
    cfg = cm.load_outcome_config()
    assert tuple(cfg.outcomes) == cm.OUTCOME_KEYS
    for key, spec in cfg.outcomes.items():
        assert ("birthweight_class" in spec.covariates) == (key == "oasis")
        assert not set(spec.covariates) & {"onset", "mode", "epidural", "induction"}
    assert cfg.covariates["education"].reference == "tertiary"
    assert cfg.covariates["age_class"].levels("missing")[0] == "25-29"


def _write_config(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(cm.CONFIG_PATH.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "outcomes.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_config_rejects_care_process_covariate_and_wrong_keys(tmp_path: Path) -> None:
    def add_forbidden(raw: dict) -> None:
        raw["outcomes"]["emergency_cs"]["covariates"] = [*raw["outcomes"]["emergency_cs"]["covariates"], "onset"]

    with pytest.raises(ValueError, match="care-process"):
        cm.load_outcome_config(_write_config(tmp_path, add_forbidden))

    def drop_key(raw: dict) -> None:
        del raw["outcomes"]["induction"]

    with pytest.raises(ValueError, match="exactly"):
        cm.load_outcome_config(_write_config(tmp_path, drop_key))

    def bad_op(raw: dict) -> None:
        raw["outcomes"]["oasis"]["numerator"] = [{"column": "oasis", "op": "like"}]

    with pytest.raises(ValueError, match="unknown op"):
        cm.load_outcome_config(_write_config(tmp_path, bad_op))


# --------------------------------------------------------------------------- coding and outcome rows


def test_coding_cut_points_and_missing_category() -> None:
    births = pd.DataFrame(
        {
            "maternal_age": [19, 20, 29, 30, 39, 40],
            "bmi": [18.4, 18.5, 24.99, 25.0, 35.0, np.nan],
            "smoking": pd.array([True, False, None, False, False, True], dtype="boolean"),
            "country_of_birth": ["sweden", "nordic", None, "europe", "outside_europe", "sweden"],
            "education": ["tertiary", None, "compulsory", "upper_secondary", "tertiary", "tertiary"],
            "diabetes": [False, True, False, False, False, False],
            "hypertension": [False, False, False, True, False, False],
            "birthweight_g": [2999, 3000, 3999, 4000, 4500, np.nan],
        }
    )
    coded = cm.code_covariates(births)
    frame = coded.frame()
    assert frame["age_class"].tolist() == ["<20", "20-24", "25-29", "30-34", "35-39", ">=40"]
    assert frame["bmi_class"].tolist() == ["<18.5", "18.5-24.9", "18.5-24.9", "25-29.9", ">=35", "missing"]
    assert frame["smoking"].tolist() == ["yes", "no", "missing", "no", "no", "yes"]
    assert frame["country_of_birth"].tolist()[2] == "missing"
    assert frame["birthweight_class"].tolist() == ["<3000", "3000-3499", "3500-3999", "4000-4499", ">=4500", "missing"]
    assert coded.missing == {
        "age_class": 0,
        "bmi_class": 1,
        "smoking": 1,
        "country_of_birth": 1,
        "education": 1,
        "diabetes": 0,
        "hypertension": 0,
        "birthweight_class": 1,
    }
    assert coded.absent == ()
    assert list(frame["education"].cat.categories) == ["tertiary", "compulsory", "upper_secondary", "missing"]


def test_coding_absent_column_is_reported_and_unknown_value_raises() -> None:
    births = pd.DataFrame({"maternal_age": [25, 31], "country_of_birth": ["sweden", "Sverige"]})
    coded = cm.code_covariates(births, ["age_class", "bmi_class"])
    assert coded.covariates == ("age_class",)
    assert coded.absent == ("bmi_class",)
    with pytest.raises(ValueError, match="Sverige"):
        cm.code_covariates(births, ["country_of_birth"])


def test_outcome_denominators_on_hand_rows() -> None:
    births = pd.DataFrame(
        {
            "parity": [0, 0, 0, 0, 0, 0, 1],
            "plurality": [1, 1, 1, 2, 1, 1, 1],
            "gestational_weeks": [40, 38, 39, 39, 35, 41, 40],
            "onset": ["spontaneous", "induced", "prelabour_cs", "induced", "induced", "spontaneous", "induced"],
            "mode": ["vacuum", "spontaneous_vaginal", "planned_cs", "emergency_cs", "forceps", "spontaneous_vaginal", "vacuum"],
            "presentation": ["cephalic"] * 7,
            "oasis": pd.array([True, False, None, None, None, None, True], dtype="boolean"),
            "pph_ml": [1200.0, 300.0, 1001.0, np.nan, 1000.0, 500.0, 2000.0],
        }
    )
    # Instrumental and OASIS: singleton cephalic vaginal births at >= 37 weeks (row 4 is preterm).
    inst = cm.outcome_rows(births, "instrumental")
    assert inst.in_denominator.tolist() == [True, True, False, False, False, True, False]
    assert inst.events == 1
    oasis = cm.outcome_rows(births, "oasis")
    assert oasis.in_denominator.tolist() == [True, True, False, False, False, False, False]
    assert oasis.n_outcome_missing == 1  # vaginal births with unknown OASIS leave the denominator
    induction = cm.outcome_rows(births, "induction")
    assert induction.in_denominator.tolist() == [True, True, False, False, False, True, False]
    assert induction.events == 1
    pph = cm.outcome_rows(births, "pph_1000")  # singletons: the twin row (unknown PPH) is not in the denominator
    assert pph.events == 2 and pph.n == 5 and pph.n_outcome_missing == 0
    # Emergency caesarean among women who labour (no pre-labour CS), singleton cephalic at term.
    ecs = cm.outcome_rows(births, "emergency_cs")
    assert ecs.n_population == 6
    assert ecs.in_denominator.tolist() == [True, True, False, False, False, True, False]
    with pytest.raises(cm.OutcomeUnavailable):
        cm.outcome_rows(births.drop(columns="presentation"), "emergency_cs")
    with pytest.raises(cm.OutcomeUnavailable):
        cm.outcome_rows(births.drop(columns="oasis"), "oasis")


# --------------------------------------------------------------------------- fitting


def test_collapsed_fit_equals_row_level_fit(planted: pd.DataFrame) -> None:
    sample = planted.iloc[:30_000]
    prepared = cm.prepare_outcome(sample, "emergency_cs")
    collapsed = cm.fit_national(prepared)
    coded = cm.code_covariates(sample, prepared.covariates)
    rows = cm.fit_rows(coded, cm.outcome_rows(sample, "emergency_cs"))
    assert collapsed.names == rows.names
    assert collapsed.n == rows.n and collapsed.events == rows.events
    assert collapsed.n_patterns < rows.n / 5
    assert np.max(np.abs(collapsed.params - rows.params)) < 1e-6
    assert np.max(np.abs(np.sqrt(np.diag(collapsed.cov)) - np.sqrt(np.diag(rows.cov)))) < 1e-6


def test_parameter_recovery_covers_true_coefficients(planted_fit, null_practice: pd.DataFrame) -> None:
    prepared, fit = planted_fit
    coefs = fit.coefficients().set_index("term")
    wide = fit.coefficients(alpha=0.001).set_index("term")
    # The home region carries a +0.5 practice effect the national model does
    # not know; its intercept absorbs roughly that effect times the home share.
    pat = prepared.patterns
    shift = 0.5 * pat.loc[pat["region"] == HOME_REGION, "n"].sum() / pat["n"].sum()
    covered95 = 0
    for term, true in TRUTH.items():
        target = true + (shift if term == "Intercept" else 0.0)
        assert wide.loc[term, "low"] <= target <= wide.loc[term, "high"], term
    assert set(coefs.index) == {*TRUTH} | {"smoking[missing]", "country_of_birth[missing]", "education[missing]"}
    # 95 % coverage is counted where no region effect is omitted: the home region's women are older and
    # heavier, so an omitted home effect leaks into the age and BMI terms and 95 % intervals miss it.
    null_fit = cm.fit_national(cm.prepare_outcome(null_practice, "emergency_cs")).coefficients().set_index("term")
    for term, true in TRUTH.items():
        covered95 += null_fit.loc[term, "low"] <= true <= null_fit.loc[term, "high"]
    assert covered95 >= 0.85 * len(TRUTH)


def test_practice_effect_recovers_planted_effect(planted_fit) -> None:
    prepared, fit = planted_fit
    for method in ("indicator", "offset"):
        effect = cm.practice_effect(prepared, HOME_REGION, method=method, fit=fit)
        assert effect.low <= 0.5 <= effect.high, method
        assert 0.02 < effect.se < 0.05
    dec = cm.decompose(prepared, fit, HOME_REGION, n_boot=300)
    assert dec.practice_part_low > 0
    assert dec.casemix_part_low > 0
    assert dec.gap == pytest.approx(dec.casemix_part + dec.practice_part)


@pytest.mark.slow  # bootstrap
def test_decomposition_gives_zero_practice_when_none_planted(null_practice: pd.DataFrame) -> None:
    prepared = cm.prepare_outcome(null_practice, "emergency_cs")
    fit = cm.fit_national(prepared)
    dec = cm.decompose(prepared, fit, HOME_REGION, n_boot=300)
    assert dec.practice_part_low < 0 < dec.practice_part_high
    assert abs(dec.practice_part) < 1.0  # percentage points
    assert dec.casemix_part_low > 0  # the home region's older, heavier women explain the gap
    assert dec.gap_low < dec.gap < dec.gap_high
    assert dec.n_boot == 300
    effect = cm.practice_effect(prepared, HOME_REGION)
    assert effect.low < 0 < effect.high


def test_expected_sums_to_observed_nationally(planted_fit) -> None:
    prepared, fit = planted_fit
    oe = cm.observed_expected(prepared, fit)
    assert len(oe) == 21
    assert oe["expected"].sum() == pytest.approx(oe["observed"].sum(), rel=1e-8)
    assert oe["n"].sum() == prepared.n
    home = oe.set_index("region").loc[HOME_REGION]
    assert home["oe"] > 1.3
    assert home["adjusted_rate"] == pytest.approx(home["oe"] * prepared.national_rate)


def test_exact_poisson_interval_matches_tables() -> None:
    low, high = cm.poisson_ratio_ci(np.array([0, 10]), np.array([2.0, 10.0]))
    # Garwood limits for O = 10: 4.7954 and 18.3904; for O = 0: 0 and 3.6889.
    assert low[1] == pytest.approx(0.47954, abs=1e-4)
    assert high[1] == pytest.approx(1.83904, abs=1e-4)
    assert low[0] == 0.0 and high[0] == pytest.approx(3.68888 / 2, abs=1e-4)


def test_auc_from_counts_equals_mann_whitney_on_rows() -> None:
    p = np.array([0.1, 0.2, 0.2, 0.35, 0.5])
    n = np.array([40, 30, 20, 25, 10])
    events = np.array([3, 6, 5, 9, 6])
    auc = cm.auc_from_counts(p, n, events)
    risk = np.repeat(p, n)
    y = np.concatenate([np.r_[np.ones(e), np.zeros(k - e)] for e, k in zip(events, n)])
    u = stats.mannwhitneyu(risk[y == 1], risk[y == 0]).statistic
    assert auc == pytest.approx(u / ((y == 1).sum() * (y == 0).sum()), abs=1e-12)
    assert cm.auc_from_counts(np.array([0.1, 0.9]), np.array([10, 10]), np.array([0, 10])) == 1.0


def test_model_summary_calibration_and_suppression(planted_fit) -> None:
    prepared, fit = planted_fit
    summary = cm.model_summary(prepared, fit)
    stats_ = summary.statistics
    assert 0.55 < stats_["auc"] < 0.75
    assert stats_["converged"] and stats_["n"] == prepared.n
    assert stats_["hosmer_lemeshow_p"] > 0.001
    calib = summary.calibration
    assert len(calib) == 10
    assert calib["observed"].sum() == pytest.approx(prepared.events)
    coefs = summary.coefficients
    visible = coefs[~coefs["suppressed"]]
    assert (visible["n"] >= 5).all() and (visible["events"] >= 5).all()
    small = cm.model_summary(prepared, fit, min_cell=10**9).coefficients
    assert small["odds_ratio"].isna().all()


# --------------------------------------------------------------------------- crude rates, indirect standardisation, results


def test_crude_rates_match_hand_counts(planted: pd.DataFrame) -> None:
    table = cm.crude_rates(planted, outcomes=["emergency_cs", "instrumental"])
    nation = table[(table["area"] == "nation") & table["year"].isna() & (table["outcome"] == "emergency_cs")].iloc[0]
    nulli = planted[planted["parity"] == 0]
    labour = nulli[
        nulli["onset"].isin(["spontaneous", "induced"]) & nulli["plurality"].eq(1)
        & nulli["presentation"].eq("cephalic") & nulli["gestational_weeks"].ge(37)
    ]  # fmt: skip
    assert nation["n"] == len(labour)
    assert nation["events"] == (labour["mode"] == "emergency_cs").sum()
    assert nation["low"] < nation["rate"] < nation["high"]
    per_year = table[(table["area"] == HOME_REGION) & table["year"].notna() & (table["outcome"] == "instrumental")]
    assert sorted(per_year["year"].tolist()) == [2021, 2022, 2023]
    pooled = table[(table["area"] == HOME_REGION) & table["year"].isna() & (table["outcome"] == "instrumental")]
    assert per_year["n"].sum() == pooled["n"].iloc[0]
    shown = cm.displayable(table.assign(n=np.where(table.index == 0, 3, table["n"])))
    assert shown.loc[0, "suppressed"] and np.isnan(shown.loc[0, "rate"])


def test_indirect_standardisation_with_region_microdata_only(planted: pd.DataFrame) -> None:
    strata = ("age_class", "bmi_class")
    ref = cm.national_reference_rates(planted, "emergency_cs", strata)
    assert list(ref.columns) == ["outcome", "age_class", "bmi_class", "n", "events", "rate"]
    total_expected = 0.0
    total_observed = 0
    for code in region_codes():
        res = cm.indirect_standardise(planted[planted["region"] == code], ref, strata)
        assert res.n_unmatched == 0
        total_expected += res.expected
        total_observed += res.observed
    assert total_expected == pytest.approx(total_observed, rel=1e-10)
    home = cm.indirect_standardise(planted[planted["region"] == HOME_REGION], ref, strata)
    assert home.sr_low < home.sr < home.sr_high
    assert home.adjusted_rate == pytest.approx(home.sr * ref["events"].sum() / ref["n"].sum())
    dropped = ref[ref["age_class"] != ">=40"]
    partial = cm.indirect_standardise(planted[planted["region"] == HOME_REGION], dropped, strata)
    assert partial.n_unmatched > 0
    assert partial.n + partial.n_unmatched == home.n


@pytest.mark.slow  # bootstrap
def test_nullipara_results_structure(planted: pd.DataFrame) -> None:
    data = planted.drop(columns=["oasis"])
    result = cm.nullipara_results(data, n_boot=100)
    json.dumps(result)
    assert set(result["outcomes"]) == {"emergency_cs", "planned_cs", "instrumental", "pph_1000", "induction"}
    assert "oasis" in result["unavailable"]
    ecs = result["outcomes"]["emergency_cs"]
    assert sorted(ecs["regions"]) == sorted(region_codes())
    home = ecs["regions"][HOME_REGION]
    for key in (
        "n",
        "observed",
        "expected",
        "oe",
        "oe_low",
        "oe_high",
        "gap",
        "gap_low",
        "gap_high",
        "casemix_part",
        "casemix_part_low",
        "casemix_part_high",
        "practice_part",
        "practice_part_low",
        "practice_part_high",
    ):
        assert home[key] is not None, key
    assert home["gap"] == pytest.approx(home["casemix_part"] + home["practice_part"])
    assert sum(r["expected"] for r in ecs["regions"].values()) == pytest.approx(ecs["national"]["observed"])
    assert "gap" not in ecs["regions"]["01"]
    assert ecs["overdispersion"]["n_units"] == 21
    assert ecs["practice_effect"]["low"] < 0.5 < ecs["practice_effect"]["high"]


def test_absent_optional_covariate_is_left_out_and_reported(null_practice: pd.DataFrame) -> None:
    data = null_practice.drop(columns=["bmi", "education"]).iloc[:40_000]
    result = cm.nullipara_results(data, outcomes=["emergency_cs"], n_boot=50)
    ecs = result["outcomes"]["emergency_cs"]
    assert ecs["absent_covariates"] == ["bmi_class", "education"]
    assert "bmi_class" not in ecs["covariates"]
    at_risk = cm.outcome_rows(data, "emergency_cs").in_denominator
    assert ecs["missing_category"]["smoking"] == int((at_risk & data["smoking"].isna().to_numpy()).sum())
