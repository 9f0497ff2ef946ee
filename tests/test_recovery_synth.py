"""Parameter recovery on the project's own synthetic cohort (``analysis.births.generate``) with known truth.

Two cohorts, fixed seeds, deterministic:

* PLANTED: 2 years at full national size (~200,000 deliveries), every region's practice
  effect zeroed except region 19 (Västmanland): +0.4 on instrumental delivery and -0.3 on
  induction (logit scale). Because every other region is at 0, the ``indicator`` practice
  effect (region vs the rest of the nation, adjusted for case mix) has the planted value
  as its estimand. Checks: the national case-mix model recovers the generator's true
  coefficients, and region 19's estimated practice effect covers the planted one.
* NULL: every practice effect zeroed, 14 years at full size (~1.4 M deliveries, ~13,000
  first-time mothers in region 19). Checks: the decomposition attributes ~0 to practice
  and a non-zero case-mix part where Västmanland's case mix differs. The size is set by the
  "|practice part| < 1 percentage point" requirement: the practice part's sampling SD is
  sqrt(p(1 - p)/n_region); for induction (p ~ 32 %) it is ~0.4 pp at this size, so the 1 pp
  bound sits ~2.5 SD out (~1 % false failure); a 1-2 year cohort (SD 1.2-1.6 pp) would
  fail that bound about half of the time by chance alone.

Only outcomes the truth flags ``prelabour_model_exact`` are checked against the truth:
instrumental, OASIS (with birthweight class), induction, and planned caesarean within
singleton cephalic deliveries (its stated exactness set: plurality and presentation carry
their own terms in the generator, which the pre-labour model does not have). Emergency
CS (induction term) and PPH (mode and induction terms) are marginal approximations, so
their pre-labour coefficients have no true value to cover.

Multiple comparisons (one rule for every family of k interval checks): every true value
must lie inside its Bonferroni interval at family-wise 1 % (per check alpha = 0.01 / k), and
most must lie inside the ordinary 95 % interval (a share, or all but one for k = 4). "All
inside 95 %" or even "all inside 99 %" is not a usable assertion: with 72 coefficients a
correct model has all of them inside their 99 % CIs only ~49 % of the time (0.99^72), and
four 95 % checks all pass only ~81 % of the time. A 40-seed sweep of this design (other
seeds than the ones below, which were fixed beforehand and not tuned) passed the rules
here in 37/40 (coefficients 39/40, practice effects 40/40, decomposition ~38/40), against
18/40 for "all 72 coefficients inside 99 %" and 34/40 for "all four practice parts inside
95 %". Coefficient z-scores had mean 0.02 and SD 1.01; in the 14-year cohorts no
coefficient was biased by more than ~0.4 SE, and over 80 null cohorts the instrumental
practice part averaged -0.07 +/- 0.03 pp, its model-error component +0.01 +/- 0.01 pp.

Level mapping: the generator's truth lists terms as (variable, level) in its ``coding``
block; the case-mix model names a term ``f"{covariate}[{level}]"`` with the covariate and
level names of ``outcomes.yml``. Both use the same names, breaks and reference levels,
verified below on the data (not only on the configs). The case-mix model's extra
``[missing]`` levels (values masked completely at random after the outcomes were drawn)
have no true value and are not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.births import SynthResult, generate
from analysis.chapters.nullipara import casemix as cm

# Recovery simulations on whole synthetic cohorts: tens of seconds.
pytestmark = pytest.mark.slow

HOME = "19"
PLANTED: dict[str, float] = {"instrumental": 0.4, "induction": -0.3}
# Case-mix outcome key -> the generator's outcome key (they differ only for PPH, not checked here).
EXACT: dict[str, str] = {"instrumental": "instrumental", "oasis": "oasis", "induction": "induction", "planned_cs": "planned_cs"}
PLANTED_SEED = 20250101
NULL_SEED = 20250102
BOOT_SEED = 20240601
FAMILY_ALPHA = 0.01
# Case-mix parts the truth makes clearly non-zero for Västmanland (40-seed sweep of the null
# design: instrumental -0.60 +/- 0.03 pp, planned CS -0.15 +/- 0.02 pp; OASIS -0.05 and
# induction +0.24 +/- 0.06 pp are too close to 0 for their CI to exclude it every time).
CASEMIX_DIFFERS = ("instrumental", "planned_cs")


def bonferroni_z(k: int, family_alpha: float = FAMILY_ALPHA) -> float:
    """Two-sided critical value for one of ``k`` checks at family-wise ``family_alpha``."""
    return float(stats.norm.ppf(1 - family_alpha / (2 * k)))


# --------------------------------------------------------------------------- cohorts and helpers


@pytest.fixture(scope="module")
def planted() -> SynthResult:
    return generate(
        years=[2022, 2023],
        seed=PLANTED_SEED,
        scale=1.0,
        practice_effects={HOME: PLANTED},
        zero_practice_effects=True,
    )


@pytest.fixture(scope="module")
def null_cohort() -> SynthResult:
    return generate(years=list(range(2010, 2024)), seed=NULL_SEED, scale=1.0, zero_practice_effects=True)


def exact_subset(births: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The deliveries within which the generator's model for ``outcome`` is exactly the pre-labour model."""
    if outcome == "planned_cs":
        return births[(births["plurality"] == 1) & (births["presentation"] == "cephalic")]
    return births


