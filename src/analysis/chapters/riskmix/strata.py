"""Factors by country-of-birth group or education (or age/parity group), region vs nation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.chapters.riskmix.config import Category, RiskConfig, Years, load_config
from analysis.chapters.riskmix.prevalence import count_flags, finish, mask_small
from analysis.chapters.riskmix.rules import (
    add_strata,
    all_missing,
    as_text,
    categorical,
    factor_availability,
    factor_flags,
    region_code,
    select,
)
from analysis.common.published import RIKET as NATION_CODE


def _strata_labels(by: str, cfg: RiskConfig) -> list[Category]:
    if by == "age_group":
        return list(cfg.age_groups)
    if by == "parity_group":
        return list(cfg.parity_groups)
    return list(cfg.categories.get(by, ()))


def stratified(
    births: pd.DataFrame,
    region: str,
    by: str,
    years: Years = None,
    config: RiskConfig | None = None,
    factors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Factors by country-of-birth group or education (or age/parity group), region vs nation.

    Factors that read the ``by`` column are skipped (born outside Europe by country of birth
    is 0 or 100 % by construction). If ``by`` is absent from the data an empty table is
    returned. Columns: by, stratum, stratum_sv, stratum_en, area, area_code, factor,
    label_sv, label_en, n, cases, pct, ci_low, ci_high, missing, stratum_missing,
    suppressed, status.
    """
    cfg = config or load_config()
    code = region_code(region)
    sel, codes = select(births, years)
    columns = [
        "by",
        "stratum",
        "stratum_sv",
        "stratum_en",
        "area",
        "area_code",
        "factor",
        "label_sv",
        "label_en",
        "n",
        "cases",
        "pct",
        "ci_low",
        "ci_high",
        "missing",
        "stratum_missing",
        "suppressed",
        "status",
    ]
    if by in ("age_group", "parity_group"):
        sel = add_strata(sel, cfg)
        stratum = as_text(sel[by], strip=False)
    elif by in sel.columns and not all_missing(sel[by]):
        stratum = categorical(sel[by], by)
    else:
        return pd.DataFrame(columns=columns)
    cats = _strata_labels(by, cfg)
    order = [c.key for c in cats] + sorted(set(stratum.dropna().unique()) - {c.key for c in cats})
    names = {c.key: (c.label_sv, c.label_en) for c in cats}
    avail = factor_availability(sel, cfg).set_index("factor")["available"]
    source_column = {"age_group": "maternal_age", "parity_group": "parity"}.get(by, by)
    keys = [k for k in (factors or cfg.keys) if bool(avail[cfg.factor(k).key]) and source_column not in cfg.factor(k).requires]
    flags = factor_flags(sel, cfg)
    in_region = (codes == code).to_numpy()
    parts = []
    for area, area_code, mask in (("region", code, in_region), ("nation", NATION_CODE, np.ones(len(sel), bool))):
        s = stratum[mask]  # every value is in ``order``: the strata themselves group the counts
        by_stratum = pd.factorize(s, sort=False)  # once for every factor
        for k in keys:
            counts = count_flags(flags[k][mask], s, by_stratum).reindex(order, fill_value=0)
            counts.index.name = "stratum"
            counts = counts.reset_index()
            counts["area"], counts["area_code"], counts["factor"] = area, area_code, k
            counts["label_sv"], counts["label_en"] = cfg.factor(k).label_sv, cfg.factor(k).label_en
            counts["stratum_missing"] = int(s.isna().sum())
            parts.append(counts)
    if not parts:
        return pd.DataFrame(columns=columns)
    out = finish(pd.concat(parts, ignore_index=True))
    out["stratum_missing"] = mask_small(out["stratum_missing"])
    out["by"] = by
    out["stratum_sv"] = out["stratum"].map(lambda c: names.get(c, (c, c))[0])
    out["stratum_en"] = out["stratum"].map(lambda c: names.get(c, (c, c))[1])
    return out[columns]
