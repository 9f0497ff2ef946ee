"""``analysis travel-matrix``: write the long origin–site travel matrix as CSV.

For analysts who want the matrix outside the book (GIS, spreadsheets) or who
want to check it against a routing engine and feed corrections back in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.costs import cost_model
from analysis.chapters.travel.model.origins import default_origins, grid_origins
from analysis.chapters.travel.model.sites import resolve_sites


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis travel-matrix",
        description="Travel km and minutes from every origin (tätorter and rural points, or grid cells) to every site.",
    )
    parser.add_argument(
        "--sites",
        default=",".join(param("location.proposed_hubs")),
        help="comma-separated site_ids from geodata/sites.csv or tätort names (town point); default: the proposed hubs",
    )
    parser.add_argument("--cost", default="graph", help="graph (default), line, affine, or a CSV origin,site,minutes[,km]")
    parser.add_argument("--population", default=None, help="population grid (SCB 'Statistik på rutor' CSV or GeoPackage)")
    parser.add_argument("--no-rural", action="store_true", help="tätorter only: leave out the rural lattice points")
    parser.add_argument("--speed-factor", type=float, default=1.0, help="multiply all speeds (e.g. 0.9 for 10%% slower)")
    parser.add_argument("--out", required=True, help="output CSV path, or '-' for standard output")
    return parser


def travel_matrix_cli(argv: Sequence[str] | None = None) -> int:
    """Entry point for the ``travel-matrix`` subcommand; returns a process exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        origins = grid_origins(args.population) if args.population else default_origins(rural=not args.no_rural)
        sites = resolve_sites(args.sites)
        model = cost_model(args.cost)
        if args.speed_factor != 1.0:
            model = model.with_speed(args.speed_factor)
        tm = model.matrix(origins, sites)
    except (ValueError, KeyError, OSError) as exc:
        print(f"travel-matrix: {exc}", file=sys.stderr)
        return 2
    table = tm.long()[["origin", "site", "km", "minutes"]]
    table["km"] = np.round(table["km"].to_numpy(float), 2)
    table["minutes"] = np.round(table["minutes"].to_numpy(float), 2)
    if args.out == "-":
        table.to_csv(sys.stdout, index=False)
    else:
        table.to_csv(args.out, index=False)
    print(f"travel-matrix: {len(origins)} origins × {len(sites)} sites, {tm.note}", file=sys.stderr)
    return 0


main = travel_matrix_cli
