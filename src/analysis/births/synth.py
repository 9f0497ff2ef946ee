"""A synthetic national births cohort that follows the contract and is calibrated to published margins.

Why: the register extract is confidential, so every chapter must run unchanged on a
synthetic file. Case mix follows the MFR 2023 regional margins; outcomes come from logistic
models whose odds ratios are taken from ``synth_config.yml`` (published effect sizes where
they exist), with intercepts solved to national baselines and a practice effect per region
solved to that region's published rate. The truth (every coefficient and region effect) is
written beside the data so chapters can test parameter recovery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.births.config import load_config, odds_ratio
from analysis.births.contract import CONTRACT
from analysis.births.sampling import draw_categorical as _draw_categorical
from analysis.births.sampling import expit as _expit
from analysis.births.sampling import solve_shift as _solve_shift
from analysis.common import published
from analysis.common.paths import geodata_dir
from analysis.common.regions import HOME_REGION, region_codes, regions

AT_RISK_LABELS: dict[str, str] = {
    "all": "all deliveries",
    "not_planned_cs": "deliveries not by planned (pre-labour) caesarean",
    "in_labour": "deliveries with labour (spontaneous or induced onset)",
    "vaginal": "vaginal births (spontaneous vaginal, vacuum, forceps)",
}
OBSTETRIC_DEFINITIONS: dict[str, str] = {
    "multiparous": "parity >= 1",
    "previous_cs": "previous_cs is true",
    "multiple": "plurality >= 2",
    "breech": "presentation = breech",
    "other_presentation": "presentation = other",
    "preterm": "gestational_weeks < 37",
    "induced": "onset = induced",
    "instrumental": "mode in (vacuum, forceps)",
    "planned_cs": "mode = planned_cs",
    "emergency_cs": "mode = emergency_cs",
}
EXACTNESS: dict[str, tuple[bool, str]] = {
    "planned_cs": (
        True,
        "exact among singleton cephalic deliveries (plurality and presentation carry their own terms; "
        "parity and previous-CS terms are zero for nulliparous women)",
    ),
    "induction": (True, "exact within any set of nulliparous women defined by the covariates"),
    "emergency_cs": (
        False,
        "includes an induction term (onset = induced), so a model on pre-labour covariates alone is a marginal approximation",
    ),
    "instrumental": (True, "exact within any set of nulliparous vaginal births defined by the covariates"),
    "oasis": (True, "exact within nulliparous vaginal births with the birthweight class as an extra covariate"),
    "pph_gt1000": (False, "depends on mode of delivery and induction"),
}
MISSING_AT_END = ("bmi", "smoking", "country_of_birth", "education", "birthweight_g")


@dataclass(frozen=True)
class SynthResult:
    """The generated frame, its truth document and, when written, the output paths."""

    data: pd.DataFrame
    truth: dict[str, Any]
    path: Path | None = None
    truth_path: Path | None = None


def _pub(indicator: str, code: str, year: str = "2023") -> float:
    return published.value(indicator, code, year)


def _municipalities(path: Path | None, home: str) -> tuple[np.ndarray, np.ndarray]:
    """Municipality codes of the home region and their birth weights (geodata, else the reference copy)."""
    candidate = path if path is not None else geodata_dir() / "municipalities.csv"
    if not candidate.exists():
        raise FileNotFoundError(f"municipality birth estimates not found: {candidate}")
    table = pd.read_csv(candidate, dtype={"scb_code": str})
    table = table[table["scb_code"].str.fullmatch(rf"{home}\d\d").fillna(False)]
    if table.empty:
        raise ValueError(f"{candidate}: no 4-digit municipality codes for region {home}")
    weights = table["births_per_year"].astype(float).to_numpy()
    return table["scb_code"].to_numpy(dtype=str), weights / weights.sum()


class _Generator:
    """One generation run; attributes hold the arrays as stages are drawn."""

    # Drawn by name in the comorbidity stage (``setattr``); declared so the type checker knows them.
    diabetes: np.ndarray
    hypertension: np.ndarray

    def __init__(
        self,
        config: dict[str, Any],
        years: list[int],
        seed: int,
        scale: float,
        practice_effects: Mapping[str, Mapping[str, float]] | None,
        zero_practice_effects: bool,
        municipalities_path: Path | None,
    ) -> None:
        self.cfg = config
        self.years = years
        self.seed = seed
        self.scale = scale
        self.overrides = {str(k): dict(v) for k, v in (practice_effects or {}).items()}
        self.zero = zero_practice_effects
        self.muni_path = municipalities_path
        self.rng = np.random.default_rng(seed)
        self.codes = region_codes()
        self.R = len(self.codes)
        self.truth: dict[str, Any] = {"case_mix": {}, "outcomes": {}}

    # ------------------------------------------------------------------ case mix
    def volume(self) -> None:
        vol = self.cfg["volume"]
        counts = np.array([_pub(vol["indicator"], c, vol["year"]) for c in self.codes])
        per_year = np.rint(counts / counts.sum() * vol["deliveries_per_year"] * self.scale).astype(int)
        per_year = np.maximum(per_year, 1)
        self.per_year = per_year
        region_block = np.repeat(np.arange(self.R), per_year)
        self.region = np.tile(region_block, len(self.years))
        self.year = np.repeat(np.asarray(self.years, dtype=np.int64), len(region_block))
        self.n = len(self.region)
        self.weights = per_year / per_year.sum()
        self.truth["case_mix"]["deliveries_per_year"] = dict(zip(self.codes, per_year.tolist(), strict=True))

    def parity_age(self) -> None:
        cfg = self.cfg
        dist = cfg["parity"]["distribution"]
        values = np.array([int(k) for k in dist], dtype=np.int64)
        probs = np.array([float(v) for v in dist.values()])
        self.parity = self.rng.choice(values, size=self.n, p=probs / probs.sum())
        self.nullip = self.parity == 0
        prev = self.rng.random(self.n) < cfg["parity"]["previous_cs_among_parous_pct"] / 100
        self.previous_cs = prev & ~self.nullip

        age_cfg = cfg["maternal_age"]
        bounds = np.asarray(age_cfg["classes"], dtype=float)
        p_null = np.asarray(age_cfg["nulliparous_pct"], dtype=float)
        p_mult = np.asarray(age_cfg["multiparous_pct"], dtype=float)
        p_null, p_mult = p_null / p_null.sum(), p_mult / p_mult.sum()
        probs_rows = np.where(self.nullip[:, None], p_null[None, :], p_mult[None, :])
        klass = _draw_categorical(self.rng, probs_rows)
        x = bounds[klass, 0] + self.rng.random(self.n) * (bounds[klass, 1] - bounds[klass, 0])
        expected_floor = float((p_null * bounds.mean(axis=1)).sum()) - 0.5
        targets = np.array([_pub(age_cfg["regional_mean_indicator"], c) for c in self.codes])
        shift = targets - expected_floor
        self.age = np.clip(np.floor(x + shift[self.region]), 14, 55).astype(np.int64)
        self.truth["case_mix"]["age_shift_years"] = dict(zip(self.codes, np.round(shift, 4).tolist(), strict=True))

    def origin_education(self) -> None:
        cfg = self.cfg["country_of_birth"]
        levels = list(cfg["pct_of_known"])
        base = np.array([float(cfg["pct_of_known"][k]) for k in levels])
        base = base / base.sum()
        out_idx = levels.index("outside_europe")
        rel = np.array([float(cfg.get("outside_europe_relative", {}).get(c, 1.0)) for c in self.codes])
        p_out = base[out_idx] * rel
        p_out *= base[out_idx] / float((self.weights * p_out).sum())
        table = np.empty((self.R, len(levels)))
        others = [i for i in range(len(levels)) if i != out_idx]
        for r in range(self.R):
            table[r, out_idx] = p_out[r]
            table[r, others] = base[others] / base[others].sum() * (1 - p_out[r])
        self.country = _draw_categorical(self.rng, table[self.region])
        self.country_levels = levels
        self.truth["case_mix"]["country_of_birth_pct_of_known"] = {
            c: dict(zip(levels, np.round(100 * table[r], 3).tolist(), strict=True)) for r, c in enumerate(self.codes)
        }

        ecfg = self.cfg["education"]
        edu_levels = list(self.cfg["coding"]["education"]["labels"])
        by_country = np.array([[float(ecfg["by_country"][k][e]) for e in edu_levels] for k in levels])
        by_country = by_country / by_country.sum(axis=1, keepdims=True)
        rel = np.array([float(ecfg.get("compulsory_relative", {}).get(c, 1.0)) for c in self.codes])
        probs = by_country[self.country].copy()
        comp = edu_levels.index("compulsory")
        new = np.minimum(probs[:, comp] * rel[self.region], 0.95)
        rest = [i for i in range(len(edu_levels)) if i != comp]
        probs[:, rest] *= ((1 - new) / probs[:, rest].sum(axis=1))[:, None]
        probs[:, comp] = new
        self.education = _draw_categorical(self.rng, probs)
        self.edu_levels = edu_levels

    def body(self) -> None:
        cfg = self.cfg["bmi"]
        probs = np.array([[_pub(ind, c) for ind in cfg["indicators"]] for c in self.codes])
        probs = probs / probs.sum(axis=1, keepdims=True)
        self.truth["case_mix"]["bmi_class_pct_of_known"] = {
            c: dict(zip(["<18.5", "18.5-24.9", "25-29.9", ">=30"], np.round(100 * probs[r], 3).tolist(), strict=True))
            for r, c in enumerate(self.codes)
        }
        row = probs[self.region]
        tilt = np.where(self.nullip, cfg["obese_odds_by_parity"]["nulliparous"], cfg["obese_odds_by_parity"]["multiparous"])
        odds = row[:, 3] / (1 - row[:, 3]) * tilt
        p_ob = odds / (1 + odds)
        row[:, :3] *= ((1 - p_ob) / row[:, :3].sum(axis=1))[:, None]
        row[:, 3] = p_ob
        klass = _draw_categorical(self.rng, row)
        u = self.rng.random(self.n)
        lows = np.array([cfg["underweight"][0], cfg["normal"][0], cfg["overweight"][0], 30.0])
        highs = np.array([cfg["underweight"][1], cfg["normal"][1], cfg["overweight"][1], 30.0])
        bmi = lows[klass] + u * (highs[klass] - lows[klass])
        g = cfg["obese_gamma"]
        tail = self.rng.gamma(g["shape"], g["scale"], self.n)
        bmi = np.where(klass == 3, np.minimum(30.0 + tail, g["max"]), bmi)
        self.bmi = np.round(bmi, 1)
        self.bmi = np.where((klass == 3) & (self.bmi < 30.0), 30.0, self.bmi)
        self.bmi = np.where((klass < 3) & (self.bmi >= highs[klass]), highs[klass] - 0.1, self.bmi)

        scfg = self.cfg["smoking"]
        p_smoke = np.array([_pub(scfg["indicator"], c) for c in self.codes]) / 100
        self.smoking = self.rng.random(self.n) < p_smoke[self.region]
        self.smoking_missing_p = np.array([_pub(scfg["missing_indicator"], c) for c in self.codes]) / 100

        obese = self.bmi >= 30
        mult = float(self.cfg["morbidity_odds_if_obese"])
        for name in ("diabetes", "hypertension"):
            p = float(self.cfg[f"{name}_pct"]) / 100
            odds = p / (1 - p) * np.where(obese, mult, 1.0)
            setattr(self, name, self.rng.random(self.n) < odds / (1 + odds))

        h = self.cfg["height_cm"]
        outside = self.country == self.country_levels.index("outside_europe")
        height = self.rng.normal(h["mean"], h["sd"], self.n) + np.where(outside, h["outside_europe_shift"], 0.0)
        self.height = np.clip(np.rint(height), h["min"], h["max"]).astype(np.int64)

    def pregnancy(self) -> None:
        pl = self.cfg["plurality"]
        u = self.rng.random(self.n)
        self.plurality = np.where(
            u < pl["triplets_pct"] / 100, 3, np.where(u < (pl["triplets_pct"] + pl["twins_pct"]) / 100, 2, 1)
        ).astype(np.int64)
        multiple = self.plurality > 1
        pcfg = self.cfg["presentation"]
        breech = np.array([_pub(pcfg["breech_indicator"], c) for c in self.codes]) / 100
        other = float(pcfg["other_pct_singleton"]) / 100
        single_probs = np.column_stack([1 - breech[self.region] - other, breech[self.region], np.full(self.n, other)])
        mp = pcfg["multiple"]
        multi = np.array([mp["cephalic"], mp["breech"], mp["other"]], dtype=float)
        multi = multi / multi.sum()
        probs = np.where(multiple[:, None], multi[None, :], single_probs)
        self.presentation = _draw_categorical(self.rng, probs)  # 0 cephalic, 1 breech, 2 other

        gcfg = self.cfg["gestational_weeks"]
        ga = np.empty(self.n, dtype=np.int64)
        for key, mask in (("singleton", ~multiple), ("multiple", multiple)):
            weeks = np.array([int(k) for k in gcfg[key]], dtype=np.int64)
            w = np.array([float(v) for v in gcfg[key].values()])
            ga[mask] = self.rng.choice(weeks, size=int(mask.sum()), p=w / w.sum())
        self.ga = ga

        b = self.cfg["birthweight"]
        weeks = np.array([int(k) for k in b["by_week"]], dtype=float)
        grams = np.array([float(v) for v in b["by_week"].values()])
        mu = np.interp(self.ga.astype(float), weeks, grams)
        s = b["shifts_g"]
        outside = self.country == self.country_levels.index("outside_europe")
        mu = (
            mu
            + s["multiparous"] * ~self.nullip
            + s["obese"] * (self.bmi >= 30)
            + s["underweight"] * (self.bmi < 18.5)
            + s["diabetes"] * self.diabetes
            + s["smoking"] * self.smoking
            + s["outside_europe"] * outside
        )
        mu = mu * np.where(multiple, b["multiple_factor"], 1.0)
        bw = mu * (1 + b["cv"] * self.rng.standard_normal(self.n))
        self.birthweight = np.clip(np.rint(bw), 350, 6500).astype(np.int64)

    # ------------------------------------------------------------------ outcomes
    def _coded(self) -> dict[str, np.ndarray]:
        coding = self.cfg["coding"]
        return {
            "age_class": np.digitize(self.age, coding["age_class"]["breaks"]),
            "bmi_class": np.digitize(self.bmi, coding["bmi_class"]["breaks"]),
            "smoking": self.smoking.astype(int),
            "country_of_birth": self.country,
            "education": self.education,
            "diabetes": self.diabetes.astype(int),
            "hypertension": self.hypertension.astype(int),
            "birthweight_class": np.digitize(self.birthweight, coding["birthweight_class"]["breaks"]),
        }

    def _obstetric(self) -> dict[str, np.ndarray]:
        flags = {
            "multiparous": ~self.nullip,
            "previous_cs": self.previous_cs,
            "multiple": self.plurality > 1,
            "breech": self.presentation == 1,
            "other_presentation": self.presentation == 2,
            "preterm": self.ga < 37,
        }
        if hasattr(self, "induced"):
            flags["induced"] = self.induced
        if hasattr(self, "mode_code"):
            flags["instrumental"] = np.isin(self.mode_code, (1, 2))
            flags["planned_cs"] = self.mode_code == 3
            flags["emergency_cs"] = self.mode_code == 4
        return flags

    def _scope(self, name: str) -> np.ndarray:
        singleton = self.plurality == 1
        scopes = {
            "all": lambda: np.ones(self.n, dtype=bool),
            "not_planned_cs": lambda: ~self.planned,
            "in_labour": lambda: ~self.planned,
            "singleton_term": lambda: singleton & (self.ga >= 37),
            "vaginal": lambda: ~self.planned & ~self.emergency,
            "nulliparous_vaginal": lambda: ~self.planned & ~self.emergency & self.nullip,
            "emergency_cs": lambda: self.emergency,
            "robson_1_5": lambda: singleton & (self.presentation == 0) & (self.ga >= 37),
        }
        if name not in scopes:
            raise KeyError(f"synth_config: unknown scope {name!r}; known: {', '.join(scopes)}")
        return scopes[name]()

    def outcome(self, name: str) -> np.ndarray:
        """Draw one outcome stage; record intercept, terms and region effects in the truth."""
        spec = self.cfg["outcomes"][name]
        coded = self._coded()
        coding = self.cfg["coding"]
        lp = np.zeros(self.n)
        terms: list[dict[str, Any]] = []
        for variable, levels in spec["terms"].items():
            labels = list(coding[variable]["labels"])
            betas = np.zeros(len(labels))
            for level, entry in levels.items():
                if level not in labels:
                    raise KeyError(f"synth_config outcomes.{name}.terms.{variable}: unknown level {level!r}")
                orv = odds_ratio(entry)
                betas[labels.index(level)] = np.log(orv)
                terms.append(
                    {
                        "variable": variable,
                        "level": level,
                        "reference": coding[variable]["reference"],
                        "log_odds_ratio": float(np.log(orv)),
                        "odds_ratio": orv,
                        "input": entry if isinstance(entry, dict) else {"value": entry, "measure": "OR"},
                    }
                )
            lp += betas[coded[variable]]
        obstetric_terms: list[dict[str, Any]] = []
        flags = self._obstetric()
        for term, entry in spec.get("obstetric", {}).items():
            if term not in flags:
                raise KeyError(f"synth_config outcomes.{name}.obstetric: term {term!r} not available at this stage")
            orv = odds_ratio(entry)
            lp += np.log(orv) * flags[term]
            obstetric_terms.append(
                {"term": term, "definition": OBSTETRIC_DEFINITIONS[term], "log_odds_ratio": float(np.log(orv)), "odds_ratio": orv}
            )
        at_risk = self._scope(spec["at_risk"])

        nat = spec["national"]
        scope = self._scope(nat["scope"])
        target = np.array([_pub(nat["indicator"], "00", nat.get("year", "2023")) / 100 * scope.sum()])
        intercept = float(_solve_shift(lp, at_risk & scope, np.zeros(self.n, dtype=np.int64), target, 1)[0])

        effects = np.zeros(self.R)
        origin = dict.fromkeys(self.codes, "none (0)")
        reg = spec.get("regional")
        if reg is not None and not self.zero:
            rscope = self._scope(reg["scope"])
            if "targets" in reg:
                wanted = {c: (t["indicator"], t.get("year", "2023")) for c, t in reg["targets"].items()}
            else:
                wanted = {c: (reg["indicator"], reg.get("year", "2023")) for c in self.codes}
            tvec = np.zeros(self.R)
            fit = np.zeros(self.R, dtype=bool)
            for r, c in enumerate(self.codes):
                if c in wanted:
                    try:
                        tvec[r] = _pub(wanted[c][0], c, wanted[c][1]) / 100
                        fit[r] = True
                    except KeyError:
                        continue
            denom = np.bincount(self.region[rscope], minlength=self.R)
            solved = _solve_shift(lp + intercept, at_risk & rscope, self.region, tvec * denom, self.R)
            effects = np.where(fit, solved, 0.0)
            for r, c in enumerate(self.codes):
                if fit[r]:
                    origin[c] = f"fitted to published {wanted[c][0]} ({wanted[c][1]})"
        for c, values in self.overrides.items():
            if name in values:
                effects[self.codes.index(c)] = float(values[name])
                origin[c] = "override"
        if self.zero:
            for c in self.codes:
                if origin[c] != "override":
                    origin[c] = "zeroed"
        p = _expit(lp + intercept + effects[self.region])
        event = (self.rng.random(self.n) < p) & at_risk
        exact, within = EXACTNESS[name]
        self.truth["outcomes"][name] = {
            "event": spec["event"],
            "denominator": AT_RISK_LABELS[spec["at_risk"]],
            "prelabour_model_exact": exact,
            "exact_within": within,
            "intercept": intercept,
            "intercept_meaning": "log-odds for a woman at every reference level in region effect 0; solved so the "
            f"national rate with region effects zero equals {nat['indicator']} ({nat.get('year', '2023')})",
            "terms": terms,
            "obstetric_terms": obstetric_terms,
            "region_effects": dict(zip(self.codes, effects.tolist(), strict=True)),
            "region_effect_origin": origin,
            "quality": spec.get("quality", ""),
        }
        return event

    def outcomes(self) -> None:
        self.planned = self.outcome("planned_cs")
        self.induced = self.outcome("induction")
        self.emergency = self.outcome("emergency_cs")
        instrumental = self.outcome("instrumental")
        forceps = instrumental & (self.rng.random(self.n) < self.cfg["outcomes"]["instrumental"]["forceps_share"])
        mode = np.zeros(self.n, dtype=np.int64)  # 0 spontaneous vaginal
        mode[instrumental] = 1
        mode[forceps] = 2
        mode[self.planned] = 3
        mode[self.emergency] = 4
        self.mode_code = mode
        self.oasis = self.outcome("oasis")
        self.pph = self.outcome("pph_gt1000")

        vol = self.cfg["outcomes"]["pph_gt1000"]["volume_ml"]
        cs = np.isin(mode, (3, 4))
        median = np.where(cs, vol["median_below"]["caesarean"], vol["median_below"]["vaginal"])
        below = median * np.exp(vol["sdlog_below"] * self.rng.standard_normal(self.n))
        below = np.clip(np.floor(below / 10) * 10, 50, 1000)
        tail = 1010 + np.floor(self.rng.gamma(vol["tail_gamma"]["shape"], vol["tail_gamma"]["scale"], self.n) / 10) * 10
        self.pph_ml = np.where(self.pph, tail, below).astype(np.int64)

        los = self.cfg["los"]
        cells = {}
        for key, ind in los["indicators"].items():
            cells[key] = np.array([_pub(ind, c) for c in self.codes])
        mean = np.where(
            self.nullip,
            np.where(cs, cells["nulliparous_cs"][self.region], cells["nulliparous_vaginal"][self.region]),
            np.where(cs, cells["multiparous_cs"][self.region], cells["multiparous_vaginal"][self.region]),
        )
        mean = mean * np.where(self.plurality > 1, los["multiple_factor"], 1.0)
        shape = np.array([float(los["shape_by_region"].get(c, los["shape"])) for c in self.codes])[self.region]
        days = self.rng.gamma(shape, mean / shape)
        self.los_hours = np.round(days * 24, 1)
        self.truth["case_mix"]["los_gamma_shape"] = dict(
            zip(self.codes, [float(los["shape_by_region"].get(c, los["shape"])) for c in self.codes], strict=True)
        )

    # ------------------------------------------------------------------ assemble
    def frame(self) -> pd.DataFrame:
        codes = np.asarray(self.codes)
        region = codes[self.region]
        home = self.cfg["municipality"]["home_region"]
        muni = np.full(self.n, None, dtype=object)
        home_mask = region == home
        muni_codes, muni_p = _municipalities(self.muni_path, home)
        muni[home_mask] = muni_codes[self.rng.choice(len(muni_codes), size=int(home_mask.sum()), p=muni_p)]

        names = regions().set_index("code")["name_mfr"]
        units_cfg = self.cfg["delivery_unit"]
        unit_by_region = np.array(
            [units_cfg["by_region"].get(c, units_cfg["default"].format(name=names[c])) for c in self.codes], dtype=object
        )
        seq = np.arange(self.n)
        delivery_id = (
            pd.Series(self.year.astype(str), dtype="string")
            + "-"
            + pd.Series(region, dtype="string")
            + "-"
            + pd.Series(seq.astype(str), dtype="string").str.zfill(7)
        )

        pres = np.array(["cephalic", "breech", "other"], dtype=object)[self.presentation]
        onset = np.where(self.planned, "prelabour_cs", np.where(self.induced, "induced", "spontaneous")).astype(object)
        modes = np.array(["spontaneous_vaginal", "vacuum", "forceps", "planned_cs", "emergency_cs"], dtype=object)
        frame = pd.DataFrame(
            {
                "year": self.year,
                "region": pd.array(region, dtype="string"),
                "municipality": pd.array(muni, dtype="string"),
                "parity": self.parity,
                "maternal_age": self.age,
                "plurality": self.plurality,
                "presentation": pd.array(pres, dtype="string"),
                "gestational_weeks": self.ga,
                "previous_cs": self.previous_cs,
                "onset": pd.array(onset, dtype="string"),
                "mode": pd.array(modes[self.mode_code], dtype="string"),
                "delivery_id": delivery_id.to_numpy(),
                "bmi": pd.array(self.bmi, dtype="Float64"),
                "smoking": pd.array(self.smoking, dtype="boolean"),
                "country_of_birth": pd.array(np.asarray(self.country_levels, dtype=object)[self.country], dtype="string"),
                "education": pd.array(np.asarray(self.edu_levels, dtype=object)[self.education], dtype="string"),
                "diabetes": pd.array(self.diabetes, dtype="boolean"),
                "hypertension": pd.array(self.hypertension, dtype="boolean"),
                "height_cm": pd.array(self.height, dtype="Int64"),
                "birthweight_g": pd.array(self.birthweight, dtype="Int64"),
                "oasis": pd.array(np.where(np.isin(self.mode_code, (3, 4)), False, self.oasis), dtype="boolean"),
                "pph_ml": pd.array(self.pph_ml, dtype="Int64"),
                "los_hours": pd.array(self.los_hours, dtype="Float64"),
                "delivery_unit": pd.array(unit_by_region[self.region], dtype="string"),
            }
        )
        frame["delivery_id"] = frame["delivery_id"].astype("string")
        # Missingness after outcomes (MCAR given region), so complete-case models stay unbiased.
        miss = {
            "bmi": np.full(self.n, self.cfg["bmi"]["missing_pct"] / 100),
            "smoking": self.smoking_missing_p[self.region],
            "country_of_birth": np.full(self.n, self.cfg["country_of_birth"]["missing_pct"] / 100),
            "education": np.full(self.n, self.cfg["education"]["missing_pct"] / 100),
            "birthweight_g": np.full(self.n, self.cfg["birthweight"]["missing_pct"] / 100),
        }
        for col, pct in self.cfg["missing_pct"].items():
            miss[col] = np.full(self.n, float(pct) / 100)
        for col, p in miss.items():
            mask = self.rng.random(self.n) < p
            frame.loc[mask, col] = pd.NA
        self.truth["missingness"] = {
            "mechanism": "missing completely at random (smoking: region's published missing share), applied after "
            "all outcomes were drawn from the complete values",
            "pct": {col: float(np.mean(p) * 100) for col, p in miss.items()},
        }
        return frame[[c.name for c in CONTRACT]]


def generate(
    years: list[int] | range | tuple[int, ...] = (2019, 2020, 2021, 2022, 2023),
    seed: int = 1,
    scale: float = 1.0,
    practice_effects: Mapping[str, Mapping[str, float]] | None = None,
    zero_practice_effects: bool = False,
    config: dict[str, Any] | str | Path | None = None,
    municipalities_path: str | Path | None = None,
) -> SynthResult:
    """Generate the cohort in memory: ``scale`` is the fraction of ~100,000 deliveries a year.

    ``practice_effects`` overrides region effects (``{"19": {"instrumental": 0.0}}``, logit scale);
    ``zero_practice_effects`` sets every other region effect to 0 (intercepts stay calibrated nationally).
    """
    cfg = config if isinstance(config, dict) else load_config(config)
    year_list = [int(y) for y in years]
    gen = _Generator(
        cfg,
        year_list,
        seed,
        scale,
        practice_effects,
        zero_practice_effects,
        Path(municipalities_path) if municipalities_path is not None else None,
    )
    gen.volume()
    gen.parity_age()
    gen.origin_education()
    gen.body()
    gen.pregnancy()
    gen.outcomes()
    frame = gen.frame()
    truth: dict[str, Any] = {
        "generator": "analysis.births.synth",
        "package_version": __version__,
        "seed": seed,
        "years": year_list,
        "scale": scale,
        "n_rows": len(frame),
        "home_region": HOME_REGION,
        "config_file": Path(cfg.get("_path", "")).name,
        "config_sha256": cfg.get("_sha256", ""),
        "coding": cfg["coding"],
        "obstetric_terms": OBSTETRIC_DEFINITIONS,
        "practice_effect_overrides": {k: dict(v) for k, v in (practice_effects or {}).items()},
        "zero_practice_effects": zero_practice_effects,
        **gen.truth,
    }
    return SynthResult(frame, truth)


def write(result: SynthResult, out: str | Path) -> SynthResult:
    """Write the data (Parquet, or CSV if the suffix is .csv) and ``<out>.truth.json`` beside it."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        result.data.to_csv(path, index=False)
    else:
        result.data.to_parquet(path, index=False)
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(result.truth, indent=2, ensure_ascii=False, sort_keys=False), encoding="utf-8")
    return SynthResult(result.data, result.truth, path, truth_path)


def synth(
    out: str | Path,
    years: list[int] | range | tuple[int, ...] = (2019, 2020, 2021, 2022, 2023),
    seed: int = 1,
    scale: float = 1.0,
    practice_effects: Mapping[str, Mapping[str, float]] | None = None,
    zero_practice_effects: bool = False,
    config: dict[str, Any] | str | Path | None = None,
    municipalities_path: str | Path | None = None,
) -> SynthResult:
    """Generate and write (the ``synth --years 2019-2023 --seed 1 --out FILE`` command)."""
    result = generate(years, seed, scale, practice_effects, zero_practice_effects, config, municipalities_path)
    return write(result, out)


def parse_years(text: str) -> list[int]:
    """``"2019-2023"`` or ``"2019,2021"`` to a list of years (for the CLI)."""
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            if hi < lo:
                raise ValueError(f"year range {part!r} runs backwards")
            years.extend(range(lo, hi + 1))
        elif part:
            years.append(int(part))
    if not years:
        raise ValueError(f"no years in {text!r}")
    return years
