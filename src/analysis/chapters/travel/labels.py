"""The Swedish labels the travel page shows, read from the ``labels`` section of ``travel_assumptions.yml``."""

from __future__ import annotations

import re

import numpy as np

from analysis.chapters.travel.model import param
from analysis.chapters.travel.model.assumptions import labels
from analysis.common.formatting import sv_pct

SET_KEYS = ("vasteras_only", "four_hubs", "bmm_today")


def set_label(key: str) -> str:
    """Long label of a site set: 'Fyra noder (Västerås, Köping, Fagersta, Sala)'."""
    return str(labels()["sets"][key]["long"])


def set_short(key: str) -> str:
    """Short label of a site set (legends): 'Fyra noder'."""
    return str(labels()["sets"][key]["short"])


def set_column(key: str) -> str:
    """The site set's word in column headers: 'noder'."""
    return str(labels()["sets"][key]["column"])


def weight_labels() -> dict[str, str]:
    """``{weight column: Swedish label}``, e.g. ``women_15_44 -> 'kvinnor 15–44 år'``."""
    return {str(k): str(v) for k, v in labels()["weights"].items()}


def weight_label(weight_by: str) -> str:
    return weight_labels()[weight_by]


def scenario_kinds() -> dict[str, str]:
    """``{cost model: Swedish label}`` for the sensitivity scenarios, in order."""
    return {str(k): str(v) for k, v in labels()["scenarios"].items()}


def origin_kind(kind: str) -> str:
    """'tätort', 'landsbygd', … (unknown kinds are returned as they are)."""
    return str(labels()["origin_kinds"].get(kind, kind))


def threshold_label(minutes: int) -> str:
    return str(labels()["threshold"]).format(minutes=minutes)


def place_label(origin_id: str, name: str, kind: str, municipality: str) -> str:
    """The tätort's name, or 'Kommun, landsbygd N' for a rural lattice point."""
    if kind == "rural":
        match = re.search(r"(\d+)$", origin_id)
        number = int(match.group(1)) if match else ""
        return str(labels()["rural_place"]).format(municipality=municipality, number=number).strip()
    if kind == "grid":
        return str(labels()["cell_place"]).format(municipality=municipality, id=origin_id)
    return name


def grid_place(x_km: int, y_km: int) -> str:
    return str(labels()["grid_place"]).format(x=x_km, y=y_km)


def band_labels() -> list[str]:
    """Labels of the minute bands, e.g. '0–15 min', ..., 'över 90 min'."""
    edges = [float(b) for b in param("metrics.distribution_bands_minutes")]
    upper = [*edges[1:], np.inf]
    bands = labels()["bands"]
    return [
        str(bands["closed"]).format(lower=f"{lo:g}", upper=f"{hi:g}")
        if np.isfinite(hi)
        else str(bands["open"]).format(lower=f"{lo:g}")
        for lo, hi in zip(edges, upper, strict=True)
    ]


def minute_band(minutes: np.ndarray) -> list[str]:
    """The band label of each travel time (upper edges inclusive, as in the model's ``distribution``)."""
    edges = [float(b) for b in param("metrics.distribution_bands_minutes")]
    names = band_labels()
    idx = np.searchsorted(np.asarray(edges[1:]), np.asarray(minutes, float), side="left")
    return [names[i] for i in idx]


def scenario_label(key: str) -> str:
    """Label of a scenario key: 'Vägnät', 'Vägnät −10 %', 'Fågelväg +10 %' …"""
    kind, _, factor = key.partition("_speeds_x")
    base = scenario_kinds().get(kind, kind)
    if not factor:
        return base
    change = 100 * (float(factor) - 1)
    sign = "+" if change > 0 else "−"
    return f"{base}\u00a0{sign}{sv_pct(abs(change), 0)}"
