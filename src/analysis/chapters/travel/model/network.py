"""The road graph between tätorter: loading, validation and shortest paths.

The graph is small (about 50 towns, 60 links) and mostly modelled, so it is
validated hard on load: a misspelt town or a duplicated link would silently
change every travel time in the chapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from analysis.chapters.travel.model.assumptions import param
from analysis.common.geodata import GeodataError
from analysis.common.paths import geodata_dir

REFERENCE_CLASS = "reference_only"
_TIE_BREAK = 1e-6  # minutes per km: prefers the shorter of two equally fast routes
REQUIRED_COLUMNS = ("from_locality", "to_locality", "road_class", "km", "minutes", "km_quality", "minutes_quality", "source")


class RoadLinksError(GeodataError):
    """road_links.csv breaks its contract; the message names file, column and rows."""


def _rows(mask: np.ndarray, limit: int = 6) -> str:
    idx = [int(i) + 2 for i in np.flatnonzero(mask)]
    shown = ", ".join(map(str, idx[:limit])) + (f" (+{len(idx) - limit} more)" if len(idx) > limit else "")
    return ("row " if len(idx) == 1 else "rows ") + shown


def default_links_path() -> Path:
    return geodata_dir() / "road_links.csv"


def validate_road_links(links: pd.DataFrame, known_towns: Iterable[str], path: str | Path = "road_links.csv") -> None:
    """Raise :class:`RoadLinksError` listing every broken row (unknown towns, bad numbers, duplicates, gaps)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in links.columns]
    if missing:
        raise RoadLinksError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, links.columns))}")
    known = set(known_towns)
    problems: list[str] = []
    edge = (links["road_class"] != REFERENCE_CLASS).to_numpy()
    for col in ("from_locality", "to_locality"):
        bad = edge & ~links[col].isin(known).to_numpy()
        if bad.any():
            names = sorted(set(links.loc[bad, col].astype(str)))
            problems.append(f"{path}: column {col!r}: unknown town name(s) {', '.join(names)} at {_rows(bad)}")
    for col in ("km", "minutes"):
        values = pd.to_numeric(links[col], errors="coerce").to_numpy()
        bad = edge & ~(values > 0)
        if bad.any():
            problems.append(f"{path}: column {col!r}: missing, non-numeric or non-positive value at {_rows(bad)}")
        ref_bad = ~edge & links[col].notna().to_numpy() & ~(values > 0)
        if ref_bad.any():
            problems.append(f"{path}: column {col!r}: non-positive value on a reference row at {_rows(ref_bad)}")
    loop = edge & (links["from_locality"] == links["to_locality"]).to_numpy()
    if loop.any():
        problems.append(f"{path}: columns 'from_locality'/'to_locality': link from a town to itself at {_rows(loop)}")
    pair = links["from_locality"].astype(str).combine(links["to_locality"].astype(str), lambda a, b: "|".join(sorted((a, b))))
    dup = edge & pair.where(edge).duplicated(keep=False).to_numpy() & pair.notna().to_numpy()
    if dup.any():
        shown = sorted(set(pair[dup]))
        problems.append(f"{path}: columns 'from_locality'/'to_locality': duplicate link(s) {', '.join(shown)} at {_rows(dup)}")
    if "link_id" in links.columns:
        dup_id = links["link_id"].duplicated(keep=False).to_numpy()
        if dup_id.any():
            problems.append(f"{path}: column 'link_id': duplicate id(s) at {_rows(dup_id)}")
    if not problems:
        edges = links[edge]
        nodes = sorted(set(edges["from_locality"]) | set(edges["to_locality"]))
        index = {n: i for i, n in enumerate(nodes)}
        adj = csr_matrix(
            (np.ones(len(edges)), (edges["from_locality"].map(index), edges["to_locality"].map(index))),
            shape=(len(nodes), len(nodes)),
        )
        n_comp, labels = connected_components(adj, directed=False)
        if n_comp > 1:
            main = np.bincount(labels).argmax()
            cut = [n for n, lab in zip(nodes, labels, strict=True) if lab != main]
            problems.append(f"{path}: the road graph is disconnected; not reachable from the main network: {', '.join(cut)}")
        absent = sorted(known - set(nodes) - set(param("road_network.external_nodes")))
        if absent:
            problems.append(f"{path}: columns 'from_locality'/'to_locality': tätort(s) with no link: {', '.join(absent)}")
    if problems:
        raise RoadLinksError("road links validation failed:\n  " + "\n  ".join(problems))


