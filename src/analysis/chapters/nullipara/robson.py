"""WHO Robson ten-group classification and the WHO report table.

Every delivery falls in exactly one group, so the groups partition the
caesarean rate into contributions that can be compared between a region and
the nation. Groups 2 and 4 are split into a (induced) and b (caesarean before
labour) as in the WHO 2017 manual. Group 5 is not split into 5.1/5.2 because
the data contract has previous caesarean as yes/no only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.chapters.nullipara.model import is_value, text_values
from analysis.common.disclosure import suppress

GROUPS: tuple[str, ...] = ("1", "2a", "2b", "3", "4a", "4b", "5", "6", "7", "8", "9", "10")
UNCLASSIFIED = "unclassified"
HIGHLIGHT: frozenset[str] = frozenset({"1", "2a", "2b"})
CS_MODES: frozenset[str] = frozenset({"planned_cs", "emergency_cs"})

GROUP_LABELS: dict[str, str] = {
    "1": "Nulliparous, singleton cephalic, >=37 w, spontaneous labour",
    "2a": "Nulliparous, singleton cephalic, >=37 w, induced",
    "2b": "Nulliparous, singleton cephalic, >=37 w, caesarean before labour",
    "3": "Multiparous without previous CS, singleton cephalic, >=37 w, spontaneous labour",
    "4a": "Multiparous without previous CS, singleton cephalic, >=37 w, induced",
    "4b": "Multiparous without previous CS, singleton cephalic, >=37 w, caesarean before labour",
    "5": "Multiparous with previous CS, singleton cephalic, >=37 w",
    "6": "Nulliparous, singleton breech",
    "7": "Multiparous, singleton breech (incl. previous CS)",
    "8": "Multiple pregnancies (incl. previous CS)",
    "9": "Singleton transverse or oblique lie (incl. previous CS)",
    "10": "Singleton cephalic <37 w (incl. previous CS)",
    UNCLASSIFIED: "Missing or inconsistent classification variables",
}

_REQUIRED = ("parity", "previous_cs", "plurality", "presentation", "gestational_weeks", "onset")


def robson_group(births: pd.DataFrame) -> pd.Series:
    """Robson group per delivery, classifying every row whose group does not depend on a missing value.

    As in the WHO manual, each group needs only some of the six variables: multiple pregnancy
    is group 8 whatever the gestation, parity or onset; transverse/oblique lie is 9; breech is
    6 (nulliparous) or 7 (multiparous) whatever the onset; preterm cephalic is 10 whatever the
    parity; a term cephalic multipara with a previous caesarean is 5 whatever the onset; a
    nullipara cannot have a previous caesarean, so a missing value there does not stop groups
    1–2. Rows whose group does depend on a missing value, and contradictory rows (a nullipara
    recorded with a previous caesarean, a plurality below 1, an unknown onset/presentation
    code), are 'unclassified' — the truly unclassifiable rows.
    """
    missing_cols = [c for c in _REQUIRED if c not in births.columns]
    if missing_cols:
        raise KeyError(f"robson_group: missing columns {missing_cols}")
    parity = pd.to_numeric(births["parity"], errors="coerce").to_numpy(dtype=float)
    plurality = pd.to_numeric(births["plurality"], errors="coerce").to_numpy(dtype=float)
    weeks = pd.to_numeric(births["gestational_weeks"], errors="coerce").to_numpy(dtype=float)
    prev = births["previous_cs"].astype("boolean")
    prev_known = prev.notna().to_numpy()
    prev_cs = prev.fillna(False).to_numpy(dtype=bool)
    presentation = text_values(births["presentation"], "")
    onset = text_values(births["onset"], "")

    nulli = parity == 0
    multi = parity >= 1
    single = plurality == 1
    multiple = plurality >= 2
    cephalic = presentation == "cephalic"
    breech = presentation == "breech"
    other_lie = presentation == "other"
    term = weeks >= 37
    preterm = weeks < 37
    spont = onset == "spontaneous"
    induced = onset == "induced"
    prelabour = onset == "prelabour_cs"

    contradictory = (
        (nulli & prev_known & prev_cs)
        | (plurality < 1)
        | ((presentation != "") & ~(cephalic | breech | other_lie))
        | ((onset != "") & ~(spont | induced | prelabour))
    )
    ok = ~contradictory
    term_ceph = ok & single & cephalic & term
    multi_no_cs = term_ceph & multi & prev_known & ~prev_cs
    conditions = [
        ok & multiple,
        ok & single & other_lie,
        ok & single & breech & nulli,
        ok & single & breech & multi,
        ok & single & cephalic & preterm,
        term_ceph & nulli & spont,
        term_ceph & nulli & induced,
        term_ceph & nulli & prelabour,
        term_ceph & multi & prev_known & prev_cs,
        multi_no_cs & spont,
        multi_no_cs & induced,
        multi_no_cs & prelabour,
    ]
    choices = ["8", "9", "6", "7", "10", "1", "2a", "2b", "5", "3", "4a", "4b"]
    group = np.select(conditions, choices, default=UNCLASSIFIED)
    return pd.Series(group, index=births.index, name="robson_group", dtype="string")


def robson_table(births: pd.DataFrame) -> pd.DataFrame:
    """WHO report table: size, relative size, CS rate, absolute and relative contribution (%).

    Percentages are of all women in ``births`` (including unclassified) so the
    absolute contributions add up to the overall caesarean rate.
    """
    group = robson_group(births)
    cs = births["mode"].isin(CS_MODES).to_numpy()
    frame = pd.DataFrame({"group": group.to_numpy(), "cs": cs})
    counts = frame.groupby("group", observed=True)["cs"].agg(["size", "sum"])
    order = [*GROUPS, UNCLASSIFIED]
    counts = counts.reindex(order, fill_value=0)
    total = len(frame)
    total_cs = int(cs.sum())
    out = pd.DataFrame(
        {
            "group": order,
            "description": [GROUP_LABELS[g] for g in order],
            "n": counts["size"].astype(int).to_numpy(),
            "cs": counts["sum"].astype(int).to_numpy(),
        }
    )
    out["relative_size_pct"] = 100 * out["n"] / total if total else np.nan
    out["cs_rate_pct"] = 100 * out["cs"] / out["n"].where(out["n"] > 0)
    out["absolute_contribution_pct"] = 100 * out["cs"] / total if total else np.nan
    out["relative_contribution_pct"] = 100 * out["cs"] / total_cs if total_cs else np.nan
    out["highlight"] = out["group"].isin(HIGHLIGHT)
    totals = pd.DataFrame(
        {
            "group": ["total"],
            "description": ["All deliveries"],
            "n": [total],
            "cs": [total_cs],
            "relative_size_pct": [100.0 if total else np.nan],
            "cs_rate_pct": [100 * total_cs / total if total else np.nan],
            "absolute_contribution_pct": [100 * total_cs / total if total else np.nan],
            "relative_contribution_pct": [100.0 if total_cs else np.nan],
            "highlight": [False],
        }
    )
    return pd.concat([out, totals], ignore_index=True)


def robson_comparison(
    births: pd.DataFrame,
    region: str,
    region_column: str = "region",
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Region and nation side by side (long format, ``area`` = region code or 'nation')."""
    data = births if years is None else births[births["year"].isin(list(years))]
    home = robson_table(data[is_value(data[region_column], region)]).assign(area=region)
    nation = robson_table(data).assign(area="nation")
    return pd.concat([home, nation], ignore_index=True)


