"""Where hubs would serve best: exact p-median and maximal-coverage location.

Both models choose ``p`` open sites among candidate towns with some sites
forced open (Västerås). They are solved exactly two ways: a MILP with HiGHS
(``scipy.optimize.milp``) and, when the candidate set is small, exhaustive
enumeration, which also ranks the proposed set among all alternatives.
Ties are broken deterministically: maximal coverage prefers, among equally
covering sets, the one with the lowest weighted mean minutes; enumeration
keeps the first set in lexicographic order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack, identity

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.costs import TravelMatrix
from analysis.chapters.travel.model.metrics import _weights

_REL_TOL = 1e-9


@dataclass(frozen=True)
class LocationSolution:
    """An optimal set of open sites and what it achieves."""

    model: str
    p: int
    open_sites: tuple[int, ...]
    mean_minutes: float
    weight_within: float
    share_within: float
    radius_minutes: float
    method: str
    optimal: bool


def _prepare(cost: np.ndarray, weights: np.ndarray, p: int, forced: Sequence[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    cost = np.asarray(cost, float)
    weights = np.asarray(weights, float)
    forced = sorted(set(int(f) for f in forced))
    m = cost.shape[1]
    if not 1 <= p <= m:
        raise ValueError(f"p must be between 1 and the number of candidates ({m}); got {p}")
    if len(forced) > p:
        raise ValueError(f"{len(forced)} sites are forced open but p = {p}")
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive total")
    keep = weights > 0
    return cost[keep], weights[keep] / weights[keep].sum(), forced


def _evaluate(cost: np.ndarray, w: np.ndarray, open_sites: Sequence[int], radius: float) -> tuple[float, float]:
    best = cost[:, list(open_sites)].min(axis=1)
    return float(np.dot(best, w)), float(w[best <= radius].sum())


def _solution(
    model: str, cost: np.ndarray, w: np.ndarray, open_sites: Sequence[int], radius: float, method: str, total: float
) -> LocationSolution:
    mean, share = _evaluate(cost, w, open_sites, radius)
    return LocationSolution(
        model=model,
        p=len(open_sites),
        open_sites=tuple(sorted(int(j) for j in open_sites)),
        mean_minutes=mean,
        weight_within=share * total,
        share_within=share,
        radius_minutes=radius,
        method=method,
        optimal=True,
    )


def _assignment_blocks(n: int, m: int) -> tuple[csr_matrix, csr_matrix]:
    """Rows Σ_j x_ij = 1 and x_ij − y_j ≤ 0 for variables [y (m), x (n·m)]."""
    rows = np.repeat(np.arange(n), m)
    cols = m + np.arange(n * m)
    assign = coo_matrix((np.ones(n * m), (rows, cols)), shape=(n, m + n * m)).tocsr()
    link_rows = np.concatenate([np.arange(n * m), np.arange(n * m)])
    link_cols = np.concatenate([cols, np.tile(np.arange(m), n)])
    values = np.concatenate([np.ones(n * m), -np.ones(n * m)])
    link = coo_matrix((values, (link_rows, link_cols)), shape=(n * m, m + n * m)).tocsr()
    return assign, link


def _widen(con: LinearConstraint, extra: int) -> LinearConstraint:
    """The same constraint over ``extra`` more (zero-coefficient) variables."""
    a = csr_matrix(con.A)
    return LinearConstraint(hstack([a, csr_matrix((a.shape[0], extra))]).tocsr(), con.lb, con.ub)


def _solve(
    c: np.ndarray, constraints: list[LinearConstraint], lb: np.ndarray, ub: np.ndarray, integrality: np.ndarray
) -> np.ndarray:
    res = milp(c, constraints=constraints, bounds=Bounds(lb, ub), integrality=integrality, options={"mip_rel_gap": 0.0})
    if not res.success or res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    return res.x


def p_median_milp(
    cost: np.ndarray,
    weights: np.ndarray,
    p: int,
    forced: Sequence[int] = (),
    radius: float | None = None,
    min_coverage: float | None = None,
) -> LocationSolution:
    """Minimise weighted mean minutes to the nearest open site (exact, HiGHS).

    With ``min_coverage`` (a share of weight), sets must also keep that share
    within ``radius``: the tie-break stage of maximal coverage.
    """
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    total = float(np.asarray(weights, float).sum())
    cost_k, w, forced = _prepare(cost, weights, p, forced)
    n, m = cost_k.shape
    assign, link = _assignment_blocks(n, m)
    count = csr_matrix(np.concatenate([np.ones(m), np.zeros(n * m)])[None, :])
    constraints = [LinearConstraint(assign, 1, 1), LinearConstraint(link, -np.inf, 0), LinearConstraint(count, p, p)]
    c = np.concatenate([np.zeros(m), (cost_k * w[:, None]).ravel()])
    lb = np.zeros(m + n * m)
    ub = np.ones(m + n * m)
    lb[forced] = 1
    integrality = np.concatenate([np.ones(m), np.zeros(n * m)])
    if min_coverage is not None:
        # extra variables z_i (covered): z_i <= sum_j a_ij y_j and sum_i w_i z_i >= target
        cover = csr_matrix((cost_k <= radius).astype(float))
        constraints = [_widen(con, n) for con in constraints]
        link_z = hstack([-cover, csr_matrix((n, n * m)), identity(n, format="csr")]).tocsr()
        target = csr_matrix(np.concatenate([np.zeros(m + n * m), w])[None, :])
        constraints += [LinearConstraint(link_z, -np.inf, 0), LinearConstraint(target, min_coverage * (1 - _REL_TOL), np.inf)]
        c = np.concatenate([c, np.zeros(n)])
        lb = np.concatenate([lb, np.zeros(n)])
        ub = np.concatenate([ub, np.ones(n)])
        integrality = np.concatenate([integrality, np.zeros(n)])
    x = _solve(c, constraints, lb, ub, integrality)
    chosen = np.flatnonzero(x[:m] > 0.5)
    model = "p_median" if min_coverage is None else "max_coverage"
    return _solution(model, cost_k, w, [int(i) for i in chosen], radius, "milp", total)


def max_coverage_milp(
    cost: np.ndarray, weights: np.ndarray, p: int, forced: Sequence[int] = (), radius: float | None = None
) -> LocationSolution:
    """Maximise the weight within ``radius`` minutes of an open site; ties go to the lowest mean minutes."""
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    cost_k, w, forced_k = _prepare(cost, weights, p, forced)
    n, m = cost_k.shape
    cover = csr_matrix((cost_k <= radius).astype(float))
    link = hstack([-cover, identity(n, format="csr")]).tocsr()  # z_i - Σ a_ij y_j <= 0
    count = csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    lb = np.zeros(m + n)
    lb[forced_k] = 1
    x = _solve(
        np.concatenate([np.zeros(m), -w]),
        [LinearConstraint(link, -np.inf, 0), LinearConstraint(count, p, p)],
        lb,
        np.ones(m + n),
        np.concatenate([np.ones(m), np.zeros(n)]),
    )
    best_share = float(np.dot(w, x[m:]))
    return p_median_milp(cost, weights, p, forced, radius, min_coverage=best_share)


def _combinations(m: int, p: int, forced: Sequence[int]) -> np.ndarray:
    free = [j for j in range(m) if j not in set(forced)]
    k = p - len(forced)
    combos = np.fromiter(itertools.chain.from_iterable(itertools.combinations(free, k)), dtype=np.int64)
    return combos.reshape(-1, k) if k else np.zeros((1, 0), dtype=np.int64)


def enumerate_all(
    cost: np.ndarray, weights: np.ndarray, p: int, forced: Sequence[int] = (), radius: float | None = None
) -> pd.DataFrame:
    """Every admissible set with its weighted mean minutes and share within ``radius`` (exhaustive)."""
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    cost_k, w, forced = _prepare(cost, weights, p, forced)
    n, m = cost_k.shape
    combos = _combinations(m, p, forced)
    base = cost_k[:, forced].min(axis=1) if forced else np.full(n, np.inf)
    means = np.empty(len(combos))
    shares = np.empty(len(combos))
    batch = max(1, 2_000_000 // max(n, 1))
    by_site = np.ascontiguousarray(cost_k.T)  # a site's column as one row: gathering whole rows is far faster
    for start in range(0, len(combos), batch):
        part = combos[start : start + batch]
        best = np.broadcast_to(base, (len(part), n)).copy()
        for t in range(part.shape[1]):
            np.minimum(best, by_site[part[:, t]], out=best)
        means[start : start + len(part)] = best @ w
        shares[start : start + len(part)] = (best <= radius) @ w
    sets = [tuple(sorted([*forced, *map(int, row)])) for row in combos]
    return pd.DataFrame({"open_sites": sets, "mean_minutes": means, "share_within": shares})


def enumerate_best(
    cost: np.ndarray, weights: np.ndarray, p: int, forced: Sequence[int] = (), radius: float | None = None
) -> tuple[LocationSolution, LocationSolution]:
    """Exact p-median and maximal-coverage optima by enumeration (same tie rules as the MILP)."""
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    total = float(np.asarray(weights, float).sum())
    table = enumerate_all(cost, weights, p, forced, radius)
    cost_k, w, _ = _prepare(cost, weights, p, forced)
    pm = int(np.argmin(table["mean_minutes"].to_numpy()))
    shares = table["share_within"].to_numpy()
    top = shares >= shares.max() * (1 - _REL_TOL) - 1e-15
    means = np.where(top, table["mean_minutes"].to_numpy(), np.inf)
    mc = int(np.argmin(means))
    return (
        _solution("p_median", cost_k, w, table["open_sites"][pm], radius, "enumeration", total),
        _solution("max_coverage", cost_k, w, table["open_sites"][mc], radius, "enumeration", total),
    )


def default_candidates(localities: pd.DataFrame | None = None) -> list[str]:
    """Tätorter large enough to host a hub, plus the forced and proposed towns, largest first."""
    from analysis.common import geodata

    localities = geodata.localities() if localities is None else localities
    big = localities[localities["pop_2020"] >= float(param("location.candidate_min_population"))]
    names = list(big.sort_values(["pop_2020", "locality"], ascending=[False, True])["locality"])
    for extra in [*param("location.forced_open"), *param("location.proposed_hubs")]:
        if extra not in names:
            names.append(extra)
    return names


def _n_combinations(m: int, p: int, forced: int) -> int:
    return math.comb(m - forced, p - forced) if p >= forced else 0


def optimise_hubs(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    candidates: Sequence[str] | None = None,
    forced: Sequence[str] | None = None,
    p_values: Sequence[int] | None = None,
    radius: float | None = None,
    method: str = "auto",
    weight_column: str = "weight",
) -> pd.DataFrame:
    """Best hub sets for each p: p-median (min weighted mean minutes) and maximal coverage within ``radius``.

    ``tm`` must hold the candidate towns as site ids (``town_sites``/``standard_sites``).

    ``method``: ``milp``, ``enumeration``, ``auto`` (enumeration while the number
    of sets is below the configured limit) or ``both`` (solve both ways and
    raise if their optima differ).
    """
    candidates = list(candidates or default_candidates())
    forced = list(param("location.forced_open") if forced is None else forced)
    p_values = list(p_values or param("location.p_values"))
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    w = _weights(tm, origins, weight_column)
    cost = tm.select(candidates).minutes
    forced_idx = [candidates.index(f) for f in forced]
    limit = int(param("location.enumeration_max_combinations"))
    rows = []
    for p in p_values:
        if p < len(forced_idx) or p > len(candidates):
            continue
        small = _n_combinations(len(candidates), p, len(forced_idx)) <= limit
        use_enum = method == "enumeration" or (method in ("auto", "both") and small)
        solutions: list[LocationSolution] = []
        if method in ("milp", "both") or not use_enum:
            solutions += [p_median_milp(cost, w, p, forced_idx, radius), max_coverage_milp(cost, w, p, forced_idx, radius)]
        if use_enum:
            enum = list(enumerate_best(cost, w, p, forced_idx, radius))
            if method == "both":
                for a, b in zip(solutions, enum, strict=True):
                    value = "mean_minutes" if a.model == "p_median" else "share_within"
                    if not math.isclose(getattr(a, value), getattr(b, value), rel_tol=1e-7, abs_tol=1e-9):
                        raise RuntimeError(f"{a.model} p={p}: MILP {getattr(a, value)} != enumeration {getattr(b, value)}")
            solutions = enum if method != "both" else solutions
        for s in solutions:
            rows.append(
                {
                    "model": s.model,
                    "p": p,
                    "sites": ", ".join(candidates[j] for j in s.open_sites),
                    "mean_minutes": s.mean_minutes,
                    "share_within": s.share_within,
                    "weight_within": s.weight_within,
                    "radius_minutes": radius,
                    "method": s.method if method != "both" else "milp = enumeration",
                    "n_candidates": len(candidates),
                    "n_sets": _n_combinations(len(candidates), p, len(forced_idx)),
                    "cost_model": tm.model,
                    "modelled": True,
                }
            )
    return pd.DataFrame(rows)


def proposed_gap(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    proposed: Sequence[str] | None = None,
    candidates: Sequence[str] | None = None,
    forced: Sequence[str] | None = None,
    radius: float | None = None,
    weight_column: str = "weight",
) -> pd.DataFrame:
    """Is the proposed hub set optimal for its size? Gap in mean minutes and in women within ``radius``.

    One row per model (p-median, maximal coverage) with the proposed and the
    optimal sets, the gaps and the proposed set's rank among all admissible
    sets (1 = optimal; ties share a rank).
    """
    proposed = list(param("location.proposed_hubs") if proposed is None else proposed)
    candidates = list(candidates or default_candidates())
    for town in proposed:
        if town not in candidates:
            candidates.append(town)
    forced = list(param("location.forced_open") if forced is None else forced)
    radius = float(param("metrics.coverage_minutes") if radius is None else radius)
    w = _weights(tm, origins, weight_column)
    cost = tm.select(candidates).minutes
    forced_idx = [candidates.index(f) for f in forced]
    p = len(proposed)
    prop_idx = [candidates.index(t) for t in proposed]
    table = enumerate_all(cost, w, p, forced_idx, radius)
    total = float(w.sum())
    prop_mean, prop_share = _evaluate(cost[w > 0], w[w > 0] / total, prop_idx, radius)
    pm, mc = enumerate_best(cost, w, p, forced_idx, radius)
    rows = []
    for sol, value in ((pm, "mean_minutes"), (mc, "share_within")):
        values = table[value].to_numpy()
        if value == "mean_minutes":
            rank = int((values < prop_mean * (1 - _REL_TOL)).sum()) + 1
        else:
            rank = int((values > prop_share * (1 + _REL_TOL)).sum()) + 1
        rows.append(
            {
                "model": sol.model,
                "p": p,
                "proposed_sites": ", ".join(proposed),
                "optimal_sites": ", ".join(candidates[j] for j in sol.open_sites),
                "proposed_mean_minutes": prop_mean,
                "optimal_mean_minutes": sol.mean_minutes,
                "gap_mean_minutes": prop_mean - sol.mean_minutes,
                "proposed_weight_within": prop_share * total,
                "optimal_weight_within": sol.weight_within,
                "gap_weight_within": sol.weight_within - prop_share * total,
                "radius_minutes": radius,
                "is_optimal": rank == 1,
                "rank": rank,
                "n_sets": len(table),
                "cost_model": tm.model,
                "modelled": True,
            }
        )
    return pd.DataFrame(rows)
