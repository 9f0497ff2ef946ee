"""The travel page's display tables (Swedish headers, numbers formatted by analysis.common.formatting)."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.travel import labels, text
from analysis.chapters.travel.labels import SET_KEYS
from analysis.chapters.travel.model import param
from analysis.chapters.travel.page import TravelPage
from analysis.chapters.travel.scenarios import coverage_minutes, municipal_rows, scenario_keys, thresholds
from analysis.common.formatting import round_to, sv_list, sv_number, sv_pct
from analysis.common.home import HOME_REGION
from analysis.render.page import Table


def _pct(share: float) -> float:
    return 100.0 * float(share)


def comparison_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Minutes and shares within each threshold per site set."""
    rows = []
    for key, r in table.iterrows():
        row: dict[str, str] = {
            "Platser": labels.set_label(str(key)),
            "Antal platser": sv_number(r["n_sites"]),
            "Medel (min)": sv_number(r["mean_minutes"], 1),
            "Median (min)": sv_number(r["median_minutes"], 0),
            "90:e percentil (min)": sv_number(r["p90_minutes"], 0),
            "Längst (min)": sv_number(r["max_minutes"], 0),
        }
        for t in thresholds():
            row[labels.threshold_label(t)] = sv_pct(_pct(r[f"share_within_{t}"]), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def comparison(data: TravelPage) -> Table:
    return Table(comparison_frame(data.comparison), text.caption("comparison", data.weight_label))


def catchments_frame(summary: pd.DataFrame, weight_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nod": summary["hub"],
            f"{weight_label.capitalize()} (skattning)": [sv_number(round_to(v)) for v in summary["weight"]],
            "Andel": [sv_pct(_pct(v), 1) for v in summary["share"]],
            "Medelrestid (min)": [sv_number(v, 1) for v in summary["mean_minutes"]],
            "Längsta restid (min)": [sv_number(v, 0) for v in summary["max_minutes"]],
            "Kommuner (huvudsakligen)": summary["municipalities"].fillna("–"),
        }
    )


def catchments(data: TravelPage) -> Table:
    return Table(catchments_frame(data.catchments, data.weight_label), text.caption("catchments"))


def municipalities_frame(table: pd.DataFrame, gained: pd.DataFrame, lost: pd.DataFrame, weight_label: str) -> pd.DataFrame:
    """Per municipality: mean minutes and share within 30 min (Västerås only vs four hubs), gains and losses.

    ``gained`` is the coverage change Västerås only -> four hubs, ``lost`` BMM today -> four hubs.
    """
    limit = coverage_minutes()
    wide = table.pivot(
        index=["municipality_code", "municipality"],
        columns="set_key",
        values=["total_weight", "mean_minutes", f"share_within_{limit}"],
    ).reset_index()
    g = gained.set_index("municipality_code")
    lo = lost.set_index("municipality_code")
    order = municipal_rows(wide).sort_values(("mean_minutes", "vasteras_only"), ascending=False)
    rows = []
    for code in [*order["municipality_code"], HOME_REGION]:
        r = wide[wide["municipality_code"] == code].iloc[0]
        vo, fh = labels.set_column("vasteras_only"), labels.set_column("four_hubs")
        rows.append(
            {
                "Kommun": r[("municipality", "")],
                weight_label.capitalize(): sv_number(round_to(r[("total_weight", "vasteras_only")])),
                f"Medel (min), {vo}": sv_number(r[("mean_minutes", "vasteras_only")], 1),
                f"Medel (min), {fh}": sv_number(r[("mean_minutes", "four_hubs")], 1),
                f"≤ {limit} min, {vo}": sv_pct(_pct(r[(f"share_within_{limit}", "vasteras_only")]), 0),
                f"≤ {limit} min, {fh}": sv_pct(_pct(r[(f"share_within_{limit}", "four_hubs")]), 0),
                "Når en plats, noder": sv_number(round_to(g.loc[code, "gained"])),
                "Mister BMM, utan filialer": sv_number(round_to(lo.loc[code, "lost"])),
            }
        )
    return pd.DataFrame(rows)


def municipalities(data: TravelPage) -> Table:
    frame = municipalities_frame(data.by_municipality, data.gained, data.lost, data.weight_label)
    return Table(frame, text.caption("municipalities", data.weight_label))


