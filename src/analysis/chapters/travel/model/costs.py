"""Pluggable travel-cost models; every metric downstream takes their common output.

(a) :class:`GraphCost`: fastest paths in the road graph plus trip-end access.
(b) :class:`LineCost` (straight line × circuity over a speed profile) and
    :class:`AffineCost` (minutes = a + b·km).
(c) :class:`SuppliedMatrixCost`: a user's origin–site matrix used verbatim,
    with (b) fitted on it to fill pairs it does not cover.

All return a :class:`TravelMatrix` (origins × sites, minutes and km, and the
source of every cell) so the metrics code is the same whichever model is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.network import RoadGraph, load_road_links


@dataclass(frozen=True)
class AffineFit:
    """minutes = a + b·km with km = circuity × straight-line km, and how well it fits."""

    a: float
    b: float
    circuity: float
    n: int
    rmse: float
    mae: float
    max_abs_error: float
    r2: float

    def describe(self) -> str:
        return (
            f"minutes = {self.a:.2f} + {self.b:.3f}·km (km = {self.circuity:.3f} × straight line), "
            f"fitted on {self.n} supplied pairs: RMSE {self.rmse:.1f} min, MAE {self.mae:.1f} min, "
            f"max error {self.max_abs_error:.1f} min, R² {self.r2:.3f}"
        )


@dataclass(frozen=True)
class TravelMatrix:
    """Travel minutes and km from every origin to every site, with each cell's source."""

    origin_ids: np.ndarray
    site_ids: np.ndarray
    minutes: np.ndarray
    km: np.ndarray
    source: np.ndarray
    model: str
    modelled: bool
    note: str
    fit: AffineFit | None = None

    def site_index(self, site_ids: list[str] | tuple[str, ...] | np.ndarray) -> np.ndarray:
        lookup = {s: i for i, s in enumerate(self.site_ids)}
        missing = [s for s in site_ids if s not in lookup]
        if missing:
            raise KeyError(f"site(s) {', '.join(map(str, missing))} not in the travel matrix ({self.model})")
        return np.array([lookup[s] for s in site_ids], dtype=np.int64)

    def select(self, site_ids: list[str] | tuple[str, ...]) -> TravelMatrix:
        idx = self.site_index(site_ids)
        return replace(
            self, site_ids=self.site_ids[idx], minutes=self.minutes[:, idx], km=self.km[:, idx], source=self.source[:, idx]
        )

    def long(self) -> pd.DataFrame:
        """Tidy table origin, site, km, minutes, source (the CLI's output format plus provenance)."""
        n_o, n_s = self.minutes.shape
        return pd.DataFrame(
            {
                "origin": np.repeat(self.origin_ids, n_s),
                "site": np.tile(self.site_ids, n_o),
                "km": self.km.ravel(),
                "minutes": self.minutes.ravel(),
                "source": self.source.ravel(),
            }
        )


class CostModel(Protocol):
    @property
    def name(self) -> str: ...

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix: ...

    def with_speed(self, factor: float) -> CostModel: ...


def _ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].astype(str).to_numpy(dtype=object)


