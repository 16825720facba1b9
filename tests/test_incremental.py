"""What a prose-edit rebuild reuses from the build before: finished pages and the bibliography.

Both are shortcuts for speed (issue 11 asks for a prose-edit rebuild no slower than the bare
template's), so each test checks that the shortcut gives what the long way gives, and that it
does not hide a page or an entry that changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from pmcj import myst
from pmcj.paths import ROOT
from pmcj.sphinxext.written import FINISHED_STAMP, fresh_pages, mark_pages_finished


def site(tmp_path: Path) -> SimpleNamespace:
    outdir, doctrees = tmp_path / "html", tmp_path / "doctrees"
    for name in ("index.html", "chapters/one.html", "_static/skip.html"):
        (outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_text("<html></html>")
    return SimpleNamespace(
        outdir=str(outdir), doctreedir=str(doctrees), builder=SimpleNamespace(format="html")
    )


def test_every_page_is_fresh_until_a_build_has_finished(tmp_path: Path) -> None:
    app = site(tmp_path)
    names = sorted(p.relative_to(app.outdir).as_posix() for p in fresh_pages(app))
    assert names == ["chapters/one.html", "index.html"]  # never a page under _static


def test_only_pages_written_after_the_last_finished_build_are_fresh(tmp_path: Path) -> None:
    app = site(tmp_path)
    mark_pages_finished(app, None)
    stamp = Path(app.doctreedir) / FINISHED_STAMP
    finished = stamp.stat().st_mtime_ns
    old, new = Path(app.outdir) / "index.html", Path(app.outdir) / "chapters" / "one.html"
    os.utime(old, ns=(finished - 10**9, finished - 10**9))
    os.utime(new, ns=(finished + 10**9, finished + 10**9))
    assert fresh_pages(app) == [new]


def test_a_failed_build_does_not_mark_its_pages_finished(tmp_path: Path) -> None:
    app = site(tmp_path)
    mark_pages_finished(app, RuntimeError("the build stopped"))
    assert not (Path(app.doctreedir) / FINISHED_STAMP).exists()
    assert len(fresh_pages(app)) == 2


def bibfiles() -> tuple[Path, ...]:
    return (ROOT / "references.bib",)


def test_the_remembered_bibliography_equals_a_fresh_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(myst, "BIBLIOGRAPHY_CACHE", tmp_path / "bib")
    fresh = myst.format_bibliography(bibfiles())
    first = myst.read_bibliography.__wrapped__(bibfiles())  # writes the remembered copy
    again = myst.read_bibliography.__wrapped__(bibfiles())  # reads it back
    assert len(list((tmp_path / "bib").glob("*.json"))) == 1
    for got in (first, again):
        assert got.labels == fresh.labels
        assert got.order == fresh.order
        assert dict(got.entries) == {key: fresh.entries[key] for key in fresh.entries}
    assert again.cite("cite:p", [fresh.order[0]], "here") == fresh.cite(
        "cite:p", [fresh.order[0]], "here"
    )


def test_a_damaged_remembered_bibliography_is_read_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(myst, "BIBLIOGRAPHY_CACHE", tmp_path / "bib")
    myst.read_bibliography.__wrapped__(bibfiles())
    (remembered,) = (tmp_path / "bib").glob("*.json")
    remembered.write_text(json.dumps({"labels": {"x": ["Nobody"]}}))
    got = myst.read_bibliography.__wrapped__(bibfiles())
    assert got.labels == myst.format_bibliography(bibfiles()).labels


def test_a_changed_bib_file_is_not_answered_from_the_old_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(myst, "BIBLIOGRAPHY_CACHE", tmp_path / "bib")
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{one, author={Able, Ann}, title={One}, year={2001}, publisher={P}}\n")
    assert set(myst.read_bibliography.__wrapped__((bib,)).labels) == {"one"}
    two = "@book{two, author={Baker, Bo}, title={Two}, year={2002}, publisher={P}}\n"
    bib.write_text(bib.read_text() + two)
    assert set(myst.read_bibliography.__wrapped__((bib,)).labels) == {"one", "two"}
