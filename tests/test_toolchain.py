"""The toolchain is pinned, the vendored chart code matches its manifest, set-up fails kindly."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import altair as alt
import pytest

from pmcj.paths import ROOT

VENDOR = ROOT / "pmcj" / "sphinxext" / "static" / "pmcj"


def test_lock_pins_every_installed_package_exactly() -> None:
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines and all("==" in line for line in lines)
    names = {line.split("==")[0].lower() for line in lines}
    for required in (
        "jupyter-book",
        "myst-nb",
        "pandas",
        "altair",
        "pytest",
        "sphinx-exercise",
        "sphinxcontrib-bibtex",
        "jupyter-cache",
    ):
        assert required in names, f"{required} is missing from requirements.lock"
    assert "jupyter-book==1.0.4.post1" in lines


def test_vendored_files_match_their_manifest() -> None:
    manifest = json.loads((VENDOR / "VENDOR.json").read_text())
    for record in manifest["files"]:
        path = VENDOR / record["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"], record["file"]
        assert (VENDOR / record["licence_file"]).read_text().strip(), record["licence_file"]
        assert b"sourceMappingURL" not in path.read_bytes()[-200:]


def test_vendored_vega_lite_is_the_version_altair_expects() -> None:
    versions = {
        r["name"]: r["version"] for r in json.loads((VENDOR / "VENDOR.json").read_text())["files"]
    }
    assert versions["vega-lite"] == alt.VEGALITE_VERSION
    assert versions["vega"].split(".")[0] == alt.VEGA_VERSION.split(".")[0]
    assert versions["vega-embed"].split(".")[0] == alt.VEGAEMBED_VERSION.split(".")[0]


def run_bootstrap(tmp_path: Path, lock_text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tools").mkdir()
    shutil.copy2(ROOT / "tools" / "bootstrap.py", tmp_path / "tools" / "bootstrap.py")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "requirements.lock").write_text(lock_text)
    return subprocess.run(
        [sys.executable, str(tmp_path / "tools" / "bootstrap.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_broken_lock_gives_a_short_message(tmp_path: Path) -> None:
    result = run_bootstrap(tmp_path, "pandas==3.1.1\naltair>=6\n")
    assert result.returncode == 2
    assert "line 2 is not an exact pin" in result.stderr
    assert "make lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".venv").exists(), "a broken lock must not create an environment"


def test_empty_lock_gives_a_short_message(tmp_path: Path) -> None:
    result = run_bootstrap(tmp_path, "# nothing here\n")
    assert result.returncode == 2 and "pins nothing" in result.stderr


def test_old_python_gives_a_short_message(tmp_path: Path) -> None:
    script = ROOT / "tools" / "bootstrap.py"
    code = (
        "import sys, runpy; sys.version_info = (3, 9, 1, 'final', 0);"
        f"runpy.run_path({str(script)!r}, run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Python 3.11.2 or newer is needed" in result.stderr and "3.9.1" in result.stderr
    assert "apt-get install python3 python3-venv" in result.stderr


def test_the_minimum_python_is_the_same_everywhere() -> None:
    """README, pyproject.toml, the bootstrap and the lock's header name one oldest Python."""
    minimum = "3.11.2"
    assert f"Python {minimum} or newer" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f'requires-python = ">={minimum}"' in (ROOT / "pyproject.toml").read_text("utf-8")
    assert "MIN_PYTHON = (3, 11, 2)" in (ROOT / "tools" / "bootstrap.py").read_text("utf-8")
    assert f"Python {minimum}, the oldest" in (ROOT / "requirements.lock").read_text("utf-8")


def run_browser_subset(*options: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Two browser tests in a child pytest, with the options and environment variables given."""
    child_env = {k: v for k, v in os.environ.items() if k != "CI"}
    child_env.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_navigation.py",
            "-k",
            "axe",
            "-p",
            "no:cacheprovider",
            "-q",
            *options,
        ],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# `make test` runs the tests in two xdist workers, which send their reports to the process that
# prints the summary: the banner must count the workers' skips there.
@pytest.mark.parametrize("workers", [[], ["-n", "2", "-vv"]], ids=["one process", "two workers"])
def test_a_run_without_chromium_says_so_loudly_at_the_end(workers: list[str]) -> None:
    """Skipped browser tests are counted in a banner after the short summary, with the fix."""
    result = run_browser_subset(*workers, PMCJ_CHROMIUM="/nonexistent/chromium")
    out = result.stdout
    assert result.returncode == 0, out[-2000:]
    if workers:  # tests/conftest.py made xdist keep its groups together
        assert "scheduling tests via LoadGroupScheduling" in out, out[:2000]
    assert "2 BROWSER TESTS SKIPPED" in out, out[-2000:]
    banner = out.index("2 BROWSER TESTS SKIPPED")
    assert banner > out.index("short test summary info"), "the banner must come last"
    assert "apt-get install -y chromium" in out[banner:] and "make test" in out[banner:]


def test_ci_never_skips_a_browser_test() -> None:
    """With CI=true a missing browser fails the run instead of skipping."""
    result = run_browser_subset(PMCJ_CHROMIUM="/nonexistent/chromium", CI="true")
    assert result.returncode != 0, result.stdout[-2000:]
    assert "no Chromium found" in result.stdout


def test_every_fixture_the_xdist_groups_name_is_a_fixture_of_the_suite() -> None:
    """tests/conftest.py groups tests by the name of a costly or unsafe-to-share fixture; renamed
    without the map, its tests would silently spread over both workers again (two workers building
    the same pack environment at once)."""
    from tests.conftest import SHARED_FIXTURES

    tests = Path(__file__).resolve().parent
    sources = "\n".join(path.read_text(encoding="utf-8") for path in tests.glob("*.py"))
    for name in SHARED_FIXTURES:
        defined = re.search(
            rf"@pytest\.fixture[^\n]*\n(?:@[^\n]*\n)*def {re.escape(name)}\(", sources
        )
        assert defined, f"tests/conftest.py's SHARED_FIXTURES names {name!r}: no such fixture"
