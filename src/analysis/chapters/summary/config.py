"""The summary page's configuration (``data/summary.yml``): message kinds, certainty labels, overview measures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA

SUMMARY_FILE = PACKAGE_DATA / "summary.yml"
MESSAGE_KINDS = ("structure", "travel", "municipalities", "vulnerability", "capacity")


@dataclass(frozen=True)
class SummaryConfig:
    certainty_sv: Mapping[str, str]
    messages: Mapping[str, str]  # message kind -> certainty key, in display order
    overview_measures: Mapping[str, str]  # metric key -> short label


@lru_cache(maxsize=4)
def load_summary_config(path: Path | None = None) -> SummaryConfig:
    """The validated summary configuration; errors name the file and the offending entry."""
    source = Path(path or SUMMARY_FILE)
    raw = read_yaml(source)
    certainty = {str(k): str(v) for k, v in (raw.get("certainty_sv") or {}).items()}
    messages = {str(k): str(v) for k, v in (raw.get("messages") or {}).items()}
    for kind, level in messages.items():
        if kind not in MESSAGE_KINDS:
            raise ConfigError(f"{source}: messages: unknown message kind {kind!r} (known: {', '.join(MESSAGE_KINDS)})")
        if level not in certainty:
            raise ConfigError(f"{source}: messages.{kind}: certainty {level!r} is not one of {', '.join(certainty)}")
    measures = {str(k): str(v) for k, v in (raw.get("overview_measures") or {}).items()}
    if not messages or not measures:
        raise ConfigError(f"{source}: needs 'messages' and 'overview_measures'")
    return SummaryConfig(certainty, messages, measures)
