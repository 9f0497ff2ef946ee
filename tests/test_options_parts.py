"""Options chapter: the extracted parts (figures dataclass, sentence choice, within-town leg, labels, caches)."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.chapters.options import config, figures, page, scorecard, text, units, vulnerability
from analysis.chapters.travel.model import within_town
from analysis.common.formatting import NBSP
from analysis.common.results import plain

# --------------------------------------------------------------------------- figures dataclass


def test_figures_as_dict_gives_the_results_keys_and_plain_values() -> None:
    f = figures.option_figures("B")
    d = f.as_dict()
    assert set(d) == {fld.name for fld in dataclasses.fields(f)}
    assert len(d) == 57 and isinstance(d["gaining"], list) and isinstance(d["hub_counts"], dict)
    assert d["bmm_units_today"] == 26 and isinstance(d["bmm_units_today"], int)
    json.dumps(d)
    assert f.metric("beds_freed") == pytest.approx(d["beds_freed"])
    with pytest.raises(KeyError):
        f.metric("worst_unit")  # text, not a number
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.units = 3  # type: ignore[misc]


def test_figures_are_computed_once_per_option_case_and_overrides() -> None:
    a = figures.option_figures("A", "base", {"p_absent": 0.2})
    b = figures.option_figures("A", "base", {"p_absent": 0.2})
    assert a is b
    assert figures.option_figures("A") is not a


def test_units_are_shared_between_assumptions_that_do_not_touch_them() -> None:
    cfg = config.load_config()
    opt = cfg.options["C"]
    case = opt.case()
    base = cfg.values()
    moved = cfg.values(overrides={"p_absent": 0.3})  # absence does not change the units
    assert units.case_units(opt, case, base, cfg) is units.case_units(opt, case, moved, cfg)
    more = cfg.values(overrides={"births_per_midwife": base["births_per_midwife"] + 10})
    assert units.unit_inputs(opt, case, base, cfg) != units.unit_inputs(opt, case, more, cfg)
    v0 = vulnerability.case_vulnerability(cfg, opt, case, base)
    assert vulnerability.case_vulnerability(cfg, opt, case, moved) is not v0


# --------------------------------------------------------------------------- labels from the YAML config


def test_role_and_status_labels_come_from_options_yml() -> None:
    cfg = config.load_config()
    assert cfg.role_sv["hub"] == "huvudmottagning" and cfg.role_definite_sv["branch"] == "filialen"
    assert cfg.status_sv["gains"] == "vinner"
    assert set(cfg.tornado_metrics_sv) <= set(cfg.metrics)


def test_a_missing_role_label_is_a_clear_error() -> None:
    raw = {
        name: config.read_yaml(path)
        for name, path in (("o", config.OPTIONS_FILE), ("t", config.TASKS_FILE), ("a", config.ASSUMPTIONS_FILE))
    }
    options = json.loads(json.dumps(raw["o"]))
    del options["settings"]["role_sv"]["hub"]
    with pytest.raises(config.OptionsConfigError, match=r"settings.role_sv lacks label\(s\) for hub"):
        config.build_config(options, raw["t"], raw["a"])


# --------------------------------------------------------------------------- sentence choice


def _f(**kw: object) -> SimpleNamespace:
    return SimpleNamespace(**kw)


def test_bmm_change_by_sign_with_half_an_hour_tolerance() -> None:
    assert text.bmm_change(1049.4).key == "access.bmm_change.higher"
    assert text.bmm_change(1049.4).values["hours"] == f"1{NBSP}049"
    assert text.bmm_change(-0.6).key == "access.bmm_change.lower"
    assert text.bmm_change(0.49).key == "access.bmm_change.same"


def test_balance_names_gaining_and_losing_municipalities() -> None:
    s = text.balance(_f(municipalities_gaining=2, municipalities_losing=0, gaining=("Sala", "Fagersta"), losing=()))
    assert s.key == "access.balance.gain_only" and s.values["gaining"] == "Sala, Fagersta" and s.values["n_gaining"] == "2"
    assert text.balance(_f(municipalities_gaining=0, municipalities_losing=0, gaining=(), losing=())).key == (
        "access.balance.none"
    )
    s = text.balance(_f(municipalities_gaining=0, municipalities_losing=1, gaining=(), losing=("Norberg",)))
    assert s.key == "access.balance.loss_only" and s.values["losing"] == "Norberg"


def test_vardcentral_sentence_fixed_or_range() -> None:
    fixed = text.vardcentral_text(
        _f(
            vardcentraler_bmm_keep_min=0,
            vardcentraler_bmm_keep_max=0,
            vardcentraler_bmm_lose_min=26,
            vardcentraler_bmm_lose_max=26,
        )
    )
    assert fixed.key == "vardcentraler.fixed" and fixed.values["today"] == "26"
    assert fixed.values["kept"].key == "vardcentraler.kept.none"
    rng = text.vardcentral_text(
        _f(
            vardcentraler_bmm_keep_min=0,
            vardcentraler_bmm_keep_max=7,
            vardcentraler_bmm_lose_min=19,
            vardcentraler_bmm_lose_max=26,
        )
    )
    assert rng.key == "vardcentraler.range" and rng.values["keep_max"] == "7" and rng.values["lose_min"] == "19"


def test_case_prefix_and_lead() -> None:
    opt = config.load_config().options["D"]
    prefix = text.case_prefix(opt, opt.case("best"))
    assert prefix == "I bästa fallet: "
    assert text.lead(prefix, "Alternativet ger") == "I bästa fallet: alternativet ger"
    assert text.case_prefix(config.load_config().options["A"], config.load_config().options["A"].case()) == ""
    assert text.case_suffix(opt, opt.case("worst")) == " – sämsta fall"


def test_unit_phrase_templates() -> None:
    roles = config.load_config().role_definite_sv
    s = text.unit_phrase(
        pd.Series({"role": "hub", "label_sv": "Västerås: huvudmottagning 2", "town": "Västerås", "team": "x"}), roles
    )
    assert s.key == "unit.numbered" and s.values == {"role": "huvudmottagningen", "number": "2", "town": "Västerås"}
    s = text.unit_phrase(
        pd.Series({"role": "branch", "label_sv": "Norberg: filial", "town": "Norberg", "team": "Fagersta 1"}), roles
    )
    assert s.key == "unit.branch" and s.values["team"] == "Fagersta"
    s = text.unit_phrase(pd.Series({"role": "bmm", "label_sv": "Sala: BMM", "town": "Sala", "team": "Sala"}), roles)
    assert str(s) == "BMM i Sala"


def test_tradeoff_sentences() -> None:
    t = scorecard.Tradeoff("m", "Mått", False, ("A",), ("B", "C"), True)
    s = text.tradeoff(t)
    assert s.key == "tradeoff.clear" and s.values["best"] == "A" and s.values["worst"] == "B, C"
    assert text.tradeoff(dataclasses.replace(t, clear=False)).key == "tradeoff.unclear"
    assert text.tradeoff(scorecard.Tradeoff("m", "Mått", True)).key == "tradeoff.equal"


def test_tornado_none_and_synthetic_note() -> None:
    assert text.tornado_none([]).key == "tornado.all"
    s = text.tornado_none(["a", "b"])
    assert s.key == "tornado.none" and s.values["metrics"] == "a; b"
    assert text.synthetic_note(True).key == "synthetic_note.synthetic"


# --------------------------------------------------------------------------- within-town travel leg


def test_split_towns_have_enough_vardcentraler() -> None:
    vc = within_town.vardcentraler()
    for town in within_town.split_towns():
        assert len(within_town.town_vardcentraler(town)) >= within_town.WITHIN_TOWN_MIN_VARDCENTRALER
        assert set(within_town.town_vardcentraler(town)) <= set(vc["site_id"])


def test_split_origins_share_the_town_equally() -> None:
    town = within_town.split_towns()[0]
    vcs = within_town.town_vardcentraler(town)
    origins = pd.DataFrame(
        {"origin_id": ["o1", "o2"], "kind": ["tatort", "tatort"], "node": [town, "Elsewhere"], "x": [0.0, 1.0], "y": [0.0, 1.0],
         "weight": [90.0, 10.0]}
    )  # fmt: skip
    out = within_town.split_origins(origins)
    assert len(out) == len(vcs) + 1
    assert out["weight"].sum() == pytest.approx(100.0)
    inside = out[out["node"] == town]
    assert inside["weight"].tolist() == pytest.approx([90.0 / len(vcs)] * len(vcs))
    assert inside["origin_id"].str.startswith("o1 @ ").all()


# --------------------------------------------------------------------------- pages


@pytest.mark.slow
def test_option_page_glue_values_are_text() -> None:
    data = page.compute_option("A")
    glue = page.option_glue_values(data)
    assert all(isinstance(v, str) for v in glue.values())
    assert glue["option_name"] == data.option.name_sv and glue["bmm_units_today"] == "26"
    res = page.option_results(data)
    assert res["option"] == "A" and res["cases"]["base"]["figures"] == plain(figures.option_figures("A").as_dict())
