"""The book's precision rule (book/data_och_metod.md, "Siffror och ord") as implemented in formatting.py."""

from __future__ import annotations

import math

from analysis.common import formatting as f

NB = "\u00a0"


def test_thousands_separator_also_for_four_digits() -> None:
    assert f.sv_number(1000) == f"1{NB}000"
    assert f.sv_number(2568) == f"2{NB}568"
    assert f.sv_number(999) == "999"
    assert f.sv_number(280356) == f"280{NB}356"
    assert f.sv_number(1234.5, 1) == f"1{NB}234,5"


def test_estimate_and_interval_share_the_estimates_decimals() -> None:
    assert f.sv_estimate(11.8, 11.5, 12.0, 1) == "11,8 (11,5–12,0)"
    assert f.sv_estimate(0.53, 0.26, 1.0, 2) == "0,53 (0,26–1,00)"
    assert f.sv_estimate(11.84, 11.46, 12.04, 1, pct=True) == f"11,8{NB}% (11,5–12,0)"
    assert f.sv_ratio(0.531, 0.262, 0.996) == "0,53 (0,26–1,00)"
    assert f.sv_ratio(1.2) == "1,20"


def test_missing_bounds_give_the_estimate_alone_and_missing_estimate_a_dash() -> None:
    assert f.sv_estimate(5.0, None, 7.0, 1) == "5,0"
    assert f.sv_estimate(math.nan, 1.0, 2.0) == "–"
    assert f.sv_range(None, 2.0) == "–"


def test_negative_interval_is_joined_with_till() -> None:
    assert f.sv_range(-0.5, 0.1, 2) == "−0,50 till 0,10"
    assert f.sv_estimate(-0.2, -0.5, 0.1, 2) == "−0,20 (−0,50 till 0,10)"
    assert f.sv_range(-3, -1) == "−3 till −1"
    assert f.sv_range(1, 3, pct=True) == f"1–3{NB}%"


def test_counts_rounded_for_prose() -> None:
    assert f.sv_count(2568, 10) == f"2{NB}570"
    assert f.sv_count(2565, 10) == f"2{NB}570"  # half up, not half to even
    assert f.sv_count(31, 10) == "30"
    assert f.sv_count(1234) == f"1{NB}234"
    assert f.sv_count(None, 10) == "–"


def test_decimals_per_kind() -> None:
    assert f.DECIMALS["pct"] == 1 and f.DECIMALS["ratio"] == 2 and f.DECIMALS["count"] == 0
    assert f.sv_pct(12.345) == f"12,3{NB}%"
    assert f.sv_number(-0.04, 1) == "0,0"  # never "−0,0"
