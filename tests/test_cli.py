"""The command line: validate, synth, and a build refused on a broken births file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .conftest import REPO, run_cli


def test_validate_exit_codes(project_copy: Path) -> None:
    bad = run_cli(project_copy, "validate", str(REPO / "tests" / "data" / "broken" / "age_out_of_range.csv"))
    assert bad.returncode == 1
    assert "column 'maternal_age'" in bad.stdout and "data rows 4, 5" in bad.stdout
    missing = run_cli(project_copy, "validate", "no-such-file.csv")
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_synth_is_deterministic_and_valid(project_copy: Path, tmp_path: Path) -> None:
    outs = []
    for name in ("a.parquet", "b.parquet"):
        out = tmp_path / name
        result = run_cli(project_copy, "synth", "--years", "2023", "--seed", "7", "--scale", "0.02", "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert Path(str(out) + ".truth.json").exists()
        outs.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert outs[0] == outs[1]
    check = run_cli(project_copy, "validate", str(tmp_path / "a.parquet"))
    assert check.returncode == 0, check.stdout


def test_build_refuses_broken_births_file_and_publishes_nothing(project_copy: Path) -> None:
    html = project_copy / "_build" / "html" / "index.html"
    html.parent.mkdir(parents=True)
    html.write_text("previous book")
    broken = REPO / "tests" / "data" / "broken" / "age_out_of_range.csv"
    result = run_cli(project_copy, "build", "--births", str(broken))
    assert result.returncode == 2
    assert "failed validation" in result.stderr and "maternal_age" in result.stderr
    assert html.read_text() == "previous book"
    assert not (project_copy / "book" / "generated").exists()
