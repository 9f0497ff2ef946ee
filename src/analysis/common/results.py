"""Key figures per page, written as JSON for reviewers, tests and other chapters.

Each page writes ``<results_dir>/<page>.json``. The content is deterministic
(sorted keys, no timestamps) so two builds can be diffed; the options chapter
reads the other chapters' figures from here instead of retyping them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from analysis.common.paths import results_dir


class MissingResultsError(FileNotFoundError):
    """A page needs another page's figures that have not been built yet."""


def plain(value: Any, digits: int = 10) -> Any:
    """Convert numpy/pandas scalars and containers to JSON types; NaN becomes null, floats rounded to ``digits``."""
    if isinstance(value, dict):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, digits) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else round(value, digits)
    if hasattr(value, "item") and callable(value.item):
        return plain(value.item(), digits)
    return value


def write(page: str, figures: dict[str, Any], directory: Path | None = None) -> Path:
    """Write one page's key figures; returns the path."""
    directory = directory or results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{page}.json"
    text = json.dumps(plain(figures), ensure_ascii=False, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read(page: str, directory: Path | None = None) -> dict[str, Any]:
    """Read another page's key figures (raises a clear error if that page has not run)."""
    directory = directory or results_dir()
    path = directory / f"{page}.json"
    if not path.exists():
        raise MissingResultsError(
            f"results for page {page!r} not found at {path}; build that page first (python -m analysis build)"
        )
    return json.loads(path.read_text(encoding="utf-8"))