def burden_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Births, hours and km before/after, and the saving, per municipality (county last)."""
    rest = municipal_rows(table).sort_values("travel_hours_saved", ascending=False)
    t = table.set_index("municipality_code").loc[[*rest["municipality_code"], HOME_REGION]]
    return pd.DataFrame(
        {
            "Kommun": t["municipality"].to_numpy(),
            "Födda per år (skattning)": [sv_number(v) for v in t["births"]],
            "Restimmar, endast Västerås": [sv_number(v) for v in t["travel_hours_before"]],
            "Restimmar, fyra noder": [sv_number(v) for v in t["travel_hours_after"]],
            "Sparade timmar": [sv_number(v) for v in t["travel_hours_saved"]],
            "Sparade bil-km": [sv_number(round_to(v, 100)) for v in t["car_km_saved"]],
            "Sparad CO₂ (ton)": [sv_number(v, 1) for v in t.get("co2_tonnes_saved", pd.Series(0.0, index=t.index))],
        }
    )


def burden(data: TravelPage) -> Table:
    return Table(burden_frame(data.burden), text.caption("burden"))


def optimisation_frame(table: pd.DataFrame) -> pd.DataFrame:
    limit = coverage_minutes()
    same = text.same_sites()
    return pd.DataFrame(
        {
            "Antal platser": table["p"].astype(int).astype(str),
            "Kortast medelrestid: orter": table["p_median_sites"],
            "Medel (min)": [sv_number(v, 1) for v in table["p_median_mean_minutes"]],
            f"Flest inom {limit} min: orter": [
                str(same) if s else sites for s, sites in zip(table["same_set"], table["max_coverage_sites"], strict=True)
            ],
            labels.threshold_label(limit): [sv_pct(_pct(v), 1) for v in table["max_coverage_share_within"]],
            "Prövade kombinationer": [sv_number(v) for v in table["n_sets"]],
        }
    )


def optimisation(data: TravelPage) -> Table:
    return Table(optimisation_frame(data.optimisation), text.caption("optimisation"))


def sensitivity_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Scenario rows × (mean minutes, share within 30 min) per site set."""
    limit = coverage_minutes()
    rows = []
    for scen in [k for k in scenario_keys() if k in set(table["scenario_key"])]:
        part = table[table["scenario_key"] == scen].set_index("set_key")
        row = {"Modell": labels.scenario_label(scen)}
        for key in SET_KEYS:
            row[f"Medel (min), {labels.set_column(key)}"] = sv_number(part.loc[key, "mean_minutes"], 1)
        for key in SET_KEYS:
            row[f"≤ {limit} min, {labels.set_column(key)}"] = sv_pct(_pct(part.loc[key, f"share_within_{limit}"]), 0)
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(data: TravelPage) -> Table:
    return Table(sensitivity_frame(data.sensitivity), text.caption("sensitivity", data.weight_label))


def _assumption(key: str, **values: str) -> dict[str, str]:
    return {
        "Antagande": text.TEXTS(f"assumptions.{key}.name"),
        "Värde": text.TEXTS(f"assumptions.{key}.value", **values),
        "Motivering": text.TEXTS(f"assumptions.{key}.reason"),
    }


def _speed_profile() -> str:
    parts = [
        text.TEXTS("assumptions.speed_band", upper=f"{upper:g}", speed=f"{speed:g}")
        if upper is not None
        else text.TEXTS("assumptions.speed_band_open", speed=f"{speed:g}")
        for upper, speed in param("line_model.speed_profile")
    ]
    return ", ".join(parts)


def assumptions_frame(weight_by: str | None = None) -> pd.DataFrame:
    """The assumptions behind the chapter's numbers; every value is read from travel_assumptions.yml."""
    factors = [text.TEXTS("assumptions.speed_factor", factor=sv_number(float(f), 1)) for f in param("sensitivity.speed_factors")]
    rows = [
        _assumption("limits", **{k: str(v) for k, v in param("calibrated_road.posted_limits_kmh").items()}),
        _assumption(
            "trip_ends",
            circuity=sv_number(param("calibrated_road.trip_end_circuity"), 1),
            nodes=sv_number(param("trip_ends.attach_nearest_nodes")),
        ),
        _assumption("free_flow", **{k: sv_number(float(v), 2) for k, v in param("sensitivity.free_flow_share").items()}),
        _assumption("line_model", circuity=sv_number(param("line_model.circuity"), 1), profile=_speed_profile()),
        _assumption("speed_factors", factors=sv_list(factors)),
        _assumption("weights", weight_label=labels.weight_label(weight_by or param("weights.default"))),
        _assumption("round_trip", trips=sv_number(param("burden.round_trip_factor"))),
        _assumption("co2", grams=sv_number(param("burden.co2_g_per_km"))),
        _assumption("candidates", population=sv_number(param("location.candidate_min_population"))),
    ]
    return pd.DataFrame(rows, columns=["Antagande", "Värde", "Motivering"])


def assumptions(data: TravelPage) -> Table:
    return Table(assumptions_frame(data.inputs.weight_by), text.caption("assumptions"))


def calibration_frame(errors: pd.DataFrame, names: dict[str, str], county: str) -> pd.DataFrame:
    """Per municipality: cells × hubs compared, in-sample and leave-one-municipality-out MAE, p90 and bias."""
    return pd.DataFrame(
        {
            "Kommun": [county if c == "all" else names.get(str(c), str(c)) for c in errors["municipality_code"]],
            "Jämförda restider": [sv_number(v) for v in errors["in_n"]],
            "Medelfel, anpassning (min)": [sv_number(v, 1) for v in errors["in_mae"]],
            "Medelfel, kommunen utelämnad (min)": [sv_number(v, 1) for v in errors["lomo_mae"]],
            "90:e percentil, utelämnad (min)": [sv_number(v, 1) for v in errors["lomo_p90_abs"]],
            "Snittavvikelse, utelämnad (min)": [sv_number(v, 1) for v in errors["lomo_bias"]],
        }
    )


def calibration(data: TravelPage) -> Table:
    from analysis.common import geodata
    from analysis.common.home import COUNTY_NAME

    m = geodata.municipalities()
    names = dict(zip(m["scb_code"].astype(str), m["name"].astype(str), strict=True))
    return Table(calibration_frame(data.calibration.errors, names, COUNTY_NAME), text.caption("calibration"))


def births_frame(births: pd.DataFrame) -> pd.DataFrame:
    """Per site set: estimated births per year and the shares living more than 30, 45 and 60 minutes away."""
    rows = []
    for key, r in births.iterrows():
        row = {"Platser": labels.set_label(str(key)), "Födda per år (skattning)": sv_number(round_to(r["total_weight"]))}
        for t in thresholds()[-3:]:
            row[f"Över {t} min"] = sv_pct(_pct(1 - r[f"share_within_{t}"]), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def births(data: TravelPage) -> Table:
    return Table(births_frame(data.by_weight["births"]), text.caption("births"))
