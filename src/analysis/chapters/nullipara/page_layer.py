"""Page "Förstföderskor" (nullipara): one computation bundle, chart builders and display tables.

The case-mix logic lives in ``casemix``, ``robson`` and ``funnel``; this module only
runs it once for the page, turns the results into aggregated, disclosure-checked
frames, and draws them. Every chart builder takes aggregated data (never rows of
deliveries), drops suppressed cells, and labels in Swedish.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import yaml

from analysis.chapters.nullipara import casemix, robson
from analysis.chapters.nullipara.funnel import DEFAULT_LEVELS, Funnel
from analysis.common import published
from analysis.common.disclosure import threshold
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.regions import region_name
from analysis.render.charts import HOME_COLOUR, NATION_COLOUR, OTHER_COLOUR

# --------------------------------------------------------------------------- Swedish labels

OUTCOME_LABELS: dict[str, str] = {
    "emergency_cs": "Akut kejsarsnitt",
    "planned_cs": "Planerat kejsarsnitt",
    "instrumental": "Instrumentell förlossning",
    "oasis": "Sfinkterskada (bristning grad 3–4)",
    "pph_1000": "Blödning över 1000 ml",
    "induction": "Igångsättning",
}
# Column headings where six outcomes sit side by side.
SHORT_LABELS: dict[str, str] = {
    "emergency_cs": "Akut snitt",
    "planned_cs": "Planerat snitt",
    "instrumental": "Instrumentell",
    "oasis": "Sfinkterskada",
    "pph_1000": "Blödning över 1000 ml",
    "induction": "Igångsättning",
}
# The outcome as it reads inside a sentence ("... i akuta kejsarsnitt ...").
OUTCOME_PHRASES: dict[str, str] = {
    "emergency_cs": "akuta kejsarsnitt",
    "planned_cs": "planerade kejsarsnitt",
    "instrumental": "instrumentella vaginala förlossningar (sugklocka eller tång)",
    "oasis": "sfinkterskador",
    "pph_1000": "blödningar över 1000 ml",
    "induction": "igångsättningar",
}
DENOMINATORS_SV: dict[str, str] = {
    "emergency_cs": "alla förstföderskor",
    "planned_cs": "alla förstföderskor",
    "instrumental": "förstföderskor med vaginal förlossning",
    "oasis": "förstföderskor med vaginal förlossning",
    "pph_1000": "alla förstföderskor",
    "induction": "förstföderskor, enkelbörd ≥ 37 veckor, ej kejsarsnitt före värkstart",
}
COVARIATE_LABELS: dict[str, str] = {
    "age_class": "Ålder (år)",
    "bmi_class": "BMI vid inskrivning",
    "smoking": "Rökning vid inskrivning",
    "country_of_birth": "Moderns födelseland",
    "education": "Utbildning",
    "diabetes": "Diabetes före graviditeten",
    "hypertension": "Högt blodtryck före graviditeten",
    "birthweight_class": "Födelsevikt (g)",
}
LEVEL_LABELS: dict[str, str] = {
    "no": "nej",
    "yes": "ja",
    "missing": "saknas",
    "sweden": "Sverige",
    "nordic": "övriga Norden",
    "europe": "övriga Europa",
    "outside_europe": "utanför Europa",
    "compulsory": "grundskola",
    "upper_secondary": "gymnasium",
    "tertiary": "eftergymnasial",
}
ROBSON_LABELS_SV: dict[str, str] = {
    "1": "Förstföderska, enkelbörd, huvudbjudning, ≥ 37 v, spontan värkstart",
    "2a": "Förstföderska, enkelbörd, huvudbjudning, ≥ 37 v, igångsatt",
    "2b": "Förstföderska, enkelbörd, huvudbjudning, ≥ 37 v, kejsarsnitt före värkstart",
    "3": "Omföderska utan tidigare snitt, enkelbörd, huvudbjudning, ≥ 37 v, spontan värkstart",
    "4a": "Omföderska utan tidigare snitt, enkelbörd, huvudbjudning, ≥ 37 v, igångsatt",
    "4b": "Omföderska utan tidigare snitt, enkelbörd, huvudbjudning, ≥ 37 v, kejsarsnitt före värkstart",
    "5": "Omföderska med tidigare kejsarsnitt, enkelbörd, huvudbjudning, ≥ 37 v",
    "6": "Förstföderska, enkelbörd, sätesbjudning",
    "7": "Omföderska, enkelbörd, sätesbjudning (inkl. tidigare snitt)",
    "8": "Flerbörd (inkl. tidigare snitt)",
    "9": "Enkelbörd i tvär- eller snedläge (inkl. tidigare snitt)",
    "10": "Enkelbörd, huvudbjudning, < 37 v (inkl. tidigare snitt)",
    robson.UNCLASSIFIED: "Kan inte klassificeras (saknade eller motstridiga uppgifter)",
    "total": "Alla förlossningar",
}
# First use of a term in the page's prose (the report's own wording inside the parenthesis).
FIRST_USE_TERMS: dict[str, str] = {
    "oasis": "sfinkterskador (bristning grad 3–4)",
    "pph_1000": "blödningar över 1000 ml",
}
SYNTHETIC_TAG = "syntetiska data"
OUTCOME_KIND_VALUES: tuple[str, ...] = ("intervention", "complication")
POSITION_SV: dict[str, str] = {
    "within": "inom gränserna",
    "above 95%": "över 95 %-gränsen",
    "below 95%": "under 95 %-gränsen",
    "above 99.8%": "över 99,8 %-gränsen",
    "below 99.8%": "under 99,8 %-gränsen",
}
NATION_LABEL = "Riket"
LIMIT_EXACT_95 = "95 %-gräns"
LIMIT_EXACT_998 = "99,8 %-gräns"
LIMIT_ADJUSTED_95 = "95 %-gräns, justerad för överspridning"
LIMIT_ADJUSTED_998 = "99,8 %-gräns, justerad för överspridning"
COMPONENTS: tuple[str, ...] = ("Total skillnad", "Fallmix", "Praxis")
COMPONENT_COLOURS: tuple[str, ...] = ("#7f7f7f", "#2166ac", HOME_COLOUR)

# Published figures beside the modelled ones:
# (outcome, indicator, year key in published data, population in Swedish, decimals as published).
# MFR's tables give one decimal; the regional report gives whole percent, so it is shown as whole percent.
PUBLISHED_ROWS: tuple[tuple[str, str, str, str, int], ...] = (
    ("emergency_cs", "cs_emergency_pct", "2023", "alla förlossningar (alla pariteter)", 1),
    ("planned_cs", "cs_planned_pct", "2023", "alla förlossningar (alla pariteter)", 1),
    ("instrumental", "instrumental_vaginal_pct_of_vaginal", "2023", "vaginala förlossningar (alla pariteter)", 1),
    ("oasis", "oasis_nulliparous_pct_of_vaginal", "2023", "förstföderskor med vaginal förlossning", 1),
    (
        "pph_1000",
        "pph_gt1000ml_mainly_emergency_cs_pct",
        "2023-2024 (not stated)",
        "andel stora blödningar i samband med främst akuta kejsarsnitt (nämnaren anges inte)",
        0,
    ),
    ("induction", "induction_pct_term_singleton", "2023", "enkelbörd ≥ 37 veckor (alla pariteter)", 1),
)
# The published year column in Swedish (the report does not say which year its figures are from).
PUBLISHED_YEAR_SV: dict[str, str] = {"2023-2024 (not stated)": "anges inte (rapport från 2025)"}
# Ordinal rank phrases for "Nth highest in the country" in the published notes.
RANK_SV: dict[int, str] = {1: "högst", 2: "näst högst", 3: "tredje högst", 4: "fjärde högst", 5: "femte högst"}


def outcome_label(key: str) -> str:
    return OUTCOME_LABELS.get(key, key)


def with_synthetic_tag(text: str, synthetic: bool) -> str:
    """A chart title or table title marked '(syntetiska data)' when the cohort is synthetic."""
    return f"{text} ({SYNTHETIC_TAG})" if synthetic else text


def caption(title: str, synthetic: bool, note: str = "") -> str:
    """Table caption: the title (marked when synthetic), then an optional explanatory note."""
    head = with_synthetic_tag(title, synthetic)
    return f"{head}. {note}" if note else f"{head}."


@lru_cache(maxsize=4)
def _outcome_kinds_cached(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    kinds: dict[str, str] = {}
    for key in casemix.OUTCOME_KEYS:
        kind = (raw.get("outcomes", {}).get(key) or {}).get("kind")
        if kind not in OUTCOME_KIND_VALUES:
            raise ValueError(f"outcomes config: {key}: kind must be one of {list(OUTCOME_KIND_VALUES)}, got {kind!r}")
        kinds[key] = str(kind)
    return kinds


def outcome_kinds(path: str | Path | None = None) -> dict[str, str]:
    """'intervention' or 'complication' per outcome, from ``outcomes.yml`` (field ``kind``)."""
    return dict(_outcome_kinds_cached(str(Path(path) if path is not None else casemix.CONFIG_PATH)))


_LEVEL_OPERATORS: dict[str, str] = {"<": "<\u00a0", "<=": "≤\u00a0", ">": ">\u00a0", ">=": "≥\u00a0"}


def _sv_level_number(text: str) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return sv_number(float(text), decimals)


def level_label(level: str) -> str:
    """A covariate level in Swedish notation for display ('18.5-24.9' → '18,5–24,9', '>=40' → '≥ 40').

    Internal keys (from ``outcomes.yml``) stay unchanged; this is display only.
    """
    if level in LEVEL_LABELS:
        return LEVEL_LABELS[level]
    match = re.fullmatch(r"(<=|>=|<|>)?\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?", str(level))
    if not match:
        return str(level)
    op, low, high = match.groups()
    text = _sv_level_number(low) + (f"–{_sv_level_number(high)}" if high else "")
    return (_LEVEL_OPERATORS[op] if op else "") + text


def _pm(value: float | None, decimals: int = 1) -> str:
    """Signed Swedish number: '+1,2', '−0,4', '0,0'."""
    if value is None or not np.isfinite(value):
        return "–"
    if round(value, decimals) == 0:
        value = 0.0  # no '−0,0'
    text = sv_number(value, decimals)
    return "+" + text if round(value, decimals) > 0 else text


def _p_value(p: float | None) -> str:
    if p is None or not np.isfinite(p):
        return "–"
    return "<\u00a00,001" if p < 0.001 else sv_number(p, 3)


def _suppressed_mark() -> str:
    return f"<{threshold()}"


def _count_or_mark(count: float | int) -> str:
    """A count of women, '<5' when it is 1–4 (a zero reveals nothing and is shown)."""
    return _suppressed_mark() if 0 < count < threshold() else sv_number(count)


# --------------------------------------------------------------------------- computation bundle


@dataclass(frozen=True)
class NulliparaPage:
    """Everything the page shows, computed once.

    ``results`` and ``analyses`` come from one ``casemix.nullipara_analysis(...)``
    call: the JSON saved for the page and the per-outcome fits that produced it,
    reused for the funnels and the model summaries so nothing is fitted twice.
    """

    region: str
    years: tuple[int, ...]
    outcomes: tuple[str, ...]
    results: dict[str, Any]
    analyses: Mapping[str, casemix.OutcomeAnalysis]
    crude: pd.DataFrame
    robson: pd.DataFrame
    indirect: pd.DataFrame

    @property
    def fitted(self) -> list[str]:
        """Outcomes that could be computed, in the requested order."""
        return [k for k in self.outcomes if k in self.analyses]

    def home(self, key: str) -> dict[str, Any]:
        return self.results["outcomes"][key]["regions"][self.region]


def parse_outcomes(text: str) -> tuple[str, ...]:
    """The page's ``outcomes`` parameter (comma list) in the config's order; empty means all."""
    wanted = [t.strip() for t in str(text).split(",") if t.strip()]
    unknown = [t for t in wanted if t not in casemix.OUTCOME_KEYS]
    if unknown:
        raise ValueError(f"unknown outcome(s) {unknown}; allowed {list(casemix.OUTCOME_KEYS)}")
    return tuple(k for k in casemix.OUTCOME_KEYS if k in wanted) if wanted else casemix.OUTCOME_KEYS


def stratum_oe_all_regions(
    births: pd.DataFrame,
    outcome: str,
    strata: Sequence[str] = casemix.DEFAULT_STRATA,
    region_column: str = "region",
) -> pd.DataFrame:
    """Stratified O/E for every region computed from the full national microdata.

    E for a region = sum over strata of (its women) x (national rate in the
    stratum). This is the reference computation for ``indirect_standardise``,
    which needs only the region's rows plus a national rate table.
    """
    rows = casemix.outcome_rows(births, outcome)
    coded = casemix.code_covariates(births, list(strata))
    if coded.absent:
        raise casemix.OutcomeUnavailable(f"strata columns absent: {list(coded.absent)}")
    pat = casemix.collapse(
        coded, rows.event, rows.in_denominator, list(strata), group=births[region_column].astype(str).to_numpy()
    )
    national = casemix.aggregate(pat, list(strata))
    national["rate"] = national["events"] / national["n"]
    merged = pat.merge(national[[*strata, "rate"]], on=list(strata), how="left")
    merged["expected"] = merged["n"] * merged["rate"]
    out = merged.groupby(region_column, sort=True)[["n", "events", "expected"]].sum().reset_index()
    out = out.rename(columns={"events": "observed"})
    out["oe"] = out["observed"] / out["expected"]
    return out


def indirect_comparison(births: pd.DataFrame, region: str, outcomes: Sequence[str], results: Mapping[str, Any]) -> pd.DataFrame:
    """Per outcome: model O/E, stratified O/E from national microdata, and from a rate table + own data.

    ``n_unmatched_published`` counts the region's women whose stratum would lose
    its rate if the national table were published with small-cell suppression.
    """
    own = births[births["region"].astype(str) == region]
    rows = []
    for key in outcomes:
        if key not in results["outcomes"]:
            continue
        full = stratum_oe_all_regions(births, key)
        full_row = full[full["region"] == region].iloc[0]
        reference = casemix.national_reference_rates(births, key)
        via_table = casemix.indirect_standardise(own, reference, outcome=key)
        published_ref = casemix.displayable(reference)
        via_published = casemix.indirect_standardise(own, published_ref, outcome=key)
        home = results["outcomes"][key]["regions"][region]
        rows.append(
            {
                "outcome": key,
                "n_strata": len(reference),
                "observed": int(full_row["observed"]),
                "expected_full": float(full_row["expected"]),
                "oe_full": float(full_row["oe"]),
                "expected_table": via_table.expected,
                "oe_table": via_table.sr,
                "oe_table_low": via_table.sr_low,
                "oe_table_high": via_table.sr_high,
                "n_unmatched_table": via_table.n_unmatched,
                "n_unmatched_published": via_published.n_unmatched,
                "oe_published": via_published.sr,
                "oe_model": home["oe"],
            }
        )
    return pd.DataFrame(rows)


def compute_page(
    births: pd.DataFrame,
    region: str,
    years: Sequence[int],
    outcomes: Sequence[str],
    n_boot: int = 200,
    seed: int = 20240601,
) -> NulliparaPage:
    """Run the whole page's analysis once (fits, crude rates, Robson, indirect standardisation)."""
    data = births[births["year"].isin(list(years))]
    if data.empty:
        raise ValueError(f"no deliveries in years {list(years)}")
    if region not in set(data["region"].astype(str)):
        raise ValueError(f"region {region!r} has no deliveries in years {list(years)}")
    analysis = casemix.nullipara_analysis(data, region, outcomes=list(outcomes), n_boot=n_boot, seed=seed)
    results = analysis.results
    crude = casemix.displayable(casemix.crude_rates(data, region, outcomes=list(outcomes)))
    robson_table = robson.robson_display(robson.robson_comparison(data, region))
    indirect = indirect_comparison(data, region, list(outcomes), results)
    return NulliparaPage(
        region=region,
        years=tuple(int(y) for y in years),
        outcomes=tuple(outcomes),
        results=results,
        analyses=dict(analysis.analyses),
        crude=crude,
        robson=robson_table,
        indirect=indirect,
    )


