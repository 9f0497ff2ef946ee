"""The home county the book is about, read from ``data/home.yml`` (one place for the fact)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA

HOME_FILE = PACKAGE_DATA / "home.yml"


@dataclass(frozen=True)
class Home:
    region: str
    county_name: str
    region_name: str
    municipalities: tuple[str, ...]


@lru_cache(maxsize=1)
def home() -> Home:
    raw = read_yaml(HOME_FILE, "home")
    try:
        return Home(
            region=str(raw["region"]),
            county_name=str(raw["county_name"]),
            region_name=str(raw["region_name"]),
            municipalities=tuple(str(m) for m in raw["municipalities"]),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{HOME_FILE}: entry 'home' needs region, county_name, region_name, municipalities ({exc})") from exc


HOME_REGION: str = home().region
COUNTY_NAME: str = home().county_name
HOME_MUNICIPALITIES: tuple[str, ...] = home().municipalities
