"""``analysis travel-matrix``: write the long origin–site travel matrix as CSV.

For analysts who want the matrix outside the book (GIS, spreadsheets) or who
want to check it against a routing engine and feed corrections back in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.costs import TravelMatrix, cost_model
from analysis.chapters.travel.model.origins import grid_origins
from analysis.chapters.travel.model.region import region_origins, tatort_cells
from analysis.chapters.travel.model.sites import resolve_sites


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis travel-matrix",
        description="Travel km and minutes from every tätort (the 1 km cell containing its point) or every populated "
        "1 km cell to every site, exactly as the book computes them.",
    )
    parser.add_argument(
        "--sites",
        default=",".join(param("location.proposed_hubs")),
        help="comma-separated site_ids from geodata/sites.csv or tätort names (town point); default: the proposed hubs",
    )
    parser.add_argument(
        "--origins",
        choices=("tatort", "grid"),
        default="tatort",
        help="tatort (default): one row per tätort × site, from the cell containing the tätort's point; "
        "grid: one row per populated cell × site",
    )
    parser.add_argument(
        "--cost",
        default="graph",
        help="graph (default: the region's minutes where published, the calibrated road model elsewhere), calibrated, "
        "road-links, line, affine, or a CSV origin,site,minutes[,km] keyed by cell id",
    )
    parser.add_argument("--population", default=None, help="population grid (SCB 'Statistik på rutor' CSV or GeoPackage)")
    parser.add_argument("--speed-factor", type=float, default=1.0, help="multiply all speeds (e.g. 0.9 for 10%% slower)")
    parser.add_argument("--out", required=True, help="output CSV path, or '-' for standard output")
    return parser


def _table(tm: TravelMatrix, origins: pd.DataFrame, mode: str) -> pd.DataFrame:
    long = tm.long()
    long["km"] = np.round(long["km"].to_numpy(float), 2)
    long["minutes"] = np.round(long["minutes"].to_numpy(float), 2)
    if mode == "grid":
        pop = origins.set_index(origins["origin_id"].astype(str))["population"]
        long["population"] = long["origin"].map(pop).to_numpy(float)
        return long[["origin", "population", "site", "km", "minutes", "source"]]
    cells = pd.DataFrame(
        {
            "rut_id": origins["origin_id"].astype(str),
            "x": origins["x"],
            "y": origins["y"],
            "population_2024": origins["population"],
        }
    )
    lookup = tatort_cells(cells=cells)
    by_cell = long.set_index("origin")
    parts = []
    for town, cell in lookup.items():
        part = by_cell.loc[[cell]].reset_index(names="cell")
        part.insert(0, "origin", town)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[["origin", "cell", "site", "km", "minutes", "source"]]


def travel_matrix_cli(argv: Sequence[str] | None = None) -> int:
    """Entry point for the ``travel-matrix`` subcommand; returns a process exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        origins = grid_origins(args.population) if args.population else region_origins()
        sites = resolve_sites(args.sites)
        model = cost_model(args.cost)
        if args.speed_factor != 1.0:
            model = model.with_speed(args.speed_factor)
        tm = model.matrix(origins, sites)
        table = _table(tm, origins, args.origins)
    except (ValueError, KeyError, OSError) as exc:
        print(f"travel-matrix: {exc}", file=sys.stderr)
        return 2
    if args.out == "-":
        table.to_csv(sys.stdout, index=False)
    else:
        table.to_csv(args.out, index=False)
    print(f"travel-matrix: {table['origin'].nunique()} origins × {len(sites)} sites, {tm.note}", file=sys.stderr)
    return 0


main = travel_matrix_cli
