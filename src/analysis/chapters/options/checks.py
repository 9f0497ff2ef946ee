"""Parameter checks of the options chapter (looked up by the pipeline by chapter name)."""

from __future__ import annotations

from typing import Any


def check_option(value: Any) -> str | None:
    from analysis.chapters.options.config import option_keys

    keys = option_keys()
    return None if value in keys else f"must be one of {', '.join(keys)} (defined in options.yml)"


CHECKS = {"option": check_option}
