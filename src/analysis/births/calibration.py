"""Calibration report: each calibrated synthetic figure beside its published value and tolerance.

The figures are computed with the published definitions (denominators as MFR states them), so
the table is also a check that the generator's stages line up with the register's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.births.config import load_config
from analysis.births.validate import load_births
from analysis.common import published
from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA
from analysis.common.regions import region_name

Metric = Callable[[pd.DataFrame], float]


def _pct(num: pd.Series, den: pd.Series | None = None) -> float:
    """100 x share of True in ``num`` among rows where ``den`` holds (missing values excluded)."""
    num = num.astype("boolean")
    if den is not None:
        num = num[den.fillna(False).to_numpy(dtype=bool)]
    num = num.dropna()
    return float(100.0 * num.mean()) if len(num) else float("nan")


def _mode(d: pd.DataFrame) -> pd.Series:
    return d["mode"].astype("string")


def _vaginal(d: pd.DataFrame) -> pd.Series:
    return _mode(d).isin(["spontaneous_vaginal", "vacuum", "forceps"])


def _cs(d: pd.DataFrame) -> pd.Series:
    return _mode(d).isin(["planned_cs", "emergency_cs"])


def _singleton(d: pd.DataFrame) -> pd.Series:
    return d["plurality"] == 1


def _bmi_share(lo: float, hi: float) -> Metric:
    return lambda d: _pct((d["bmi"] >= lo) & (d["bmi"] < hi), d["bmi"].notna())


def _los_mean(d: pd.DataFrame, mask: pd.Series) -> float:
    hours = d.loc[mask.fillna(False).to_numpy(dtype=bool), "los_hours"].dropna()
    return float(hours.mean() / 24.0) if len(hours) else float("nan")


def _no_risk(d: pd.DataFrame) -> float:
    """Local definition (risk_factors.yml list): unknown-and-no-known-risk women leave the denominator."""
    age = d["maternal_age"]
    known_flags = [
        (age < 20) | (age >= 35),
        d["bmi"] >= 25,
        d["smoking"].astype("boolean"),
        d["diabetes"].astype("boolean"),
        d["hypertension"].astype("boolean"),
        d["country_of_birth"].astype("string") == "outside_europe",
        d["education"].astype("string") == "compulsory",
    ]
    flags = pd.concat([f.astype("boolean") for f in known_flags], axis=1)
    any_risk = flags.fillna(False).any(axis=1)
    all_known_false = flags.eq(False).fillna(False).all(axis=1)
    den = any_risk | all_known_false
    return float(100.0 * all_known_false.sum() / den.sum()) if den.sum() else float("nan")


METRICS: dict[str, tuple[str, Metric]] = {
    "bmi_underweight_lt18_5_pct": ("BMI < 18.5, % of known BMI", _bmi_share(0, 18.5)),
    "bmi_normal_18_5_24_9_pct": ("BMI 18.5-24.9, % of known BMI", _bmi_share(18.5, 25)),
    "bmi_overweight_25_29_9_pct": ("BMI 25-29.9, % of known BMI", _bmi_share(25, 30)),
    "bmi_obese_ge30_pct": ("BMI >= 30, % of known BMI", _bmi_share(30, 1000)),
    "bmi_mean_at_booking": ("mean BMI among known", lambda d: float(d["bmi"].dropna().mean())),
    "smoking_at_booking_pct": ("smoking at booking, % of known", lambda d: _pct(d["smoking"])),
    "smoking_at_booking_missing_pct": (
        "smoking status missing, % of deliveries",
        lambda d: float(100.0 * d["smoking"].isna().mean()),
    ),
    "mean_age_nulliparous": (
        "mean age (completed years) of parity-0 women",
        lambda d: float(d.loc[d["parity"] == 0, "maternal_age"].mean()),
    ),
    "breech_pct_singleton": (
        "breech, % of singletons",
        lambda d: _pct(d["presentation"].astype("string") == "breech", _singleton(d)),
    ),
    "share_nulliparous_of_deliveries_pct": ("parity 0, % of deliveries", lambda d: _pct(d["parity"] == 0)),
    "all_deliveries_age_ge35_pct": ("age >= 35, % of deliveries", lambda d: _pct(d["maternal_age"] >= 35)),
    "mother_born_outside_europe_pct": (
        "born outside Europe, % of deliveries (missing in denominator)",
        lambda d: float(100.0 * (d["country_of_birth"].astype("string") == "outside_europe").fillna(False).mean()),
    ),
    "cs_planned_pct": ("planned CS, % of deliveries", lambda d: _pct(_mode(d) == "planned_cs")),
    "cs_emergency_pct": ("emergency CS, % of deliveries", lambda d: _pct(_mode(d) == "emergency_cs")),
    "cs_total_pct": ("CS, % of deliveries", lambda d: _pct(_cs(d))),
    "induction_pct_term_singleton": (
        "induced onset, % of singletons >= 37 weeks",
        lambda d: _pct(d["onset"].astype("string") == "induced", _singleton(d) & (d["gestational_weeks"] >= 37)),
    ),
    "instrumental_vaginal_pct_of_vaginal": (
        "vacuum or forceps, % of vaginal births",
        lambda d: _pct(_mode(d).isin(["vacuum", "forceps"]), _vaginal(d)),
    ),
    "instrumental_pct_of_nulliparous_vaginal": (
        "vacuum or forceps, % of parity-0 vaginal births",
        lambda d: _pct(_mode(d).isin(["vacuum", "forceps"]), _vaginal(d) & (d["parity"] == 0)),
    ),
    "cs_pct_nulliparous": ("CS, % of parity-0 deliveries", lambda d: _pct(_cs(d), d["parity"] == 0)),
    "oasis_nulliparous_pct_of_vaginal": (
        "OASIS, % of parity-0 vaginal births (known)",
        lambda d: _pct(d["oasis"], _vaginal(d) & (d["parity"] == 0)),
    ),
    "oasis_multiparous_pct_of_vaginal": (
        "OASIS, % of parous vaginal births (known)",
        lambda d: _pct(d["oasis"], _vaginal(d) & (d["parity"] > 0)),
    ),
    "los_mean_days_all_vaginal": (
        "mean postnatal stay (days), singleton vaginal births",
        lambda d: _los_mean(d, _vaginal(d) & _singleton(d)),
    ),
    "los_mean_days_all_cs": ("mean postnatal stay (days), singleton caesareans", lambda d: _los_mean(d, _cs(d) & _singleton(d))),
    "discharged_within_24h_pct": ("postnatal stay < 24 h, % of deliveries (known)", lambda d: _pct(d["los_hours"] < 24)),
    "pph_gt1000ml_mainly_emergency_cs_pct": (
        "blood loss > 1000 ml, % of emergency CS (known)",
        lambda d: _pct(d["pph_ml"] > 1000, _mode(d) == "emergency_cs"),
    ),
    "pph_gt1000ml_robson1to5_pct": (
        "blood loss > 1000 ml, % of singleton cephalic >= 37 weeks (Robson 1-5)",
        lambda d: _pct(
            d["pph_ml"] > 1000,
            _singleton(d) & (d["presentation"].astype("string") == "cephalic") & (d["gestational_weeks"] >= 37),
        ),
    ),
    "no_risk_factors_at_pregnancy_start_pct": (
        "no risk factor (local definition: 20-34 y, BMI < 25, non-smoker, no diabetes/hypertension, "
        "born in Europe, beyond compulsory school), % of women with known status",
        _no_risk,
    ),
}


def as_text(series: pd.Series) -> pd.Series:
    """``series.astype("string")``; a categorical's categories are converted and looked up by code (far faster)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        names = pd.array(np.asarray(series.cat.categories.astype(str), dtype=object), dtype="string")
        return pd.Series(names.take(series.cat.codes.to_numpy(), allow_fill=True), index=series.index, name=series.name)
    return series.astype("string")


