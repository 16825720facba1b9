"""`make bench` times make test as the Makefile runs it: with the markers of its test target.

``tools/bench.py`` is a script, not a module of the package, so it is loaded from its file here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pmcj import toolenv
from pmcj.paths import ROOT


@pytest.fixture()
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """tools/bench.py as a module (in ``sys.modules`` while it runs: its dataclasses need it)."""
    # Loading the script runs its check that it is .venv's Python, which re-runs or exits in a
    # clone that borrows another checkout's .venv (as make bench's own clone does).
    monkeypatch.setattr(toolenv, "ensure_project_python", lambda script, name: None)
    spec = importlib.util.spec_from_file_location("pmcj_bench", ROOT / "tools" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_bench_reads_the_markers_make_test_runs_pytest_with(bench: ModuleType) -> None:
    markers = bench.make_test_markers(ROOT)
    assert "not pack_browser" in markers and "not slow" in markers, markers
    # make -n prints the test target's commands, with the variable expanded, and runs none.
    commands = subprocess.run(
        ["make", "-n", "--no-print-directory", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'-m "{markers}"' in commands, commands
    assert f"-n {bench.make_test_workers(ROOT)} " in commands, commands


def test_a_makefile_without_the_markers_stops_the_bench_with_what_it_lacks(
    bench: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "Makefile").write_text("test:\n\t@echo no markers here\n")
    with pytest.raises(bench.BenchError) as raised:
        bench.make_test_markers(tmp_path)
    message = str(raised.value)
    assert "TEST_MARKERS" in message and "print-test-markers" in message, message


def side_by_side(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ours: float, theirs: float
) -> tuple[Any, list[str]]:
    """The side-by-side prose rebuilds with the builds replaced by fixed times; their order."""
    order: list[str] = []

    def run_timed(command: list[str], clone: Path) -> tuple[float, int, str]:
        if command[1] == "build":
            order.append("template")
            return theirs, 0, ""
        return 0.0, 0, ""

    def build_step(step: Any, clone: Path) -> None:
        order.append("book")
        step.seconds, step.notebooks_executed, step.status = ours, 0, "ok"

    monkeypatch.setattr(bench, "run_timed", run_timed)
    monkeypatch.setattr(bench, "build_step", build_step)
    monkeypatch.setattr(bench, "edit_prose", lambda page: "edited")
    report = bench.Report(date="", commit="", uncommitted_changes=False, machine={})
    bench.template_prose_steps(report, tmp_path / "clone", tmp_path / "page.md")
    return report, order


def test_the_prose_rebuilds_alternate_which_goes_first_and_compare_medians(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report, order = side_by_side(bench, monkeypatch, tmp_path, ours=2.0, theirs=2.5)
    pairs = [order[i : i + 2] for i in range(1, len(order), 2)]  # after the template's first build
    assert len(pairs) == bench.PROSE_REPEATS >= 5
    assert pairs[0] == ["book", "template"] and pairs[1] == ["template", "book"]
    assert report.problems == []
    slower, _ = side_by_side(bench, monkeypatch, tmp_path, ours=2.6, theirs=2.5)
    assert slower.problems and "2.60 s" in slower.problems[0] and "2.50 s" in slower.problems[0]
