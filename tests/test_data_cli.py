"""The generator's command line refuses bad arguments plainly and never overwrites data."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from pmcj.cli import main
from pmcj.data import load_all
from pmcj.paths import DATA_DIR


def committed_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.glob("*.csv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pmcj.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("seed", "message"), [("abc", "whole number"), ("4.5", "whole number"), ("-2", "zero or more")]
)
def test_bad_seed_is_refused_plainly(seed: str, message: str, tmp_path: Path) -> None:
    result = run_cli("generate", "--seed", seed, "--out", str(tmp_path / "v"))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "v").exists()


def test_variant_is_written_and_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "class-a"
    assert main(["generate", "--seed", "11", "--out", str(out)]) == 0
    tables = load_all(out)
    assert len(tables["segments"]) > 700
    assert "seed 11" in (out / "VARIANT.txt").read_text()
    assert (out / "datapackage.json").exists()


def test_existing_output_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "class-b"
    assert main(["generate", "--seed", "3", "--out", str(out)]) == 0
    before = (out / "segments.csv").read_bytes()
    assert main(["generate", "--seed", "4", "--out", str(out)]) == 2
    assert "add --force" in capsys.readouterr().err
    assert (out / "segments.csv").read_bytes() == before
    assert main(["generate", "--seed", "4", "--out", str(out), "--force"]) == 0
    assert (out / "segments.csv").read_bytes() != before


def test_unwritable_output_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # /proc refuses new folders even to root, which CI runs as.
    assert main(["generate", "--out", "/proc/pmcj-variant"]) == 2
    assert "cannot write to /proc/pmcj-variant" in capsys.readouterr().err


def test_output_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me")
    assert main(["generate", "--out", str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_committed_data_are_never_overwritten_with_another_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = committed_digest()
    assert main(["generate", "--seed", "99", "--out", str(DATA_DIR), "--force"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["generate", "--out", str(DATA_DIR)]) == 2  # the default seed still needs --force
    assert committed_digest() == before


def test_validate_reports_a_broken_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "datapackage.json: file not found" in capsys.readouterr().err
