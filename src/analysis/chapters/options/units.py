"""Units, their staffing and placement on the vårdcentraler, per option and case."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.options.config import Case, Config, Option, OptionsConfigError, load_config
from analysis.chapters.options.demand import moved_visits_per_birth
from analysis.chapters.options.geography import geography, town_xy
from analysis.chapters.travel.model.within_town import town_vardcentraler
from analysis.common.formatting import round_half_up

# --------------------------------------------------------------------------- units and staffing

UNIT_COLUMNS = (
    "option", "case", "unit_id", "role", "label_sv", "town", "municipality_code", "municipality", "narområde",
    "site_id", "site_name", "team", "births_local", "births_team", "need_fte", "moved_fte", "midwives",
    "min_required", "max_allowed", "over_max", "narsjukvard", "births_per_midwife",
)  # fmt: skip


def apportion_today(count: int, births: Mapping[str, float], capacity: Mapping[str, int]) -> dict[str, int]:
    """Units per municipality: one each, the rest by D'Hondt on births, never more than its vårdcentraler."""
    codes = sorted(births)
    if count < len(codes):
        raise ValueError(f"{count} units cannot give each of {len(codes)} municipalities one")
    if count > sum(capacity.get(c, 0) for c in codes):
        raise ValueError(f"{count} units exceed the {sum(capacity.values())} vårdcentraler available")
    missing = [c for c in codes if capacity.get(c, 0) < 1]
    if missing:
        raise ValueError(f"municipality {', '.join(missing)} has no vårdcentral for a BMM")
    k = {c: 1 for c in codes}
    for _ in range(count - len(codes)):
        open_codes = [c for c in codes if k[c] < capacity[c]]
        best = max(open_codes, key=lambda c: (births[c] / (k[c] + 1), -codes.index(c)))
        k[best] += 1
    return k


@lru_cache(maxsize=256)
def place_in_town(town: str, k: int) -> tuple[str, ...]:
    """Sites for ``k`` units in one town: the k of the town's vårdcentraler that minimise the mean
    straight-line distance from every vårdcentral of the town to its nearest chosen one (a p-median in which
    each vårdcentral stands for an equal share of the town's population). Ties: the BMM listed in
    sites.csv first, then the lowest site ids. A town without vårdcentral keeps its tätort point."""
    from itertools import combinations

    from analysis.common import geodata

    if k < 1:
        return ()
    vcs = list(town_vardcentraler(town))
    if not vcs:
        return tuple([town] * k)
    if k >= len(vcs):
        return tuple(vcs + [vcs[i % len(vcs)] for i in range(k - len(vcs))])
    sites = geodata.sites().set_index("site_id")
    listed = {str(i) for i in sites.index[sites["bmm_listed"].astype(str) == "yes"]}
    xy = np.array([[float(sites.loc[v, "sweref99tm_x"]), float(sites.loc[v, "sweref99tm_y"])] for v in vcs])
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    best: tuple[float, int, tuple[int, ...]] | None = None
    for combo in combinations(range(len(vcs)), k):
        cost = round(float(d[:, list(combo)].min(axis=1).mean()), 6)
        key = (cost, -sum(vcs[i] in listed for i in combo), combo)
        if best is None or key < best:
            best = key
    assert best is not None
    return tuple(vcs[i] for i in best[2])


def _units_per_town(vcs: pd.DataFrame, seat: str, n: int, town_pop: Mapping[str, float]) -> dict[str, int]:
    """A municipality's n units over its towns: one per town (seat first, then the largest towns),
    the rest to the seat, then the next towns, never more than a town's vårdcentraler."""
    towns = sorted(set(vcs["town"]), key=lambda t: (t != seat, -town_pop.get(t, 0.0), t))
    cap = {t: int((vcs["town"] == t).sum()) for t in towns}
    out = {t: 0 for t in towns}
    left = n
    for t in towns:
        if left:
            out[t] += 1
            left -= 1
    for t in towns:
        extra = min(left, cap[t] - out[t])
        out[t] += extra
        left -= extra
    return {t: k for t, k in out.items() if k}


