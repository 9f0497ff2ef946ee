"""``python -m analysis.chapters.travel.model travel-matrix …`` until the package CLI wires the subcommand."""

import sys

from analysis.chapters.travel.model.cli import travel_matrix_cli

if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv[:1] == ["travel-matrix"]:
        argv = argv[1:]
    sys.exit(travel_matrix_cli(argv))
