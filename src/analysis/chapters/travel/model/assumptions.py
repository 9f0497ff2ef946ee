"""The travel chapter's assumptions, read from ``data/travel_assumptions.yml``.

Numbers live in the YAML file (value, unit, source, reason) so the page can show
them as a table and a reviewer can change one without reading code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.common.paths import PACKAGE_DATA

ASSUMPTIONS_FILE = PACKAGE_DATA / "travel_assumptions.yml"
_FIELDS = ("value", "unit", "source", "reason")
LABELS = "labels"  # the section of Swedish display labels: not an assumption


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of sections")
    for section, entries in data.items():
        if section == LABELS:
            continue
        for key, entry in entries.items():
            missing = [f for f in _FIELDS if f not in entry]
            if missing:
                raise ValueError(f"{path}: {section}.{key} lacks {', '.join(missing)}")
    return data


def param(key: str, path: Path | None = None) -> Any:
    """The value of ``section.name`` (e.g. ``"trip_ends.urban_access_minutes"``)."""
    section, _, name = key.partition(".")
    data = _load(path or ASSUMPTIONS_FILE)
    try:
        return data[section][name]["value"]
    except KeyError:
        raise KeyError(f"travel assumption {key!r} not in {path or ASSUMPTIONS_FILE}") from None


def labels(path: Path | None = None) -> dict[str, Any]:
    """The ``labels`` section: the Swedish names the page shows for site sets, weights, scenarios …"""
    data = _load(path or ASSUMPTIONS_FILE)
    if not isinstance(data.get(LABELS), dict):
        raise KeyError(f"travel labels section {LABELS!r} not in {path or ASSUMPTIONS_FILE}")
    return data[LABELS]


def assumptions_table(path: Path | None = None) -> pd.DataFrame:
    """All assumptions as a tidy table for the page (section, name, value, unit, source, reason)."""
    rows = []
    for section, entries in _load(path or ASSUMPTIONS_FILE).items():
        if section == LABELS:
            continue
        for name, entry in entries.items():
            rows.append({"section": section, "name": name, **{f: entry[f] for f in _FIELDS}})
    out = pd.DataFrame(rows)
    out["value"] = out["value"].map(str)
    return out
