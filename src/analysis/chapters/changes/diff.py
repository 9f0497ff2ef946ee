"""Compare two results folders (``_build/results`` of two editions): every key of every page's JSON.

A results file is flattened to ``path -> scalar`` (``cases.base.ranges.beds_freed[1]``). Lists of records
are keyed by their identifying fields when those are unique (``table[region_code=19,indicator=cs_total_pct]``)
so a reordered or extended table does not show as a change of every row. A numeric figure counts as
changed when it moves by more than ``threshold_pct`` per cent of its old value (any move from zero
counts); text, yes/no and missing values count as changed whenever they differ.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Fields that identify a record in a list of records, in the order they are combined.
ID_FIELDS = (
    "region_code",
    "region",
    "indicator",
    "option",
    "case",
    "municipality",
    "outcome",
    "factor",
    "group",
    "p",
    "id",
    "name",
    "code",
)
#: Pages never compared (the changes page itself).
SKIP_PAGES = frozenset({"changes"})
#: Float noise below this is never a change.
ABS_TOLERANCE = 1e-9

Scalar = str | int | float | bool | None


class ResultsFolderError(ValueError):
    """A results folder is missing, empty or holds a file that is not a JSON object."""


@dataclass(frozen=True)
class Change:
    """One figure that differs between the editions. ``kind``: changed, added or removed."""

    page: str
    key: str
    old: Scalar
    new: Scalar
    kind: str

    @property
    def delta(self) -> float | None:
        """New minus old for two numbers, else None."""
        if isinstance(self.old, int) and isinstance(self.new, int) and _number(self.old) and _number(self.new):
            return self.new - self.old
        if _number(self.old) and _number(self.new):
            return float(self.new) - float(self.old)  # type: ignore[arg-type]
        return None

    @property
    def relative_pct(self) -> float | None:
        """The change in per cent of the old value (None when not two numbers or the old value is zero)."""
        d = self.delta
        if d is None or float(self.old) == 0:  # type: ignore[arg-type]
            return None
        return 100 * d / abs(float(self.old))  # type: ignore[arg-type]


@dataclass(frozen=True)
class PageDiff:
    """One page's comparison: how many figures were compared and which changed."""

    page: str
    compared: int
    changes: tuple[Change, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


@dataclass(frozen=True)
class Diff:
    """Every page's comparison, plus pages found in only one edition."""

    threshold_pct: float
    pages: tuple[PageDiff, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for p in self.pages for c in p.changes)

    @property
    def compared(self) -> int:
        return sum(p.compared for p in self.pages)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _record_ids(records: list[dict[str, Any]]) -> tuple[list[str], list[str]] | None:
    """The records' identifying fields and each record's id, or None when they do not identify every record."""
    fields = [f for f in ID_FIELDS if all(isinstance(r.get(f), str | int) and not isinstance(r.get(f), bool) for r in records)]
    if not fields:
        return None
    ids = [",".join(f"{f}={r[f]}" for f in fields) for r in records]
    return (fields, ids) if len(set(ids)) == len(ids) else None


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Scalar]]:
    """``(path, scalar)`` for every leaf; empty containers are leaves shown as ``[]``/``{}``."""
    if isinstance(value, dict):
        if not value:
            yield prefix, "{}"
        for key in sorted(value):
            yield from flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        if not value:
            yield prefix, "[]"
        keyed = _record_ids(value) if value and all(isinstance(v, dict) for v in value) else None
        for i, item in enumerate(value):
            if keyed:  # the id is in the path; its fields are not figures of their own
                fields, ids = keyed
                yield from flatten({k: v for k, v in item.items() if k not in fields}, f"{prefix}[{ids[i]}]")
            else:
                yield from flatten(item, f"{prefix}[{i}]")
    else:
        yield prefix, value


def read_folder(folder: Path) -> dict[str, dict[str, Scalar]]:
    """``{page: {path: value}}`` for every ``<page>.json`` in ``folder`` (clear errors for bad input)."""
    if not folder.is_dir():
        raise ResultsFolderError(f"{folder}: results folder not found (build the book first: python -m analysis build)")
    pages: dict[str, dict[str, Scalar]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.stem in SKIP_PAGES:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResultsFolderError(f"{path}: not readable as JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise ResultsFolderError(f"{path}: expected a JSON object of key figures, found {type(data).__name__}")
        pages[path.stem] = dict(flatten(data))
    if not pages:
        raise ResultsFolderError(f"{folder}: no <page>.json results files")
    return pages


def differs(old: Scalar, new: Scalar, threshold_pct: float) -> bool:
    """The threshold rule (module docstring)."""
    if isinstance(old, bool) != isinstance(new, bool):
        return True  # 1 == True in Python, but a count that became yes/no has changed
    if _number(old) and _number(new):
        o, n = float(old), float(new)  # type: ignore[arg-type]
        if math.isclose(o, n, rel_tol=0, abs_tol=ABS_TOLERANCE):
            return False
        return o == 0 or abs(n - o) > threshold_pct / 100 * abs(o)
    return old != new


def compare_page(page: str, old: dict[str, Scalar], new: dict[str, Scalar], threshold_pct: float) -> PageDiff:
    changes = [Change(page, k, old[k], new[k], "changed") for k in old if k in new and differs(old[k], new[k], threshold_pct)]
    changes += [Change(page, k, None, new[k], "added") for k in new if k not in old]
    changes += [Change(page, k, old[k], None, "removed") for k in old if k not in new]
    return PageDiff(page, len(set(old) & set(new)), tuple(sorted(changes, key=lambda c: c.key)))


def compare(old: Path, new: Path, threshold_pct: float = 1.0) -> Diff:
    """Compare two results folders page by page."""
    if threshold_pct < 0:
        raise ValueError(f"threshold_pct must be >= 0, got {threshold_pct}")
    a, b = read_folder(old), read_folder(new)
    pages = tuple(compare_page(p, a[p], b[p], threshold_pct) for p in sorted(set(a) & set(b)))
    return Diff(threshold_pct, pages, tuple(sorted(set(a) - set(b))), tuple(sorted(set(b) - set(a))))


CSV_COLUMNS = ("page", "figure", "kind", "old", "new", "change", "change_pct")


def rows(diff: Diff) -> list[dict[str, Any]]:
    """One row per change (machine-readable: plain numbers, ``.`` decimals)."""
    return [
        {
            "page": c.page,
            "figure": c.key,
            "kind": c.kind,
            "old": c.old,
            "new": c.new,
            "change": None if c.delta is None else round(c.delta, 10),
            "change_pct": None if c.relative_pct is None else round(c.relative_pct, 3),
        }
        for c in diff.changes
    ]


def write_csv(diff: Diff, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows(diff))
    return path
