"""The changes chapter: results diff (flatten, threshold, folders), the `diff` command and the page's tables/texts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.chapters.changes import commands, diff, tables, text
from analysis.chapters.changes.page import ChangesPage, Edition

NB = "\u00a0"


def _write(folder: Path, page: str, data: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{page}.json").write_text(json.dumps(data), encoding="utf-8")


def test_flatten_paths_records_by_id_and_empty_containers() -> None:
    data = {"b": {"x": 1, "y": [10, 20]}, "a": [], "t": [{"indicator": "cs", "v": 1.5}, {"indicator": "bmi", "v": 2}], "e": {}}
    flat = dict(diff.flatten(data))
    assert flat == {"a": "[]", "b.x": 1, "b.y[0]": 10, "b.y[1]": 20, "e": "{}", "t[indicator=cs].v": 1.5, "t[indicator=bmi].v": 2}


def test_records_without_unique_ids_fall_back_to_positions() -> None:
    flat = dict(diff.flatten({"t": [{"name": "a", "v": 1}, {"name": "a", "v": 2}]}))
    assert flat == {"t[0].name": "a", "t[0].v": 1, "t[1].name": "a", "t[1].v": 2}


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        (100, 101, False),  # exactly 1 % is not more than the threshold
        (100, 101.5, True),
        (100, 98.9, True),
        (0, 0.1, True),  # any move from zero
        (0.0, 0, False),
        (2.0000000000001, 2, False),  # float noise
        ("Sala", "Köping", True),
        (True, False, True),
        (None, None, False),
        (None, 3, True),
        (1, True, True),  # a number that became yes/no
    ],
)
def test_threshold_rule(old: diff.Scalar, new: diff.Scalar, changed: bool) -> None:
    assert diff.differs(old, new, 1.0) is changed


def test_compare_folders(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    _write(old, "lanet", {"births": 2568, "share": 60.0, "gone": 1, "name": "Västerås"})
    _write(new, "lanet", {"births": 2600, "share": 60.3, "added": [1], "name": "Västerås"})
    _write(old, "travel", {"x": 1})
    _write(new, "riskmix", {"y": 2})
    _write(new, "changes", {"changed": 5})  # the page's own results are never compared
    d = diff.compare(old, new, 1.0)
    assert [p.page for p in d.pages] == ["lanet"]
    assert (d.only_old, d.only_new) == (("travel",), ("riskmix",))
    by_key = {c.key: c for c in d.changes}
    assert set(by_key) == {"births", "gone", "added[0]"}  # share moved 0,5 %: below the threshold
    assert by_key["births"].delta == 32 and by_key["births"].relative_pct == pytest.approx(1.2461, abs=1e-4)
    assert (by_key["gone"].kind, by_key["added[0]"].kind) == ("removed", "added")
    assert d.compared == 3 and d.pages[0].count("changed") == 1
    assert diff.compare(old, new, 0.0).pages[0].count("changed") == 2


def test_bad_folders_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(diff.ResultsFolderError, match="not found"):
        diff.read_folder(tmp_path / "nope")
    (tmp_path / "a").mkdir()
    with pytest.raises(diff.ResultsFolderError, match="no <page>.json"):
        diff.read_folder(tmp_path / "a")
    (tmp_path / "a" / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(diff.ResultsFolderError, match=r"bad\.json"):
        diff.read_folder(tmp_path / "a")
    (tmp_path / "a" / "bad.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(diff.ResultsFolderError, match=r"bad\.json: expected a JSON object"):
        diff.read_folder(tmp_path / "a")
    with pytest.raises(ValueError, match="threshold"):
        diff.compare(tmp_path / "a", tmp_path / "a", -1)


def test_diff_command_prints_and_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "old", "lanet", {"births": 2568, "top": "Västerås"})
    _write(tmp_path / "new", "lanet", {"births": 2600, "top": "Köping"})
    _, main = commands.COMMANDS["diff"]
    out_csv = tmp_path / "changes.csv"
    assert main([str(tmp_path / "old"), str(tmp_path / "new"), "--out", str(out_csv)]) == 0
    printed = capsys.readouterr().out
    assert "lanet: births [changed]  old 2568  new 2600  change +32 (+1.246 %)" in printed
    assert "2 of 2 figures changed on 1 pages (threshold 1 %)" in printed
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert [(r["figure"], r["old"], r["new"], r["change"]) for r in rows] == [
        ("births", "2568", "2600", "32"),
        ("top", "Västerås", "Köping", ""),
    ]
    assert main([str(tmp_path / "missing"), str(tmp_path / "new")]) == 2
    assert "results folder not found" in capsys.readouterr().out


def _page(tmp_path: Path, old: dict[str, object], new: dict[str, object], max_rows: int = 100) -> ChangesPage:
    _write(tmp_path / "old", "lanet", old)
    _write(tmp_path / "new", "lanet", new)
    return ChangesPage(diff.compare(tmp_path / "old", tmp_path / "new", 1.0), Edition("förra", "test"), max_rows)


def test_summary_sentence_and_tables(tmp_path: Path) -> None:
    same = _page(tmp_path / "s", {"a": 1}, {"a": 1})
    assert text.summary(same.diff, "förra").key == "summary.none"
    assert tables.details(same) is None  # a note instead of an empty table
    data = _page(tmp_path / "c", {"a": 100, "b": 1.0, "c": "x<5"}, {"a": 110, "b": 0.5, "c": "y"}, max_rows=2)
    s = text.summary(data.diff, "förra")
    assert s.key == "summary.some" and s.values["changed"] == "3" and s.values["pages"] == "1"
    table = tables.details(data)
    assert table is not None
    frame = table.frame
    assert len(frame) == 2  # text change (no %) ranks first, then the larger relative change (b: −50 %)
    assert list(frame.iloc[:, 1]) == ["<code>c</code>", "<code>b</code>"]
    assert list(frame.iloc[:, 4]) == [text.label("kind.changed"), f"−0,50 (−50,0{NB}%)"]
    summary = tables.summary(data).frame
    assert summary.iloc[0].tolist() == [text.page_title("lanet"), "3", "3", "0", "0"]


def test_values_for_readers() -> None:
    assert tables.value(1234.56) == f"1{NB}235"
    assert tables.value(123.45) == "123,5"  # half to even on the binary value 123.4500000000000028…
    assert tables.value(2.345) == "2,35" or tables.value(2.345) == "2,34"
    assert tables.value(0.12345) == "0,123"
    assert tables.value(2568) == f"2{NB}568"
    assert tables.value(True) == text.label("yes")
    assert tables.value(None) == "–"
    assert tables.value("<5") == "&lt;5"
    assert tables._breakable("a.b[x=1,y=<5]") == "a.\u200bb[x=1,\u200by=&lt;5]"


def test_pages_in_the_books_order() -> None:
    assert text.in_book_order(["travel", "zzz", "lanet", "option_a", "comparison"]) == [
        "comparison",
        "option_a",
        "lanet",
        "travel",
        "zzz",
    ]