# --------------------------------------------------------------------------- aggregated frames for charts


def crude_frame(crude: pd.DataFrame, region: str, pooled: bool = True) -> pd.DataFrame:
    """Displayable crude rates in percent with Swedish labels; suppressed rows dropped.

    ``pooled`` picks the all-years rows (``year`` NA); otherwise the per-year rows.
    """
    rows = crude[crude["year"].isna()] if pooled else crude[crude["year"].notna()]
    rows = rows[rows["rate"].notna()].copy()
    rows["Utfall"] = [outcome_label(k) for k in rows["outcome"]]
    rows["Område"] = [NATION_LABEL if a == "nation" else region_name(str(a)) for a in rows["area"]]
    for col in ("rate", "low", "high"):
        rows[col] = 100 * rows[col].astype(float)
    if not pooled:
        rows["year"] = rows["year"].astype(int)
    keep = ["outcome", "Utfall", "Område", "n", "events", "rate", "low", "high"]
    return rows[keep if pooled else ["year", *keep]].reset_index(drop=True)


def _area_colour(region: str) -> alt.Color:
    return alt.Color(
        "Område:N",
        scale=alt.Scale(domain=[region_name(region), NATION_LABEL], range=[HOME_COLOUR, NATION_COLOUR]),
        legend=alt.Legend(title=None, orient="top", symbolOpacity=1),
    )


