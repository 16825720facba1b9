"""Building fails loudly on the mistakes contributors make, and charts render from local files.

Each test builds a small copy of the book in a temporary folder (prose pages only, or a fixture
notebook with a chart: that one, ``chart_book`` in tests/conftest.py, is built once and shared with
the browser tests), so the real build is never touched. The checks `pmcj.build` makes before
Sphinx runs (every page in _toc.yml, every notebook runs) are tested on tiny folders of their own.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pmcj import build
from pmcj.notebooks import NotExecuted, executed_notebook
from tests.build_support import FIXTURES, add_page, copy_skeleton, resources
from tests.build_support import build as build_copy


def test_skeleton_builds_cleanly(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    result = build_copy(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_unknown_citation_key_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    add_page(book, "badcite", "# Bad citation\n\nA claim {cite:p}`nobody2099invented`.\n")
    result = build_copy(book)
    assert result.returncode != 0
    assert "nobody2099invented" in result.stderr + result.stdout


def test_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    add_page(book, "badref", "# Bad reference\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    result = build_copy(book)
    assert result.returncode != 0
    assert "a-label-that-does-not-exist" in result.stderr + result.stdout


def test_chart_page_uses_local_vega_and_embeds_its_spec(chart_book: Path) -> None:
    page = chart_book / "charts.html"
    scripts = [url for tag, url in resources(page).urls if tag == "script"]
    assert any(url.split("?")[0] == "_static/pmcj/pmcj-charts.js" for url in scripts)
    html = page.read_text(encoding="utf-8")
    loader = re.search(r'<script data-requires="([^"]+)" defer="defer" src="_static/pmcj/', html)
    assert loader, "the chart script must name the local vega files it loads"
    assert loader.group(1).split() == ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]
    for name in loader.group(1).split():
        assert (chart_book / "_static" / "pmcj" / name).stat().st_size > 1000
    specs = [json.loads(text) for kind, text in resources(page).inline if kind == "json"]
    assert len(specs) == 1
    assert specs[0]["title"] == "Synthetic segments by role"
    assert specs[0]["description"].startswith("Bar chart")
    assert re.search(r'class="pmcj-chart-target" style="min-height:\d{3}px"', html)
    assert "<td>mentee</td><td>20</td>" in html, "the numbers table is missing"


def test_page_without_charts_loads_no_chart_code(chart_book: Path) -> None:
    scripts = [url for tag, url in resources(chart_book / "plain.html").urls if tag == "script"]
    assert not [url for url in scripts if "vega" in url or "pmcj-charts" in url]


def test_chart_without_description_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    text = (FIXTURES / "chartbook" / "charts.md").read_text(encoding="utf-8")
    text = text.replace('description="Bar chart of synthetic segment counts for three roles."', "")
    add_page(book, "nodescription", text)
    result = build_copy(book)
    assert result.returncode != 0
    assert "chart has no description" in result.stderr + result.stdout


# --- pmcj.build stops before Sphinx, with the file and what to do --------------------------------

TOC = """\
format: jb-book
root: intro
parts:
  - caption: Part
    chapters:
      - file: chapters/05-raises
"""
RAISING = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# 5. A chapter whose code raises

```{code-cell} ipython3
counts = {"mentor": 3}
```

Some prose between the cells.

```{code-cell} ipython3
:tags: [hide-input]

total = sum(counts.values())
counts["mentee"]
```
"""


def tiny_book(root: Path, pages: dict[str, str], toc: str = TOC) -> Path:
    """A book folder with just a _toc.yml and the given pages (no Sphinx build is run on it)."""
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    (root / "intro.md").write_text("# Intro\n", encoding="utf-8")
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@dataclass
class Outcome:
    status: int
    stderr: str
    sphinx_runs: list[list[str]]


def run_build(root: Path) -> Outcome:
    """`make book` on another folder: pmcj.build.build_book with its paths pointed there."""
    runs: list[list[str]] = []
    stderr = io.StringIO()
    target = build.Edition("student", root / "_build" / "html", root / "_build" / ".jupyter_cache")
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(stderr):
        patch.delenv("PMCJ_DATA", raising=False)
        patch.setattr(build, "ROOT", root)
        patch.setattr(build, "edition", lambda name, data_dir=None: target)
        patch.setattr(build, "jupyter_book", lambda args: runs.append(args) or 0)
        status = build.build_book()
    return Outcome(status, stderr.getvalue(), runs)


