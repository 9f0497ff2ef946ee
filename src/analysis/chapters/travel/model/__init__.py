"""Travel chapter: how far women live from Västerås and from hubs, and where hubs would serve best.

Pipeline: origins (where women live) × sites (a set an option defines) →
a cost model (road graph, straight line, or a supplied matrix) → a
:class:`TravelMatrix` → access metrics, travel burden and hub location.
Every travel time is a modelled estimate unless a supplied matrix says otherwise.
"""

from analysis.chapters.travel.model.assumptions import assumptions_table, param
from analysis.chapters.travel.model.burden import annual_burden, burden_change
from analysis.chapters.travel.model.cli import travel_matrix_cli
from analysis.chapters.travel.model.costs import (
    AffineCost,
    AffineFit,
    CostModel,
    GraphCost,
    LineCost,
    SuppliedMatrixCost,
    TravelMatrix,
    cost_model,
    fit_affine,
    read_travel_matrix,
)
from analysis.chapters.travel.model.location import (
    LocationSolution,
    default_candidates,
    enumerate_all,
    enumerate_best,
    max_coverage_milp,
    optimise_hubs,
    p_median_milp,
    proposed_gap,
)
from analysis.chapters.travel.model.metrics import (
    AccessMetrics,
    access_metrics,
    compare_site_sets,
    coverage_change,
    default_scenarios,
    distribution,
    metrics_by_municipality,
    nearest_by_set,
    nearest_site,
    sensitivity,
    weighted_quantile,
)
from analysis.chapters.travel.model.network import (
    RoadGraph,
    RoadLinksError,
    load_road_links,
    sourced_distance_check,
    validate_road_links,
)
from analysis.chapters.travel.model.origins import (
    add_weights,
    default_origins,
    grid_origins,
    read_population_grid,
    rural_points,
    tatort_origins,
)
from analysis.chapters.travel.model.region import (
    CalibratedCost,
    RegionCost,
    region_fit,
    region_origins,
    tatort_cells,
)
from analysis.chapters.travel.model.sites import (
    resolve_sites,
    site_set,
    standard_site_sets,
    standard_sites,
    town_sites,
)

__all__ = [
    "AccessMetrics",
    "AffineCost",
    "AffineFit",
    "CalibratedCost",
    "CostModel",
    "GraphCost",
    "LineCost",
    "LocationSolution",
    "RegionCost",
    "RoadGraph",
    "RoadLinksError",
    "SuppliedMatrixCost",
    "TravelMatrix",
    "access_metrics",
    "add_weights",
    "annual_burden",
    "assumptions_table",
    "burden_change",
    "compare_site_sets",
    "cost_model",
    "coverage_change",
    "default_candidates",
    "default_origins",
    "default_scenarios",
    "distribution",
    "enumerate_all",
    "enumerate_best",
    "fit_affine",
    "grid_origins",
    "load_road_links",
    "max_coverage_milp",
    "metrics_by_municipality",
    "nearest_by_set",
    "nearest_site",
    "optimise_hubs",
    "p_median_milp",
    "param",
    "proposed_gap",
    "read_population_grid",
    "read_travel_matrix",
    "region_fit",
    "region_origins",
    "resolve_sites",
    "rural_points",
    "sensitivity",
    "site_set",
    "sourced_distance_check",
    "standard_site_sets",
    "standard_sites",
    "tatort_cells",
    "tatort_origins",
    "town_sites",
    "travel_matrix_cli",
    "validate_road_links",
    "weighted_quantile",
]  # fmt: skip
