"""Access metrics for a site set: how long women travel to the nearest site.

Every function takes a :class:`~analysis.chapters.travel.model.costs.TravelMatrix` and the
origins table, so graph, straight-line and supplied travel times share one code
path. Percentiles are weighted (inverse of the weighted CDF, no interpolation):
the median is the smallest travel time that at least half the weight reaches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.costs import (
    CostModel,
    LineCost,
    TravelMatrix,
)
from analysis.common.home import COUNTY_NAME, HOME_REGION

QUALITY_MODELLED = (
    "modelled estimate: travel times from a mostly modelled road graph or formula; "
    "weights are municipal estimates shared out by population"
)


def _thresholds(thresholds: Sequence[float] | None) -> list[float]:
    return [float(t) for t in (thresholds if thresholds is not None else param("metrics.thresholds_minutes"))]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Smallest value whose cumulative weight share reaches ``q``."""
    values = np.asarray(values, float)
    weights = np.asarray(weights, float)
    keep = weights > 0
    if not keep.any():
        return float("nan")
    order = np.argsort(values[keep], kind="stable")
    v, w = values[keep][order], weights[keep][order]
    cum = np.cumsum(w) / w.sum()
    return float(v[np.searchsorted(cum, q - 1e-12)])


def _weights(tm: TravelMatrix, origins: pd.DataFrame, weight_column: str) -> np.ndarray:
    if len(origins) != len(tm.origin_ids) or not np.array_equal(origins["origin_id"].astype(str).to_numpy(), tm.origin_ids):
        raise ValueError("origins table and travel matrix list different origins (build the matrix from this table)")
    return origins[weight_column].to_numpy(float)