TEXT_COLUMNS = ("mode", "presentation", "onset", "country_of_birth", "education")  # read as text by the metrics

# Swedish descriptions for the book's calibration appendix (same definitions as METRICS), from data/calibration_labels.yml.
LABELS_FILE = PACKAGE_DATA / "calibration_labels.yml"
LABELS_SV: dict[str, str] = {str(k): str(v) for k, v in read_yaml(LABELS_FILE, "labels").items()}
QUALITY_SV: dict[str, str] = {str(k): str(v) for k, v in read_yaml(LABELS_FILE, "quality").items()}
_unlabelled = sorted(set(METRICS) - set(LABELS_SV))
if _unlabelled:
    raise ConfigError(f"{LABELS_FILE}: labels: no Swedish label for calibration target(s) {', '.join(_unlabelled)}")


def calibration_table(
    data: pd.DataFrame | str | Path,
    config: dict[str, Any] | None = None,
    scale: float = 1.0,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Synthetic vs published for every configured target; ``within_tolerance`` says whether it passes.

    ``data`` is a loaded births frame or a path (loaded with :func:`load_births`); ``scale`` is the
    generator's scale, needed to compare delivery counts. Region "00" is the whole cohort (Riket).
    """
    frame = load_births(data) if isinstance(data, (str, Path)) else data
    # The metrics compare codes as text: each coded column is turned into text once here, not once per metric
    # and region (the values, and so every figure, are the same).
    frame = frame.assign(**{c: as_text(frame[c]) for c in TEXT_COLUMNS if c in frame.columns})
    cfg = config or load_config()
    cal = cfg["calibration"]
    default_regions = list(regions) if regions is not None else [str(r) for r in cal["regions"]]
    n_years = max(int(frame["year"].nunique()), 1)
    vol = cfg["volume"]
    riket_total = published.value(vol["indicator"], published.RIKET, vol["year"])
    region_col = as_text(frame["region"])
    rows: list[dict[str, Any]] = []
    for target in cal["targets"]:
        indicator = target["indicator"]
        year = str(target.get("year", "2023"))
        target_regions = [str(r) for r in target.get("regions", default_regions)]
        for code in target_regions:
            if regions is not None and code not in regions:
                continue
            subset = frame if code == published.RIKET else frame[(region_col == code).fillna(False).to_numpy()]
            if indicator == "deliveries_n":
                definition = "deliveries per year, rescaled to the published national total"
                synthetic = len(subset) / n_years / scale * riket_total / float(vol["deliveries_per_year"])
            else:
                definition, metric = METRICS[indicator]
                synthetic = metric(subset)
            pub = published.indicators()
            row = pub[(pub["indicator"] == indicator) & (pub["region_code"] == code) & (pub["year"] == year)]
            published_value = published.value(indicator, code, year)
            tolerance = float(target["tolerance"])
            if target.get("relative", False):
                tolerance = tolerance * published_value
            diff = synthetic - published_value
            rows.append(
                {
                    "region_code": code,
                    "region": "Riket" if code == published.RIKET else region_name(code),
                    "indicator": indicator,
                    "definition": definition,
                    "label_sv": LABELS_SV.get(indicator, definition),
                    "synthetic": round(float(synthetic), 3),
                    "published": published_value,
                    "published_year": year,
                    "unit": str(row["unit"].iloc[0]),
                    "difference": round(float(diff), 3),
                    "tolerance": round(tolerance, 3),
                    "within_tolerance": bool(np.isfinite(diff) and abs(diff) <= tolerance),
                    "quality": str(row["quality"].iloc[0]),
                    "note": str(target.get("note", "")),
                }
            )
    return pd.DataFrame(rows)


def calibration_gaps(table: pd.DataFrame, region: str = "19", share_of_tolerance: float = 0.25) -> pd.DataFrame:
    """Region-minus-Riket differences, synthetic vs published, for every indicator with both.

    Levels can pass their tolerance while the region's *direction* relative to the nation is
    wrong; the book shows this table so such cases are visible. ``direction`` is ``same`` (right sign and at
    least half the published size), ``weaker`` (right sign, less than half), ``opposite`` or ``unclear``;
    ``same_direction`` is True only for ``same`` and None when
    the published gap is smaller than ``share_of_tolerance`` × the indicator's calibration tolerance
    (no clear direction to reproduce at the precision the cohort is calibrated to).
    """
    reg = table[table["region_code"] == region].set_index("indicator")
    nat = table[table["region_code"] == published.RIKET].set_index("indicator")
    rows = []
    for indicator in reg.index.intersection(nat.index).drop("deliveries_n", errors="ignore"):
        syn_gap = float(reg.loc[indicator, "synthetic"] - nat.loc[indicator, "synthetic"])
        pub_gap = float(reg.loc[indicator, "published"] - nat.loc[indicator, "published"])
        threshold = share_of_tolerance * float(reg.loc[indicator, "tolerance"])
        if abs(pub_gap) < threshold:
            verdict, same = "unclear", None
        elif np.sign(syn_gap) != np.sign(pub_gap):
            verdict, same = "opposite", False
        elif abs(syn_gap) < 0.5 * abs(pub_gap):
            verdict, same = "weaker", False  # right sign, but less than half the published difference
        else:
            verdict, same = "same", True
        rows.append(
            {
                "indicator": indicator,
                "label_sv": reg.loc[indicator, "label_sv"],
                "synthetic_gap": round(syn_gap, 3),
                "published_gap": round(pub_gap, 3),
                "same_direction": same,
                "direction": verdict,
            }
        )
    return pd.DataFrame(rows)
