"""The travel chapter's page logic: inputs, aggregated tables, Swedish display tables, charts and maps.

Everything comes from :mod:`analysis.chapters.travel.model` on the embedded geography. The
chapter compares three site sets (Västerås only, the four hubs of the region's
report, BMM at every vårdcentral today). Origins are places (tätorter and rural
lattice points), never persons, and every travel time is a modelled estimate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.chapters.travel.model import (
    TravelMatrix,
    access_metrics,
    annual_burden,
    burden_change,
    compare_site_sets,
    cost_model,
    coverage_change,
    default_origins,
    distribution,
    grid_origins,
    metrics_by_municipality,
    nearest_by_set,
    optimise_hubs,
    param,
    proposed_gap,
    sensitivity,
    standard_site_sets,
    standard_sites,
)
from analysis.common import geodata
from analysis.common.formatting import sv_number, sv_pct
from analysis.render import maps
from analysis.render.charts import ACCENT_COLOURS, NATION_COLOUR

HOME_REGION = "19"
# Result keys -> the labels of analysis.chapters.travel.model.standard_site_sets.
SET_SOURCE_LABELS = {
    "vasteras_only": "Västerås only",
    "four_hubs": "Västerås + Köping, Fagersta, Sala",
    "bmm_today": "BMM today (vårdcentraler)",
}
SET_LABELS_SV = {
    "vasteras_only": "Endast Västerås",
    "four_hubs": "Fyra noder (Västerås, Köping, Fagersta, Sala)",
    "bmm_today": "BMM idag (alla vårdcentraler)",
}
SET_SHORT_SV = {"vasteras_only": "Endast Västerås", "four_hubs": "Fyra noder", "bmm_today": "BMM idag"}
SET_COLOURS = {"vasteras_only": ACCENT_COLOURS[1], "four_hubs": ACCENT_COLOURS[0], "bmm_today": ACCENT_COLOURS[2]}
HUB_TOWNS = ("Västerås", "Köping", "Fagersta", "Sala")
HUB_COLOURS = dict(zip(HUB_TOWNS, [ACCENT_COLOURS[1], ACCENT_COLOURS[0], ACCENT_COLOURS[3], ACCENT_COLOURS[2]], strict=True))
WEIGHT_LABELS_SV = {"women_15_44": "kvinnor 15–44 år", "births": "födda barn", "population": "invånare"}
SCENARIO_KINDS_SV = {"graph": "Vägnät", "line": "Fågelväg"}
# Sequential colours for the minute bands (same bands on maps and in the distribution chart).
BAND_COLOURS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]  # viridis, reversed: far = dark
COUNTY_NAME = "Västmanlands län"


@dataclass(frozen=True)
class TravelInputs:
    """Origins, sites, the modelled travel matrix and the chapter's site sets (keyed by result key)."""

    origins: pd.DataFrame
    sites: pd.DataFrame
    matrix: TravelMatrix
    sets: dict[str, list[str]]
    boundaries: gpd.GeoDataFrame
    weight_by: str


def load_inputs(
    region: str = HOME_REGION, weight_by: str = "women_15_44", population: str = "", cost: str = "graph"
) -> TravelInputs:
    """Build the chapter's inputs: embedded origins or a supplied population grid, and a cost model.

    ``cost`` is ``graph`` (default), ``line``, ``affine`` or a supplied ``origin,site,minutes[,km]`` CSV
    (missing pairs filled from an affine fit on the supplied ones).
    """
    if region != HOME_REGION:
        raise ValueError(
            f"region={region!r}: the travel chapter's geodata (tätorter, road graph, sites) covers Västmanland (19) only"
        )
    if weight_by not in WEIGHT_LABELS_SV:
        raise ValueError(f"weight_by={weight_by!r}: choose one of {', '.join(WEIGHT_LABELS_SV)}")
    origins = grid_origins(population, weight_by=weight_by) if population else default_origins(weight_by=weight_by)
    sites = standard_sites()
    matrix = cost_model(cost).matrix(origins, sites)
    standard = standard_site_sets()
    sets = {key: list(standard[label]) for key, label in SET_SOURCE_LABELS.items()}
    return TravelInputs(origins, sites, matrix, sets, geodata.municipality_boundaries(), weight_by)


def _pct(share: float) -> float:
    return 100.0 * float(share)


def round_to(value: float, step: float = 10) -> float:
    """Round an estimated head count to ``step`` (estimates do not deserve single-person precision)."""
    return float(step * np.round(float(value) / step))


def thresholds() -> list[int]:
    """The headline minute thresholds from the assumptions file."""
    return [int(t) for t in param("metrics.thresholds_minutes")]


# ---------------------------------------------------------------------------------------------- comparison


def comparison(inputs: TravelInputs) -> pd.DataFrame:
    """Headline access metrics per site set, indexed by result key, with Swedish labels."""
    sets = {key: inputs.sets[key] for key in SET_SOURCE_LABELS}
    table = compare_site_sets(inputs.matrix, inputs.origins, sets)
    table.index = list(sets)
    table["label_sv"] = [SET_LABELS_SV[k] for k in table.index]
    table["n_sites"] = [len(inputs.sets[k]) for k in table.index]
    return table


