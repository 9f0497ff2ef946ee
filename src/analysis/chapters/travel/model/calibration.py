"""A road model calibrated on the region's published cell times, for every pair the region's data does not cover.

Structure (the facts it rests on are in ``travel_assumptions.yml``, section ``calibrated_road``):

- the road graph of ``geodata/road_links.csv`` with each link driven at ``speed factor × posted limit`` of its road
  class (one factor per class, fitted);
- a trip end from a point to a graph town (any of its k nearest) or straight to the destination: straight line ×
  circuity, at an urban speed inside the town's radius (from the tätort's land area, so the access part grows with
  settlement size) and at a rural speed beyond it (both fitted);
- an access/trip-end constant at the destination (fitted).

The free parameters are fitted by least squares (``scipy.optimize.least_squares``) to the region's minutes from
the four hub sites to every cell that has them. :func:`leave_one_municipality_out` refits with one municipality's
cells held out and predicts them, so its errors are out of sample.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.network import REFERENCE_CLASS, RoadGraph, load_road_links

ROAD_CLASSES = ("motorway", "national", "county", "local")
PARAM_NAMES = (*(f"speed_factor_{c}" for c in ROAD_CLASSES), "urban_kmh", "rural_kmh", "access_minutes")


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """The static part of the model: graph, link classes and km, node positions and urban radii (km)."""

    graph: RoadGraph
    edge_class: np.ndarray
    node_x: np.ndarray
    node_y: np.ndarray
    node_radius_km: np.ndarray
    attachable: np.ndarray

    @classmethod
    def from_files(cls, links: pd.DataFrame | None = None, localities: pd.DataFrame | None = None) -> RoadNetwork:
        from analysis.common import geodata

        links = load_road_links() if links is None else links
        localities = geodata.localities() if localities is None else localities
        edges = links[links["road_class"] != REFERENCE_CLASS]
        graph = RoadGraph.from_links(links)
        loc = localities.set_index("locality")
        known = np.array([n in loc.index for n in graph.nodes])
        pick = [n if n in loc.index else loc.index[0] for n in graph.nodes]
        area_ha = loc.loc[pick, "land_area_ha"].astype(float).fillna(0.0).to_numpy()
        return cls(
            graph=graph,
            edge_class=edges["road_class"].map({c: i for i, c in enumerate(ROAD_CLASSES)}).to_numpy(dtype=np.int64),
            node_x=np.where(known, loc.loc[pick, "sweref99tm_x"].to_numpy(float), np.nan),
            node_y=np.where(known, loc.loc[pick, "sweref99tm_y"].to_numpy(float), np.nan),
            node_radius_km=np.where(known, np.sqrt(area_ha * 1e4 / np.pi) / 1000.0, 0.0),
            attachable=known,
        )

    def edge_minutes(self, factors: np.ndarray) -> np.ndarray:
        limits = np.array([float(param("calibrated_road.posted_limits_kmh")[c]) for c in ROAD_CLASSES])
        speed = limits[self.edge_class] * np.asarray(factors, float)[self.edge_class]
        return self.graph.edge_km / speed * 60.0

    def node_minutes(self, factors: np.ndarray) -> np.ndarray:
        n = len(self.graph.nodes)
        m = csr_matrix((self.edge_minutes(factors), (self.graph.edge_from, self.graph.edge_to)), shape=(n, n))
        return dijkstra(m, directed=False)


@dataclass(frozen=True, eq=False)
class Attachment:
    """Straight-line km from points to their k nearest graph towns (and the towns' radii)."""

    node: np.ndarray
    km: np.ndarray
    radius_km: np.ndarray


def attach(net: RoadNetwork, x: np.ndarray, y: np.ndarray, k: int | None = None) -> Attachment:
    k = int(k or param("trip_ends.attach_nearest_nodes"))
    idx = np.flatnonzero(net.attachable)
    d = np.hypot(
        np.asarray(x, float)[:, None] - net.node_x[idx][None, :], np.asarray(y, float)[:, None] - net.node_y[idx][None, :]
    )
    near = np.argsort(d, axis=1, kind="stable")[:, :k]
    nodes = idx[near]
    return Attachment(node=nodes, km=np.take_along_axis(d, near, axis=1) / 1000.0, radius_km=net.node_radius_km[nodes])


def leg_minutes(km: np.ndarray, radius_km: np.ndarray, urban_kmh: float, rural_kmh: float) -> np.ndarray:
    """Straight-line km × circuity: the part inside the town's radius at the urban speed, the rest at the rural."""
    c = float(param("calibrated_road.trip_end_circuity"))
    inner = np.minimum(km, radius_km)
    return (inner / urban_kmh + (km - inner) / rural_kmh) * c * 60.0


@dataclass(frozen=True)
class RoadParams:
    """The fitted parameters (see :data:`PARAM_NAMES`)."""

    values: tuple[float, ...]

    @classmethod
    def initial(cls) -> RoadParams:
        return cls(tuple(float(v) for v in param("calibrated_road.initial")))

    def as_dict(self) -> dict[str, float]:
        return dict(zip(PARAM_NAMES, self.values, strict=True))


@dataclass(frozen=True, eq=False)
class Geometry:
    """What does not depend on the parameters: attachments of points and sites, straight-line km between them."""

    origins: Attachment
    sites: Attachment
    straight_km: np.ndarray


def geometry(net: RoadNetwork, ox: np.ndarray, oy: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> Geometry:
    ox, oy, sx, sy = (np.asarray(v, float) for v in (ox, oy, sx, sy))
    straight = np.hypot(ox[:, None] - sx[None, :], oy[:, None] - sy[None, :]) / 1000.0
    return Geometry(attach(net, ox, oy), attach(net, sx, sy), straight)


def predict_geometry(net: RoadNetwork, p: np.ndarray, geo: Geometry, dnode: np.ndarray | None = None) -> np.ndarray:
    """Minutes from every point to every site of ``geo`` under parameters ``p``."""
    urban, rural, access = float(p[4]), float(p[5]), float(p[6])
    dnode = net.node_minutes(p[:4]) if dnode is None else dnode
    oa, sa = geo.origins, geo.sites
    o_leg = leg_minutes(oa.km, oa.radius_km, urban, rural)
    s_leg = leg_minutes(sa.km, sa.radius_km, urban, rural)
    node_to_site = np.min(dnode[:, sa.node] + s_leg[None, :, :], axis=2)  # graph node -> site, best site end
    via = np.min(o_leg[:, :, None] + node_to_site[oa.node, :], axis=1)
    radius = np.broadcast_to(sa.radius_km[:, 0][None, :], geo.straight_km.shape)
    direct = leg_minutes(geo.straight_km, radius, urban, rural)
    return np.minimum(via, direct) + access


def predict(net: RoadNetwork, p: np.ndarray, ox: np.ndarray, oy: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Minutes from every point (ox, oy) to every site (sx, sy) under parameters ``p``."""
    return predict_geometry(net, np.asarray(p, float), geometry(net, ox, oy, sx, sy))


@dataclass(frozen=True)
class Observations:
    """The region's minutes as a long table: cell position, municipality, hub index, minutes."""

    x: np.ndarray
    y: np.ndarray
    municipality_code: np.ndarray
    hub: np.ndarray
    minutes: np.ndarray
    hub_x: np.ndarray
    hub_y: np.ndarray
    hub_names: tuple[str, ...]


def region_observations(cells: pd.DataFrame | None = None, hubs: pd.DataFrame | None = None) -> Observations:
    """Every (cell, hub) pair with a published time; hubs are the hospital sites of the four hub towns."""
    from analysis.common import geodata

    cells = geodata.grid_cells() if cells is None else cells
    hubs = hub_sites() if hubs is None else hubs
    parts = []
    for j, town in enumerate(hubs["town"]):
        col = geodata.GRID_HUB_COLUMNS[str(town)]
        has = cells[col].notna().to_numpy()
        parts.append((cells.loc[has], np.full(int(has.sum()), j), cells.loc[has, col].to_numpy(float)))
    return Observations(
        x=np.concatenate([p[0]["x"].to_numpy(float) for p in parts]),
        y=np.concatenate([p[0]["y"].to_numpy(float) for p in parts]),
        municipality_code=np.concatenate([p[0]["municipality_code"].astype(str).to_numpy() for p in parts]),
        hub=np.concatenate([p[1] for p in parts]),
        minutes=np.concatenate([p[2] for p in parts]),
        hub_x=hubs["x"].to_numpy(float),
        hub_y=hubs["y"].to_numpy(float),
        hub_names=tuple(str(t) for t in hubs["town"]),
    )


def hub_sites() -> pd.DataFrame:
    """The hospital sites of the towns the region publishes times from (site_id, town, x, y)."""
    from analysis.common import geodata

    sites = geodata.sites()
    towns = list(geodata.GRID_HUB_COLUMNS)
    hubs = sites[sites["site_type"].str.startswith("hospital") & sites["town"].isin(towns)]
    hubs = hubs.set_index("town").loc[towns].reset_index()
    return pd.DataFrame({"site_id": hubs["site_id"], "town": hubs["town"], "x": hubs["sweref99tm_x"], "y": hubs["sweref99tm_y"]})


def _subset(obs: Observations, mask: np.ndarray) -> Observations:
    return replace(
        obs,
        x=obs.x[mask],
        y=obs.y[mask],
        municipality_code=obs.municipality_code[mask],
        hub=obs.hub[mask],
        minutes=obs.minutes[mask],
    )


def _hub_geometry(net: RoadNetwork, obs: Observations, whole: Geometry | None = None) -> list[tuple[np.ndarray, Geometry]]:
    """Per hub: the observations of that hub and their geometry. ``whole`` (from :func:`_observation_geometry`
    of these observations) gives the same geometry by taking rows, as every row's attachment is its own."""
    out = []
    for j in range(len(obs.hub_names)):
        m = np.flatnonzero(obs.hub == j)
        if whole is None:
            out.append((m, geometry(net, obs.x[m], obs.y[m], obs.hub_x[j : j + 1], obs.hub_y[j : j + 1])))
            continue
        a = whole.origins
        origins = Attachment(node=a.node[m], km=a.km[m], radius_km=a.radius_km[m])
        sites = attach(net, obs.hub_x[j : j + 1], obs.hub_y[j : j + 1])
        out.append((m, Geometry(origins, sites, whole.straight_km[m, j : j + 1])))
    return out


def _observation_geometry(net: RoadNetwork, obs: Observations) -> Geometry:
    """Every observation's attachment, and its straight-line km to every hub (rows: observations)."""
    return geometry(net, obs.x, obs.y, obs.hub_x, obs.hub_y)


class _NodeMinutes:
    """``net.node_minutes`` remembered for the last few speed factors (a numerical Jacobian varies the other
    parameters at the same factors, and each call gives the same matrix for the same factors)."""

    def __init__(self, net: RoadNetwork) -> None:
        self.net = net
        self.seen: dict[bytes, np.ndarray] = {}

    def __call__(self, factors: np.ndarray) -> np.ndarray:
        key = np.asarray(factors, float).tobytes()
        if key not in self.seen:
            if len(self.seen) >= 16:
                self.seen.clear()
            self.seen[key] = self.net.node_minutes(np.asarray(factors, float))
        return self.seen[key]


def predict_observations(
    net: RoadNetwork,
    p: np.ndarray,
    obs: Observations,
    geo: list[tuple[np.ndarray, Geometry]] | None = None,
    dnode: np.ndarray | None = None,
) -> np.ndarray:
    """Predicted minutes of each observation (cell × its hub); ``dnode``: ``net.node_minutes(p[:4])`` if known."""
    geo = _hub_geometry(net, obs) if geo is None else geo
    dnode = net.node_minutes(np.asarray(p, float)[:4]) if dnode is None else dnode
    out = np.empty(len(obs.minutes))
    for rows, g in geo:
        out[rows] = predict_geometry(net, np.asarray(p, float), g, dnode)[:, 0]
    return out


def fit(
    obs: Observations, net: RoadNetwork | None = None, start: RoadParams | None = None, whole: Geometry | None = None
) -> RoadParams:
    """Least-squares fit of the free parameters to the observed minutes (soft-L1 loss, bounded); ``whole``: see
    :func:`_hub_geometry`."""
    net = net or default_network()
    x0 = np.array((start or RoadParams.initial()).values, float)
    lo = np.array([float(v) for v in param("calibrated_road.lower")])
    hi = np.array([float(v) for v in param("calibrated_road.upper")])
    geo = _hub_geometry(net, obs, whole)
    node_minutes = _NodeMinutes(net)
    res = least_squares(
        lambda p: predict_observations(net, p, obs, geo, node_minutes(np.asarray(p, float)[:4])) - obs.minutes,
        np.clip(x0, lo, hi),
        bounds=(lo, hi),
        loss="soft_l1",
        f_scale=3.0,
        diff_step=1e-3,
        xtol=1e-4,
        ftol=1e-4,
        max_nfev=100,
    )
    return RoadParams(tuple(float(v) for v in res.x))


def _errors(err: np.ndarray) -> dict[str, float]:
    return {
        "n": int(len(err)),
        "mae": float(np.mean(np.abs(err))),
        "p90_abs": float(np.quantile(np.abs(err), 0.9)),
        "bias": float(np.mean(err)),
    }


@dataclass(frozen=True)
class Calibration:
    """The full-data fit and its in-sample and leave-one-municipality-out errors per municipality."""

    params: RoadParams
    errors: pd.DataFrame
    n_observations: int
    n_cells: int


def leave_one_municipality_out(
    obs: Observations, net: RoadNetwork | None = None, start: RoadParams | None = None
) -> dict[str, np.ndarray]:
    """Per municipality: the errors (model − region) of its observations predicted by a fit that never saw them."""
    net = net or default_network()
    whole = _observation_geometry(net, obs)  # attached once; each subset takes its rows
    out = {}
    for code in sorted(set(obs.municipality_code)):
        held = obs.municipality_code == code
        p = fit(_subset(obs, ~held), net, start, _take(whole, ~held))
        geo = _hub_geometry(net, _subset(obs, held), _take(whole, held))
        out[code] = predict_observations(net, np.array(p.values), _subset(obs, held), geo) - obs.minutes[held]
    return out


def _take(geo: Geometry, mask: np.ndarray) -> Geometry:
    """The rows ``mask`` selects of a geometry whose rows are points."""
    a = geo.origins
    return Geometry(Attachment(a.node[mask], a.km[mask], a.radius_km[mask]), geo.sites, geo.straight_km[mask])


def calibrate(obs: Observations | None = None, net: RoadNetwork | None = None, params: RoadParams | None = None) -> Calibration:
    """Fit on every observation (or take ``params``, that fit), then LOMO; one row per municipality plus a county
    row (code ``all``)."""
    net = net or default_network()
    obs = region_observations() if obs is None else obs
    p = params or fit(obs, net)
    inside = predict_observations(net, np.array(p.values), obs) - obs.minutes
    lomo = leave_one_municipality_out(obs, net, p)
    rows = []
    for code in sorted(lomo):
        held = obs.municipality_code == code
        rows.append({"municipality_code": code, **{f"in_{k}": v for k, v in _errors(inside[held]).items()},
                     **{f"lomo_{k}": v for k, v in _errors(lomo[code]).items() if k != "n"}})  # fmt: skip
    all_lomo = np.concatenate([lomo[c] for c in sorted(lomo)])
    rows.append({"municipality_code": "all", **{f"in_{k}": v for k, v in _errors(inside).items()},
                 **{f"lomo_{k}": v for k, v in _errors(all_lomo).items() if k != "n"}})  # fmt: skip
    n_cells = len({(a, b) for a, b in zip(obs.x, obs.y, strict=True)})
    return Calibration(p, pd.DataFrame(rows), len(obs.minutes), n_cells)


@lru_cache(maxsize=1)
def default_network() -> RoadNetwork:
    return RoadNetwork.from_files()


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    """The calibration on the embedded data (computed once per process, a few seconds)."""
    from analysis.chapters.travel.model.region import region_fit

    return calibrate(params=region_fit())
