"""A prose edit rebuilds without touching the notebooks' execution cache.

``pmcj.build.fill_cache`` stamps the notebooks' code (``pmcj.pages.code_fingerprint``) after a
complete run and skips jupyter-cache when the stamp still matches. These tests check that the
page reader sees exactly the code cells jupytext sees (a cell it missed would leave stale outputs
after a code edit), that prose edits leave the stamp alone and code edits change it, and that the
build and the Sphinx extension get the data fingerprint without importing pandas.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from pmcj import build
from pmcj.pages import code_cells, code_fingerprint, notebook_paths
from pmcj.paths import ROOT

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# A page

Some prose.

```{code-cell} ipython3
:tags: [remove-cell]
x = 1
```

More prose with a fence shown inside a longer one:

````{code-cell} ipython3
text = '''
```
not a fence that closes the cell
```
'''
````
"""


@pytest.mark.parametrize("path", notebook_paths(ROOT), ids=lambda p: p.stem)
def test_the_page_reader_sees_the_code_cells_jupytext_sees(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = code_cells(text)
    theirs = [c.source for c in jupytext.reads(text, fmt="myst").cells if c.cell_type == "code"]
    assert len(ours) == len(theirs), path
    for mine, cell in zip(ours, theirs, strict=True):
        assert cell.strip() in mine, (path, cell[:80])


def test_a_longer_fence_holds_a_shorter_one() -> None:
    cells = code_cells(PAGE)
    assert len(cells) == 2
    assert "not a fence that closes the cell" in cells[1]


def write_book(root: Path, page: str) -> Path:
    (root / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (root / "page.md").write_text(page, encoding="utf-8")
    return root / "page.md"


def test_prose_edits_keep_the_code_stamp_and_code_edits_change_it(tmp_path: Path) -> None:
    path = write_book(tmp_path, PAGE)
    before = code_fingerprint([path])
    path.write_text(PAGE.replace("Some prose.", "Some edited prose."), encoding="utf-8")
    assert code_fingerprint([path]) == before
    path.write_text(PAGE.replace("x = 1", "x = 2"), encoding="utf-8")
    assert code_fingerprint([path]) != before
    path.write_text(PAGE.replace("[remove-cell]", "[hide-input]"), encoding="utf-8")
    assert code_fingerprint([path]) != before  # cell options count too: erring towards a run


def test_a_matching_stamp_skips_jupyter_cache_and_a_code_edit_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jupyter_cache

    path = write_book(tmp_path, PAGE)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "code-fingerprint.txt").write_text(code_fingerprint([path]) + "\n")
    opened: list[str] = []
    monkeypatch.setattr(jupyter_cache, "get_cache", lambda where: opened.append(where) or 1 / 0)
    path.write_text(PAGE.replace("Some prose.", "Other prose."), encoding="utf-8")
    build.fill_cache(tmp_path, cache)
    assert opened == []
    path.write_text(PAGE.replace("x = 1", "x = 3"), encoding="utf-8")
    with pytest.raises(ZeroDivisionError):
        build.fill_cache(tmp_path, cache)
    assert opened == [str(cache)]


def test_the_build_reads_the_data_fingerprint_without_pandas() -> None:
    code = (
        "import sys, pmcj.build, pmcj.sphinxext, pmcj.data.fingerprint as f; f.data_fingerprint(); "
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False", result.stderr


def test_pages_outside_the_toc_are_excluded_without_entering_excluded_folders(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    from pmcj.sphinxext.toc import exclude_pages_outside_toc

    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n", encoding="utf-8"
    )
    for name in ("intro.md", "chapters/one.md", "draft.md", "notes/old.ipynb", "skip/x.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    config = SimpleNamespace(
        source_suffix={".md": "myst-nb", ".ipynb": "myst-nb"}, exclude_patterns=["skip"]
    )
    exclude_pages_outside_toc(SimpleNamespace(srcdir=str(tmp_path)), config)  # type: ignore[arg-type]
    assert sorted(config.exclude_patterns) == ["draft.md", "notes/old.ipynb", "skip"]


def tiny_jupyter_book(root: Path, page: str) -> Path:
    (root / "_config.yml").write_text(
        "title: Tiny\nexecute:\n  execute_notebooks: 'off'\nonly_build_toc_files: true\n",
        encoding="utf-8",
    )
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n", encoding="utf-8")
    (root / "intro.md").write_text(page, encoding="utf-8")
    return root


def test_a_single_build_runs_in_this_process_and_reports_a_failure_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`make book` runs Jupyter Book in its own process (a second interpreter cost a tenth of a
    second of every rebuild); a failed build must still end in Sphinx's message and an exit
    status, and leave the garbage collector as it found it."""
    import contextlib
    import gc
    import importlib
    import importlib.metadata

    from pmcj import entry_points

    # The build reads entry points once for the rest of its process; this one goes on testing.
    for name in entry_points.MODULES:
        with contextlib.suppress(ImportError):
            module = importlib.import_module(name)
            monkeypatch.setattr(module, "entry_points", module.entry_points)
    book = tiny_jupyter_book(tmp_path, "# Tiny\n\nSee {ref}`a-label-nowhere`.\n")
    monkeypatch.setattr(build, "ROOT", book)
    before = gc.get_threshold()
    flags = ["--builder", "html", "--keep-going", "--warningiserror", "--nitpick"]
    assert build.jupyter_book(flags, in_process=True) != 0
    failed = capfd.readouterr()
    assert "a-label-nowhere" in failed.out + failed.err
    assert "Traceback (most recent call last)" not in failed.out + failed.err
    assert gc.get_threshold() == before
    (book / "intro.md").write_text("# Tiny\n\nNo references.\n", encoding="utf-8")
    assert build.jupyter_book(flags, in_process=True) == 0
    assert "No references." in (book / "_build" / "html" / "intro.html").read_text()
    assert gc.get_threshold() == before
    assert getattr(importlib.metadata.entry_points, "pmcj_read_once", False)
