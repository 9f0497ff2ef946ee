"""Charts of the page "Förstföderskor": Altair on aggregated, disclosure-checked frames only.

Every builder takes aggregated data (never rows of deliveries), drops suppressed cells,
and labels in Swedish (outcome names from ``outcomes.yml``, titles from the text file).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

from analysis.chapters.nullipara import text
from analysis.chapters.nullipara.funnel import Funnel
from analysis.chapters.nullipara.labels import outcome_label
from analysis.chapters.nullipara.outcomes import OUTCOME_KEYS
from analysis.common import disclosure
from analysis.common.regions import region_name, regions
from analysis.render.charts import HOME_COLOUR, NATION_COLOUR, OTHER_COLOUR

if TYPE_CHECKING:
    from analysis.chapters.nullipara.page import NulliparaPage

# Legend and axis labels of the charts.
NATION_LABEL = "Riket"
LIMIT_EXACT_95 = "95 %-gräns"
LIMIT_EXACT_998 = "99,8 %-gräns"
LIMIT_ADJUSTED_95 = "95 %-gräns, justerad för överspridning"
LIMIT_ADJUSTED_998 = "99,8 %-gräns, justerad för överspridning"
COMPONENTS: tuple[str, ...] = ("Total skillnad", "Fallmix", "Praxis")
COMPONENT_COLOURS: tuple[str, ...] = ("#7f7f7f", "#2166ac", HOME_COLOUR)


def _region_names(codes: Iterable[str]) -> list[str]:
    """``[region_name(c) for c in codes]`` with the names looked up in one table (an unknown code still raises)."""
    table = regions()
    names = dict(zip(table["code"], table["name_mfr"].map(str), strict=True))
    return [names[c] if c in names else region_name(c) for c in codes]


def crude_frame(crude: pd.DataFrame, region: str, pooled: bool = True) -> pd.DataFrame:
    """Displayable crude rates in percent with Swedish labels; suppressed rows dropped.

    ``pooled`` picks the all-years rows (``year`` NA); otherwise the per-year rows.
    """
    rows = crude[crude["year"].isna()] if pooled else crude[crude["year"].notna()]
    rows = rows[rows["rate"].notna()].copy()
    rows["Utfall"] = [outcome_label(k) for k in rows["outcome"]]
    areas = [str(a) for a in rows["area"]]
    codes = sorted({a for a in areas if a != "nation"})
    names = dict(zip(codes, _region_names(codes), strict=True))
    rows["Område"] = [NATION_LABEL if a == "nation" else names[a] for a in areas]
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
    order = [outcome_label(k) for k in (outcomes or OUTCOME_KEYS)]
    base = alt.Chart(disclosure.chart_data(frame)).encode(
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
    title = text.chart_title("crude", synthetic)
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
    order = [outcome_label(k) for k in (outcomes or OUTCOME_KEYS)]
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
        alt.layer(band, line, data=disclosure.chart_data(frame))
        .properties(width=190, height=130)
        .facet(facet=alt.Facet("Utfall:N", sort=order, title=None), columns=columns)
        .resolve_scale(y="independent")
        .properties(title=text.chart_title("trend", synthetic))
    )


def funnel_frames(funnel: Funnel, region: str, thin: int = 5, hidden: Collection[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, limit lines) for a ratio funnel: suppressed points removed, limits in long format.

    ``hidden`` names regions the results hide (secondary suppression included): they are left out
    too, so the chart never shows a point the published totals would let a reader subtract.

    Limit curves are thinned to every ``thin``-th grid point (smooth on a log axis,
    smaller pages); random-effects limits are added when the data are overdispersed,
    because the points are then judged against those.
    """
    drop = funnel.points["suppressed"].astype(bool) | funnel.points["region"].astype(str).isin(list(hidden))
    pts = funnel.points[~drop].copy()
    pts["region"] = pts["region"].astype(str)
    pts["Region"] = _region_names(pts["region"])
    pts["Hemregion"] = pts["region"] == region
    pts["Läge"] = [str(text.position_text(p, False)) for p in pts["position"]]
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