def nearest(tm: TravelMatrix, site_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per origin: index into ``site_ids`` of the fastest site, its minutes, km and cell source."""
    sub = tm.select(list(site_ids))
    best = np.argmin(sub.minutes, axis=1)
    rows = np.arange(len(best))
    return best, sub.minutes[rows, best], sub.km[rows, best], sub.source[rows, best]


def nearest_site(tm: TravelMatrix, origins: pd.DataFrame, site_ids: Sequence[str], label: str | None = None) -> pd.DataFrame:
    """Maps data: each origin's nearest site (its catchment), minutes and km, with position and weight."""
    best, minutes, km, source = nearest(tm, site_ids)
    out = origins[["origin_id", "name", "kind", "municipality_code", "municipality", "x", "y", "lat", "lon", "weight"]].copy()
    out["site_set"] = label or ", ".join(site_ids)
    out["site_id"] = np.asarray(site_ids, dtype=object)[best]
    out["minutes"] = minutes
    out["km"] = km
    out["source"] = source
    out["model"] = tm.model
    out["modelled"] = tm.modelled or (source != "supplied")
    return out.reset_index(drop=True)


def nearest_by_set(tm: TravelMatrix, origins: pd.DataFrame, sets: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Maps data for several site sets in one long table (one block of origins per set)."""
    return pd.concat([nearest_site(tm, origins, s, label) for label, s in sets.items()], ignore_index=True)


@dataclass(frozen=True)
class AccessMetrics:
    """Headline access figures for one site set under one cost model."""

    label: str
    sites: tuple[str, ...]
    model: str
    weight_by: str
    total_weight: float
    mean_minutes: float
    median_minutes: float
    p90_minutes: float
    max_minutes: float
    mean_km: float
    share_within: dict[float, float] = field(default_factory=dict)
    weight_within: dict[float, float] = field(default_factory=dict)
    modelled: bool = True
    quality: str = QUALITY_MODELLED

    def as_row(self) -> dict[str, object]:
        row = {k: v for k, v in asdict(self).items() if k not in ("share_within", "weight_within", "sites")}
        row["sites"] = ", ".join(self.sites)
        for t, s in self.share_within.items():
            row[f"share_within_{t:g}"] = s
        for t, w in self.weight_within.items():
            row[f"weight_within_{t:g}"] = w
        return row


def _summary(minutes: np.ndarray, km: np.ndarray, w: np.ndarray, thresholds: list[float]) -> dict[str, object]:
    total = float(w.sum())
    within = {t: float(w[minutes <= t].sum()) for t in thresholds}
    return {
        "total_weight": total,
        "mean_minutes": float(np.dot(minutes, w) / total),
        "median_minutes": weighted_quantile(minutes, w, 0.5),
        "p90_minutes": weighted_quantile(minutes, w, 0.9),
        "max_minutes": float(minutes[w > 0].max()),
        "mean_km": float(np.dot(km, w) / total),
        "share_within": {t: v / total for t, v in within.items()},
        "weight_within": within,
    }


def access_metrics(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    site_ids: Sequence[str],
    label: str | None = None,
    weight_column: str = "weight",
    thresholds: Sequence[float] | None = None,
) -> AccessMetrics:
    """Weighted mean, median, p90, max minutes and shares within each threshold to the nearest site."""
    w = _weights(tm, origins, weight_column)
    _, minutes, km, source = nearest(tm, site_ids)
    summary = _summary(minutes, km, w, _thresholds(thresholds))
    modelled = tm.modelled or bool((source != "supplied").any())
    return AccessMetrics(
        label=label or ", ".join(site_ids),
        sites=tuple(site_ids),
        model=tm.model,
        weight_by=str(origins.attrs.get("weight_by", weight_column)),
        modelled=modelled,
        quality=QUALITY_MODELLED if modelled else "travel times as supplied; weights are municipal estimates",
        **summary,  # type: ignore[arg-type]
    )


def compare_site_sets(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    sets: Mapping[str, Sequence[str]],
    weight_column: str = "weight",
    thresholds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """One row of headline metrics per named site set (e.g. 'Västerås only' vs the four hubs)."""
    rows = [access_metrics(tm, origins, s, label, weight_column, thresholds).as_row() for label, s in sets.items()]
    return pd.DataFrame(rows)


def metrics_by_municipality(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    site_ids: Sequence[str],
    weight_column: str = "weight",
    thresholds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """The headline metrics per municipality plus a county row."""
    w = _weights(tm, origins, weight_column)
    _, minutes, km, _ = nearest(tm, site_ids)
    ths = _thresholds(thresholds)
    rows = []
    groups = list(origins.groupby(["municipality_code", "municipality"], sort=True).indices.items())
    for (code, name), idx in [*groups, ((HOME_REGION, COUNTY_NAME), np.arange(len(origins)))]:
        s = _summary(minutes[idx], km[idx], w[idx], ths)
        row: dict[str, object] = {"municipality_code": code, "municipality": name}
        row.update({k: v for k, v in s.items() if k not in ("share_within", "weight_within")})
        shares = s["share_within"]
        assert isinstance(shares, dict)
        row.update({f"share_within_{t:g}": v for t, v in shares.items()})
        rows.append(row)
    out = pd.DataFrame(rows)
    out["modelled"] = True
    return out


def coverage_change(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    baseline: Sequence[str],
    option: Sequence[str],
    threshold: float | None = None,
    weight_column: str = "weight",
) -> pd.DataFrame:
    """Women who gain or lose a site within ``threshold`` minutes when ``baseline`` becomes ``option``.

    Per municipality and for the county: weight covered before and after,
    gained, lost, and the change in weighted mean minutes to the nearest site.
    """
    limit = float(threshold if threshold is not None else param("metrics.coverage_minutes"))
    w = _weights(tm, origins, weight_column)
    _, before, _, _ = nearest(tm, baseline)
    _, after, _, _ = nearest(tm, option)
    frame = pd.DataFrame(
        {
            "municipality_code": origins["municipality_code"].to_numpy(),
            "municipality": origins["municipality"].to_numpy(),
            "weight": w,
            "covered_before": w * (before <= limit),
            "covered_after": w * (after <= limit),
            "gained": w * ((before > limit) & (after <= limit)),
            "lost": w * ((before <= limit) & (after > limit)),
            "wminutes_before": w * before,
            "wminutes_after": w * after,
        }
    )
    by = frame.groupby(["municipality_code", "municipality"], sort=True).sum(numeric_only=True).reset_index()
    total = frame.sum(numeric_only=True).to_frame().T
    total.insert(0, "municipality", COUNTY_NAME)
    total.insert(0, "municipality_code", HOME_REGION)
    out = pd.concat([by, total], ignore_index=True)
    out["mean_minutes_before"] = out.pop("wminutes_before") / out["weight"]
    out["mean_minutes_after"] = out.pop("wminutes_after") / out["weight"]
    out["mean_minutes_change"] = out["mean_minutes_after"] - out["mean_minutes_before"]
    out["threshold_minutes"] = limit
    out["modelled"] = True
    return out


def distribution(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    site_ids: Sequence[str],
    bands: Sequence[float] | None = None,
    weight_column: str = "weight",
    label: str | None = None,
) -> pd.DataFrame:
    """Weight per travel-time band to the nearest site (bands are lower edges; the last is open)."""
    edges = [float(b) for b in (bands if bands is not None else param("metrics.distribution_bands_minutes"))]
    w = _weights(tm, origins, weight_column)
    _, minutes, _, _ = nearest(tm, site_ids)
    upper = [*edges[1:], np.inf]
    rows = []
    for lo, hi in zip(edges, upper, strict=True):
        inside = (minutes > lo) & (minutes <= hi) if lo > edges[0] else minutes <= hi
        label_band = f"{lo:g}–{hi:g} min" if np.isfinite(hi) else f">{lo:g} min"
        rows.append({"band": label_band, "lower": lo, "upper": hi, "weight": float(w[inside].sum())})
    out = pd.DataFrame(rows)
    out["share"] = out["weight"] / w.sum()
    out["site_set"] = label or ", ".join(site_ids)
    out["model"] = tm.model
    out["modelled"] = True
    return out


def default_scenarios(base: CostModel | None = None) -> dict[str, CostModel]:
    """The graph model, its ±10 % speed variants and the straight-line model (and its variants)."""
    if base is None:
        from analysis.chapters.travel.model.costs import cost_model

        base = cost_model("graph")
    line = LineCost()
    scenarios: dict[str, CostModel] = {"graph": base}
    for f in param("sensitivity.speed_factors"):
        scenarios[f"graph, speeds ×{float(f):g}"] = base.with_speed(float(f))
    scenarios["line"] = line
    for f in param("sensitivity.speed_factors"):
        scenarios[f"line, speeds ×{float(f):g}"] = line.with_speed(float(f))
    return scenarios


def sensitivity(
    origins: pd.DataFrame,
    sites: pd.DataFrame,
    sets: Mapping[str, Sequence[str]],
    scenarios: Mapping[str, CostModel] | None = None,
    weight_column: str = "weight",
) -> pd.DataFrame:
    """Every headline metric per site set under each cost scenario (graph vs line, ±10 % speeds)."""
    scenarios = scenarios or default_scenarios()
    frames = []
    for name, model in scenarios.items():
        tm = model.matrix(origins, sites)
        table = compare_site_sets(tm, origins, sets, weight_column)
        table.insert(0, "scenario", name)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