def comparison_display(table: pd.DataFrame) -> pd.DataFrame:
    """Swedish display of :func:`comparison`: minutes and shares within each threshold."""
    rows = []
    for key, r in table.iterrows():
        row: dict[str, str] = {
            "Platser": SET_LABELS_SV[str(key)],
            "Antal platser": sv_number(r["n_sites"]),
            "Medel (min)": sv_number(r["mean_minutes"], 1),
            "Median (min)": sv_number(r["median_minutes"], 0),
            "90:e percentil (min)": sv_number(r["p90_minutes"], 0),
            "Längst (min)": sv_number(r["max_minutes"], 0),
        }
        for t in thresholds():
            row[f"Inom {t} min"] = sv_pct(_pct(r[f"share_within_{t}"]), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def threshold_data(table: pd.DataFrame) -> pd.DataFrame:
    """Long table: share within each threshold per site set (for the grouped bar chart)."""
    rows = []
    for key, r in table.iterrows():
        for t in thresholds():
            share = _pct(r[f"share_within_{t}"])
            rows.append(
                {
                    "set": SET_SHORT_SV[str(key)],
                    "key": key,
                    "threshold": f"Inom {t} min",
                    "minutes": t,
                    "pct": share,
                    "text": sv_pct(share, 0),
                }
            )
    return pd.DataFrame(rows)


def threshold_chart(table: pd.DataFrame, weight_label: str = WEIGHT_LABELS_SV["women_15_44"]) -> alt.LayerChart:
    """Grouped bars: share of the weight within 15/30/45/60 minutes for each site set."""
    data = threshold_data(table)
    order = [SET_SHORT_SV[k] for k in SET_SOURCE_LABELS]
    colours = [SET_COLOURS[k] for k in SET_SOURCE_LABELS]
    x_order = [f"Inom {t} min" for t in thresholds()]
    base = alt.Chart(data).encode(
        x=alt.X("threshold:N", sort=x_order, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("set:N", sort=order),
        y=alt.Y("pct:Q", title=f"Andel {weight_label} (%)", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "set:N", sort=order, title="Platser", scale=alt.Scale(domain=order, range=colours), legend=alt.Legend(orient="bottom")
        ),
        tooltip=[
            alt.Tooltip("set:N", title="Platser"),
            alt.Tooltip("threshold:N", title="Restid"),
            alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
        ],
    )
    text = base.mark_text(dy=-6, fontSize=10, color=NATION_COLOUR).encode(text="text:N")
    return alt.layer(bars, text).properties(
        width=560, height=260, title=f"Andel {weight_label} inom en viss restid till närmaste plats (modellerat)"
    )


# ---------------------------------------------------------------------------------------------- maps


def place_label(origin_id: str, name: str, kind: str, municipality: str) -> str:
    """Swedish label of an origin: the tätort's name, or 'Kommun, landsbygd N' for a rural lattice point."""
    if kind == "rural":
        match = re.search(r"(\d+)$", origin_id)
        return f"{municipality}, landsbygd {int(match.group(1)) if match else ''}".strip()
    return name


def map_points(inputs: TravelInputs, keys: tuple[str, ...] = ("vasteras_only", "four_hubs")) -> pd.DataFrame:
    """Per origin and site set: position, Swedish place label, nearest site (town), minutes and weight."""
    sets = {key: inputs.sets[key] for key in keys}
    long = nearest_by_set(inputs.matrix, inputs.origins, sets)
    town = inputs.sites.drop_duplicates("site_id").set_index("site_id")["town"]
    out = pd.DataFrame(
        {
            "set_key": long["site_set"].to_numpy(),
            "set": long["site_set"].map(SET_SHORT_SV).to_numpy(),
            "place": [
                place_label(o, n, k, m)
                for o, n, k, m in zip(long["origin_id"], long["name"], long["kind"], long["municipality"], strict=True)
            ],
            "kind": long["kind"].map({"tatort": "tätort", "rural": "landsbygd"}).fillna(long["kind"]).to_numpy(),
            "municipality_code": long["municipality_code"].astype(str).to_numpy(),
            "municipality": long["municipality"].to_numpy(),
            "x": long["x"].round(0).to_numpy(),
            "y": long["y"].round(0).to_numpy(),
            "weight": long["weight"].round(1).to_numpy(),
            "hub": long["site_id"].map(town).to_numpy(),
            "minutes": long["minutes"].round(1).to_numpy(),
            "km": long["km"].round(1).to_numpy(),
        }
    )
    out["band"] = minute_band(long["minutes"].to_numpy(float))  # band on exact minutes, as distribution() does
    if out["set_key"].value_counts().max() > MAX_MAP_POINTS:
        out = _aggregate_points(out)
    return out


MAX_MAP_POINTS = 600
MAP_CELL_M = 5000


def _aggregate_points(points: pd.DataFrame) -> pd.DataFrame:
    """Fine grids are drawn as 5 km squares: weights summed, minutes weight-averaged, the dominant hub kept."""
    p = points.assign(
        cx=(points["x"] // MAP_CELL_M) * MAP_CELL_M + MAP_CELL_M / 2,
        cy=(points["y"] // MAP_CELL_M) * MAP_CELL_M + MAP_CELL_M / 2,
        wm=points["minutes"] * points["weight"],
        wk=points["km"] * points["weight"],
    )
    keys = ["set_key", "set", "cx", "cy"]
    agg = p.groupby(keys, as_index=False).agg(weight=("weight", "sum"), wm=("wm", "sum"), wk=("wk", "sum"))
    dominant = (
        p.groupby([*keys, "hub"], as_index=False)["weight"]
        .sum()
        .sort_values("weight", ascending=False)
        .drop_duplicates(keys)[[*keys, "hub"]]
    )
    muni = (
        p.groupby([*keys, "municipality_code", "municipality"], as_index=False)["weight"]
        .sum()
        .sort_values("weight", ascending=False)
        .drop_duplicates(keys)[[*keys, "municipality_code", "municipality"]]
    )
    agg = agg.merge(dominant, on=keys).merge(muni, on=keys)
    safe = agg["weight"].where(agg["weight"] > 0, 1.0)
    agg["minutes"] = (agg["wm"] / safe).round(1)
    agg["km"] = (agg["wk"] / safe).round(1)
    agg["place"] = (
        "ruta " + (agg["cx"] // 1000).astype(int).astype(str) + "/" + (agg["cy"] // 1000).astype(int).astype(str) + " km"
    )
    agg["kind"] = "rutnät (5 km)"
    agg["band"] = minute_band(agg["minutes"].to_numpy(float))
    agg = agg.rename(columns={"cx": "x", "cy": "y"})
    agg["weight"] = agg["weight"].round(1)
    return agg[list(points.columns)]


def band_labels() -> list[str]:
    """Swedish labels of the minute bands, e.g. '0–15 min', ..., 'över 90 min'."""
    edges = [float(b) for b in param("metrics.distribution_bands_minutes")]
    upper = [*edges[1:], np.inf]
    return [f"{lo:g}–{hi:g} min" if np.isfinite(hi) else f"över {lo:g} min" for lo, hi in zip(edges, upper, strict=True)]


def minute_band(minutes: np.ndarray) -> list[str]:
    """The band label of each travel time (upper edges inclusive, as in :func:`analysis.chapters.travel.model.distribution`)."""
    edges = [float(b) for b in param("metrics.distribution_bands_minutes")]
    labels = band_labels()
    idx = np.searchsorted(np.asarray(edges[1:]), np.asarray(minutes, float), side="left")
    return [labels[i] for i in idx]


def _band_scale() -> alt.Scale:
    labels = band_labels()
    return alt.Scale(domain=labels, range=BAND_COLOURS[: len(labels)])


def _site_points(inputs: TravelInputs, key: str) -> pd.DataFrame:
    sites = inputs.sites.drop_duplicates("site_id").set_index("site_id").loc[inputs.sets[key]]
    return pd.DataFrame(
        {
            "town": sites["town"].to_numpy(),
            "name": sites["name"].to_numpy(),
            "x": sites["x"].round(0).to_numpy(),
            "y": sites["y"].round(0).to_numpy(),
        }
    )


def _base_layer(boundaries: gpd.GeoDataFrame) -> alt.Chart:
    return maps.municipality_layer(boundaries)


def _sites_layer(sites: pd.DataFrame, labels: bool = True) -> list[alt.Chart]:
    marks = (
        alt.Chart(sites)
        .mark_point(shape="diamond", filled=True, size=160, color=NATION_COLOUR, stroke="white", strokeWidth=1)
        .encode(
            longitude="x:Q", latitude="y:Q", tooltip=[alt.Tooltip("name:N", title="Plats"), alt.Tooltip("town:N", title="Ort")]
        )
        .project(**maps.PROJECTION)
    )
    layers = [marks]
    if labels:
        for style in ({"stroke": "white", "strokeWidth": 3, "color": "white"}, {"color": NATION_COLOUR}):
            layers.append(
                alt.Chart(sites)
                .mark_text(dy=-14, fontSize=12, fontWeight="bold", **style)
                .encode(longitude="x:Q", latitude="y:Q", text="town:N")
                .project(**maps.PROJECTION)
            )
    return layers


def _point_tooltips() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("place:N", title="Plats"),
        alt.Tooltip("municipality:N", title="Kommun"),
        alt.Tooltip("minutes:Q", title="Restid (min)", format=",.0f"),
        alt.Tooltip("km:Q", title="Väg (km)", format=",.0f"),
        alt.Tooltip("hub:N", title="Närmaste ort"),
        alt.Tooltip("weight:Q", title="Vikt (skattning)", format=",.0f"),
    ]


def _size(weight_label: str) -> alt.Size:
    return alt.Size(
        "weight:Q",
        title=f"{weight_label.capitalize()} (skattning)",
        scale=alt.Scale(type="sqrt", range=[12, 700]),
        legend=alt.Legend(format=",d", orient="bottom", titleLimit=400),
    )


def travel_time_maps(
    points: pd.DataFrame,
    inputs: TravelInputs,
    keys: tuple[str, ...] = ("vasteras_only", "four_hubs"),
    width: int = 330,
) -> alt.HConcatChart:
    """Side-by-side maps: each origin coloured by minutes (band) to the nearest site of each set."""
    weight_label = WEIGHT_LABELS_SV[inputs.weight_by]
    panels = []
    for key in keys:
        data = points[points["set_key"] == key]
        dots = (
            alt.Chart(data)
            .mark_circle(opacity=0.9, stroke="#4a4a4a", strokeWidth=0.4)
            .encode(
                longitude="x:Q",
                latitude="y:Q",
                color=alt.Color(
                    "band:N",
                    title="Restid till närmaste plats",
                    scale=_band_scale(),
                    legend=alt.Legend(orient="bottom", columns=3, symbolType="circle"),
                ),
                size=_size(weight_label),
                tooltip=_point_tooltips(),
            )
            .project(**maps.PROJECTION)
        )
        panels.append(
            alt.layer(_base_layer(inputs.boundaries), dots, *_sites_layer(_site_points(inputs, key))).properties(
                width=width, height=width, title=SET_LABELS_SV[key]
            )
        )
    return (
        alt.hconcat(*panels, spacing=12)
        .resolve_scale(color="shared", size="shared")
        .properties(title="Modellerad restid med bil från varje ort och landsbygdspunkt till närmaste plats")
    )


def catchment_map(points: pd.DataFrame, inputs: TravelInputs, key: str = "four_hubs", width: int = 460) -> alt.LayerChart:
    """Origins coloured by the hub they are nearest to (the hubs' catchment areas)."""
    weight_label = WEIGHT_LABELS_SV[inputs.weight_by]
    data = points[points["set_key"] == key]
    hubs = [h for h in HUB_TOWNS if h in set(data["hub"])] + sorted(set(data["hub"]) - set(HUB_TOWNS))
    colours = [HUB_COLOURS.get(h, ACCENT_COLOURS[4]) for h in hubs]
    dots = (
        alt.Chart(data)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            color=alt.Color(
                "hub:N", title="Närmaste nod", scale=alt.Scale(domain=hubs, range=colours), legend=alt.Legend(orient="bottom")
            ),
            size=_size(weight_label),
            tooltip=_point_tooltips(),
        )
        .project(**maps.PROJECTION)
    )
    return alt.layer(_base_layer(inputs.boundaries), dots, *_sites_layer(_site_points(inputs, key))).properties(
        width=width, height=width, title="Upptagningsområden: varje ort och landsbygdspunkt till sin närmaste nod (modellerat)"
    )


def catchment_summary(points: pd.DataFrame, key: str = "four_hubs") -> pd.DataFrame:
    """Weight, mean minutes and municipalities served per hub of ``key`` (from the maps data)."""
    data = points[points["set_key"] == key].copy()
    data["wmin"] = data["weight"] * data["minutes"]
    out = data.groupby("hub").agg(weight=("weight", "sum"), wmin=("wmin", "sum"), max_minutes=("minutes", "max"))
    out["mean_minutes"] = out.pop("wmin") / out["weight"]
    out["share"] = out["weight"] / out["weight"].sum()
    muni = data.groupby(["hub", "municipality"])["weight"].sum().reset_index()
    muni = muni[muni["weight"] >= 0.5 * muni.groupby("municipality")["weight"].transform("sum")]
    out["municipalities"] = muni.groupby("hub")["municipality"].apply(lambda s: ", ".join(sorted(s)))
    order = [h for h in HUB_TOWNS if h in out.index] + sorted(set(out.index) - set(HUB_TOWNS))
    return out.loc[order].reset_index()


def catchment_display(summary: pd.DataFrame, weight_label: str = WEIGHT_LABELS_SV["women_15_44"]) -> pd.DataFrame:
    """Swedish display of :func:`catchment_summary`."""
    return pd.DataFrame(
        {
            "Nod": summary["hub"],
            f"{weight_label.capitalize()} (skattning)": [sv_number(round_to(v)) for v in summary["weight"]],
            "Andel": [sv_pct(_pct(v), 1) for v in summary["share"]],
            "Medelrestid (min)": [sv_number(v, 1) for v in summary["mean_minutes"]],
            "Längsta restid (min)": [sv_number(v, 0) for v in summary["max_minutes"]],
            "Kommuner (huvudsakligen)": summary["municipalities"].fillna("–"),
        }
    )


# ---------------------------------------------------------------------------------------------- municipalities


def by_municipality(inputs: TravelInputs) -> pd.DataFrame:
    """Long table: per site set and municipality (plus county), weight, mean/median/max minutes, shares."""
    frames = []
    for key in SET_SOURCE_LABELS:
        table = metrics_by_municipality(inputs.matrix, inputs.origins, inputs.sets[key])
        table.insert(0, "set_key", key)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def coverage(inputs: TravelInputs, baseline: str, option: str) -> pd.DataFrame:
    """Gains and losses within the coverage time (30 min) when ``baseline`` becomes ``option``, per municipality."""
    table = coverage_change(inputs.matrix, inputs.origins, inputs.sets[baseline], inputs.sets[option])
    table.insert(0, "change", f"{baseline}->{option}")
    return table


def municipality_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Dumbbell chart: mean minutes per municipality for each site set, a rule from best to worst."""
    data = table[table["municipality_code"] != HOME_REGION][["set_key", "municipality", "mean_minutes"]].copy()
    data["set"] = data["set_key"].map(SET_SHORT_SV)
    order = data[data["set_key"] == "vasteras_only"].sort_values("mean_minutes", ascending=False)["municipality"].tolist()
    span = data.groupby("municipality")["mean_minutes"].agg(["min", "max"]).reset_index()
    sets = [SET_SHORT_SV[k] for k in SET_SOURCE_LABELS]
    y = alt.Y("municipality:N", sort=order, title=None)
    rule = alt.Chart(span).mark_rule(color="#b0b0b0", strokeWidth=2).encode(y=y, x="min:Q", x2="max:Q")
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("mean_minutes:Q", title="Medelrestid till närmaste plats (minuter, modellerat)"),
            color=alt.Color(
                "set:N",
                title="Platser",
                scale=alt.Scale(domain=sets, range=[SET_COLOURS[k] for k in SET_SOURCE_LABELS]),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape("set:N", scale=alt.Scale(domain=sets, range=["circle", "diamond", "square"]), legend=None),
            tooltip=[
                alt.Tooltip("municipality:N", title="Kommun"),
                alt.Tooltip("set:N", title="Platser"),
                alt.Tooltip("mean_minutes:Q", title="Medel (min)", format=",.1f"),
            ],
        )
    )
    return alt.layer(rule, dots).properties(width=520, height=alt.Step(26), title="Medelrestid per kommun")


def municipality_display(
    table: pd.DataFrame, gained: pd.DataFrame, lost: pd.DataFrame, weight_label: str = WEIGHT_LABELS_SV["women_15_44"]
) -> pd.DataFrame:
    """Per municipality: mean minutes and share within 30 min (Västerås only vs four hubs), gains and losses.

    ``gained`` is :func:`coverage` Västerås only -> four hubs, ``lost`` BMM today -> four hubs.
    """
    limit = int(param("metrics.coverage_minutes"))
    wide = table.pivot(
        index=["municipality_code", "municipality"],
        columns="set_key",
        values=["total_weight", "mean_minutes", f"share_within_{limit}"],
    )
    wide = wide.reset_index()
    g = gained.set_index("municipality_code")
    lo = lost.set_index("municipality_code")
    rows = []
    order = wide[wide["municipality_code"] != HOME_REGION].sort_values(("mean_minutes", "vasteras_only"), ascending=False)
    codes = [*order["municipality_code"], HOME_REGION]
    for code in codes:
        r = wide[wide["municipality_code"] == code].iloc[0]
        rows.append(
            {
                "Kommun": r[("municipality", "")],
                weight_label.capitalize(): sv_number(round_to(r[("total_weight", "vasteras_only")])),
                "Medel (min), Västerås": sv_number(r[("mean_minutes", "vasteras_only")], 1),
                "Medel (min), noder": sv_number(r[("mean_minutes", "four_hubs")], 1),
                f"≤ {limit} min, Västerås": sv_pct(_pct(r[(f"share_within_{limit}", "vasteras_only")]), 0),
                f"≤ {limit} min, noder": sv_pct(_pct(r[(f"share_within_{limit}", "four_hubs")]), 0),
                "Når en plats, noder": sv_number(round_to(g.loc[code, "gained"])),
                "Mister BMM, utan filialer": sv_number(round_to(lo.loc[code, "lost"])),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- distribution


def distributions(inputs: TravelInputs) -> pd.DataFrame:
    """Weight and share per minute band for each site set (long)."""
    frames = []
    for key in SET_SOURCE_LABELS:
        d = distribution(inputs.matrix, inputs.origins, inputs.sets[key], label=key)
        d["set_key"] = key
        frames.append(d)
    out = pd.concat(frames, ignore_index=True)
    out["band_sv"] = np.tile(band_labels(), len(SET_SOURCE_LABELS))
    out["set"] = out["set_key"].map(SET_SHORT_SV)
    out["pct"] = 100 * out["share"]
    return out


def distribution_chart(dist: pd.DataFrame, weight_label: str = WEIGHT_LABELS_SV["women_15_44"]) -> alt.Chart:
    """Stacked horizontal bars: share of the weight per minute band, one bar per site set."""
    data = dist[["set", "band_sv", "lower", "pct"]].copy()
    sets = [SET_SHORT_SV[k] for k in SET_SOURCE_LABELS]
    return (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("set:N", sort=sets, title=None),
            x=alt.X("pct:Q", title=f"Andel {weight_label} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "band_sv:N",
                title="Restid till närmaste plats",
                scale=_band_scale(),
                legend=alt.Legend(orient="bottom", columns=6),
            ),
            order=alt.Order("lower:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("set:N", title="Platser"),
                alt.Tooltip("band_sv:N", title="Restid"),
                alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
            ],
        )
        .properties(width=520, height=alt.Step(36), title=f"Hur {weight_label} fördelar sig på restid (modellerat)")
    )


# ---------------------------------------------------------------------------------------------- burden


def burden(inputs: TravelInputs, visits_per_birth: float = 1.0, task: str = "besök flyttat till noderna") -> pd.DataFrame:
    """Annual travel burden of ``visits_per_birth`` visits moved from Västerås to the four hubs (per municipality)."""
    return burden_change(
        inputs.matrix, inputs.origins, inputs.sets["vasteras_only"], inputs.sets["four_hubs"], visits_per_birth, task=task
    )


def burden_by_set(inputs: TravelInputs, visits_per_birth: float = 1.0) -> dict[str, dict[str, float]]:
    """County totals of the annual burden of ``visits_per_birth`` visits to the nearest site of each set."""
    out: dict[str, dict[str, float]] = {}
    for key in SET_SOURCE_LABELS:
        b = annual_burden(inputs.matrix, inputs.origins, inputs.sets[key], visits_per_birth)
        county = b[b["municipality_code"] == HOME_REGION].iloc[0]
        out[key] = {
            "visits": float(county["visits"]),
            "travel_hours": float(county["travel_hours"]),
            "car_km": float(county["car_km"]),
            "co2_tonnes": float(county.get("co2_tonnes", 0.0)),
            "hours_per_visit": float(county["hours_per_visit"]),
        }
    return out


def burden_display(table: pd.DataFrame) -> pd.DataFrame:
    """Swedish display of :func:`burden`: births, hours and km before/after, and the saving, per municipality."""
    rest = table[table["municipality_code"] != HOME_REGION].sort_values("travel_hours_saved", ascending=False)
    t = table.set_index("municipality_code").loc[[*rest["municipality_code"], HOME_REGION]]
    return pd.DataFrame(
        {
            "Kommun": t["municipality"].to_numpy(),
            "Födda per år (skattning)": [sv_number(v) for v in t["births"]],
            "Restimmar, endast Västerås": [sv_number(v) for v in t["travel_hours_before"]],
            "Restimmar, fyra noder": [sv_number(v) for v in t["travel_hours_after"]],
            "Sparade timmar": [sv_number(v) for v in t["travel_hours_saved"]],
            "Sparade bil-km": [sv_number(round_to(v, 100)) for v in t["car_km_saved"]],
            "Sparad CO₂ (ton)": [sv_number(v, 1) for v in t.get("co2_tonnes_saved", pd.Series(0.0, index=t.index))],
        }
    )


# ---------------------------------------------------------------------------------------------- location


def hub_optimisation(inputs: TravelInputs) -> pd.DataFrame:
    """p = 1…6 with Västerås forced: the p-median and the maximal-coverage sets side by side (one row per p)."""
    opt = optimise_hubs(inputs.matrix, inputs.origins)
    pm = opt[opt["model"] == "p_median"].set_index("p")
    mc = opt[opt["model"] == "max_coverage"].set_index("p")
    out = pd.DataFrame(
        {
            "p": pm.index.to_numpy(),
            "p_median_sites": pm["sites"].to_numpy(),
            "p_median_mean_minutes": pm["mean_minutes"].to_numpy(),
            "p_median_share_within": pm["share_within"].to_numpy(),
            "max_coverage_sites": mc.loc[pm.index, "sites"].to_numpy(),
            "max_coverage_share_within": mc.loc[pm.index, "share_within"].to_numpy(),
            "max_coverage_mean_minutes": mc.loc[pm.index, "mean_minutes"].to_numpy(),
            "n_sets": pm["n_sets"].to_numpy(),
            "n_candidates": pm["n_candidates"].to_numpy(),
            "method": pm["method"].to_numpy(),
        }
    )
    out["same_set"] = out["p_median_sites"] == out["max_coverage_sites"]
    return out


def optimisation_display(table: pd.DataFrame) -> pd.DataFrame:
    """Swedish display of :func:`hub_optimisation`."""
    limit = int(param("metrics.coverage_minutes"))
    return pd.DataFrame(
        {
            "Antal platser": table["p"].astype(int).astype(str),
            "Kortast medelrestid: orter": table["p_median_sites"],
            "Medel (min)": [sv_number(v, 1) for v in table["p_median_mean_minutes"]],
            f"Flest inom {limit} min: orter": [
                "samma" if same else sites for same, sites in zip(table["same_set"], table["max_coverage_sites"], strict=True)
            ],
            f"Inom {limit} min": [sv_pct(_pct(v), 1) for v in table["max_coverage_share_within"]],
            "Prövade kombinationer": [sv_number(v) for v in table["n_sets"]],
        }
    )


def gap(inputs: TravelInputs) -> pd.DataFrame:
    """Is {Västerås, Köping, Fagersta, Sala} optimal among all four-site sets? (p-median and maximal coverage)."""
    return proposed_gap(inputs.matrix, inputs.origins).set_index("model")


def gap_sentence(table: pd.DataFrame, weight_label: str = WEIGHT_LABELS_SV["women_15_44"]) -> str:
    """One Swedish sentence on how far the proposed set is from the best set of its size."""
    pm, mc = table.loc["p_median"], table.loc["max_coverage"]
    n = sv_number(pm["n_sets"])
    limit = sv_number(mc["radius_minutes"])
    extra = sv_number(int(pm["p"]) - len(param("location.forced_open")))
    lead = f"Av de {n} möjliga uppsättningarna med Västerås och {extra} orter till är förslaget"
    if bool(pm["is_optimal"]) and bool(mc["is_optimal"]):
        return (
            f"{lead} "
            f"({pm['proposed_sites']}) det bästa både för kortast medelrestid och för flest {weight_label} inom {limit} minuter."
        )
    parts = []
    if not bool(pm["is_optimal"]):
        parts.append(
            f"för kortast medelrestid är {pm['optimal_sites']} bättre med {sv_number(pm['gap_mean_minutes'], 1)} minuter "
            f"(förslaget är nummer {sv_number(pm['rank'])})"
        )
    if not bool(mc["is_optimal"]):
        parts.append(
            f"för flest {weight_label} inom {limit} minuter är {mc['optimal_sites']} bättre med omkring "
            f"{sv_number(round_to(mc['gap_weight_within']))} {weight_label} (förslaget är nummer {sv_number(mc['rank'])})"
        )
    return f"{lead} inte det bästa: " + "; ".join(parts) + "."


# ---------------------------------------------------------------------------------------------- sensitivity


def scenario_key(name: str) -> str:
    """``'graph, speeds ×0.9'`` -> ``'graph_speeds_x0.9'`` (a plain key for the results file)."""
    return name.replace(", speeds ×", "_speeds_x")


def scenario_label(key: str) -> str:
    """Swedish label of a scenario key: 'Vägnät', 'Vägnät −10 %', 'Fågelväg +10 %' …"""
    kind, _, factor = key.partition("_speeds_x")
    base = SCENARIO_KINDS_SV.get(kind, kind)
    if not factor:
        return base
    change = 100 * (float(factor) - 1)
    sign = "+" if change > 0 else "−"
    return f"{base}\u00a0{sign}{sv_pct(abs(change), 0)}"


def scenario_keys() -> list[str]:
    """Scenario keys in the order of :func:`analysis.chapters.travel.model.default_scenarios`."""
    factors = [f"{float(f):g}" for f in param("sensitivity.speed_factors")]
    return [k for kind in SCENARIO_KINDS_SV for k in (kind, *[f"{kind}_speeds_x{f}" for f in factors])]


def sensitivity_table(inputs: TravelInputs) -> pd.DataFrame:
    """Headline metrics per site set under graph/straight-line models and ±10 % speeds (long, result keys)."""
    sets = {key: inputs.sets[key] for key in SET_SOURCE_LABELS}
    table = sensitivity(inputs.origins, inputs.sites, sets)
    table["scenario_key"] = table["scenario"].map(scenario_key)
    table["set_key"] = table["label"]
    table["scenario_sv"] = table["scenario_key"].map(scenario_label)
    return table


def sensitivity_display(table: pd.DataFrame) -> pd.DataFrame:
    """Scenario rows × (mean minutes, share within 30 min) per site set, Swedish formatted."""
    limit = int(param("metrics.coverage_minutes"))
    short = {"vasteras_only": "Västerås", "four_hubs": "noder", "bmm_today": "BMM"}
    rows = []
    for scen in [k for k in scenario_keys() if k in set(table["scenario_key"])]:
        part = table[table["scenario_key"] == scen].set_index("set_key")
        row = {"Modell": scenario_label(scen)}
        for key in SET_SOURCE_LABELS:
            row[f"Medel (min), {short[key]}"] = sv_number(part.loc[key, "mean_minutes"], 1)
        for key in SET_SOURCE_LABELS:
            row[f"≤ {limit} min, {short[key]}"] = sv_pct(_pct(part.loc[key, f"share_within_{limit}"]), 0)
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Dot plot of mean minutes per site set in each cost scenario."""
    data = table[["scenario_sv", "set_key", "mean_minutes"]].copy()
    data["set"] = data["set_key"].map(SET_SHORT_SV)
    sets = [SET_SHORT_SV[k] for k in SET_SOURCE_LABELS]
    order = [scenario_label(k) for k in scenario_keys()]
    y = alt.Y("scenario_sv:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    span = data.groupby("scenario_sv")["mean_minutes"].agg(["min", "max"]).reset_index()
    rule = alt.Chart(span).mark_rule(color="#c8c8c8", strokeWidth=2).encode(y=y, x="min:Q", x2="max:Q")
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("mean_minutes:Q", title="Medelrestid till närmaste plats (minuter)", scale=alt.Scale(zero=True)),
            color=alt.Color(
                "set:N",
                title="Platser",
                scale=alt.Scale(domain=sets, range=[SET_COLOURS[k] for k in SET_SOURCE_LABELS]),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape("set:N", scale=alt.Scale(domain=sets, range=["circle", "diamond", "square"]), legend=None),
            tooltip=[
                alt.Tooltip("scenario_sv:N", title="Modell"),
                alt.Tooltip("set:N", title="Platser"),
                alt.Tooltip("mean_minutes:Q", title="Medel (min)", format=",.1f"),
            ],
        )
    )
    return alt.layer(rule, dots).properties(width=460, height=alt.Step(28), title="Känslighet: medelrestid i olika modeller")


# ---------------------------------------------------------------------------------------------- assumptions


def assumptions_display(weight_by: str | None = None) -> pd.DataFrame:
    """The assumptions behind the chapter's numbers in Swedish; every value is read from travel_assumptions.yml."""
    speeds = param("road_network.class_speeds_kmh")
    profile = param("line_model.speed_profile")
    prof_text = ", ".join(
        (f"upp till {upper:g} km: {speed:g} km/h" if upper is not None else f"därefter {speed:g} km/h")
        for upper, speed in profile
    )
    factors = [float(f) for f in param("sensitivity.speed_factors")]
    rows = [
        (
            "Hastigheter i vägnätet",
            f"motorväg {speeds['motorway']}, riksväg {speeds['national']}, länsväg {speeds['county']}, "
            f"lokal väg {speeds['local']} km/h",
            "Modellerade medelhastigheter per vägklass bakom länkarnas minuter.",
        ),
        (
            "Tid i tätort per resände",
            f"{sv_number(param('trip_ends.urban_access_minutes'), 0)} min och "
            f"{sv_number(param('trip_ends.urban_access_km'), 0)} km",
            "Från bostad eller mottagning till huvudvägen (skattning).",
        ),
        (
            "Landsbygd till vägnätet",
            f"fågelväg × {sv_number(param('trip_ends.connector_circuity'), 1)} i "
            f"{sv_number(param('trip_ends.connector_speed_kmh'), 0)} km/h, till någon av de "
            f"{sv_number(param('trip_ends.attach_nearest_nodes'))} närmaste tätorterna",
            "Lokala vägar slingrar mer än huvudvägar (skattning).",
        ),
        (
            "Landsbygdspunkter",
            f"rutnät med {sv_number(param('rural_remainder.grid_spacing_m') / 1000, 0)} km mellan punkterna",
            "Kommunens befolkning utanför tätorterna fördelas jämnt på punkterna (skattning).",
        ),
        (
            "Fågelvägsmodell (känslighet)",
            f"fågelväg × {sv_number(param('line_model.circuity'), 1)}; {prof_text}",
            "Jämförelse utan vägnät (skattning).",
        ),
        (
            "Hastighetskänslighet",
            " och ".join(f"alla hastigheter × {sv_number(f, 1)}" for f in factors),
            "Modellerade hastigheter är osäkra.",
        ),
        (
            "Vikter",
            f"{WEIGHT_LABELS_SV[weight_by or param('weights.default')]} per kommun, fördelade efter folkmängd",
            "Skattning per kommun (se kapitlet Länet idag).",
        ),
        ("Resor per besök", f"{sv_number(param('burden.round_trip_factor'))} enkelresor (tur och retur)", "Skattning."),
        (
            "Koldioxid",
            f"{sv_number(param('burden.co2_g_per_km'))} g CO₂ per bil-km",
            "Ungefärligt medel för svenska personbilar (avgasutsläpp); elbilar ej särskilt modellerade.",
        ),
        (
            "Möjliga nodorter",
            f"tätorter med minst {sv_number(param('location.candidate_min_population'))} invånare (2020)",
            "En nod behöver en ort som kan bära en mottagning (skattning).",
        ),
    ]
    return pd.DataFrame(rows, columns=["Antagande", "Värde", "Motivering"])


# ---------------------------------------------------------------------------------------------- results


def set_results(table: pd.DataFrame, inputs: TravelInputs) -> dict[str, dict[str, Any]]:
    """Per site set (result key): label, sites, mean/median/p90/max minutes, mean km, shares and counts within."""
    out: dict[str, dict[str, Any]] = {}
    for key, r in table.iterrows():
        entry: dict[str, Any] = {
            "label_sv": SET_LABELS_SV[str(key)],
            "site_ids": list(inputs.sets[str(key)]),
            "n_sites": int(r["n_sites"]),
            "mean_minutes": float(r["mean_minutes"]),
            "median_minutes": float(r["median_minutes"]),
            "p90_minutes": float(r["p90_minutes"]),
            "max_minutes": float(r["max_minutes"]),
            "mean_km": float(r["mean_km"]),
        }
        for t in thresholds():
            entry[f"share_within_{t}"] = float(r[f"share_within_{t}"])
            entry[f"weight_within_{t}"] = float(r[f"weight_within_{t}"])
        out[str(key)] = entry
    return out


def municipality_results(table: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """``{set_key: {municipality: {code, weight, mean_minutes, share_within_30, ...}}}`` from :func:`by_municipality`."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for key, part in table.groupby("set_key", sort=False):
        out[str(key)] = {
            str(r["municipality"]): {
                "code": str(r["municipality_code"]),
                "weight": float(r["total_weight"]),
                "mean_minutes": float(r["mean_minutes"]),
                "median_minutes": float(r["median_minutes"]),
                "max_minutes": float(r["max_minutes"]),
                **{f"share_within_{t}": float(r[f"share_within_{t}"]) for t in thresholds()},
            }
            for _, r in part.iterrows()
        }
    return out


def sensitivity_results(table: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """``{scenario_key: {set_key: headline metrics}}`` from :func:`sensitivity_table`."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for _, r in table.iterrows():
        out.setdefault(str(r["scenario_key"]), {})[str(r["set_key"])] = {
            "mean_minutes": float(r["mean_minutes"]),
            "median_minutes": float(r["median_minutes"]),
            "p90_minutes": float(r["p90_minutes"]),
            "max_minutes": float(r["max_minutes"]),
            **{f"share_within_{t}": float(r[f"share_within_{t}"]) for t in thresholds()},
        }
    return out


# ---------------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class TravelPage:
    """Everything the travel page shows, computed once."""

    inputs: TravelInputs
    comparison: pd.DataFrame
    points: pd.DataFrame
    catchments: pd.DataFrame
    by_municipality: pd.DataFrame
    gained: pd.DataFrame
    lost: pd.DataFrame
    distribution: pd.DataFrame
    burden: pd.DataFrame
    burden_sets: dict[str, dict[str, float]]
    optimisation: pd.DataFrame
    gap: pd.DataFrame
    sensitivity: pd.DataFrame
    visits_per_birth: float

    @property
    def weight_label(self) -> str:
        return WEIGHT_LABELS_SV[self.inputs.weight_by]


def compute(
    region: str = HOME_REGION,
    weight_by: str = "women_15_44",
    visits_per_birth: float = 1.0,
    population: str = "",
    cost: str = "graph",
) -> TravelPage:
    """Run the whole chapter (a second or two on the embedded data)."""
    inputs = load_inputs(region, weight_by, population, cost)
    points = map_points(inputs)
    return TravelPage(
        inputs=inputs,
        comparison=comparison(inputs),
        points=points,
        catchments=catchment_summary(points),
        by_municipality=by_municipality(inputs),
        gained=coverage(inputs, "vasteras_only", "four_hubs"),
        lost=coverage(inputs, "bmm_today", "four_hubs"),
        distribution=distributions(inputs),
        burden=burden(inputs, visits_per_birth),
        burden_sets=burden_by_set(inputs, visits_per_birth),
        optimisation=hub_optimisation(inputs),
        gap=gap(inputs),
        sensitivity=sensitivity_table(inputs),
        visits_per_birth=visits_per_birth,
    )


def sv_list(items: list[str]) -> str:
    """'A, B och C' (Swedish enumeration); '–' for an empty list."""
    items = [str(i) for i in items]
    if not items:
        return "–"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _county(table: pd.DataFrame) -> pd.Series:
    return table[table["municipality_code"] == HOME_REGION].iloc[0]


def glue_values(pg: TravelPage) -> dict[str, str]:
    """Every number the page's prose uses, formatted the Swedish way (key -> text for ``page.glue``)."""
    limit = int(param("metrics.coverage_minutes"))
    ths = thresholds()
    cmp = pg.comparison
    total = float(cmp["total_weight"].iloc[0])
    g: dict[str, str] = {
        "wl": pg.weight_label,
        "wl_cap": pg.weight_label.capitalize(),
        "limit": sv_number(limit),
        "thresholds": sv_list([sv_number(t) for t in ths]),
        "t_hi": sv_number(ths[-1]),
        "n_origins": sv_number(len(pg.inputs.origins)),
        "n_tatort": sv_number(int((pg.inputs.origins["kind"] == "tatort").sum())),
        "n_rural": sv_number(int((pg.inputs.origins["kind"] == "rural").sum())),
        "grid_km": sv_number(param("rural_remainder.grid_spacing_m") / 1000),
        "total_weight": sv_number(round_to(total)),
        "n_vc": sv_number(len(pg.inputs.sets["bmm_today"])),
    }
    prefixes = {"vasteras_only": "vo", "four_hubs": "fh", "bmm_today": "bmm"}
    for key, pre in prefixes.items():
        r = cmp.loc[key]
        g[f"{pre}_mean"] = sv_number(r["mean_minutes"], 1)
        g[f"{pre}_median"] = sv_number(r["median_minutes"], 0)
        g[f"{pre}_p90"] = sv_number(r["p90_minutes"], 0)
        g[f"{pre}_max"] = sv_number(r["max_minutes"], 0)
        for t in ths:
            g[f"{pre}_s{t}"] = sv_pct(_pct(r[f"share_within_{t}"]), 0)
            g[f"{pre}_beyond{t}"] = sv_number(round_to(total - r[f"weight_within_{t}"]))
            g[f"{pre}_beyond{t}_pct"] = sv_pct(_pct(1 - r[f"share_within_{t}"]), 0)
        g[f"{pre}_beyond_hi"] = g[f"{pre}_beyond{ths[-1]}"]
        at_limit = access_metrics(pg.inputs.matrix, pg.inputs.origins, pg.inputs.sets[key], thresholds=[limit])
        g[f"{pre}_s_limit"] = sv_pct(_pct(at_limit.share_within[float(limit)]), 0)
        g[f"{pre}_beyond_limit"] = sv_number(round_to(total - at_limit.weight_within[float(limit)]))
        g[f"{pre}_beyond_limit_pct"] = sv_pct(_pct(1 - at_limit.share_within[float(limit)]), 0)
    hi = ths[-1]
    for key, pre in prefixes.items():
        mid = (
            cmp.loc[key, f"share_within_{hi}"]
            - access_metrics(pg.inputs.matrix, pg.inputs.origins, pg.inputs.sets[key], thresholds=[limit]).share_within[
                float(limit)
            ]
        )
        g[f"{pre}_mid_pct"] = sv_pct(_pct(mid), 0)
    g["mean_saved"] = sv_number(cmp.loc["vasteras_only", "mean_minutes"] - cmp.loc["four_hubs", "mean_minutes"], 1)
    g["p90_saved"] = sv_number(cmp.loc["vasteras_only", "p90_minutes"] - cmp.loc["four_hubs", "p90_minutes"], 0)
    # Västerås only: who is far away
    vo = pg.by_municipality[
        (pg.by_municipality["set_key"] == "vasteras_only") & (pg.by_municipality["municipality_code"] != HOME_REGION)
    ]
    none_within = vo[vo[f"share_within_{limit}"] < 0.10].sort_values("mean_minutes", ascending=False)
    g["vo_none_within"] = sv_list(none_within["municipality"].tolist())
    g["vo_n_none_within"] = sv_number(len(none_within))
    slowest = vo.sort_values("mean_minutes", ascending=False).iloc[0]
    g["vo_slowest"] = str(slowest["municipality"])
    g["vo_slowest_mean"] = sv_number(slowest["mean_minutes"], 0)
    wide = pg.by_municipality[pg.by_municipality["municipality_code"] != HOME_REGION].pivot(
        index="municipality", columns="set_key", values="mean_minutes"
    )
    gain = (wide["vasteras_only"] - wide["four_hubs"]).sort_values(ascending=False)
    g["fh_top_gain_muns"] = sv_list(gain.index[:3].tolist())
    g["fh_top_gain_min"] = sv_number(gain.iloc[2], 0)
    if "Västerås" in wide.index:
        g["vas_mun_vo"] = sv_number(wide.loc["Västerås", "vasteras_only"], 1)
        g["vas_mun_fh"] = sv_number(wide.loc["Västerås", "four_hubs"], 1)
    fh = pg.by_municipality[
        (pg.by_municipality["set_key"] == "four_hubs") & (pg.by_municipality["municipality_code"] != HOME_REGION)
    ]
    fh_slowest = fh.sort_values("mean_minutes", ascending=False).iloc[0]
    g["fh_slowest"] = str(fh_slowest["municipality"])
    g["fh_slowest_mean"] = sv_number(fh_slowest["mean_minutes"], 0)
    # gains and losses within the coverage time
    gained, lost = _county(pg.gained), _county(pg.lost)
    g["gained"] = sv_number(round_to(gained["gained"]))
    g["gained_lost"] = sv_number(round_to(gained["lost"]))
    g["gained_lost_text"] = (
        "ingen förlorar en plats inom tidsgränsen, eftersom Västerås finns kvar"
        if round_to(gained["lost"]) == 0
        else f"omkring {g['gained_lost']} förlorar en plats inom tidsgränsen"
    )
    g["bmm_lost"] = sv_number(round_to(lost["lost"]))
    g["bmm_lost_pct"] = sv_pct(_pct(lost["lost"] / lost["weight"]), 1)
    lost_mun = pg.lost[pg.lost["municipality_code"] != HOME_REGION]
    lost_mun = lost_mun.assign(share=lost_mun["lost"] / lost_mun["weight"])
    lost_mun = lost_mun[lost_mun["share"] >= 0.1].sort_values("share", ascending=False)
    g["bmm_lost_muns"] = sv_list([f"{r.municipality} ({sv_pct(_pct(r.lost / r.weight), 0)})" for r in lost_mun.itertuples()])
    g["bmm_mean_added"] = sv_number(lost["mean_minutes_change"], 1)
    # catchments
    catch = pg.catchments.set_index("hub")
    g["catch_vas_pct"] = sv_pct(_pct(catch.loc["Västerås", "share"]), 0) if "Västerås" in catch.index else "–"
    far = pg.catchments.sort_values("max_minutes", ascending=False).iloc[0]
    g["catch_far_hub"] = str(far["hub"])
    g["catch_far_max"] = sv_number(far["max_minutes"], 0)
    # distribution
    dist = pg.distribution
    top = [float(b) for b in param("metrics.distribution_bands_minutes")]
    over = top[4] if len(top) > 4 else top[-1]
    for key, pre in prefixes.items():
        part = dist[(dist["set_key"] == key) & (dist["lower"] >= over)]
        g[f"{pre}_over{int(over)}_pct"] = sv_pct(float(part["pct"].sum()), 1)
        g[f"{pre}_over{int(over)}"] = sv_number(round_to(float(part["weight"].sum())))
    g["over_band"] = sv_number(over)
    # burden
    b = _county(pg.burden)
    g["b_visits_per_birth"] = sv_number(pg.visits_per_birth, 0 if float(pg.visits_per_birth).is_integer() else 1)
    g["b_births"] = sv_number(round_to(b["births"]))
    g["b_hours_before"] = sv_number(round_to(b["travel_hours_before"]))
    g["b_hours_after"] = sv_number(round_to(b["travel_hours_after"]))
    g["b_hours_saved"] = sv_number(round_to(b["travel_hours_saved"]))
    g["b_km_saved"] = sv_number(round_to(b["car_km_saved"], 1000))
    g["b_co2_saved"] = sv_number(b.get("co2_tonnes_saved", 0.0), 1)
    g["b_min_per_visit_saved"] = sv_number(60 * b["travel_hours_saved"] / b["visits"], 0)
    g["b_round_trip"] = sv_number(param("burden.round_trip_factor"))
    g["b_co2_g_km"] = sv_number(param("burden.co2_g_per_km"))
    per_mun = pg.burden[pg.burden["municipality_code"] != HOME_REGION].copy()
    per_mun["saved_per_birth"] = per_mun["travel_hours_saved"] / per_mun["births"]
    best = per_mun.sort_values("saved_per_birth", ascending=False).iloc[0]
    g["b_best_mun"] = str(best["municipality"])
    g["b_best_min_per_visit"] = sv_number(60 * best["saved_per_birth"] / pg.visits_per_birth, 0)
    g["b_bmm_hours"] = sv_number(round_to(pg.burden_sets["bmm_today"]["travel_hours"]))
    # location
    opt = pg.optimisation.set_index("p")
    g["n_candidates"] = sv_number(int(opt["n_candidates"].iloc[0]))
    g["cand_min_pop"] = sv_number(param("location.candidate_min_population"))
    g["p_min"] = sv_number(int(opt.index.min()))
    g["p_max"] = sv_number(int(opt.index.max()))
    g["gap_sentence"] = gap_sentence(pg.gap, pg.weight_label)
    g["gap_n_sets"] = sv_number(int(pg.gap.loc["p_median", "n_sets"]))
    p_prop = int(pg.gap.loc["p_median", "p"])
    if p_prop + 1 in opt.index:
        nxt = opt.loc[p_prop + 1]
        g["p_next"] = sv_number(p_prop + 1)
        g["p_next_added"] = sv_list(
            [s for s in nxt["p_median_sites"].split(", ") if s not in set(opt.loc[p_prop, "p_median_sites"].split(", "))]
        )
        g["p_next_gain"] = sv_number(opt.loc[p_prop, "p_median_mean_minutes"] - nxt["p_median_mean_minutes"], 1)
        g["p_next_cov_gain"] = sv_number(
            100 * (nxt["max_coverage_share_within"] - opt.loc[p_prop, "max_coverage_share_within"]), 1
        )
    first_gain = opt.loc[opt.index.min(), "p_median_mean_minutes"] - opt.loc[p_prop, "p_median_mean_minutes"]
    g["p_prop"] = sv_number(p_prop)
    g["p_prop_gain"] = sv_number(first_gain, 1)
    # sensitivity
    s = pg.sensitivity.pivot(index="scenario_key", columns="set_key", values="mean_minutes")
    saved = s["vasteras_only"] - s["four_hubs"]
    g["sens_saved_min"] = sv_number(saved.min(), 1)
    g["sens_saved_max"] = sv_number(saved.max(), 1)
    cov = pg.sensitivity.pivot(index="scenario_key", columns="set_key", values=f"share_within_{limit}")
    g["sens_fh_cov_min"] = sv_pct(_pct(cov["four_hubs"].min()), 0)
    g["sens_fh_cov_max"] = sv_pct(_pct(cov["four_hubs"].max()), 0)
    g["sens_vo_cov_min"] = sv_pct(_pct(cov["vasteras_only"].min()), 0)
    g["sens_vo_cov_max"] = sv_pct(_pct(cov["vasteras_only"].max()), 0)
    factors = [float(f) for f in param("sensitivity.speed_factors")]
    g["speed_pct"] = sv_pct(100 * max(abs(f - 1) for f in factors), 0)
    g["line_circuity"] = sv_number(param("line_model.circuity"), 1)
    order_same = bool(((s["four_hubs"] < s["vasteras_only"]) & (s["bmm_today"] < s["four_hubs"])).all())
    g["sens_order"] = (
        "Ordningen mellan alternativen är densamma i alla modellerna: BMM idag ger kortast restid, sedan de fyra noderna "
        "och sist endast Västerås."
        if order_same
        else "Ordningen mellan alternativen är inte densamma i alla modellerna; se tabellen."
    )
    return g


def road_check() -> dict[str, Any]:
    """How the road graph's route km compare with the few sourced road distances (for the method section)."""
    from analysis.chapters.travel.model import load_road_links, sourced_distance_check

    links = load_road_links()
    check = sourced_distance_check(links)
    edges = links[links["road_class"] != "reference_only"]
    return {
        "n_links": len(edges),
        "n_nodes": len(set(edges["from_locality"]) | set(edges["to_locality"])),
        "n_sourced_km": int(edges["km_quality"].fillna("").astype(str).str.startswith("sourced").sum()),
        "n_sourced_checks": len(check),
        "max_deviation_pct": float(100 * (check["ratio"] - 1).abs().max()) if len(check) else float("nan"),
        "all_within_tolerance": bool(check["within_tolerance"].all()) if len(check) else False,
    }


def results(pg: TravelPage, region: str) -> dict[str, Any]:
    """The page's key figures for ``_build/results/travel.json`` (shares are fractions 0–1)."""
    limit = int(param("metrics.coverage_minutes"))
    gained, lost = _county(pg.gained), _county(pg.lost)
    b = _county(pg.burden)
    out: dict[str, Any] = {
        "region": region,
        "weight_by": pg.inputs.weight_by,
        "cost_model": pg.inputs.matrix.model,
        "modelled": True,
        "units": {
            "minutes": "one-way car minutes to the nearest site (modelled)",
            "shares": f"fraction 0-1 of {pg.inputs.weight_by} (municipal estimates spread by population)",
            "weight_within": f"{pg.inputs.weight_by} within the threshold (estimate)",
        },
        "total_weight": float(pg.comparison["total_weight"].iloc[0]),
        "n_origins": len(pg.inputs.origins),
        "thresholds_minutes": thresholds(),
        "coverage_minutes": limit,
        **set_results(pg.comparison, pg.inputs),
        "by_municipality": municipality_results(pg.by_municipality),
        "coverage_change": {
            "vasteras_only_to_four_hubs": {
                "gained": float(gained["gained"]),
                "lost": float(gained["lost"]),
                "mean_minutes_change": float(gained["mean_minutes_change"]),
            },
            "bmm_today_to_four_hubs": {
                "gained": float(lost["gained"]),
                "lost": float(lost["lost"]),
                "mean_minutes_change": float(lost["mean_minutes_change"]),
            },
        },
        "catchments_four_hubs": {
            str(r["hub"]): {
                "weight": float(r["weight"]),
                "share": float(r["share"]),
                "mean_minutes": float(r["mean_minutes"]),
                "max_minutes": float(r["max_minutes"]),
            }
            for _, r in pg.catchments.iterrows()
        },
        "p_median": [
            {
                "p": int(r["p"]),
                "p_median_sites": str(r["p_median_sites"]).split(", "),
                "p_median_mean_minutes": float(r["p_median_mean_minutes"]),
                "max_coverage_sites": str(r["max_coverage_sites"]).split(", "),
                f"max_coverage_share_within_{limit}": float(r["max_coverage_share_within"]),
                "n_sets": int(r["n_sets"]),
            }
            for _, r in pg.optimisation.iterrows()
        ],
        "proposed_gap": {
            "proposed_sites": str(pg.gap.loc["p_median", "proposed_sites"]).split(", "),
            "p_median_optimal_sites": str(pg.gap.loc["p_median", "optimal_sites"]).split(", "),
            "max_coverage_optimal_sites": str(pg.gap.loc["max_coverage", "optimal_sites"]).split(", "),
            "is_optimal_p_median": bool(pg.gap.loc["p_median", "is_optimal"]),
            "is_optimal_max_coverage": bool(pg.gap.loc["max_coverage", "is_optimal"]),
            "rank_p_median": int(pg.gap.loc["p_median", "rank"]),
            "rank_max_coverage": int(pg.gap.loc["max_coverage", "rank"]),
            "gap_mean_minutes": float(pg.gap.loc["p_median", "gap_mean_minutes"]),
            f"gap_weight_within_{limit}": float(pg.gap.loc["max_coverage", "gap_weight_within"]),
            "n_sets": int(pg.gap.loc["p_median", "n_sets"]),
        },
        "burden": {
            "task": "visits moved from Västerås to the four hubs",
            "visits_per_birth": pg.visits_per_birth,
            "round_trip_factor": float(param("burden.round_trip_factor")),
            "co2_g_per_km": float(param("burden.co2_g_per_km")),
            "births_per_year": float(b["births"]),
            **{k: float(b[k]) for k in b.index if k.startswith(("travel_hours_", "car_km_", "co2_tonnes_"))},
            "per_set": pg.burden_sets,
        },
        "sensitivity": sensitivity_results(pg.sensitivity),
    }
    return out