@lru_cache(maxsize=16)
def today_bmm_allocation(count: int) -> tuple[tuple[str, str, str, float], ...]:
    """Today's BMM as (site_id, town, municipality code, births) placed on the vårdcentraler: per municipality
    (count from :func:`apportion_today`) one per town, the rest in the seat; inside a town by :func:`place_in_town`."""
    geo = geography()
    mun = geo.municipalities
    capacity = geo.vardcentraler.groupby("municipality_code").size().to_dict()
    k = apportion_today(count, mun["births"].to_dict(), capacity)
    out = []
    for code in mun.index:
        vcs = geo.vardcentraler[geo.vardcentraler["municipality_code"] == code]
        for town, n in _units_per_town(vcs, str(mun.loc[code, "seat"]), k[code], geo.town_population).items():
            for site in place_in_town(town, n):
                out.append((str(site), str(town), str(code), float(mun.loc[code, "births"]) / k[code]))
    return tuple(out)


def units_for_option(
    option: str,
    assumptions: Mapping[str, float] | None = None,
    scenario: str = "base",
    config: Config | None = None,
) -> pd.DataFrame:
    """Units (BMM, hubs, branches) with town, municipality, role and midwives for one option and case.

    midwives = max(option minimum, round(births served / births per midwife + moved-task FTE));
    ``over_max`` marks a unit whose workload needs more than the option's maximum. A branch
    has no own staff: it is served by its hub's team (``team``). Births are municipal
    estimates split evenly over the units of a municipality or närområde.
    """
    cfg = config or load_config()
    values = cfg.values() if assumptions is None else dict(assumptions)
    opt = cfg.options[option]
    case = opt.case(scenario)
    return case_units(opt, case, values, cfg).copy()


def unit_inputs(opt: Option, case: Case, values: Mapping[str, float], cfg: Config) -> tuple[float | None, ...]:
    """Every number the units of a case depend on (the cache key: the scorecard changes one assumption
    at a time, and most of them leave the units as they are)."""
    return (
        values["births_per_midwife"],
        values[case.count or cfg.today_units_count] if case.rule == "today_bmm" else None,
        *(values[n] for _, n in case.hubs if isinstance(n, str)),
        moved_visits_per_birth(opt, case, cfg, values, "kvinnokliniken"),
        values["midwife_minutes_per_moved_visit"],
        values["clinical_hours_per_midwife"],
        values[case.last_resort] if case.last_resort else None,
    )


_UNITS: dict[tuple[Any, ...], pd.DataFrame] = {}


def case_units(opt: Option, case: Case, values: Mapping[str, float], cfg: Config) -> pd.DataFrame:
    """The units of one case, computed once per :func:`unit_inputs` (shared: callers must not modify it)."""
    key = (cfg, opt, case, unit_inputs(opt, case, values, cfg))
    if key not in _UNITS:
        _UNITS[key] = _build_units(opt, case, values, cfg)
    return _UNITS[key]


def _build_units(opt: Option, case: Case, values: Mapping[str, float], cfg: Config) -> pd.DataFrame:
    """Units of one case; a hub town with ``{between: [lo, hi]}`` gets the smallest count whose units
    all stay within the option's staffing maximum (the highest count, flagged over_max, if none does)."""
    counts: dict[str, int] = {}
    for town, n in case.hubs:
        counts[town] = int(values[n]) if isinstance(n, str) else (n[0] if isinstance(n, tuple) else int(n))
    for town, n in case.hubs:
        if not isinstance(n, tuple):
            continue
        for k in range(n[0], n[1] + 1):
            counts[town] = k
            units = _build_units_fixed(opt, case, values, cfg, counts)
            if not units.loc[units["town"] == town, "over_max"].any():
                break
    return _build_units_fixed(opt, case, values, cfg, counts)


_SITE_NAMES: dict[int, tuple[pd.DataFrame, dict[str, str]]] = {}


def _site_names() -> dict[str, str]:
    """site_id -> name, built once per loaded sites table (shared: callers must not modify it)."""
    from analysis.common import geodata

    sites = geodata.sites()
    hit = _SITE_NAMES.get(id(sites))
    if hit is None or hit[0] is not sites:
        hit = (sites, dict(zip(sites["site_id"].astype(str), sites["name"].astype(str), strict=True)))
        _SITE_NAMES[id(sites)] = hit
    return hit[1]


_MUNICIPALITY_COLUMNS: dict[int, tuple[pd.DataFrame, tuple[dict[Any, Any], ...]]] = {}


def _municipality_columns(mun: pd.DataFrame) -> tuple[dict[Any, Any], ...]:
    """Name, births and seat by municipality code as plain dicts (scalar ``.loc`` in a loop is slow)."""
    hit = _MUNICIPALITY_COLUMNS.get(id(mun))
    if hit is None or hit[0] is not mun:
        hit = (mun, (mun["name"].to_dict(), mun["births"].to_dict(), mun["seat"].to_dict()))
        _MUNICIPALITY_COLUMNS[id(mun)] = hit
    return hit[1]


