"""The chapter's labels and fixed choices, read from ``data/lanet.yml`` (one place for each)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from analysis.common.config import ConfigError, read_yaml, require
from analysis.common.paths import PACKAGE_DATA

LANET_FILE = PACKAGE_DATA / "lanet.yml"

TABLE_KEYS = ("municipality", "population", "women", "births", "births_share", "density", "vardcentraler", "total")
MAP_KEYS = ("births", "population", "town_size", "town_population", "sites", "name", "site_type", "town")
SITE_CATEGORIES = ("hospital_delivery", "hospital", "vardcentral_bmm", "vardcentral")


@dataclass(frozen=True)
class LanetConfig:
    """Site-category labels (legend order), hub towns, the main municipality, table and map labels."""

    site_categories: MappingProxyType[str, str]
    hub_towns: tuple[str, ...]
    main_municipality: str
    table: MappingProxyType[str, str]
    map: MappingProxyType[str, str]


def _labels(raw: Any, keys: tuple[str, ...], where: str) -> MappingProxyType[str, str]:
    missing = [k for k in keys if not isinstance(raw, dict) or k not in raw]
    if missing:
        raise ConfigError(f"{where}: missing label(s) {', '.join(missing)}")
    return MappingProxyType({str(k): str(v) for k, v in raw.items()})


@lru_cache(maxsize=1)
def load() -> LanetConfig:
    raw = read_yaml(LANET_FILE, "lanet")
    where = f"{LANET_FILE}: lanet"
    hubs = require(raw, "hub_towns", where)
    if not isinstance(hubs, list) or not hubs:
        raise ConfigError(f"{where}: hub_towns must be a non-empty list of town names")
    return LanetConfig(
        site_categories=_labels(require(raw, "site_categories", where), SITE_CATEGORIES, f"{where}.site_categories"),
        hub_towns=tuple(str(h) for h in hubs),
        main_municipality=str(require(raw, "main_municipality", where)),
        table=_labels(require(raw, "table", where), TABLE_KEYS, f"{where}.table"),
        map=_labels(require(raw, "map", where), MAP_KEYS, f"{where}.map"),
    )
