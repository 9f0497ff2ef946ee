"""Site sets: the delivery unit, hub towns, BMM sites, or any list an option defines.

A site is a point with an id, a town (to join the road graph) and SWEREF 99 TM
coordinates. Names given by a user resolve to a site_id first, then to a
tätort's representative point, so an option can name towns it has no address for.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

SITE_COLUMNS = ("site_id", "name", "site_type", "town", "municipality_code", "x", "y", "lat", "lon")
SITE_SETS = {
    "delivery": ("hospital_delivery",),
    "hospitals": ("hospital_delivery", "hospital"),
    "bmm": ("bmm", "vardcentral"),
}


def _from_sites_table(sites: pd.DataFrame) -> pd.DataFrame:
    out = sites.rename(columns={"sweref99tm_x": "x", "sweref99tm_y": "y"}).copy()
    out["municipality_code"] = out["municipality_code"].astype(str)
    return out[list(SITE_COLUMNS)]


def town_sites(towns: Sequence[str], localities: pd.DataFrame) -> pd.DataFrame:
    """Sites at tätort representative points (site_id = town name), e.g. hub candidates."""
    table = localities.set_index("locality")
    unknown = [t for t in towns if t not in table.index]
    if unknown:
        raise ValueError(f"unknown town(s) {', '.join(unknown)}; expected SCB tätort names from localities.csv")
    rows = table.loc[list(towns)]
    return pd.DataFrame(
        {
            "site_id": list(towns),
            "name": list(towns),
            "site_type": "town",
            "town": list(towns),
            "municipality_code": rows["municipality_code"].astype(str).to_numpy(),
            "x": rows["sweref99tm_x"].to_numpy(float),
            "y": rows["sweref99tm_y"].to_numpy(float),
            "lat": rows["lat"].to_numpy(float),
            "lon": rows["lon"].to_numpy(float),
        }
    )


def resolve_sites(
    spec: str | Sequence[str],
    sites: pd.DataFrame | None = None,
    localities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn ``"Västerås,H_KOP,Sala"`` (or a list) into site rows: a site_id match wins, else the town's point."""
    from analysis.common import geodata

    tokens = [t.strip() for t in (spec.split(",") if isinstance(spec, str) else spec) if str(t).strip()]
    if not tokens:
        raise ValueError("no sites given")
    sites = geodata.sites() if sites is None else sites
    localities = geodata.localities() if localities is None else localities
    by_id = _from_sites_table(sites).set_index("site_id", drop=False)
    towns = set(localities["locality"])
    parts = []
    for token in tokens:
        if token in by_id.index:
            parts.append(by_id.loc[[token]])
        elif token in towns:
            parts.append(town_sites([token], localities))
        else:
            raise ValueError(
                f"site {token!r} is neither a site_id in sites.csv nor a tätort name; site_ids: {', '.join(by_id.index[:8])}, …"
            )
    out = pd.concat(parts, ignore_index=True)
    if out["site_id"].duplicated().any():
        raise ValueError(f"site listed twice: {', '.join(out.loc[out['site_id'].duplicated(), 'site_id'])}")
    return out


def site_set(kind: str, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Named sets from sites.csv: ``delivery``, ``hospitals`` or ``bmm`` (vårdcentraler as BMM candidates)."""
    from analysis.common import geodata

    if kind not in SITE_SETS:
        raise ValueError(f"unknown site set {kind!r}; choose from {', '.join(SITE_SETS)}")
    sites = geodata.sites() if sites is None else sites
    chosen = sites[sites["site_type"].isin(SITE_SETS[kind])]
    return _from_sites_table(chosen).reset_index(drop=True)


def standard_site_sets(sites: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """The chapter's comparisons as site_id lists: Västerås only, Västerås + the three hospital hubs, BMM today."""
    from analysis.common import geodata

    sites = geodata.sites() if sites is None else sites
    delivery = site_set("delivery", sites)["site_id"].tolist()
    hospitals = site_set("hospitals", sites)["site_id"].tolist()
    return {
        "Västerås only": delivery,
        "Västerås + Köping, Fagersta, Sala": hospitals,
        "BMM today (vårdcentraler)": site_set("bmm", sites)["site_id"].tolist(),
    }


def standard_sites(sites: pd.DataFrame | None = None, localities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every site the chapter uses: hospitals, BMM candidates and the hub candidate towns' points."""
    from analysis.chapters.travel.model.location import default_candidates
    from analysis.common import geodata

    sites = geodata.sites() if sites is None else sites
    localities = geodata.localities() if localities is None else localities
    return pd.concat(
        [site_set("hospitals", sites), site_set("bmm", sites), town_sites(default_candidates(localities), localities)],
        ignore_index=True,
    )