def robson_display(table: pd.DataFrame, min_cell: int | None = None) -> pd.DataFrame:
    """Suppress groups whose size or CS count is below the disclosure threshold.

    An empty group (exactly zero deliveries) is shown as zero, not suppressed: a zero in
    a group of size zero says nothing about any woman. Its caesarean rate stays
    undefined (NaN) and the size and contributions are 0 %.
    """
    values = ["relative_size_pct", "cs_rate_pct", "absolute_contribution_pct", "relative_contribution_pct"]
    out = suppress(table, ["n", "cs"], values, min_cell=min_cell)
    empty = (pd.to_numeric(table["n"], errors="coerce") == 0).to_numpy()
    if empty.any():
        for col in ["n", "cs", *values]:
            out.loc[empty, col] = pd.to_numeric(table.loc[empty, col], errors="coerce").astype("float64")
        out.loc[empty, "suppressed"] = False
    return out


def robson_quality(table: pd.DataFrame) -> dict[str, float | bool]:
    """WHO data-quality signals: group 9 share (< 1 % expected), unclassified share, 1:2 size ratio."""
    rows = table.set_index("group")
    size_2 = float(rows.loc["2a", "n"] + rows.loc["2b", "n"])
    share_9 = float(rows.loc["9", "relative_size_pct"])
    return {
        "group9_pct": share_9,
        "group9_ok": bool(share_9 < 1.0),
        "unclassified_pct": float(rows.loc[UNCLASSIFIED, "relative_size_pct"]),
        "unclassified_n": float(rows.loc[UNCLASSIFIED, "n"]),
        "ratio_group1_to_group2": float(rows.loc["1", "n"] / size_2) if size_2 else float("nan"),
    }