def fitted(births: pd.DataFrame, outcome: str) -> tuple[cm.PreparedOutcome, cm.CasemixFit]:
    prepared = cm.prepare_outcome(exact_subset(births, outcome), outcome)
    return prepared, cm.fit_national(prepared)


def true_terms(truth: Mapping[str, Any], outcome: str) -> dict[str, float]:
    """True log-odds ratios keyed by the case-mix model's term names (``covariate[level]``)."""
    return {f"{t['variable']}[{t['level']}]": float(t["log_odds_ratio"]) for t in truth["outcomes"][EXACT[outcome]]["terms"]}


def true_casemix_part(result: SynthResult, outcome: str) -> float:
    """Case-mix part implied by the truth (pp): mean true risk of region 19's women minus the nation's.

    Uses women with every covariate known (values are masked completely at random),
    the true intercept and terms, and region effect 0 (the null cohort has none).
    """
    births = exact_subset(result.data, outcome)
    rows = cm.outcome_rows(births, outcome)
    spec = cm.load_outcome_config().outcomes[outcome]
    frame = cm.code_covariates(births, spec.covariates).frame(rows.in_denominator)
    truth = result.truth["outcomes"][EXACT[outcome]]
    lp = np.full(len(frame), float(truth["intercept"]))
    for term in truth["terms"]:
        lp += term["log_odds_ratio"] * (frame[term["variable"]] == term["level"]).to_numpy()
    complete = ~np.column_stack([(frame[c] == "missing").to_numpy() for c in spec.covariates]).any(axis=1)
    home = births["region"].astype(str).to_numpy()[rows.in_denominator] == HOME
    risk = 1 / (1 + np.exp(-lp))
    return 100 * float(risk[complete & home].mean() - risk[complete].mean())


# --------------------------------------------------------------------------- coding and truth flags


def test_truth_flags_and_coding_match_the_casemix_model(planted: SynthResult) -> None:
    truth = planted.truth
    exact = {k for k, v in truth["outcomes"].items() if v["prelabour_model_exact"]}
    assert exact == set(EXACT.values())
    assert "singleton cephalic" in truth["outcomes"]["planned_cs"]["exact_within"]
    assert "birthweight" in truth["outcomes"]["oasis"]["exact_within"]
    # Region effects: planted in region 19, zero elsewhere.
    for outcome in EXACT.values():
        effects = truth["outcomes"][outcome]["region_effects"]
        assert effects[HOME] == PLANTED.get(outcome, 0.0)
        assert all(v == 0.0 for code, v in effects.items() if code != HOME)

    cfg = cm.load_outcome_config()
    for name, coding in truth["coding"].items():
        spec = cfg.covariates[name]
        assert (spec.source, list(spec.labels), spec.reference) == (coding["source"], coding["labels"], coding["reference"])
        assert list(spec.breaks) == [float(b) for b in coding.get("breaks", [])]
    # The generator classes the complete values with np.digitize(value, breaks); the case-mix
    # coding must give the same class for every known value (cut-points included).
    data = planted.data
    frame = cm.code_covariates(data).frame()
    for name in ("age_class", "bmi_class", "birthweight_class"):
        coding = truth["coding"][name]
        values = pd.to_numeric(data[coding["source"]], errors="coerce").to_numpy(dtype=float)
        known = ~np.isnan(values)
        synth_class = np.asarray(coding["labels"], dtype=object)[np.digitize(values[known], coding["breaks"])]
        assert (frame[name].astype(str).to_numpy()[known] == synth_class).all(), name
    for name in ("smoking", "diabetes", "hypertension"):
        known = data[name].notna().to_numpy()
        expected = np.where(data[name].to_numpy(dtype=object)[known].astype(bool), "yes", "no")
        assert (frame[name].astype(str).to_numpy()[known] == expected).all(), name
    for name in ("country_of_birth", "education"):
        known = data[name].notna().to_numpy()
        assert (frame[name].astype(str).to_numpy()[known] == data[name].astype(str).to_numpy()[known]).all(), name
    # Every true term has a fitted counterpart of the same name.
    for outcome in EXACT:
        _, fit = fitted(data, outcome)
        assert set(true_terms(truth, outcome)) <= set(fit.names), outcome


# --------------------------------------------------------------------------- coefficients


