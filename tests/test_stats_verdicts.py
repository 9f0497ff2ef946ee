"""The book's single verdict rule (audit items 2 and 8): funnel position, adjusted limits, 99.8 % for 'clear'."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.chapters.nullipara import text
from analysis.chapters.nullipara.funnel import ratio_funnel
from analysis.chapters.nullipara.verdicts import judge, judge_funnel, judge_stored
from analysis.chapters.options import evidence


def test_rule_reads_the_funnel_position_only() -> None:
    assert judge("x", "within", True).strength == "none"
    possible = judge("x", "above 95%", True)
    assert (possible.direction, possible.signal, possible.strength) == (0, 1, "possible")
    clear = judge("x", "below 99.8%", False)
    assert (clear.direction, clear.signal, clear.strength) == (-1, -1, "clear")
    assert judge("x", None).strength == "unknown" and judge("x", None).direction == 0
    assert text.verdict_short(possible).key == "verdict_short.possible_higher"
    assert text.verdict_short(clear).key == "verdict_short.lower"
    assert judge_stored("x", clear.as_dict()) == clear
    assert judge_stored("x", {"direction": 1}) is None  # an old verdict without its position is not trusted


def _overdispersed_units() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    expected = rng.uniform(200, 3000, 21)
    observed = rng.poisson(expected * rng.lognormal(0, 0.12, 21))
    frame = pd.DataFrame({"region": [f"{i:02d}" for i in range(21)], "observed": observed, "expected": expected})
    # The home region: O/E 1.11 on E = 1500, whose exact Poisson interval (about 1.06–1.16) excludes one.
    frame.loc[0, ["observed", "expected"]] = [1665, 1500.0]
    return frame


def test_excess_inside_adjusted_limits_is_not_significant_anywhere(tmp_path: Path) -> None:
    funnel = ratio_funnel(_overdispersed_units(), highlight="00")
    assert funnel.dispersion.overdispersed
    v = judge_funnel("emergency_cs", funnel, "00")
    assert v.adjusted and v.position == "within" and v.direction == 0 and v.signal == 0
    # The option pages apply the same rule to the stored verdict: not significant although oe_low > 1.
    cell = {"n": 6000, "observed": 1665, "expected": 1500.0, "oe": 1.11, "oe_low": 1.06, "oe_high": 1.16,
            "verdict": v.as_dict()}  # fmt: skip
    data = {"outcomes": {"emergency_cs": {"label_sv": "Akut kejsarsnitt", "regions": {"00": cell}}}}
    out = evidence._nullipara_links(json.loads(json.dumps(data)), region="00")
    assert out["outcomes"][0]["significant"] is False and out["outcomes"][0]["possible"] is False


def test_secondary_pph_analysis_is_labelled_and_judged_by_the_same_rule() -> None:
    from analysis.chapters.nullipara.secondary import secondary_config, secondary_specs

    (spec,) = secondary_specs()
    cfg = secondary_config(spec)
    assert spec.outcome == "pph_1000" and cfg.outcomes["pph_1000"].covariates[-2:] == ("delivery_mode", "labour_onset")
    assert "mode" not in {c.source for c in cfg.covariates.values() if c.name in cfg.outcomes["emergency_cs"].covariates}
    entry = {"outcome": "pph_1000", "oe": 1.6, "oe_low": 1.49, "oe_high": 1.71,
             "verdict": judge("pph_1000", "above 99.8%", False).as_dict()}  # fmt: skip
    s = text.secondary_sentence(entry, synthetic=True)
    assert s.key == "secondary.shown.synthetic" and s.values["verdict"].key == "verdict_short.higher"
    assert text.secondary_sentence(None, synthetic=False).key == "secondary.none"
