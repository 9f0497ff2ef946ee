"""What the template ``notebooks/lanet.md`` calls: ``compute``, ``glue_values``, ``results``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from analysis.chapters.lanet.computation import County, county
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.home import home
from analysis.common.regions import region_name


@dataclass(frozen=True)
class LanetPage:
    region: str
    region_name: str
    county: County


def compute(region: str) -> LanetPage:
    """The page's data; ``geodata/`` describes the home county only, so another region is an error."""
    own = home()
    if region != own.region:
        raise ValueError(
            f"region={region!r}: geodata/ describes {own.county_name} ({own.region}) only; add that county's geodata first"
        )
    return LanetPage(region=region, region_name=region_name(region), county=county())


def glue_values(data: LanetPage) -> dict[str, str]:
    f = data.county.figures
    return {
        "region_name": data.region_name,
        "population": sv_number(f.population_2024),
        "women": sv_number(f.women_15_44_estimate),
        "births": sv_number(f.births_per_year_estimate),
        "births_sourced": sv_number(data.county.births_sourced),
        "births_sourced_year": str(data.county.births_sourced_year),
        "n_tatorter": sv_number(f.tatorter),
        "n_vc": sv_number(f.vardcentraler),
        "n_vc_regional": sv_number(f.vardcentraler_regional),
        "vas_share": sv_pct(f.vasteras_share_of_births_pct, 0),
        "smallest": f.smallest_municipality,
        "smallest_births": sv_number(f.smallest_municipality_births),
    }


def results(data: LanetPage) -> dict[str, Any]:
    return {"region": data.region, **asdict(data.county.figures)}