def test_national_model_covers_the_true_coefficients(planted: SynthResult) -> None:
    """Every true coefficient inside its Bonferroni CI; >= 85 % (pooled) inside the 95 % CI.

    The four exact models have 72 true covariate coefficients: all must lie inside the
    family-wise 1 % Bonferroni interval (alpha = 0.01 / 72 each, |z| < 3.8). The number
    outside the 95 % CIs is ~Binomial(72, 0.05) (mean 3.6), so ">= 85 % inside" (<= 10
    outside) fails by chance with probability < 0.1 %, while a systematically biased model
    (wrong coding, reference or denominator) misses it easily.
    Per model at least 75 % must be inside the 95 % CI so that one biased outcome cannot
    hide among the others. The intercept is left out: region 19's planted effect is not
    in the national model, so the intercept absorbs ~0.4 x its 2.9 % share.
    """
    rows = []
    for outcome in EXACT:
        _, fit = fitted(planted.data, outcome)
        est = fit.params_series()
        se = pd.Series(np.sqrt(np.diag(fit.cov)), index=fit.names)
        for term, true in true_terms(planted.truth, outcome).items():
            rows.append({"outcome": outcome, "term": term, "true": true, "estimate": est[term], "se": se[term]})
    table = pd.DataFrame(rows)
    table["z"] = (table["estimate"] - table["true"]) / table["se"]
    m = len(table)
    assert table.groupby("outcome").size().min() >= 17  # every base covariate level has a true value
    z_wide = bonferroni_z(m)
    worst = table.loc[table["z"].abs().idxmax()]
    assert (table["z"].abs() < z_wide).all(), worst.to_dict()
    inside95 = table["z"].abs() < stats.norm.ppf(0.975)
    assert inside95.mean() >= 0.85, table[~inside95]
    assert inside95.groupby(table["outcome"]).mean().min() >= 0.75
    # Recovery, not just wide intervals: the strong published effects are estimated sharply.
    key = table.set_index(["outcome", "term"])
    for outcome, term in (("instrumental", "education[compulsory]"), ("oasis", "birthweight_class[>=4500]")):
        row = key.loc[(outcome, term)]
        assert row["se"] < 0.2 and abs(row["estimate"] - row["true"]) < 4 * row["se"]


# --------------------------------------------------------------------------- practice effect


def test_home_practice_effect_covers_the_planted_one(planted: SynthResult) -> None:
    """Region 19's indicator effect covers the planted +0.4 (instrumental), -0.3 (induction), 0 (others).

    With every other region at 0, the indicator estimand (region vs the case-mix-weighted
    rest of the nation) equals the planted value. Four checks: all inside the family-wise
    1 % Bonferroni interval (|z| < 3.02), at least three inside the reported 95 % CI. Power:
    the two planted effects must also be clearly non-zero (SEs ~0.065 and ~0.053).
    """
    z_family = bonferroni_z(len(EXACT))
    inside95 = 0
    for outcome in EXACT:
        prepared, fit = fitted(planted.data, outcome)
        effect = cm.practice_effect(prepared, HOME, "indicator", fit)
        true = planted.truth["outcomes"][EXACT[outcome]]["region_effects"][HOME]
        assert true == PLANTED.get(outcome, 0.0)
        assert abs(effect.log_odds - true) < z_family * effect.se, (outcome, effect)
        inside95 += effect.low <= true <= effect.high
        if outcome in PLANTED:
            assert effect.se < 0.1 and (effect.low > 0 or effect.high < 0), (outcome, effect)
    assert inside95 >= len(EXACT) - 1


# --------------------------------------------------------------------------- decomposition with no practice effects


def test_decomposition_attributes_no_practice_when_none_planted(null_cohort: SynthResult) -> None:
    """With all practice effects zero: practice part ~0 (CI covers 0, |part| < 1 pp); case mix recovered.

    Practice part: for each exact outcome the family-wise 1 % interval (percentile bootstrap
    at alpha = 0.01 / 4, 4000 draws) covers 0, at least three of the four reported 95 %
    intervals cover 0, and |practice part| < 1 pp. Case-mix part: the 95 % interval covers
    the truth-implied part (conservative: the truth is taken on the same women, while the
    interval also resamples them), and it is clearly non-zero, with the true sign, where
    Västmanland's case mix moves the risk (``CASEMIX_DIFFERS``).
    """
    k = len(EXACT)
    inside95 = 0
    for outcome in EXACT:
        prepared, fit = fitted(null_cohort.data, outcome)
        dec = cm.decompose(prepared, fit, HOME, n_boot=400, seed=BOOT_SEED)
        wide = cm.decompose(prepared, fit, HOME, n_boot=4000, seed=BOOT_SEED, alpha=FAMILY_ALPHA / k)
        assert dec.n > 10_000
        assert wide.practice_part_low < 0 < wide.practice_part_high, (outcome, wide)
        inside95 += dec.practice_part_low < 0 < dec.practice_part_high
        assert abs(dec.practice_part) < 1.0, (outcome, dec)
        assert dec.gap == pytest.approx(dec.casemix_part + dec.practice_part)
        truth = true_casemix_part(null_cohort, outcome)
        assert dec.casemix_part_low <= truth <= dec.casemix_part_high, (outcome, truth, dec)
        if outcome in CASEMIX_DIFFERS:
            assert abs(truth) > 0.1
            assert dec.casemix_part_high < 0 or dec.casemix_part_low > 0, (outcome, truth, dec)
            assert np.sign(dec.casemix_part) == np.sign(truth)
    assert inside95 >= k - 1
