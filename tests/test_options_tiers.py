"""The book's comparison rule: tiers per measure from paired single-assumption scenarios (hand-made ranges)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters.options import text
from analysis.chapters.options.scorecard import tradeoffs
from analysis.chapters.options.tiers import clearly_better, tiers

LOWER, HIGHER = -1, 1


def test_clearly_better_needs_the_lead_in_every_paired_scenario() -> None:
    assert clearly_better([1.0, 2.0], [3.0, 4.0], 0.5, LOWER)
    assert not clearly_better([1.0, 3.9], [3.0, 4.0], 0.5, LOWER)  # the lead shrinks to 0,1 in one scenario
    assert not clearly_better([1.0, 2.0], [1.4, 2.4], 0.5, LOWER)  # 0,4 apart: below the resolution


def test_huge_differences_are_never_called_unclear() -> None:
    # women-days without a midwife per 1 000 births: C 126, A 5 097 (the review's case); the best-vs-runner-up
    # label said "ingen tydlig skillnad" because C and D tied; every pair is compared now
    t = tiers(
        {"A": [5097, 4500, 5600], "B": [900, 800, 1000], "C": [126, 100, 150], "D1": [130, 105, 160], "D2": [3000, 2700, 3300]},
        tolerance=51.0,  # 1 % of the scale
        sign=LOWER,
    )
    assert t.tier == {"A": "worst", "B": "middle", "C": "best", "D1": "best", "D2": "middle"}
    assert t.rank == {"A": 4, "B": 2, "C": 1, "D1": 1, "D2": 3}
    assert ("C", "A") in t.clearly_better and ("C", "D1") not in t.clearly_better


def test_a_fraction_of_a_minute_is_a_tie() -> None:
    # 0,2 minutes apart at a 1-minute resolution: equal, not "bäst" and "sämst"
    t = tiers({"A": [16.9, 17.0], "B": [17.1, 17.2]}, tolerance=1.0, sign=LOWER)
    assert t.tier == {"A": "equal", "B": "equal"} and t.n_tiers == 1


def test_a_lead_that_vanishes_under_one_assumption_is_no_tier_boundary() -> None:
    t = tiers({"A": [10.0, 10.0, 10.0], "B": [20.0, 20.0, 10.5]}, tolerance=1.0, sign=HIGHER)
    assert set(t.tier.values()) == {"equal"}


def test_a_middle_option_that_cannot_be_told_apart_leaves_the_order_unclear() -> None:
    # A beats C clearly, B overlaps both: no cut keeps every cross-tier pair clearly apart
    t = tiers({"A": [10.0, 10.0], "B": [10.5, 12.5], "C": [13.0, 13.0]}, tolerance=1.0, sign=LOWER)
    assert set(t.tier.values()) == {"unclear"} and ("A", "C") in t.clearly_better


def test_higher_is_better_and_ties_at_the_top() -> None:
    t = tiers({"A": [0.0], "B": [8.0], "C": [8.05], "D": [0.0]}, tolerance=0.1, sign=HIGHER)
    assert t.tier == {"A": "worst", "B": "best", "C": "best", "D": "worst"}


def _card(tier: dict[str, str], direction: str = "lower_is_better") -> pd.DataFrame:
    return pd.DataFrame(
        [{"metric": "m", "label_sv": "Mått", "direction": direction, "row": r, "tier": w} for r, w in tier.items()]
    )


@pytest.mark.parametrize(
    ("tier", "key", "values"),
    [
        ({"A": "equal", "B": "equal"}, "tradeoff.equal", {"metric": "Mått"}),
        ({"A": "best", "B": "worst", "C": "worst"}, "tradeoff.clear", {"metric": "Mått", "best": "A", "worst": "B, C"}),
        (
            {"A": "best", "B": "middle", "C": "worst"},
            "tradeoff.middle",
            {"metric": "Mått", "best": "A", "middle": "B", "worst": "C"},
        ),
        ({"A": "unclear", "B": "unclear"}, "tradeoff.unclear", {"metric": "Mått"}),
    ],
)
def test_tradeoff_sentences_follow_the_tiers(tier: dict[str, str], key: str, values: dict[str, str]) -> None:
    (t,) = tradeoffs(_card(tier))
    s = text.tradeoff(t)
    assert s.key == key and s.values == values
