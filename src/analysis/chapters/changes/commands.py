"""Command-line subcommands the changes chapter adds to ``python -m analysis`` (looked up by name)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path


def _diff(argv: Sequence[str]) -> int:
    from analysis.chapters.changes.diff import ResultsFolderError, compare, rows, write_csv

    parser = argparse.ArgumentParser(
        prog="python -m analysis diff",
        description="Compare the key figures of two editions: every key of every page's results JSON.",
    )
    parser.add_argument("old", type=Path, help="the previous edition's results folder (e.g. a copy of _build/results)")
    parser.add_argument("new", type=Path, help="this edition's results folder (e.g. _build/results)")
    parser.add_argument(
        "--threshold", type=float, default=1.0, help="a number counts as changed above this %% of its old value (default 1)"
    )
    parser.add_argument(
        "--out", type=Path, help="also write the changes as CSV (page, figure, kind, old, new, change, change_pct)"
    )
    args = parser.parse_args(list(argv))
    try:
        diff = compare(args.old, args.new, args.threshold)
    except (ResultsFolderError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    for r in rows(diff):
        pct = "" if r["change_pct"] is None else f" ({r['change_pct']:+g} %)"
        change = "" if r["change"] is None else f"  change {r['change']:+g}{pct}"
        print(f"{r['page']}: {r['figure']} [{r['kind']}]  old {r['old']!r}  new {r['new']!r}{change}")
    for page in diff.only_old:
        print(f"{page}: page only in {args.old}")
    for page in diff.only_new:
        print(f"{page}: page only in {args.new}")
    print(f"{len(diff.changes)} of {diff.compared} figures changed on {len(diff.pages)} pages (threshold {args.threshold:g} %)")
    if args.out:
        print(f"wrote {write_csv(diff, args.out)}")
    return 0


# name -> (one-line help, entry point taking the remaining arguments and returning an exit code)
COMMANDS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "diff": ("what changed between two results folders: diff OLD NEW [--threshold PCT] [--out CSV]", _diff),
}