def _build_units_fixed(
    opt: Option, case: Case, values: Mapping[str, float], cfg: Config, counts: Mapping[str, int]
) -> pd.DataFrame:
    geo = geography()
    mun = geo.municipalities
    mun_name, mun_births, mun_seat = _municipality_columns(mun)
    bpm = values["births_per_midwife"]
    names = _site_names()
    rows: list[dict[str, Any]] = []

    def add(unit_id: str, role: str, town: str, code: str, site: str, team: str, local: float, team_births: float) -> None:
        rows.append(
            {"unit_id": unit_id, "role": role, "town": town, "municipality_code": code, "municipality": mun_name[code],
             "narområde": cfg.catchments.get(code, town), "site_id": site, "site_name": names.get(site, ""),
             "team": team, "births_local": local, "births_team": team_births}
        )  # fmt: skip

    if case.rule == "today_bmm":
        for site, town, code, b in today_bmm_allocation(int(values[case.count or cfg.today_units_count])):
            add(site, "bmm", town, code, site, site, b, b)
    elif case.rule == "hubs":
        hub_units: dict[str, list[str]] = {}
        for town, _ in case.hubs:
            count = counts[town]
            _, _, code = town_xy(town)
            area = [c for c, hub in cfg.catchments.items() if hub == town]
            area_births = float(mun.loc[area, "births"].sum())
            ids = [town] if count == 1 else [f"{town} {i + 1}" for i in range(count)]
            hub_units[town] = ids
            for uid, site in zip(ids, place_in_town(town, count), strict=True):
                add(uid, "hub", town, code, site, uid, float(mun_births[code]) / count, area_births / count)
        if case.branches:
            hub_codes = {r["municipality_code"] for r in rows}
            for code in mun.index:
                if code in hub_codes:
                    continue
                hub_town = cfg.catchments.get(code)
                if hub_town not in hub_units:
                    raise OptionsConfigError(f"options.yml: settings.catchments: municipality {code} has no hub")
                seat = str(mun_seat[code])
                add(
                    f"{seat} (filial)",
                    "branch",
                    seat,
                    code,
                    seat,
                    hub_units[hub_town][0],
                    float(mun_births[code]),
                    math.nan,
                )
    else:  # per_municipality: one unit per municipality; large ones split into units at the minimum
        for code in mun.index:
            seat = str(mun_seat[code])
            b = float(mun_births[code])
            add(seat, "bmm", seat, code, seat, seat, b, b)

    units = pd.DataFrame(rows)
    nsv_town = narsjukvard_town_by_municipality(case, units, cfg)
    kk_visits = moved_visits_per_birth(opt, case, cfg, values, "kvinnokliniken")
    hours_per_visit = values["midwife_minutes_per_moved_visit"] / 60.0
    moved_fte_by_town: dict[str, float] = {}
    if kk_visits > 0:
        for code, town in nsv_town.items():
            fte = float(mun_births[code]) * kk_visits * hours_per_visit / values["clinical_hours_per_midwife"]
            moved_fte_by_town[town] = moved_fte_by_town.get(town, 0.0) + fte
    team_rows = units["role"] != "branch"
    units["narsjukvard"] = team_rows & units["town"].isin(list(moved_fte_by_town))
    units["moved_fte"] = 0.0
    for town, fte in moved_fte_by_town.items():
        here = units["narsjukvard"] & (units["town"] == town)
        if not here.any():
            raise OptionsConfigError(f"option {opt.key}: case {case.key}: no unit in {town} can take the moved tasks")
        units.loc[here, "moved_fte"] = fte / here.sum()
    units["need_fte"] = np.where(team_rows, units["births_team"] / bpm + units["moved_fte"], np.nan)

    floor = np.full(len(units), float(opt.staffing_min))
    if case.rule == "per_municipality":
        units = _split_large(units, opt, None if case.last_resort is None else int(values[case.last_resort]))
        for town in units.loc[units["role"] == "bmm", "town"].unique():  # provider units on the town's vårdcentraler
            here = units.index[(units["role"] == "bmm") & (units["town"] == town)]
            units.loc[here, "site_id"] = list(place_in_town(str(town), len(here)))
        names_now = _site_names()
        units["site_name"] = [names_now.get(str(x), "") for x in units["site_id"]]
        team_rows = units["role"] != "branch"
        floor = np.where(units["role"] == "last_resort", units["_floor"], float(opt.staffing_min))
    need = units["need_fte"].to_numpy(float)
    midwives = np.array([max(f, round_half_up(x)) if np.isfinite(x) else np.nan for x, f in zip(need, floor, strict=True)])
    units["midwives"] = midwives
    units["min_required"] = opt.staffing_min
    units["max_allowed"] = opt.staffing_max
    units["over_max"] = team_rows & (units["midwives"] > opt.staffing_max)
    units["births_per_midwife"] = units["births_team"] / units["midwives"]
    units["option"] = opt.key
    units["case"] = case.key
    units.loc[~team_rows, "moved_fte"] = np.nan
    units["label_sv"] = _unit_labels(units, cfg.role_sv)
    return units[list(UNIT_COLUMNS)].reset_index(drop=True)