def load_road_links(path: Path | None = None, localities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate ``geodata/road_links.csv`` (edges plus ``reference_only`` check rows)."""
    path = path or default_links_path()
    if not Path(path).exists():
        raise RoadLinksError(f"{path}: file not found")
    links = pd.read_csv(path, dtype={"from_locality": str, "to_locality": str, "road_class": str})
    if localities is None:
        from analysis.common.geodata import localities as load_localities

        localities = load_localities()
    known = set(localities["locality"]) | set(param("road_network.external_nodes"))
    validate_road_links(links, known, path)
    for col in ("km", "minutes"):
        links[col] = pd.to_numeric(links[col], errors="coerce")
    return links


@dataclass(frozen=True)
class RoadGraph:
    """An undirected road graph with minutes and km per link."""

    nodes: tuple[str, ...]
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_minutes: np.ndarray
    edge_km: np.ndarray

    @classmethod
    def from_links(cls, links: pd.DataFrame) -> RoadGraph:
        """Build from a links table; ``reference_only`` rows are checks, not edges."""
        edges = links[links["road_class"] != REFERENCE_CLASS] if "road_class" in links.columns else links
        nodes = tuple(sorted(set(edges["from_locality"]) | set(edges["to_locality"])))
        index = {n: i for i, n in enumerate(nodes)}
        return cls(
            nodes=nodes,
            edge_from=edges["from_locality"].map(index).to_numpy(dtype=np.int64),
            edge_to=edges["to_locality"].map(index).to_numpy(dtype=np.int64),
            edge_minutes=edges["minutes"].to_numpy(dtype=float),
            edge_km=edges["km"].to_numpy(dtype=float),
        )

    def index(self, name: str) -> int:
        try:
            return self.nodes.index(name)
        except ValueError:
            raise KeyError(f"{name!r} is not a node of the road graph") from None

    def _matrix(self, weights: np.ndarray) -> csr_matrix:
        n = len(self.nodes)
        return csr_matrix((weights, (self.edge_from, self.edge_to)), shape=(n, n))

    def shortest(self, sources: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fastest-path minutes and the km along those paths, sources × all nodes.

        Km follow the fastest route (what a driver takes), not the shortest one.
        Equal-time routes are split by a negligible km term so the choice, and
        hence km, is the same in both directions.
        """
        src = np.arange(len(self.nodes)) if sources is None else np.asarray(sources, dtype=np.int64)
        weights = self.edge_minutes + _TIE_BREAK * self.edge_km
        dist, pred = dijkstra(self._matrix(weights), directed=False, indices=src, return_predecessors=True)
        n = len(self.nodes)
        edge_min = np.full((n, n), np.inf)
        edge_km = np.full((n, n), np.inf)
        for a, b, t, k in zip(self.edge_from, self.edge_to, self.edge_minutes, self.edge_km, strict=True):
            edge_min[a, b] = edge_min[b, a] = t
            edge_km[a, b] = edge_km[b, a] = k
        minutes = np.full_like(dist, np.inf)
        km = np.full_like(dist, np.inf)
        for row in range(len(src)):
            minutes[row, src[row]] = km[row, src[row]] = 0.0
            for v in np.argsort(dist[row], kind="stable"):
                p = pred[row, v]
                if p >= 0:
                    minutes[row, v] = minutes[row, p] + edge_min[p, v]
                    km[row, v] = km[row, p] + edge_km[p, v]
        return minutes, km

    def shortest_km(self) -> np.ndarray:
        """Shortest-distance km between all nodes (for checks against sourced road distances)."""
        return dijkstra(self._matrix(self.edge_km), directed=False)

    def all_pairs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Node × node fastest minutes and their km as labelled tables."""
        minutes, km = self.shortest()
        return (
            pd.DataFrame(minutes, index=list(self.nodes), columns=list(self.nodes)),
            pd.DataFrame(km, index=list(self.nodes), columns=list(self.nodes)),
        )


def sourced_distance_check(links: pd.DataFrame, graph: RoadGraph | None = None, tolerance: float = 0.10) -> pd.DataFrame:
    """Compare every sourced road distance in the links file with the graph's route km.

    Rows with a sourced km (graph edges and ``reference_only`` statements) whose
    two ends are graph nodes; ``within_tolerance`` says whether the fastest route's
    km is within ``tolerance`` of the sourced figure.
    """
    graph = graph or RoadGraph.from_links(links)
    km_q = links["km_quality"].fillna("").astype(str)
    rows = links[km_q.str.startswith("sourced") & links["km"].notna()]
    rows = rows[rows["from_locality"].isin(graph.nodes) & rows["to_locality"].isin(graph.nodes)]
    minutes, route_km = graph.shortest()
    short_km = graph.shortest_km()
    out = []
    for _, r in rows.iterrows():
        i, j = graph.index(r["from_locality"]), graph.index(r["to_locality"])
        out.append(
            {
                "link_id": r.get("link_id"),
                "from": r["from_locality"],
                "to": r["to_locality"],
                "sourced_km": float(r["km"]),
                "route_km": float(route_km[i, j]),
                "shortest_km": float(short_km[i, j]),
                "route_minutes": float(minutes[i, j]),
                "source": r["source"],
            }
        )
    out_df = pd.DataFrame(out)
    if len(out_df):
        out_df["ratio"] = out_df["route_km"] / out_df["sourced_km"]
        out_df["within_tolerance"] = (out_df["ratio"] - 1).abs() <= tolerance
    return out_df