def _straight_km(origins: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    ox, oy = origins["x"].to_numpy(float), origins["y"].to_numpy(float)
    sx, sy = sites["x"].to_numpy(float), sites["y"].to_numpy(float)
    return np.hypot(ox[:, None] - sx[None, :], oy[:, None] - sy[None, :]) / 1000.0


def _anchor(frame: pd.DataFrame) -> np.ndarray:
    """The graph node a point belongs to (its tätort or town), or None for rural/grid points."""
    for col in ("node", "town"):
        if col in frame.columns:
            return frame[col].astype(object).where(frame[col].notna(), None).to_numpy()
    return np.full(len(frame), None, dtype=object)


def _terminal_minutes(frame: pd.DataFrame) -> np.ndarray:
    urban = np.array([a is not None for a in _anchor(frame)])
    return np.where(urban, float(param("trip_ends.urban_access_minutes")), float(param("trip_ends.rural_terminal_minutes")))


@dataclass(frozen=True)
class GraphCost:
    """(a) Road-graph travel: access to the graph, fastest path, access from the graph.

    A point anchored to a graph town (tätort origin, site with a ``town``) adds
    the urban access time and km at that end. Other points drive a straight line
    × connector circuity at connector speed to each of their k nearest tätorter
    and the fastest total is kept. Same-town trips cost two urban access legs.
    """

    graph: RoadGraph | None = None
    node_xy: pd.DataFrame | None = None
    speed_factor: float = 1.0
    name: str = "graph"

    def with_speed(self, factor: float) -> GraphCost:
        return replace(self, speed_factor=factor, name=f"graph, speeds ×{factor:g}")

    def _resolved(self) -> tuple[RoadGraph, pd.DataFrame]:
        from analysis.common import geodata

        graph = self.graph or RoadGraph.from_links(load_road_links())
        if self.node_xy is not None:
            xy = self.node_xy
        else:
            loc = geodata.localities()
            xy = pd.DataFrame(
                {"x": loc["sweref99tm_x"].to_numpy(float), "y": loc["sweref99tm_y"].to_numpy(float)}, index=loc["locality"]
            )
        return graph, xy[xy.index.isin(graph.nodes)]

    def _attach(self, frame: pd.DataFrame, graph: RoadGraph, xy: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = int(param("trip_ends.attach_nearest_nodes"))
        n = len(frame)
        idx = np.zeros((n, k), dtype=np.int64)
        amin = np.full((n, k), np.inf)
        akm = np.full((n, k), np.inf)
        anchors = _anchor(frame)
        in_graph = np.array([a is not None and a in graph.nodes for a in anchors])
        urban_min = float(param("trip_ends.urban_access_minutes"))
        urban_km = float(param("trip_ends.urban_access_km"))
        for row in np.flatnonzero(in_graph):
            idx[row, 0] = graph.index(anchors[row])
            amin[row, 0], akm[row, 0] = urban_min, urban_km
        loose = np.flatnonzero(~in_graph)
        if len(loose):
            node_idx = np.array([graph.index(n) for n in xy.index])
            d = (
                np.hypot(
                    frame["x"].to_numpy(float)[loose, None] - xy["x"].to_numpy()[None, :],
                    frame["y"].to_numpy(float)[loose, None] - xy["y"].to_numpy()[None, :],
                )
                / 1000.0
            )
            kk = min(k, d.shape[1])
            near = np.argsort(d, axis=1, kind="stable")[:, :kk]
            dist = np.take_along_axis(d, near, axis=1)
            road_km = dist * float(param("trip_ends.connector_circuity"))
            idx[loose, :kk] = node_idx[near]
            akm[loose, :kk] = road_km
            amin[loose, :kk] = (
                float(param("trip_ends.rural_terminal_minutes")) + road_km / float(param("trip_ends.connector_speed_kmh")) * 60.0
            )
        return idx, amin, akm

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        graph, xy = self._resolved()
        dmin, dkm = graph.shortest()
        o_idx, o_min, o_km = self._attach(origins, graph, xy)
        s_idx, s_min, s_km = self._attach(sites, graph, xy)
        # origin -> every node: best over the origin's attachment slots
        to_node = np.full((len(origins), len(graph.nodes)), np.inf)
        to_node_km = np.zeros_like(to_node)
        for slot in range(o_idx.shape[1]):
            cand = o_min[:, slot, None] + dmin[o_idx[:, slot], :]
            better = cand < to_node
            to_node = np.where(better, cand, to_node)
            to_node_km = np.where(better, o_km[:, slot, None] + dkm[o_idx[:, slot], :], to_node_km)
        minutes = np.full((len(origins), len(sites)), np.inf)
        km = np.zeros_like(minutes)
        for slot in range(s_idx.shape[1]):
            cand = to_node[:, s_idx[:, slot]] + s_min[None, :, slot]
            better = cand < minutes
            minutes = np.where(better, cand, minutes)
            km = np.where(better, to_node_km[:, s_idx[:, slot]] + s_km[None, :, slot], km)
        if not np.isfinite(minutes).all():
            raise ValueError("graph cost: some origin–site pairs are unreachable in the road graph")
        return TravelMatrix(
            origin_ids=_ids(origins, "origin_id"),
            site_ids=_ids(sites, "site_id"),
            minutes=minutes / self.speed_factor,
            km=km,
            source=np.full(minutes.shape, "graph", dtype=object),
            model=self.name,
            modelled=True,
            note="modelled: road graph of mostly modelled links (geodata/road_links.csv) plus trip-end access",
        )


def _profile_minutes(road_km: np.ndarray, profile: list[list[float | None]]) -> np.ndarray:
    """Minutes to drive ``road_km`` when the first km are slow and later km faster (monotone, concave)."""
    minutes = np.zeros_like(road_km, dtype=float)
    lower = 0.0
    for upper, speed in profile:
        top = np.inf if upper is None else float(upper)
        part = np.clip(road_km - lower, 0.0, top - lower)
        if speed is None:
            raise ValueError("line_model.speed_profile: every band needs a speed")
        minutes += part / float(speed) * 60.0
        lower = top
    return minutes


@dataclass(frozen=True)
class LineCost:
    """(b) Straight line × circuity, driven over the speed profile, plus terminal minutes at both ends."""

    circuity: float | None = None
    profile: tuple[tuple[float | None, float], ...] | None = None
    speed_factor: float = 1.0
    name: str = "line"

    def with_speed(self, factor: float) -> LineCost:
        return replace(self, speed_factor=factor, name=f"line, speeds ×{factor:g}")

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        circuity = float(self.circuity or param("line_model.circuity"))
        profile = [list(p) for p in (self.profile or param("line_model.speed_profile"))]
        km = _straight_km(origins, sites) * circuity
        minutes = _profile_minutes(km, profile) + _terminal_minutes(origins)[:, None] + _terminal_minutes(sites)[None, :]
        return TravelMatrix(
            origin_ids=_ids(origins, "origin_id"),
            site_ids=_ids(sites, "site_id"),
            minutes=minutes / self.speed_factor,
            km=km,
            source=np.full(km.shape, "line", dtype=object),
            model=self.name,
            modelled=True,
            note=f"modelled: straight line × {circuity:g} at a speed profile, plus trip-end minutes",
        )


@dataclass(frozen=True)
class AffineCost:
    """(b') minutes = a + b·km with km = circuity × straight-line km (defaults or a fit)."""

    a: float | None = None
    b: float | None = None
    circuity: float | None = None
    speed_factor: float = 1.0
    name: str = "affine"
    fit: AffineFit | None = None

    @classmethod
    def from_fit(cls, fit: AffineFit) -> AffineCost:
        return cls(a=fit.a, b=fit.b, circuity=fit.circuity, fit=fit, name="affine fit")

    def with_speed(self, factor: float) -> AffineCost:
        return replace(self, speed_factor=factor, name=f"{self.name}, speeds ×{factor:g}")

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        a = float(param("affine_model.intercept_minutes") if self.a is None else self.a)
        b = float(param("affine_model.slope_minutes_per_km") if self.b is None else self.b)
        c = float(self.circuity or param("line_model.circuity"))
        km = _straight_km(origins, sites) * c
        return TravelMatrix(
            origin_ids=_ids(origins, "origin_id"),
            site_ids=_ids(sites, "site_id"),
            minutes=(a + b * km) / self.speed_factor,
            km=km,
            source=np.full(km.shape, "affine", dtype=object),
            model=self.name,
            modelled=True,
            note=f"modelled: minutes = {a:.2f} + {b:.3f}·km, km = {c:.3f} × straight line",
            fit=self.fit,
        )


def fit_affine(straight_km: np.ndarray, minutes: np.ndarray, km: np.ndarray | None = None) -> AffineFit:
    """Least squares: circuity from supplied km (through the origin), then minutes on modelled km.

    Without supplied km the default line circuity is kept, so a and b stay in
    minutes per road km.
    """
    d = np.asarray(straight_km, float)
    t = np.asarray(minutes, float)
    if len(d) < int(param("affine_model.min_fit_pairs")):
        raise ValueError(f"affine fit needs at least {param('affine_model.min_fit_pairs')} supplied pairs; got {len(d)}")
    if km is not None and np.isfinite(km).all() and (d > 0).any():
        circuity = float(np.dot(np.asarray(km, float), d) / np.dot(d, d))
    else:
        circuity = float(param("line_model.circuity"))
    x = d * circuity
    design = np.column_stack([np.ones_like(x), x])
    (a, b), *_ = np.linalg.lstsq(design, t, rcond=None)
    resid = t - (a + b * x)
    ss_tot = float(((t - t.mean()) ** 2).sum())
    return AffineFit(
        a=float(a),
        b=float(b),
        circuity=circuity,
        n=len(d),
        rmse=float(np.sqrt(np.mean(resid**2))),
        mae=float(np.mean(np.abs(resid))),
        max_abs_error=float(np.max(np.abs(resid))),
        r2=float(1 - (resid**2).sum() / ss_tot) if ss_tot > 0 else float("nan"),
    )


def read_travel_matrix(path: str | Path) -> pd.DataFrame:
    """Read and check a long CSV ``origin,site,minutes[,km]`` (e.g. from OSRM or the region's GIS)."""
    frame = pd.read_csv(path, dtype={"origin": str, "site": str})
    missing = [c for c in ("origin", "site", "minutes") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected origin,site,minutes[,km]")
    problems = []
    for col in ("minutes", "km"):
        if col in frame.columns:
            values = pd.to_numeric(frame[col], errors="coerce")
            bad = (values.isna() | (values < 0)).to_numpy()
            if bad.any():
                rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad)[:5])
                problems.append(f"{path}: column {col!r}: missing, non-numeric or negative value at rows {rows}")
            frame[col] = values
    dup = frame.duplicated(["origin", "site"], keep=False).to_numpy()
    if dup.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(dup)[:5])
        problems.append(f"{path}: columns 'origin'/'site': duplicate pair at rows {rows}")
    if problems:
        raise ValueError("travel matrix validation failed:\n  " + "\n  ".join(problems))
    return frame