def crude_rate_chart(
    crude: pd.DataFrame, region: str, outcomes: Sequence[str] | None = None, synthetic: bool = False
) -> alt.Chart:
    """Dot + 95 % CI per outcome, region vs nation (pooled years), from ``casemix.displayable`` rates."""
    frame = crude_frame(crude, region, pooled=True)
    if outcomes is not None:
        frame = frame[frame["outcome"].isin(list(outcomes))]
    order = [outcome_label(k) for k in (outcomes or casemix.OUTCOME_KEYS)]
    base = alt.Chart(frame).encode(
        y=alt.Y("Utfall:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("Område:N", sort=[region_name(region), NATION_LABEL]),
        color=_area_colour(region),
    )
    tooltip = [
        alt.Tooltip("Utfall:N"),
        alt.Tooltip("Område:N"),
        alt.Tooltip("rate:Q", title="Andel (%)", format=".1f"),
        alt.Tooltip("low:Q", title="95 % KI, nedre", format=".1f"),
        alt.Tooltip("high:Q", title="95 % KI, övre", format=".1f"),
        alt.Tooltip("n:Q", title="Förlossningar (nämnare)", format=",.0f"),
    ]
    rules = base.mark_rule(strokeWidth=2).encode(x=alt.X("low:Q", title="Andel (%) med 95 % konfidensintervall"), x2="high:Q")
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(x="rate:Q", tooltip=tooltip)
    title = with_synthetic_tag("Råa andelar bland förstföderskor", synthetic)
    return (rules + dots).properties(width=460, height=alt.Step(16), title=title)


def trend_chart(
    crude: pd.DataFrame,
    region: str,
    outcomes: Sequence[str] | None = None,
    columns: int = 3,
    synthetic: bool = False,
) -> alt.FacetChart:
    """Small multiples: rate per year with 95 % CI, region vs nation, one panel per outcome."""
    frame = crude_frame(crude, region, pooled=False)
    if outcomes is not None:
        frame = frame[frame["outcome"].isin(list(outcomes))]
    order = [outcome_label(k) for k in (outcomes or casemix.OUTCOME_KEYS)]
    colour = _area_colour(region)
    x = alt.X("year:O", title="År", axis=alt.Axis(labelAngle=0))
    band = (
        alt.Chart()
        .mark_rule(strokeWidth=1.5, opacity=0.6)
        .encode(x=x, y=alt.Y("low:Q", title="Andel (%)"), y2="high:Q", color=colour)
    )
    line = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("rate:Q", scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=[
                alt.Tooltip("Område:N"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("rate:Q", title="Andel (%)", format=".1f"),
                alt.Tooltip("n:Q", title="Nämnare", format=",.0f"),
            ],
        )
    )
    return (
        alt.layer(band, line, data=frame)
        .properties(width=190, height=130)
        .facet(facet=alt.Facet("Utfall:N", sort=order, title=None), columns=columns)
        .resolve_scale(y="independent")
        .properties(title=with_synthetic_tag("Andel per år (95 % konfidensintervall)", synthetic))
    )


def funnel_frames(funnel: Funnel, region: str, thin: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, limit lines) for a ratio funnel: suppressed points removed, limits in long format.

    Limit curves are thinned to every ``thin``-th grid point (smooth on a log axis,
    smaller pages); random-effects limits are added when the data are overdispersed,
    because the points are then judged against those.
    """
    pts = funnel.points[~funnel.points["suppressed"].astype(bool)].copy()
    pts["region"] = pts["region"].astype(str)
    pts["Region"] = [region_name(r) for r in pts["region"]]
    pts["Hemregion"] = pts["region"] == region
    pts["Läge"] = [POSITION_SV.get(p, p) for p in pts["position"]]
    pts = pts[["region", "Region", "Hemregion", "observed", "expected", "oe", "Läge"]].reset_index(drop=True)

    curves = []
    sets: list[tuple[pd.DataFrame, str, str]] = [
        (funnel.limits, "95", LIMIT_EXACT_95),
        (funnel.limits, "99.8", LIMIT_EXACT_998),
    ]
    if funnel.dispersion.overdispersed and funnel.limits_adjusted is not None:
        sets += [(funnel.limits_adjusted, "95", LIMIT_ADJUSTED_95), (funnel.limits_adjusted, "99.8", LIMIT_ADJUSTED_998)]
    for table, tag, label in sets:
        idx = sorted(set(range(0, len(table), thin)) | {len(table) - 1})
        sub = table.iloc[idx]
        for side in ("lower", "upper"):
            curves.append(
                pd.DataFrame(
                    {
                        "expected": np.round(sub["expected"].to_numpy(), 2),
                        "value": np.round(sub[f"{side}_{tag}"].to_numpy(), 4),
                        "Gräns": label,
                        "side": side[0],
                    }
                )
            )
    limits = pd.concat(curves, ignore_index=True)
    return pts, limits


def funnel_chart(funnel: Funnel, region: str, title: str, width: int = 300, height: int = 220) -> alt.LayerChart:
    """O/E against expected events for all regions with 95 % and 99,8 % limits; the home region highlighted."""
    pts, limits = funnel_frames(funnel, region)
    lo = float(min(pts["oe"].min(), 1.0)) if len(pts) else 0.5
    hi = float(max(pts["oe"].max(), 1.0)) if len(pts) else 1.5
    pad = 0.15 * max(hi - lo, 0.3)
    y_domain = [max(0.0, lo - pad), hi + pad]
    x_domain = [float(limits["expected"].min()), float(limits["expected"].max())]
    x = alt.X(
        "expected:Q",
        title="Förväntat antal händelser (log-skala)",
        scale=alt.Scale(type="log", domain=x_domain, nice=False),
        axis=alt.Axis(format=",.0f", tickCount=5),
    )
    y = alt.Y("value:Q", title="Observerat / förväntat", scale=alt.Scale(domain=y_domain))
    labels = [LIMIT_EXACT_95, LIMIT_EXACT_998, LIMIT_ADJUSTED_95, LIMIT_ADJUSTED_998]
    lines = (
        alt.Chart(limits)
        .mark_line(clip=True, strokeWidth=1.2)
        .encode(
            x=x,
            y=y,
            detail="side:N",
            color=alt.Color(
                "Gräns:N",
                scale=alt.Scale(domain=labels, range=["#8c96a6", "#4d4d4d", "#f1b36b", "#e08214"]),
                legend=alt.Legend(orient="bottom", title=None, columns=2, labelLimit=320, symbolStrokeWidth=2),
            ),
            strokeDash=alt.StrokeDash(
                "Gräns:N", scale=alt.Scale(domain=labels, range=[[5, 3], [1, 0], [2, 2], [2, 2]]), legend=None
            ),
        )
    )
    target = alt.Chart(pd.DataFrame({"value": [1.0]})).mark_rule(color=NATION_COLOUR, strokeWidth=1).encode(y=alt.Y("value:Q"))
    tooltip = [
        alt.Tooltip("Region:N"),
        alt.Tooltip("oe:Q", title="O/E", format=".2f"),
        alt.Tooltip("observed:Q", title="Observerat", format=",.0f"),
        alt.Tooltip("expected:Q", title="Förväntat", format=",.1f"),
        alt.Tooltip("Läge:N"),
    ]
    others = (
        alt.Chart(pts[~pts["Hemregion"]])
        .mark_circle(size=42, color=OTHER_COLOUR, opacity=0.9, clip=True)
        .encode(x=alt.X("expected:Q"), y=alt.Y("oe:Q"), tooltip=tooltip)
    )
    home_pts = pts[pts["Hemregion"]]
    home = (
        alt.Chart(home_pts)
        .mark_circle(size=120, color=HOME_COLOUR, opacity=1, stroke="white", strokeWidth=1, clip=True)
        .encode(x=alt.X("expected:Q"), y=alt.Y("oe:Q"), tooltip=tooltip)
    )
    label = (
        alt.Chart(home_pts)
        .mark_text(align="left", dx=8, dy=-8, fontWeight="bold", color=HOME_COLOUR)
        .encode(x="expected:Q", y="oe:Q", text="Region:N")
    )
    return alt.layer(lines, target, others, home, label).properties(width=width, height=height, title=title)


def funnel_grid(funnels: Mapping[str, Funnel], region: str, columns: int = 2, synthetic: bool = False) -> alt.ConcatChart:
    """One funnel per outcome, side by side (independent scales)."""
    charts_ = [funnel_chart(f, region, outcome_label(key)) for key, f in funnels.items()]
    title = with_synthetic_tag("Observerat / förväntat för alla regioner", synthetic)
    return (
        alt.concat(*charts_, columns=columns)
        .resolve_scale(color="shared", strokeDash="shared")
        .properties(title=alt.TitleParams(title, anchor="start"))
    )


def decomposition_frame(results: Mapping[str, Any], region: str, outcomes: Sequence[str]) -> pd.DataFrame:
    """Long frame (outcome, component, value, low, high) in percentage points from the results JSON."""
    rows = []
    for key in outcomes:
        entry = results["outcomes"].get(key, {}).get("regions", {}).get(region)
        if entry is None or entry.get("suppressed") or entry.get("gap") is None:
            continue
        for component, part in zip(COMPONENTS, ("gap", "casemix_part", "practice_part"), strict=True):
            rows.append(
                {
                    "outcome": key,
                    "Utfall": outcome_label(key),
                    "Del": component,
                    "value": float(entry[part]),
                    "low": float(entry[f"{part}_low"]),
                    "high": float(entry[f"{part}_high"]),
                }
            )
    return pd.DataFrame(rows, columns=["outcome", "Utfall", "Del", "value", "low", "high"])


def decomposition_chart(frame: pd.DataFrame, synthetic: bool = False) -> alt.LayerChart:
    """Diverging bars around zero: total gap, case-mix part and practice part per outcome, with 95 % intervals."""
    order = [outcome_label(k) for k in casemix.OUTCOME_KEYS]
    base = alt.Chart(frame).encode(
        y=alt.Y("Utfall:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("Del:N", sort=list(COMPONENTS)),
        color=alt.Color(
            "Del:N",
            scale=alt.Scale(domain=list(COMPONENTS), range=list(COMPONENT_COLOURS)),
            legend=alt.Legend(title=None, orient="top"),
        ),
    )
    tooltip = [
        alt.Tooltip("Utfall:N"),
        alt.Tooltip("Del:N"),
        alt.Tooltip("value:Q", title="Procentenheter", format="+.2f"),
        alt.Tooltip("low:Q", title="95 % intervall, nedre", format="+.2f"),
        alt.Tooltip("high:Q", title="95 % intervall, övre", format="+.2f"),
    ]
    bars = base.mark_bar(opacity=0.85, height=alt.RelativeBandSize(0.8)).encode(
        x=alt.X("value:Q", title="Skillnad mot riket (procentenheter)"), tooltip=tooltip
    )
    whiskers = (
        alt.Chart(frame)
        .mark_rule(color="#1b1b1b", strokeWidth=1.3)
        .encode(
            y=alt.Y("Utfall:N", sort=order),
            yOffset=alt.YOffset("Del:N", sort=list(COMPONENTS)),
            x="low:Q",
            x2="high:Q",
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#1b1b1b").encode(x="x:Q")
    return alt.layer(bars, whiskers, zero).properties(
        width=480,
        height=alt.Step(18),
        title=with_synthetic_tag("Regionens skillnad mot riket uppdelad i fallmix och praxis", synthetic),
    )


# --------------------------------------------------------------------------- sentences for the prose


def _rounded(value: float, decimals: int) -> float:
    """The value as it is printed (same rounding as ``sv_number``)."""
    return float(f"{float(value):.{decimals}f}")


def _side(low: float | None, high: float | None, centre: float, decimals: int) -> int:
    """+1 when the printed interval lies above ``centre``, −1 below, 0 when it includes it."""
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return 0
    if _rounded(low, decimals) > centre:
        return 1
    if _rounded(high, decimals) < centre:
        return -1
    return 0


@dataclass(frozen=True)
class Verdict:
    """The page's single inference rule for one outcome in the home region.

    A difference against the nation is stated only when BOTH printed 95 % intervals
    agree: the O/E interval (exact Poisson, two decimals) lies on one side of 1 AND the
    practice-part interval (bootstrap, one decimal, percentage points) on the same side
    of 0. Neither interval includes between-region variation, so the funnel position
    (against the overdispersion-adjusted limits when the outcomes are overdispersed)
    is reported beside it: 'within' means the difference is within the usual spread
    between regions. The word 'säkert' is never used.
    """

    key: str
    direction: int  # +1 more than expected, −1 fewer, 0 no difference shown
    oe_side: int
    practice_side: int
    position: str | None  # funnel position ('within', 'above 95%', …); None when unknown
    adjusted: bool  # the position is judged against overdispersion-adjusted limits

    @property
    def outside(self) -> bool:
        return self.position is not None and self.position != "within"


def judge(key: str, entry: Mapping[str, Any], position: str | None = None, adjusted: bool = False) -> Verdict:
    """Apply the page's inference rule to one results entry (see ``Verdict``)."""
    oe_side = _side(entry.get("oe_low"), entry.get("oe_high"), 1.0, 2)
    practice_side = _side(entry.get("practice_part_low"), entry.get("practice_part_high"), 0.0, 1)
    direction = oe_side if oe_side == practice_side else 0
    return Verdict(key, direction, oe_side, practice_side, position, adjusted)


def page_verdict(nb: NulliparaPage, key: str) -> Verdict | None:
    """The verdict for one outcome of the page, with its funnel position; None when not shown."""
    entry = nb.results["outcomes"].get(key, {}).get("regions", {}).get(nb.region)
    if entry is None or entry.get("suppressed") or key not in nb.analyses:
        return None
    funnel = nb.analyses[key].funnel
    pts = funnel.points
    row = pts[pts["region"].astype(str) == nb.region]
    position = str(row["position"].iloc[0]) if len(row) and not bool(row["suppressed"].iloc[0]) else None
    adjusted = bool(funnel.dispersion.overdispersed and funnel.dispersion.tau2 > 0)
    return judge(key, entry, position, adjusted)


def saved_results(nb: NulliparaPage, synthetic: bool) -> dict[str, Any]:
    """The page's JSON: the case-mix results plus the data kind and the page's verdict per outcome.

    ``verdicts[key]["direction"]`` is +1/−1/0 by the page's single rule (``Verdict``), so other
    pages can reuse the same judgement instead of re-deriving one from the intervals.
    """
    verdicts: dict[str, Any] = {}
    for key in nb.fitted:
        v = page_verdict(nb, key)
        if v is not None:
            verdicts[key] = {
                "direction": v.direction,
                "funnel_position": v.position,
                "adjusted_limits": v.adjusted,
                "kind": outcome_kinds()[key],
                "summary_sv": verdict_short(v),
            }
    return {**nb.results, "synthetic": bool(synthetic), "verdicts": verdicts}


def position_text(position: str | None, adjusted: bool) -> str:
    """Funnel position in Swedish, naming the adjusted limits when those are the ones judged against."""
    if position is None:
        return "visas inte"
    if position == "within":
        return "inom de justerade gränserna" if adjusted else "inom gränserna"
    text = POSITION_SV.get(position, position)
    return text.replace("gränsen", "gränsen, justerad för överspridning") if adjusted else text


def _framed(synthetic: bool, subject: str, verb: str, rest: str) -> str:
    """A conclusion sentence, framed for the synthetic cohort when it is one.

    Synthetic: 'I den syntetiska kohorten <verb> <subject> <rest>'; real data: '<Subject> <verb> <rest>'.
    """
    if synthetic:
        return f"I den syntetiska kohorten {verb} {subject} {rest}".rstrip()
    return f"{subject[:1].upper()}{subject[1:]} {verb} {rest}".rstrip()


def _oe_interval(entry: Mapping[str, Any]) -> str:
    return f"O/E {sv_number(entry['oe'], 2)}, 95\u00a0% KI {sv_number(entry['oe_low'], 2)}–{sv_number(entry['oe_high'], 2)}"


def verdict_short(v: Verdict | None) -> str:
    """Two or three words for a table column ('fler än förväntat', …)."""
    if v is None:
        return "visas inte"
    if v.direction == 0:
        return "ingen påvisad skillnad"
    return ("fler" if v.direction > 0 else "färre") + " än förväntat"


def verdict_sentence(
    key: str,
    entry: Mapping[str, Any],
    v: Verdict,
    region_label: str,
    synthetic: bool,
    kinds: Mapping[str, str] | None = None,
) -> str:
    """One conclusion sentence from the page's inference rule, worded for interventions or complications.

    Interventions are something the care does ('Västmanland gör fler akuta kejsarsnitt än förväntat');
    complications happen to the women ('Västmanland har fler blödningar över 1000 ml än förväntat').
    """
    phrase = OUTCOME_PHRASES.get(key, key)
    kind = (kinds or outcome_kinds()).get(key, "intervention")
    same = "för kvinnor med samma förutsättningar"
    if v.direction != 0:
        more = "fler" if v.direction > 0 else "färre"
        verb = "gör" if kind == "intervention" else "har"
        text = _framed(synthetic, region_label, verb, f"{more} {phrase} än förväntat {same} ({_oe_interval(entry)})")
        if v.position is None:
            return text + "."
        if v.outside:
            return text + f" och ligger i trattdiagrammet {position_text(v.position, v.adjusted)}."
        spread = "den spridning som finns mellan regionerna" if v.adjusted else "slumpens spridning i trattdiagrammet"
        return text + f", men ligger i trattdiagrammet {position_text(v.position, v.adjusted)}: skillnaden ryms inom {spread}."
    reasons = []
    if v.oe_side == 0:
        reasons.append(f"O/E-intervallet innehåller ett ({_oe_interval(entry)})")
    if v.practice_side == 0:
        reasons.append("praxisdelens intervall innehåller noll")
    if not reasons:
        reasons.append("O/E-intervallet och praxisdelens intervall pekar åt olika håll")
    text = _framed(synthetic, f"ingen skillnad mot förväntat {same}", "kan", "påvisas: " + " och ".join(reasons))
    if v.outside:
        text += f", trots att regionen i trattdiagrammet ligger {position_text(v.position, v.adjusted)}"
    return text + "."


def decomposition_sentence(
    key: str,
    entry: Mapping[str, Any] | None,
    verdict: Verdict | None = None,
    region_label: str = "regionen",
    synthetic: bool = False,
) -> str:
    """Swedish sentences: how much of the gap is case mix, how much remains (practice), and the verdict.

    The page puts the outcome's label (bold) in front of it.

    The verdict follows the page's one rule (``Verdict``); without a funnel position
    (``verdict`` None) it is judged from the intervals alone.
    """
    phrase = OUTCOME_PHRASES.get(key, key)
    if entry is None:
        return "Ingår inte i den här körningen."
    if entry.get("suppressed") or entry.get("gap") is None:
        return f"För få händelser för att redovisas (färre än {threshold()})."

    def ci(part: str) -> str:
        return f"95\u00a0% intervall {_pm(entry[part + '_low'], 1)} till {_pm(entry[part + '_high'], 1)}"

    v = verdict if verdict is not None else judge(key, entry)
    first = _framed(
        synthetic,
        f"skillnaden mot riket i {phrase}",
        "är",
        f"{_pm(entry['gap'], 1)} procentenheter ({ci('gap')}): {_pm(entry['casemix_part'], 1)} förklaras av "
        f"fallmixen ({ci('casemix_part')}) och {_pm(entry['practice_part'], 1)} återstår som praxisdel "
        f"({ci('practice_part')}).",
    )
    return f"{first} {verdict_sentence(key, entry, v, region_label, synthetic)}"


def _mfr_missing(region: str) -> str:
    """Share of births missing from MFR 2023 for a region ('–' where not published)."""
    try:
        return sv_pct(published.value("mfr_missing_births_pct", region, "2023"))
    except KeyError:
        return "–"


def prose_values(nb: NulliparaPage, synthetic: bool = True) -> dict[str, str]:
    """Every number the page's prose uses, formatted Swedish, keyed for ``page.glue``.

    Keys exist for all six outcomes; an outcome not run (or not computable) gets '–'.
    """
    res = nb.results
    region = nb.region
    name = region_name(region)
    levels = sorted(DEFAULT_LEVELS)
    kinds = outcome_kinds()
    out: dict[str, str] = {
        "data_kind": "den syntetiska kohorten (se rutan överst)" if synthetic else "registeruttaget",
        # register coverage of the published comparison (MFR 2023 lacks some births)
        "mfr_missing_region": _mfr_missing(region),
        "mfr_missing_nation": _mfr_missing(published.RIKET),
        "cohort_in": "i den syntetiska kohorten" if synthetic else "i registeruttaget",
        "term_oasis_first": FIRST_USE_TERMS["oasis"],
        "term_pph": FIRST_USE_TERMS["pph_1000"],
        "crude_lead": _framed(synthetic, "andelarna bland förstföderskor", "är", "följande (regionen mot riket):"),
        "oe_lead": _framed(synthetic, "O/E för akuta kejsarsnitt", "är", ""),
        "robson_lead": _framed(synthetic, f"förstföderskornas grupper i {name}", "ser", "ut så här (riket inom parentes):"),
        "disp_lead": _framed(synthetic, "Spiegelhalters test för överspridning (winsoriserade z-värden)", "visar", "att"),
        "auc_lead": _framed(synthetic, "modellernas AUC", "ligger", "mellan"),
        "ci_level": sv_pct(95, 0),
        "lim_inner": sv_pct(100 * levels[0], 0 if float(100 * levels[0]).is_integer() else 1),
        "lim_outer": sv_pct(100 * levels[-1], 0 if float(100 * levels[-1]).is_integer() else 1),
        "unavailable": (
            "Alla valda utfall kunde beräknas."
            if not res["unavailable"]
            else "Kunde inte beräknas ur data: " + ", ".join(outcome_label(k).lower() for k in res["unavailable"]) + "."
        ),
        "pub_url": published_source_urls(),
        "region_name": region_name(region),
        "year_first": str(min(nb.years)),
        "year_last": str(max(nb.years)),
        "n_boot": sv_number(next(iter(res["outcomes"].values()))["n_boot"] if res["outcomes"] else 0),
        "min_cell": sv_number(res["min_cell"]),
        "n_outcomes": sv_number(len(nb.fitted)),
    }
    crude = nb.crude[nb.crude["year"].isna()]
    nulli_region = nulli_nation = None
    for key in casemix.OUTCOME_KEYS:
        out[f"label_{key}"] = outcome_label(key)
        entry = res["outcomes"].get(key)
        home = entry["regions"].get(region) if entry else None
        rows = crude[crude["outcome"] == key]
        reg = rows[rows["area"] == region]
        nat = rows[rows["area"] == "nation"]
        out[f"crude_{key}_region"] = sv_pct(100 * reg["rate"].iloc[0]) if len(reg) else "–"
        out[f"crude_{key}_nation"] = sv_pct(100 * nat["rate"].iloc[0]) if len(nat) else "–"
        out[f"crude_{key}_n_region"] = sv_number(reg["n"].iloc[0]) if len(reg) else "–"
        ok = home is not None and not home["suppressed"]
        out[f"oe_{key}"] = sv_number(home["oe"], 2) if ok else "–"
        out[f"oe_{key}_low"] = sv_number(home["oe_low"], 2) if ok else "–"
        out[f"oe_{key}_high"] = sv_number(home["oe_high"], 2) if ok else "–"
        v = page_verdict(nb, key) if ok else None
        out[f"verdict_{key}"] = verdict_short(v)
        out[f"decomp_{key}"] = decomposition_sentence(key, home if entry else None, v, name, synthetic)
        if key == "emergency_cs" and len(reg) and len(nat):
            nulli_region, nulli_nation = reg["n"].iloc[0], nat["n"].iloc[0]
    first = nb.fitted[0] if nb.fitted else None
    if nulli_region is None and first is not None:
        nulli_region = res["outcomes"][first]["regions"][region]["n"]
        nulli_nation = res["outcomes"][first]["national"]["n"]
    out["n_nulli_region"] = sv_number(nulli_region)
    out["n_nulli_nation"] = sv_number(nulli_nation)

    # Spiegelhalter overdispersion
    disp = {k: res["outcomes"][k]["overdispersion"] for k in nb.fitted}
    over = [k for k, d in disp.items() if d["overdispersed"]]
    out["n_overdispersed"] = sv_number(len(over))
    out["overdispersed_list"] = ", ".join(outcome_label(k).lower() for k in over) if over else "inget utfall"
    if "emergency_cs" in disp:
        d = disp["emergency_cs"]
        out["phi_emergency_cs"] = sv_number(d["phi"], 1)
        out["p_disp_emergency_cs"] = ("p\u00a0" if d["p_value"] < 0.001 else "p\u00a0=\u00a0") + _p_value(d["p_value"])
        out["df_disp_emergency_cs"] = sv_number(d["df"])
    else:
        out["phi_emergency_cs"] = out["p_disp_emergency_cs"] = out["df_disp_emergency_cs"] = "–"
    verdicts = {k: page_verdict(nb, k) for k in nb.fitted}
    outside = [k for k, v in verdicts.items() if v is not None and v.outside]
    inside_but_shown = [k for k, v in verdicts.items() if v is not None and not v.outside and v.direction != 0]
    positions = [
        f"{outcome_label(k).lower()} ({position_text(verdicts[k].position, verdicts[k].adjusted)})"  # type: ignore[union-attr]
        for k in outside
    ]
    out["outside_limits"] = "; ".join(positions) if positions else "inget utfall"
    out["n_outside_limits"] = sv_number(len(positions))
    if positions:
        conclusion = _framed(synthetic, name, "ligger", "utanför trattdiagrammets gränser för " + _join_sv(positions) + ".")
    else:
        conclusion = _framed(synthetic, name, "ligger", "inom trattdiagrammets gränser för alla utfall.")
    for k in inside_but_shown:
        v = verdicts[k]
        assert v is not None
        conclusion += " " + _framed(
            synthetic,
            f"O/E-intervallet för {outcome_label(k).lower()}",
            "ligger",
            f"helt {'över' if v.direction > 0 else 'under'} ett, men regionen ligger "
            f"{position_text(v.position, v.adjusted)}: skillnaden ryms inom "
            + ("den spridning som finns mellan regionerna." if v.adjusted else "slumpens spridning."),
        )
    out["funnel_conclusion"] = conclusion
    aucs = [res["outcomes"][k]["model"]["auc"] for k in nb.fitted if res["outcomes"][k]["model"]["auc"] is not None]
    out["auc_min"] = sv_number(min(aucs), 2) if aucs else "–"
    out["auc_max"] = sv_number(max(aucs), 2) if aucs else "–"

    # Robson
    rob = nb.robson
    for area, tag in ((region, "region"), ("nation", "nation")):
        t = rob[rob["area"] == area].set_index("group")
        for g in ("1", "2a", "2b"):
            out[f"robson_{g}_size_{tag}"] = sv_pct(t.loc[g, "relative_size_pct"])
            out[f"robson_{g}_cs_{tag}"] = sv_pct(t.loc[g, "cs_rate_pct"])
        size12 = t.loc[["1", "2a", "2b"], "relative_size_pct"].sum(min_count=3)
        contrib12 = t.loc[["1", "2a", "2b"], "relative_contribution_pct"].sum(min_count=3)
        out[f"robson_12_size_{tag}"] = sv_pct(size12)
        out[f"robson_12_contrib_{tag}"] = sv_pct(contrib12)
        out[f"robson_cs_total_{tag}"] = sv_pct(t.loc["total", "cs_rate_pct"])
        ratio = t.loc["1", "n"] / (t.loc["2a", "n"] + t.loc["2b", "n"])
        out[f"robson_ratio_{tag}"] = sv_number(ratio, 1)

    # Indirect standardisation
    ind = nb.indirect.set_index("outcome") if len(nb.indirect) else pd.DataFrame()
    key = "emergency_cs" if "emergency_cs" in ind.index else (ind.index[0] if len(ind) else None)
    for name in (
        "outcome",
        "n_strata",
        "observed",
        "expected_full",
        "expected_table",
        "oe_full",
        "oe_table",
        "oe_model",
        "unmatched_published",
        "max_abs_diff",
    ):
        out[f"ind_{name}"] = "–"
    out["ind_lead"] = _framed(synthetic, "beräkningen med rikets individdata", "ger", "")
    if key is not None:
        r = ind.loc[key]
        out["ind_outcome"] = OUTCOME_PHRASES[key]
        out["ind_lead"] = _framed(synthetic, "beräkningen med rikets individdata", "ger", f"för {OUTCOME_PHRASES[key]}")
        out["ind_n_strata"] = sv_number(r["n_strata"])
        out["ind_observed"] = sv_number(r["observed"])
        out["ind_expected_full"] = sv_number(r["expected_full"], 1)
        out["ind_expected_table"] = sv_number(r["expected_table"], 1)
        out["ind_oe_full"] = sv_number(r["oe_full"], 3)
        out["ind_oe_table"] = sv_number(r["oe_table"], 3)
        out["ind_oe_model"] = sv_number(r["oe_model"], 3)
        out["ind_unmatched_published"] = _count_or_mark(r["n_unmatched_published"])
        diff = float(np.nanmax(np.abs(ind["oe_full"] - ind["oe_table"])))
        out["ind_max_abs_diff"] = "mindre än " + sv_number(0.001, 3) if diff < 0.0005 else sv_number(diff, 3)
    # Published figures for the prose (real statistics, not the cohort)
    for outcome, indicator, year, _, decimals in PUBLISHED_ROWS:
        for code, tag in ((region, "region"), (published.RIKET, "nation")):
            try:
                out[f"pub_{outcome}_{tag}"] = sv_pct(published.value(indicator, code, year), decimals)
            except KeyError:
                out[f"pub_{outcome}_{tag}"] = "–"
    rank = published_rank("pph_gt1000ml_mainly_emergency_cs_pct", region, "2023-2024 (not stated)")
    out["pub_pph_rank"] = f", {rank} i landet" if rank else ""
    out["pub_pph_year"] = "året anges inte; rapporten är från 2025"
    return out


def _join_sv(items: Sequence[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def published_rank(indicator: str, region: str, year: str) -> str:
    """'tredje högst' when the published notes give the region's rank ('3rd highest'), else ''."""
    t = published.indicators()
    rows = t[(t["indicator"] == indicator) & (t["region_code"] == region) & (t["year"] == year)]
    if rows.empty:
        return ""
    found = re.search(r"(\d+)(?:st|nd|rd|th) highest", str(rows["notes"].iloc[0]))
    return RANK_SV.get(int(found.group(1)), "") if found else ""


# --------------------------------------------------------------------------- display tables


def _short_source(source: str) -> str:
    if source.startswith("Socialstyrelsen"):
        table = re.search(r"tabell\s+([\d.]+)", source)
        return "Socialstyrelsen, MFR 2023" + (f", tabell {table.group(1)}" if table else "")
    if source.startswith("Region Västmanland"):
        return "Region Västmanlands rapport 2025 (citerar Graviditetsregistret)"
    return source.split(";")[0]


def published_caption(synthetic: bool) -> str:
    """Caption of the published table: no single source, year or denominator is claimed for all rows."""
    real = "verkliga siffror, inte den syntetiska kohorten" if synthetic else "verkliga siffror"
    return (
        f"Publicerad statistik ({real}). Varje rad har sin egen källa, sitt eget år och sin egen nämnare; "
        "siffrorna visas med den precision som källan publicerar."
    )


def published_table(region: str) -> pd.DataFrame:
    """Real published figures for the region and Riket beside the page's outcomes (Swedish display frame).

    Each row carries its own denominator, year and source, and is shown at the precision
    the source publishes (the regional report's whole percent stays whole percent).
    """
    rows = []
    quality = {"published": "publicerad", "secondary": "sekundär (citerad)", "derived": "härledd", "estimate": "skattning"}
    for outcome, indicator, year, population, decimals in PUBLISHED_ROWS:
        try:
            reg = published.value(indicator, region, year)
        except KeyError:
            continue
        nat = published.value(indicator, published.RIKET, year)
        meta = published.indicators()
        meta = meta[(meta["indicator"] == indicator) & (meta["region_code"] == region) & (meta["year"] == year)].iloc[0]
        rank = published_rank(indicator, region, year)
        rows.append(
            {
                "Utfall": outcome_label(outcome),
                "Vad som mäts (nämnare)": population + (f"; enligt rapporten {rank} i landet" if rank else ""),
                region_name(region): sv_pct(reg, decimals),
                NATION_LABEL: sv_pct(nat, decimals),
                "År": PUBLISHED_YEAR_SV.get(year, year),
                "Källa": _short_source(str(meta["source"])),
                "Kvalitet": quality.get(str(meta["quality"]), str(meta["quality"])),
            }
        )
    return pd.DataFrame(rows)


def published_source_urls() -> str:
    """Distinct source URLs of the published rows (for the source note under the table)."""
    urls = []
    for _, indicator, year, _, _ in PUBLISHED_ROWS:
        t = published.indicators()
        for src in t[(t["indicator"] == indicator) & (t["year"] == year)]["source"]:
            found = re.findall(r"https?://\S+", str(src))
            urls.extend(u.rstrip(".;,") for u in found)
    return ", ".join(dict.fromkeys(urls))


def robson_frame(table: pd.DataFrame, region: str) -> pd.DataFrame:
    """WHO report table with region and nation in one cell ('region / riket'), Swedish headings, strings."""
    mark = _suppressed_mark()
    order = [*robson.GROUPS, robson.UNCLASSIFIED, "total"]
    t_reg = table[table["area"] == region].set_index("group").reindex(order)
    t_nat = table[table["area"] == "nation"].set_index("group").reindex(order)

    def cell(value: Any, suppressed: Any, fmt: Any) -> str:
        # NaN in a suppressed row hides a small count; NaN in a shown row is undefined (an empty group's rate).
        if pd.isna(value):
            return mark if (pd.isna(suppressed) or bool(suppressed)) else "–"
        return str(fmt(value))

    def pair(col: str, fmt: Any) -> list[str]:
        sup_reg = t_reg["suppressed"] if "suppressed" in t_reg else pd.Series(np.nan, index=t_reg.index)
        sup_nat = t_nat["suppressed"] if "suppressed" in t_nat else pd.Series(np.nan, index=t_nat.index)
        return [
            f"{cell(a, sa, fmt)} / {cell(b, sb, fmt)}"
            for a, sa, b, sb in zip(t_reg[col], sup_reg, t_nat[col], sup_nat, strict=True)
        ]

    both = f"{region_name(region)} / {NATION_LABEL}"
    return pd.DataFrame(
        {
            "Grupp": ["Ej klassad" if g == robson.UNCLASSIFIED else ("Totalt" if g == "total" else g) for g in order],
            "Beskrivning": [ROBSON_LABELS_SV[g] for g in order],
            f"Antal ({both})": pair("n", sv_number),
            "Gruppens andel av alla förlossningar": pair("relative_size_pct", sv_pct),
            "Kejsarsnitt i gruppen": pair("cs_rate_pct", sv_pct),
            "Absolut bidrag": pair("absolute_contribution_pct", sv_pct),
            "Relativt bidrag": pair("relative_contribution_pct", sv_pct),
        }
    )


def robson_html(table: pd.DataFrame, region: str, caption: str) -> str:
    """The Robson table as HTML with groups 1, 2a and 2b highlighted (first-time mothers at term)."""
    frame = robson_frame(table, region)
    highlight = frame["Grupp"].isin(sorted(robson.HIGHLIGHT)).to_numpy()
    total = (frame["Grupp"] == "Totalt").to_numpy()

    def style(row: pd.Series) -> list[str]:
        i = row.name
        if highlight[i]:
            return ["background-color:#fbe3e4;font-weight:600"] * len(row)
        if total[i]:
            return ["border-top:2px solid #1b1b1b;font-weight:600"] * len(row)
        return [""] * len(row)

    styler = frame.style.apply(style, axis=1).hide(axis="index").set_caption(html.escape(caption))
    return styler.to_html()


def _short(key: str) -> str:
    return SHORT_LABELS.get(key, key)


def oe_table(nb: NulliparaPage) -> pd.DataFrame:
    """The home region's case-mix adjusted results per outcome (Swedish display frame)."""
    rows = []
    mark = _suppressed_mark()
    for key in nb.fitted:
        entry = nb.results["outcomes"][key]
        home = entry["regions"][nb.region]
        if home["suppressed"]:
            rows.append({"Utfall": outcome_label(key), "Kvinnor": sv_number(home["n"]) if home["n"] else mark})
            continue
        oe = nb.analyses[key].oe.set_index("region").loc[nb.region]
        v = page_verdict(nb, key)
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Kvinnor": sv_number(home["n"]),
                "Observerat / förväntat": f"{sv_number(home['observed'])} / {sv_number(home['expected'], 1)}",
                "O/E (95 % KI)": f"{sv_number(home['oe'], 2)} ({sv_number(home['oe_low'], 2)}–{sv_number(home['oe_high'], 2)})",
                "Rå andel (riket)": f"{sv_pct(100 * oe['crude_rate'])} ({sv_pct(100 * entry['national']['rate'])})",
                "Justerad andel (95 % KI)": (
                    f"{sv_pct(100 * oe['adjusted_rate'])} "
                    f"({sv_number(100 * oe['adjusted_low'], 1)}–{sv_number(100 * oe['adjusted_high'], 1)})"
                ),
                "Bedömning": verdict_short(v),
                "Läge i trattdiagrammet": position_text(v.position, v.adjusted) if v else "visas inte",
            }
        )
    return pd.DataFrame(rows).fillna("")


def dispersion_table(nb: NulliparaPage) -> pd.DataFrame:
    """Spiegelhalter overdispersion check per outcome."""
    rows = []
    for key in nb.fitted:
        d = nb.results["outcomes"][key]["overdispersion"]
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Regioner": sv_number(d["n_units"]),
                "φ (spridningsfaktor)": sv_number(d["phi"], 2),
                "χ² (fg)": f"{sv_number(d['statistic'], 1)} ({sv_number(d['df'])})",
                "p-värde": _p_value(d["p_value"]),
                "τ² (mellan regioner)": sv_number(d["tau2"], 4),
                "Överspridning": "ja" if d["overdispersed"] else "nej",
            }
        )
    return pd.DataFrame(rows)


