"""Shared helpers: Swedish formatting, sentence templates, the config reader, the home county, geodata caching."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from analysis.common import formatting as f
from analysis.common import geodata
from analysis.common.config import ConfigError, read_yaml
from analysis.common.home import COUNTY_NAME, HOME_MUNICIPALITIES, HOME_REGION
from analysis.common.text import Sentence, TextError, Texts, by_count, by_sign

NBSP = "\u00a0"


def test_numbers_percentages_ranges_and_lists() -> None:
    assert f.sv_number(12345.678, 1) == f"12{NBSP}345,7"
    assert f.sv_number(-3.25, 1) == "\u22123,2"  # true minus sign; banker's rounding of .25 as Python's format does
    assert f.sv_number(-0.04, 1) == "0,0"  # never "−0,0"
    assert f.sv_number(None) == "–" and f.sv_number(float("nan")) == "–"
    assert f.sv_pct(12.345) == f"12,3{NBSP}%"
    assert f.sv_range(11.5, 12, 1) == "11,5–12,0"  # one precision on both ends
    assert f.sv_estimate(0.53, 0.26, 1.0, 2) == "0,53 (0,26–1,00)"
    assert f.sv_estimate(5, None, 7) == "5"
    assert f.sv_list([]) == "" and f.sv_list(["a"]) == "a" and f.sv_list(["a", "b"]) == "a och b"
    assert f.sv_list(["a", "b", "c"]) == "a, b och c" and f.sv_list(["a", "b"], "eller") == "a eller b"
    assert f.round_half_up(2.5) == 3 and f.round_half_up(-2.5) == -3 and f.round_to(2568, 10) == 2570.0


def test_sentence_templates_fill_and_remember_key_and_values(tmp_path: Path) -> None:
    (tmp_path / "demo.sv.yml").write_text(
        "gap:\n  higher: '{name} har {minutes} minuter längre'\n  lower: '{name} har {minutes} minuter kortare'\n"
        "plain: 'Utan fält, {{glue:}} är bokstavligt'\n",
        encoding="utf-8",
    )
    texts = Texts("demo", directory=tmp_path)
    s = texts(f"gap.{by_sign(-3.0)}", name="Sala", minutes="3,0")
    assert isinstance(s, Sentence) and isinstance(s, str)
    assert s.key == "gap.lower" and s.values == {"name": "Sala", "minutes": "3,0"}
    assert s == "Sala har 3,0 minuter kortare"
    assert texts("plain") == "Utan fält, {glue:} är bokstavligt"
    with pytest.raises(TextError, match="needs value"):
        texts("gap.higher", name="Sala")
    with pytest.raises(TextError, match="no sentence template 'gap.same'.*gap.higher"):
        texts("gap.same", name="x", minutes="1")
    with pytest.raises(TextError, match="not found"):
        Texts("missing", directory=tmp_path)("x")


def test_template_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.sv.yml").write_text("a: [1, 2]\n", encoding="utf-8")
    with pytest.raises(TextError, match=r"bad\.sv\.yml.*'a'"):
        Texts("bad", directory=tmp_path)("a")
    (tmp_path / "yes.sv.yml").write_text("g:\n  yes: ja\n", encoding="utf-8")
    with pytest.raises(TextError, match="not text; quote it"):
        Texts("yes", directory=tmp_path)("g.yes")
    (tmp_path / "pos.sv.yml").write_text("a: 'x {0} y'\n", encoding="utf-8")
    with pytest.raises(TextError, match="plain name"):
        Texts("pos", directory=tmp_path)("a")


def test_choice_helpers() -> None:
    assert [by_sign(v, 0.5) for v in (1.0, -1.0, 0.2)] == ["higher", "lower", "same"]
    assert [by_count(n) for n in (0, 1, 7)] == ["none", "one", "many"]


def test_every_book_text_file_loads() -> None:
    from analysis.common.paths import project_root

    files = sorted((project_root() / "book" / "text").glob("*.sv.yml"))
    assert files, "book/text has no sentence templates"
    for path in files:
        assert Texts(path.name.removesuffix(".sv.yml")).templates(), path


def test_config_reader_names_the_file_and_rereads_an_edited_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("top: {a: 1}\n", encoding="utf-8")
    assert read_yaml(path, "top") == {"a": 1}
    with pytest.raises(ConfigError, match=r"c\.yml.*'other'"):
        read_yaml(path, "other")
    path.write_text("top: {a: 2}\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert read_yaml(path, "top") == {"a": 2}
    path.write_text("top: [unclosed\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    with pytest.raises(ConfigError, match="not valid YAML"):
        read_yaml(path)
    with pytest.raises(ConfigError, match="cannot read"):
        read_yaml(tmp_path / "nope.yml")


def test_home_county_comes_from_data() -> None:
    data = read_yaml(Path(__file__).resolve().parents[1] / "src" / "analysis" / "data" / "home.yml", "home")
    assert HOME_REGION == data["region"] == "19" and COUNTY_NAME == data["county_name"]
    assert len(HOME_MUNICIPALITIES) == 10 and all(m.startswith(HOME_REGION) for m in HOME_MUNICIPALITIES)


def test_geodata_loaders_read_a_file_once_and_return_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    original = geodata._read

    def counting(path: Path, dtypes: dict[str, type]):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return original(path, dtypes)

    monkeypatch.setattr(geodata, "_read", counting)
    source = geodata.geodata_dir() / "municipalities.csv"
    copy = tmp_path / "municipalities.csv"
    copy.write_bytes(source.read_bytes())
    first = geodata.municipalities(copy)
    first.loc[0, "name"] = "ändrad"
    second = geodata.municipalities(copy)
    assert calls["n"] == 1 and second.loc[0, "name"] != "ändrad"
    copy.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # edited: read again
    geodata.municipalities(copy)
    assert calls["n"] == 2
