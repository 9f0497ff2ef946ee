"""Swedish county (region) codes and names, shared by every chapter."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.common.home import HOME_REGION  # noqa: F401  (re-exported: the one home region)
from analysis.common.paths import PACKAGE_DATA


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """The 21 regions: 2-digit ``code``, official ``name``, ``name_mfr`` as MFR tables spell it."""
    return pd.read_csv(PACKAGE_DATA / "regions.csv", dtype=str)


def region_codes() -> list[str]:
    return regions()["code"].tolist()


@lru_cache(maxsize=1)
def _mfr_names() -> dict[str, str]:
    table = regions()
    return dict(zip(table["code"], table["name_mfr"].map(str), strict=True))


def region_name(code: str) -> str:
    """Short name (as in MFR tables), e.g. ``"19"`` -> ``"Västmanland"``."""
    names = _mfr_names()
    if code not in names:
        raise ValueError(f"unknown region code {code!r}; allowed: {', '.join(region_codes())}")
    return names[code]


def code_for_mfr_name(name: str) -> str:
    table = regions().set_index("name_mfr")
    if name not in table.index:
        raise ValueError(f"unknown MFR region name {name!r}")
    return str(table.loc[name, "code"])