def indirect_table(nb: NulliparaPage) -> pd.DataFrame:
    """Model O/E vs stratified O/E computed two ways (national microdata; rate table + own data)."""
    rows = []
    for r in nb.indirect.itertuples(index=False):
        rows.append(
            {
                "Utfall": outcome_label(r.outcome),
                "Observerat": sv_number(r.observed),
                "Förväntat: individdata / tabell": f"{sv_number(r.expected_full, 1)} / {sv_number(r.expected_table, 1)}",
                "O/E: individdata / tabell (95 % KI)": (
                    f"{sv_number(r.oe_full, 3)} / {sv_number(r.oe_table, 3)} "
                    f"({sv_number(r.oe_table_low, 2)}–{sv_number(r.oe_table_high, 2)})"
                ),
                "O/E, fallmixmodell": sv_number(r.oe_model, 3),
                "Utan matchning vid småcellsskydd": _count_or_mark(r.n_unmatched_published),
            }
        )
    return pd.DataFrame(rows)


def model_statistics_table(nb: NulliparaPage) -> pd.DataFrame:
    """Reviewer table: n, events, patterns, AUC, Hosmer–Lemeshow, convergence per model."""
    rows = []
    for key in nb.fitted:
        s = nb.analyses[key].summary.statistics
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Kvinnor": sv_number(s["n"]),
                "Händelser": sv_number(s["events"]),
                "Mönster / parametrar": f"{sv_number(s['n_patterns'])} / {sv_number(s['n_parameters'])}",
                "AUC": sv_number(s["auc"], 3),
                "Hosmer–Lemeshow χ² (fg), p": (
                    f"{sv_number(s['hosmer_lemeshow'], 1)} ({sv_number(s['hosmer_lemeshow_df'])}), {_p_value(s['hosmer_lemeshow_p'])}"
                ),
                "Konvergerad": "ja" if s["converged"] else "nej",
                "Faktorer som saknas i data": ", ".join(COVARIATE_LABELS.get(c, c) for c in s["absent_covariates"]) or "inga",
            }
        )
    return pd.DataFrame(rows)


