"""What ``notebooks/changes.md`` calls: compare this build's results with the previous edition's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.chapters.changes import text
from analysis.chapters.changes.diff import Diff, compare
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.paths import PACKAGE_DATA, project_root, results_dir

#: The previous edition's results, kept in the package so the page reruns when they are replaced.
PREVIOUS_DIR = PACKAGE_DATA / "previous_results"


@dataclass(frozen=True)
class Edition:
    """Which edition the stored results are (``edition.yml`` beside them)."""

    label: str
    built_from: str


@dataclass(frozen=True)
class ChangesPage:
    diff: Diff
    previous: Edition
    max_rows: int


def _folder(value: str, default: Path) -> Path:
    """``""`` = ``default``; otherwise a folder (relative paths from the project root)."""
    if not value:
        return default
    path = Path(value)
    return path if path.is_absolute() else project_root() / path


def edition(folder: Path) -> Edition:
    path = folder / "edition.yml"
    if not path.exists():
        return Edition(label=folder.name, built_from="")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "label" not in data:
        raise ValueError(f"{path}: expected a mapping with 'label' (and optionally 'built_from')")
    return Edition(label=str(data["label"]), built_from=str(data.get("built_from", "")))


def compute(previous: str = "", current: str = "", threshold_pct: float = 1.0, max_rows: int = 100) -> ChangesPage:
    """``previous``: the stored previous edition unless a folder is given; ``current``: this build's results."""
    folder = _folder(previous, PREVIOUS_DIR)
    diff = compare(folder, _folder(current, results_dir()), threshold_pct)
    return ChangesPage(diff=diff, previous=edition(folder), max_rows=max_rows)


def glue_values(data: ChangesPage) -> dict[str, Any]:
    d = data.diff
    return {
        "summary": text.summary(d, data.previous.label),
        "previous_label": data.previous.label,
        "previous_built_from": data.previous.built_from or text.label("unknown_origin"),
        "threshold": sv_pct(d.threshold_pct, 0 if float(d.threshold_pct).is_integer() else 1),
        "n_compared": sv_number(d.compared),
        "n_pages": sv_number(len(d.pages)),
        "max_rows": sv_number(data.max_rows),
        "pages_only": text.pages_only(d.only_old, d.only_new),
    }


def results(data: ChangesPage) -> dict[str, Any]:
    d = data.diff
    return {
        "previous_edition": data.previous.label,
        "threshold_pct": d.threshold_pct,
        "compared": d.compared,
        "changed": sum(p.count("changed") for p in d.pages),
        "added": sum(p.count("added") for p in d.pages),
        "removed": sum(p.count("removed") for p in d.pages),
        "pages": {
            p.page: {
                "compared": p.compared,
                "changed": p.count("changed"),
                "added": p.count("added"),
                "removed": p.count("removed"),
            }
            for p in d.pages
        },
        "only_previous": list(d.only_old),
        "only_this": list(d.only_new),
    }