def funnel_chart(
    funnel: Funnel, region: str, title: str, width: int = 300, height: int = 220, hidden: Collection[str] = ()
) -> alt.LayerChart | alt.FacetChart:
    """O/E against expected events for all regions with 95 % and 99,8 % limits; the home region highlighted."""
    pts, limits = funnel_frames(funnel, region, hidden=hidden)
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
        alt.Chart(disclosure.non_person(limits, "funnel limits"))
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
    target = (
        alt.Chart(disclosure.non_person(pd.DataFrame({"value": [1.0]}), "reference line"))
        .mark_rule(color=NATION_COLOUR, strokeWidth=1)
        .encode(y=alt.Y("value:Q"))
    )
    tooltip = [
        alt.Tooltip("Region:N"),
        alt.Tooltip("oe:Q", title="O/E", format=".2f"),
        alt.Tooltip("observed:Q", title="Observerat", format=",.0f"),
        alt.Tooltip("expected:Q", title="Förväntat", format=",.1f"),
        alt.Tooltip("Läge:N"),
    ]
    others = (
        alt.Chart(disclosure.chart_data(pts[~pts["Hemregion"]]))
        .mark_circle(size=42, color=OTHER_COLOUR, opacity=0.9, clip=True)
        .encode(x=alt.X("expected:Q"), y=alt.Y("oe:Q"), tooltip=tooltip)
    )
    home_pts = pts[pts["Hemregion"]]
    home = (
        alt.Chart(disclosure.chart_data(home_pts))
        .mark_circle(size=120, color=HOME_COLOUR, opacity=1, stroke="white", strokeWidth=1, clip=True)
        .encode(x=alt.X("expected:Q"), y=alt.Y("oe:Q"), tooltip=tooltip)
    )
    label = (
        alt.Chart(disclosure.chart_data(home_pts))
        .mark_text(align="left", dx=8, dy=-8, fontWeight="bold", color=HOME_COLOUR)
        .encode(x="expected:Q", y="oe:Q", text="Region:N")
    )
    return alt.layer(lines, target, others, home, label).properties(width=width, height=height, title=title)


def funnel_grid(
    funnels: Mapping[str, Funnel],
    region: str,
    columns: int = 2,
    synthetic: bool = False,
    hidden: Mapping[str, Collection[str]] | None = None,
) -> alt.ConcatChart:
    """One funnel per outcome, side by side (independent scales); ``hidden[key]``: regions the results hide."""
    hidden = hidden or {}
    charts_ = [funnel_chart(f, region, outcome_label(key), hidden=hidden.get(key, ())) for key, f in funnels.items()]
    title = text.chart_title("funnel", synthetic)
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


def decomposition_chart(frame: pd.DataFrame, synthetic: bool = False) -> alt.LayerChart | alt.FacetChart:
    """Diverging bars around zero: total gap, case-mix part and practice part per outcome, with 95 % intervals."""
    order = [outcome_label(k) for k in OUTCOME_KEYS]
    base = alt.Chart(disclosure.chart_data(frame)).encode(
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
        alt.Chart(disclosure.chart_data(frame))
        .mark_rule(color="#1b1b1b", strokeWidth=1.3)
        .encode(
            y=alt.Y("Utfall:N", sort=order),
            yOffset=alt.YOffset("Del:N", sort=list(COMPONENTS)),
            x="low:Q",
            x2="high:Q",
        )
    )
    zero = (
        alt.Chart(disclosure.non_person(pd.DataFrame({"x": [0.0]}), "reference line")).mark_rule(color="#1b1b1b").encode(x="x:Q")
    )
    return alt.layer(bars, whiskers, zero).properties(
        width=480,
        height=alt.Step(18),
        title=text.chart_title("decomposition", synthetic),
    )


# --------------------------------------------------------------------------- what the template shows


def crude(nb: NulliparaPage) -> alt.Chart:
    return crude_rate_chart(nb.crude, nb.region, nb.outcomes, synthetic=nb.synthetic)


def trend(nb: NulliparaPage) -> alt.FacetChart:
    return trend_chart(nb.crude, nb.region, nb.outcomes, synthetic=nb.synthetic)


def funnels(nb: NulliparaPage) -> alt.ConcatChart:
    hidden = {key: [r for r, e in nb.results["outcomes"][key]["regions"].items() if e.get("suppressed")] for key in nb.fitted}
    return funnel_grid({key: nb.analyses[key].funnel for key in nb.fitted}, nb.region, synthetic=nb.synthetic, hidden=hidden)


def decomposition(nb: NulliparaPage) -> alt.LayerChart | alt.FacetChart:
    return decomposition_chart(decomposition_frame(nb.results, nb.region, nb.outcomes), synthetic=nb.synthetic)