def test_a_page_missing_from_the_toc_stops_the_build_with_its_name(tmp_path: Path) -> None:
    book = tiny_book(
        tmp_path,
        {"chapters/05-raises.md": "# 5. Listed\n", "chapters/06-agency.md": "# 6. Forgotten\n"},
    )
    problems = build.page_problems(book)
    assert len(problems) == 1 and problems[0].startswith("chapters/06-agency.md is not in _toc.yml")
    assert "Add it to _toc.yml" in problems[0]
    outcome = run_build(book)
    assert outcome.status == 1 and not outcome.sphinx_runs, "Sphinx ran on a book missing a page"
    assert "chapters/06-agency.md is not in _toc.yml" in outcome.stderr


def test_a_toc_entry_without_its_page_stops_the_build(tmp_path: Path) -> None:
    book = tiny_book(tmp_path, {})
    assert build.page_problems(book) == [
        "_toc.yml lists 'chapters/05-raises', but there is no chapters/05-raises.md: create the "
        'page or remove the entry (see CONTRIBUTING.md, "Adding a chapter", step "Table of '
        'contents").'
    ]


def test_the_page_check_is_fast_on_the_real_book() -> None:
    """It runs before every build and every preview rebuild (whether it passes is tested in
    test_chapters.py, so that a forgotten page fails one test, not two)."""
    started = time.perf_counter()
    build.page_problems()
    assert time.perf_counter() - started < 0.5


@pytest.fixture(scope="module")
def raising_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outcome]:
    book = tiny_book(tmp_path_factory.mktemp("raising"), {"chapters/05-raises.md": RAISING})
    return book, run_build(book)


def test_a_raising_notebook_ends_the_build_with_its_own_error_file_and_cell(
    raising_book: tuple[Path, Outcome],
) -> None:
    book, outcome = raising_book
    assert outcome.status == 1 and not outcome.sphinx_runs, "Sphinx ran after a notebook raised"
    lines = RAISING.splitlines()
    cell = lines.index("total = sum(counts.values())") + 1
    message = outcome.stderr
    assert "chapters/05-raises.md raised an error when its code was run" in message
    assert f"the code cell at line {cell}:" in message
    assert "total = sum(counts.values())" in message
    assert f'failed on line {cell + 1} (line 2 of the cell): counts["mentee"]' in message
    assert "KeyError: 'mentee'" in message
    assert "\x1b[" not in message, "terminal colour codes in the message"
    assert "has not been executed" not in message and "Traceback" not in message
    assert (book / "_build" / "execution-errors" / "05-raises.txt").read_text().count("KeyError")


def test_a_raising_notebook_is_named_again_where_its_outputs_are_needed(
    raising_book: tuple[Path, Outcome],
) -> None:
    book, _ = raising_book
    with pytest.raises(NotExecuted, match=r"KeyError: 'mentee'") as raised:
        executed_notebook(book / "chapters" / "05-raises.md", book / "_build" / ".jupyter_cache")
    assert "run `make book` first" not in str(raised.value)


# --- make serve: sphinx-autobuild around the same build ------------------------------------------


def test_the_preview_rebuilds_for_book_sources_only() -> None:
    for source in ("chapters/07-values-core-conditions.md", "_toc.yml", "references.bib"):
        assert not build.ignored(str(build.ROOT / source)), source
    for other in (
        "_build/html/index.html",
        ".venv/lib/site.py",
        "tests/test_chapters.py",
        "chapters/.07-values-core-conditions.md.swp",
        "chapters/07-values-core-conditions.md~",
        "README.md",
    ):
        assert build.ignored(str(build.ROOT / other)), other


def test_the_preview_says_so_when_its_port_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        assert build.serve(port=port) == 2
    assert f"port {port} is already in use" in capsys.readouterr().err


def test_new_data_empty_the_execution_cache_and_the_same_data_keep_it(tmp_path: Path) -> None:
    """Outputs are cached by code alone: after `make data` pages must not keep old numbers."""
    from pmcj.build import reset_cache_for_new_data

    data = tmp_path / "data"
    data.mkdir()
    (data / "datapackage.json").write_text("{}", encoding="utf-8")
    (data / "segments.csv").write_text("segment_id\nseg0001\n", encoding="utf-8")
    cache = tmp_path / "cache"
    reset_cache_for_new_data(cache, data)
    (cache / "executed.txt").write_text("outputs", encoding="utf-8")
    reset_cache_for_new_data(cache, data)
    assert (cache / "executed.txt").exists(), "the same data must keep the cache"
    (data / "segments.csv").write_text("segment_id\nseg0002\n", encoding="utf-8")
    reset_cache_for_new_data(cache, data)
    assert not (cache / "executed.txt").exists(), "new data must empty the cache"