def _unit_labels(units: pd.DataFrame, role_sv: Mapping[str, str]) -> list[str]:
    """Reader-facing Swedish names: '<ort>: <roll>' with a number when a town has several, no site ids."""
    out = []
    roles = units["role"].tolist()
    towns = units["town"].tolist()
    seen: dict[tuple[str, str], int] = {}
    totals = pd.Series(list(zip(towns, roles, strict=True))).value_counts().to_dict()
    team_town = dict(zip(units["unit_id"], units["town"], strict=True))
    for town, role, team in zip(towns, roles, units["team"].tolist(), strict=True):
        role_name = role_sv.get(role, role)
        seen[(town, role)] = seen.get((town, role), 0) + 1
        label = f"{town}: {role_name}"
        if totals[(town, role)] > 1:
            label += f" {seen[(town, role)]}"
        if role == "branch":
            label += f" till {team_town.get(team, team)}"
        out.append(label)
    return out


def _split_large(units: pd.DataFrame, opt: Option, last_resort_floor: int | None = None) -> pd.DataFrame:
    """Free establishment: a unit whose need exceeds the maximum becomes floor(need / minimum) minimal units.

    With ``last_resort_floor``, a municipality whose workload rounds to less than the option's minimum
    has no provider: the region runs a last-resort unit (role ``last_resort``) staffed at what the
    volume supports, never fewer than the floor.
    """
    parts = []
    for _, row in units.iterrows():
        if last_resort_floor is not None and round_half_up(float(row["need_fte"])) < opt.staffing_min:
            r = row.copy()
            r["role"] = "last_resort"
            r["_floor"] = float(last_resort_floor)
            parts.append(r)
            continue
        n = int(row["need_fte"] // opt.staffing_min) if row["need_fte"] > opt.staffing_max else 1
        n = max(n, 1)
        for i in range(n):
            r = row.copy()
            r["_floor"] = float(opt.staffing_min)
            if n > 1:
                r["unit_id"] = r["team"] = f"{row['unit_id']} {i + 1}"
            for col in ("births_local", "births_team", "need_fte", "moved_fte"):
                r[col] = row[col] / n
            parts.append(r)
    return pd.DataFrame(parts).reset_index(drop=True)


def narsjukvard_tokens(case: Case) -> tuple[str, ...]:
    return tuple(t for t, _ in case.hubs) if case.narsjukvard_sites is None else case.narsjukvard_sites


_NSV_TOWNS: dict[tuple[Any, ...], dict[str, str]] = {}


def narsjukvard_town_by_municipality(case: Case, units: pd.DataFrame, cfg: Config) -> dict[str, str]:
    """The town whose närsjukvård unit serves each municipality: its hub if that hub takes the tasks, else the nearest."""
    key = (cfg, case, tuple(units["site_id"].astype(str)), tuple(units["town"].astype(str)))
    if key not in _NSV_TOWNS:
        _NSV_TOWNS[key] = _narsjukvard_towns(case, units, cfg)
    return dict(_NSV_TOWNS[key])


def _narsjukvard_towns(case: Case, units: pd.DataFrame, cfg: Config) -> dict[str, str]:
    geo = geography()
    towns: dict[str, tuple[float, float]] = {}
    for token in narsjukvard_tokens(case):
        x, y, code = town_xy(token)
        on_site = units[(units["site_id"] == token) | (units["town"] == token)]
        town = str(on_site["town"].iloc[0]) if len(on_site) else str(geo.municipalities.loc[code, "seat"])
        towns[town] = (x, y)
    out = {}
    for code, row in geo.municipalities.iterrows():
        hub = cfg.catchments.get(str(code))
        if hub in towns:
            out[str(code)] = hub
        else:
            out[str(code)] = min(towns, key=lambda t: (math.hypot(towns[t][0] - row["seat_x"], towns[t][1] - row["seat_y"]), t))
    return out
