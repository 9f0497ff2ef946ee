"""Parameter checks of the changes chapter (looked up by the pipeline by chapter name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.common.paths import project_root


def check_folder(value: Any) -> str | None:
    if value == "":
        return None
    path = Path(value) if Path(value).is_absolute() else project_root() / value
    return None if path.is_dir() else f"results folder {value!r} does not exist"


def check_threshold(value: Any) -> str | None:
    return None if isinstance(value, int | float) and value >= 0 else f"must be a number >= 0, got {value!r}"


def check_max_rows(value: Any) -> str | None:
    return None if isinstance(value, int) and value >= 1 else f"must be a whole number >= 1, got {value!r}"


CHECKS = {"previous": check_folder, "current": check_folder, "threshold_pct": check_threshold, "max_rows": check_max_rows}