@dataclass(frozen=True)
class SuppliedMatrixCost:
    """(c) A supplied matrix, verbatim where it has the pair; an affine fit on it everywhere else."""

    table: pd.DataFrame = field(repr=False)
    speed_factor: float = 1.0
    name: str = "supplied matrix"

    @classmethod
    def from_file(cls, path: str | Path) -> SuppliedMatrixCost:
        return cls(table=read_travel_matrix(path), name=f"supplied matrix ({Path(path).name})")

    def with_speed(self, factor: float) -> SuppliedMatrixCost:
        return replace(self, speed_factor=factor, name=f"{self.name}, speeds ×{factor:g}")

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        o_ids, s_ids = _ids(origins, "origin_id"), _ids(sites, "site_id")
        o_pos = {o: i for i, o in enumerate(o_ids)}
        s_pos = {s: j for j, s in enumerate(s_ids)}
        tab = self.table[self.table["origin"].isin(o_pos) & self.table["site"].isin(s_pos)]
        oi = tab["origin"].map(o_pos).to_numpy(dtype=np.int64)
        sj = tab["site"].map(s_pos).to_numpy(dtype=np.int64)
        straight = _straight_km(origins, sites)
        has_km = "km" in tab.columns and tab["km"].notna().all()
        shape = (len(o_ids), len(s_ids))
        covered = np.zeros(shape, dtype=bool)
        covered[oi, sj] = True
        fit = None
        if covered.all():
            minutes = np.zeros(shape)
            km = np.full(shape, np.nan)
            if not has_km:
                km = straight * float(param("line_model.circuity"))
            source = np.full(shape, "supplied", dtype=object)
        else:
            fit = fit_affine(straight[oi, sj], tab["minutes"].to_numpy(float), tab["km"].to_numpy(float) if has_km else None)
            filled = AffineCost.from_fit(fit).matrix(origins, sites)
            minutes, km = filled.minutes.copy(), filled.km.copy()
            source = np.full(shape, "fitted", dtype=object)
        minutes[oi, sj] = tab["minutes"].to_numpy(float)
        if has_km:
            km[oi, sj] = tab["km"].to_numpy(float)
        source[oi, sj] = "supplied"
        note = "supplied travel-time matrix used verbatim"
        if fit is not None:
            note += f"; {int((~covered).sum())} of {covered.size} pairs modelled by {fit.describe()}"
        return TravelMatrix(
            origin_ids=o_ids,
            site_ids=s_ids,
            minutes=minutes / self.speed_factor,
            km=km,
            source=source,
            model=self.name,
            modelled=not covered.all(),
            note=note,
            fit=fit,
        )


def cost_model(spec: str | Path = "graph") -> CostModel:
    """``graph`` (the book's road model: the region's published cell-hub minutes, the calibrated road model
    elsewhere; alias ``region``), ``calibrated`` (the calibrated model only), ``road-links`` (the uncalibrated
    graph of road_links.csv), ``line``, ``affine`` or a path to a supplied ``origin,site,minutes[,km]`` CSV."""
    from analysis.chapters.travel.model.region import CalibratedCost, RegionCost

    text = str(spec)
    if text in ("graph", "region"):
        return RegionCost()
    if text == "calibrated":
        return CalibratedCost()
    if text == "road-links":
        return GraphCost()
    if text == "line":
        return LineCost()
    if text == "affine":
        return AffineCost()
    if Path(text).exists():
        return SuppliedMatrixCost.from_file(text)
    raise ValueError(f"cost model {text!r}: expected graph, region, calibrated, road-links, line, affine or an existing CSV file")
