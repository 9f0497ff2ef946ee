"""Command-line subcommands the travel chapter adds to ``python -m analysis`` (looked up by name)."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def _travel_matrix(argv: Sequence[str]) -> int:
    from analysis.chapters.travel.model.cli import main

    return main(list(argv))


# name -> (one-line help, entry point taking the remaining arguments and returning an exit code)
COMMANDS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "travel-matrix": ("origin × site travel times (see --help)", _travel_matrix),
}