def coefficient_table(nb: NulliparaPage, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Odds ratios with 95 % CI, one column per outcome; levels resting on small cells show the mark."""
    mark = _suppressed_mark()
    keys = [k for k in (outcomes or nb.fitted) if k in nb.analyses]
    columns: dict[str, dict[tuple[str, str], str]] = {}
    order: list[tuple[str, str]] = []
    for key in keys:
        coefs = nb.analyses[key].summary.coefficients
        col: dict[tuple[str, str], str] = {}
        for r in coefs.itertuples(index=False):
            if r.covariate == "(intercept)":
                continue
            ident = (str(r.covariate), str(r.level))
            if ident not in order:
                order.append(ident)
            col[ident] = (
                mark if r.suppressed else f"{sv_number(r.odds_ratio, 2)} ({sv_number(r.or_low, 2)}–{sv_number(r.or_high, 2)})"
            )
        columns[_short(key)] = col
    cfg = casemix.load_outcome_config()
    refs = {name: spec.reference for name, spec in cfg.covariates.items()}
    rows = []
    for cov, level in order:
        row = {
            "Faktor: nivå (referens)": (f"{COVARIATE_LABELS.get(cov, cov)}: {level_label(level)} ({level_label(refs[cov])})"),
        }
        for label, col in columns.items():
            row[label] = col.get((cov, level), "ingår ej")
        rows.append(row)
    return pd.DataFrame(rows)


def calibration_compact(nb: NulliparaPage) -> pd.DataFrame:
    """Observed vs expected rate per decile of predicted risk ('obs / förv' in %), one column per outcome."""
    mark = _suppressed_mark()
    out: dict[str, list[str]] = {}
    groups: list[int] = []
    for key in nb.fitted:
        cal = nb.analyses[key].summary.calibration
        groups = cal["group"].astype(int).tolist() if len(cal) > len(groups) else groups
        out[_short(key)] = [
            mark if r.suppressed else f"{sv_number(100 * r.observed_rate, 1)} / {sv_number(100 * r.expected_rate, 1)}"
            for r in cal.itertuples(index=False)
        ]
    width = len(groups)
    frame = pd.DataFrame({"Riskdecil": [str(g) for g in groups]})
    for label, values in out.items():
        frame[label] = values + [""] * (width - len(values))
    return frame


def missing_table(nb: NulliparaPage) -> pd.DataFrame:
    """Women coded 'saknas' per factor and outcome model (kept in the model as their own level)."""
    limit = threshold()
    factors: list[str] = []
    for key in nb.fitted:
        for c in nb.results["outcomes"][key]["missing_category"]:
            if c not in factors:
                factors.append(c)
    rows = []
    for c in factors:
        row = {"Faktor": COVARIATE_LABELS.get(c, c)}
        for key in nb.fitted:
            v = nb.results["outcomes"][key]["missing_category"].get(c)
            row[_short(key)] = "ingår ej" if v is None else (f"<{limit}" if 0 < v < limit else sv_number(v))
        rows.append(row)
    return pd.DataFrame(rows)
