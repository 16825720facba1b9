"""What a prose-edit rebuild reuses from the build before: finished pages, the bibliography,
outlines of the pages for Sphinx's numbering, and formatted reference lists.

Both are shortcuts for speed (issue 11 asks for a prose-edit rebuild no slower than the bare
template's), so each test checks that the shortcut gives what the long way gives, and that it
does not hide a page or an entry that changed.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pmcj import myst
from pmcj.paths import ROOT
from pmcj.sphinxext.written import FINISHED_STAMP, fresh_pages, mark_pages_finished
from tests.build_support import sphinx_build


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


# --- Sphinx's numbering and sphinxcontrib-bibtex's reference lists, on a small project ---------

NUMBERING = Path(__file__).resolve().parent / "fixtures" / "numbering"


def numbers_from_whole_doctrees(env: Any) -> dict[str, Any]:
    """The figure numbers Sphinx's collector gives when it reads every whole doctree."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assert "get_doctree" not in env.__dict__  # the outlines were put away after numbering
    TocTreeCollector().assign_figure_numbers(env)
    return copy.deepcopy(env.toc_fignumbers)


@pytest.fixture
def numbering_project(tmp_path: Path) -> Path:
    project = tmp_path / "numbering"
    shutil.copytree(NUMBERING, project)
    return project


def test_numbers_from_outlines_equal_numbers_from_whole_doctrees(numbering_project: Path) -> None:
    env = sphinx_build(numbering_project, fresh=True).env
    from_outlines = copy.deepcopy(env.toc_fignumbers)
    assert from_outlines == numbers_from_whole_doctrees(env)
    kinds = {kind for numbers in from_outlines.values() for kind in numbers}
    assert {"figure", "table", "code-block", "exercise"} <= kinds  # every kind the walk numbers
    assert from_outlines["two"]["figure"]["fig-two"] == (3,)  # counted across pages, in order
    assert from_outlines["two"]["exercise"]["ex-two"] == (2,)


def test_an_outline_is_small_and_does_not_carry_its_page(numbering_project: Path) -> None:
    env = sphinx_build(numbering_project, fresh=True).env
    pages = env.pmcj_outlines["pages"]
    assert set(pages) == {"index", "one", "two", "three"}
    for docname, (_, outline) in pages.items():
        doctree = (numbering_project / "_build" / "doctrees" / f"{docname}.doctree").read_bytes()
        assert len(pickle.dumps(outline)) < len(doctree)
        assert all(getattr(node, "_document", None) is None for node in outline.findall())
    one = pages["one"][1]
    assert "A page with one of each numbered kind" not in one.astext()  # prose is left out
    assert "Captioned code" in one.astext()  # what is numbered is kept whole


def test_a_page_changed_since_is_outlined_again(numbering_project: Path) -> None:
    sphinx_build(numbering_project, fresh=True)
    one = numbering_project / "one.rst"
    text = one.read_text(encoding="utf-8")
    added = ".. figure:: missing.png\n   :name: fig-added\n\n   An added figure.\n\n"
    one.write_text(text.replace(".. figure::", added + ".. figure::", 1), encoding="utf-8")
    env = sphinx_build(numbering_project).env  # an incremental build: only one.rst is read
    from_outlines = copy.deepcopy(env.toc_fignumbers)
    assert from_outlines["one"]["figure"]["fig-added"] == (1,)
    assert from_outlines["two"]["figure"]["fig-two"] == (4,)  # the unchanged page moved on
    assert from_outlines == numbers_from_whole_doctrees(env)


def citations(env: Any) -> list[tuple[str, str, str, str]]:
    domain = env.get_domain("cite")
    return [
        (c.citation_id, c.key, c.formatted_entry.label, c.formatted_entry.text.render_as("text"))
        for c in domain.citations
    ]


def test_remembered_reference_lists_equal_freshly_formatted_ones(numbering_project: Path) -> None:
    from pmcj.sphinxext.reference_lists import REMEMBERED

    env = sphinx_build(numbering_project, fresh=True).env
    domain = env.get_domain("cite")
    remembered = env.__dict__[REMEMBERED]["lists"]
    assert len(remembered) == 2  # one list per page's bibliography
    domain.env_updated()  # answered from the remembered lists
    again = citations(env)
    env.__dict__[REMEMBERED]["lists"].clear()
    domain.env_updated()  # formatted afresh
    fresh = citations(env)
    assert again == fresh
    assert {key for _, key, _, _ in fresh} == {"able2001", "baker2002"}
    assert any("Über Second Book" in text for *_, text in fresh)  # the LaTeX was decoded


def test_a_reference_list_is_formatted_again_when_its_citations_or_the_bib_change(
    numbering_project: Path,
) -> None:
    from pmcj.sphinxext.reference_lists import REMEMBERED

    sphinx_build(numbering_project, fresh=True)
    two = numbering_project / "two.rst"
    two.write_text(two.read_text().replace("Do something else.", ":cite:t:`able2001`."))
    env = sphinx_build(numbering_project).env
    keys = {key for _, key, _, _ in citations(env) if key == "able2001"}
    assert keys == {"able2001"}
    listed = [key[3] for key in env.__dict__[REMEMBERED]["lists"]]
    assert sorted(listed) == [("able2001",), ("able2001", "baker2002")]  # old list dropped
    bib = numbering_project / "refs.bib"
    bib.write_text(bib.read_text().replace("The First Book", "The First Book, Revised"))
    env = sphinx_build(numbering_project).env
    assert any("Revised" in text for *_, text in citations(env))


def test_an_outline_is_made_again_when_its_doctree_file_changed(tmp_path: Path) -> None:
    from docutils import nodes

    from pmcj.sphinxext.outlines import outline_reader

    env = SimpleNamespace(doctreedir=str(tmp_path), domains={})
    reads: list[str] = []

    def read_doctree(docname: str) -> Any:
        reads.append(docname)
        doctree = nodes.Element()
        doctree += nodes.section(ids=[f"s{len(reads)}"])
        return doctree

    (tmp_path / "page.doctree").write_bytes(b"first")
    outline = outline_reader(env, read_doctree)  # type: ignore[arg-type]
    assert outline("page").children[0]["ids"] == ["s1"]
    assert outline("page").children[0]["ids"] == ["s1"] and reads == ["page"]  # remembered
    (tmp_path / "page.doctree").write_bytes(b"written again")
    assert outline("page").children[0]["ids"] == ["s2"]


# --- the downloads written beside Sphinx, and the notebooks' lexer -------------------------------


def downloads_writing(monkeypatch: pytest.MonkeyPatch, size: int) -> Any:
    """pmcj.sphinxext.downloads, its writer replaced by one that writes a pack of ``size`` bytes."""
    from pmcj.sphinxext import downloads

    def write(outdir: Path, **_: Any) -> int:
        (outdir / "pack.zip").write_bytes(b"x" * size)
        return size

    monkeypatch.setattr(downloads, "write_downloads", write)
    return downloads


def test_the_downloads_job_gives_the_size_its_process_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = downloads_writing(monkeypatch, 1234)
    job = downloads.DownloadsJob({"outdir": tmp_path})
    assert job.process is not None  # on Linux, a forked process writes them
    assert job.wait() == 1234 and job.wait() == 1234  # waiting twice is harmless
    assert (tmp_path / "pack.zip").stat().st_size == 1234


def test_without_a_safe_fork_the_downloads_are_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = downloads_writing(monkeypatch, 10)
    monkeypatch.setattr(downloads.sys, "platform", "win32")
    job = downloads.DownloadsJob({"outdir": tmp_path})
    assert job.process is None and (tmp_path / "pack.zip").exists()  # written before it returns
    assert job.wait() == 10


def test_a_failure_writing_the_downloads_stops_the_build_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sphinx.errors import ExtensionError

    from pmcj.sphinxext import downloads

    def fail(**_: Any) -> int:
        raise FileNotFoundError("data/segments.csv is missing")

    monkeypatch.setattr(downloads, "write_downloads", fail)
    job = downloads.DownloadsJob({})
    with pytest.raises(ExtensionError, match="student pack") as stopped:
        job.wait()
    assert "data/segments.csv is missing" in str(stopped.value)
    assert "Traceback" in str(stopped.value)  # with the file and line it failed at


def test_the_notebooks_lexer_given_by_class_highlights_as_the_one_found_by_name() -> None:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from sphinx.highlighting import PygmentsBridge, lexer_classes

    from pmcj.sphinxext.lexers import setup_lexers

    added: dict[str, Any] = {}
    setup_lexers(SimpleNamespace(add_lexer=added.__setitem__))  # type: ignore[arg-type]
    assert set(added) == {"ipython3"}
    code = "%matplotlib inline\ncounts = segments.groupby('role').size()  # a comment\n!ls data\n"
    by_name = highlight(code, get_lexer_by_name("ipython3"), HtmlFormatter())
    assert highlight(code, added["ipython3"](), HtmlFormatter()) == by_name
    lexer_classes["ipython3"] = added["ipython3"]  # as app.add_lexer does, for Sphinx's bridge
    assert PygmentsBridge("html").highlight_block(code, "ipython3").count("<span") > 10


def test_registered_exercises_are_saved_without_their_pages(numbering_project: Path) -> None:
    env = sphinx_build(numbering_project, fresh=True).env
    assert {"ex-one", "ex-two", "sol-two"} <= set(env.sphinx_exercise_registry)
    saved = (numbering_project / "_build" / "doctrees" / "environment.pickle").read_bytes()
    assert b"The first exercise" in saved  # the registered exercise's title
    assert b"A page with one of each numbered kind" not in saved  # but not its page's prose
    one = numbering_project / "one.rst"  # rebuild page one alone: its solution names exercise 2
    one.write_text(one.read_text().replace("A page with", "A page, edited, with"))
    sphinx_build(numbering_project)
    page = (numbering_project / "_build" / "html" / "one.html").read_text(encoding="utf-8")
    assert re.search(r'href="two.html#ex-two"> Exercise 2 \(The second exercise\)</a>', page)


# --- the joined style sheet's memo ----------------------------------------------------------------

PAGE = (
    '<html><head>\n<link rel="stylesheet" type="text/css" href="_static/a.css" />\n'
    '<link rel="stylesheet" type="text/css" href="_static/b.css" />\n'
    '<script src="_static/s.js"></script></head>'
    '<body><p class="{cls}">x</p></body></html>'
)


def small_site(tmp_path: Path, cls: str = "used") -> Path:
    out = tmp_path / "html"
    (out / "_static" / "pmcj").mkdir(parents=True, exist_ok=True)
    (out / "_static" / "a.css").write_text(".used{color:red}.unused{color:blue}.later{top:0}")
    (out / "_static" / "b.css").write_text(".made-{left:0}.made-by-script{left:1px}")
    (out / "_static" / "s.js").write_text("el.classList.add('made-' + kind)")
    (out / "index.html").write_text(PAGE.format(cls=cls))
    return out


def test_names_read_through_the_memo_equal_a_fresh_reading(tmp_path: Path) -> None:
    from pmcj.sphinxext.performance import names_in_use
    from pmcj.sphinxext.style_memo import StyleMemo

    out = small_site(tmp_path)
    memo = StyleMemo(tmp_path / "doctrees")
    assert names_in_use(out, memo) == names_in_use(out)
    memo.save(set())
    again = StyleMemo(tmp_path / "doctrees")
    page = out / "index.html"
    page.write_text(PAGE.format(cls="used later"))  # a page written since uses a new class
    names, prefixes = names_in_use(out, again)
    assert "later" in names and (names, prefixes) == names_in_use(out)
    assert "made-" in prefixes  # a script's class prefix


def test_an_unchanged_joined_sheet_is_not_trimmed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmcj.sphinxext import performance
    from pmcj.sphinxext.style_memo import StyleMemo

    out = small_site(tmp_path)
    page = out / "index.html"

    def join(memo: StyleMemo) -> str:
        text = page.read_text()
        return performance.bundle_page_styles(page, text, out, {}, None, memo)

    memo = StyleMemo(tmp_path / "doctrees")
    first = join(memo)
    (sheet,) = (out / performance.BUNDLE_DIR).glob("styles-*.css")
    assert ".unused" not in sheet.read_text() and ".used{color:red}" in sheet.read_text()
    memo.save({sheet.name})

    def no_trimming(*_: Any) -> str:
        raise AssertionError("trimmed again")

    monkeypatch.setattr(performance, "trim_css", no_trimming)
    assert join(StyleMemo(tmp_path / "doctrees")) == first  # same sheets, same names: reused
    page.write_text(PAGE.format(cls="used later"))
    with pytest.raises(AssertionError, match="trimmed again"):
        join(StyleMemo(tmp_path / "doctrees"))  # a new class in use: trimmed afresh


def test_a_damaged_style_memo_is_read_afresh(tmp_path: Path) -> None:
    from pmcj.sphinxext.performance import names_in_use
    from pmcj.sphinxext.style_memo import MEMO, StyleMemo

    out = small_site(tmp_path)
    (tmp_path / "doctrees").mkdir()
    (tmp_path / "doctrees" / MEMO).write_text('{"version": 1, "files": [')
    assert names_in_use(out, StyleMemo(tmp_path / "doctrees")) == names_in_use(out)
    stale = {"version": 1, "files": {str(out / "index.html"): [0, 0, {"names": ["x"]}]}}
    (tmp_path / "doctrees" / MEMO).write_text(json.dumps(stale))  # another file's stamp
    assert names_in_use(out, StyleMemo(tmp_path / "doctrees")) == names_in_use(out)


def test_the_search_index_stems_with_the_c_stemmer_as_the_python_one_would() -> None:
    """PyStemmer makes Sphinx's indexing quicker; it must not change a single stem."""
    import snowballstemmer
    from snowballstemmer.porter_stemmer import PorterStemmer

    stemmer = snowballstemmer.stemmer("porter")
    assert type(stemmer).__module__ == "Stemmer", "PyStemmer is not installed: make venv"
    text = " ".join(page.read_text(encoding="utf-8") for page in (ROOT / "chapters").glob("*.md"))
    words = sorted({word.lower() for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text)})
    assert len(words) > 2000
    python = PorterStemmer()
    assert [stemmer.stemWord(w) for w in words] == [python.stemWord(w) for w in words]


def test_a_rebuilt_search_index_keeps_the_other_pages_index_entries(
    numbering_project: Path, tmp_path: Path
) -> None:
    """sphinx-doc/sphinx#12599: a rebuild dropped the glossary terms of pages it did not write."""
    sphinx_build(numbering_project, fresh=True)
    one = numbering_project / "one.rst"
    one.write_text(one.read_text().replace("A page with", "A page, edited, with"))
    sphinx_build(numbering_project)  # page three, with the terms, is not written again
    rebuilt = (numbering_project / "_build" / "html" / "searchindex.js").read_text()
    clean = tmp_path / "clean"
    shutil.copytree(numbering_project, clean, ignore=shutil.ignore_patterns("_build"))
    sphinx_build(clean, fresh=True)
    assert rebuilt == (clean / "_build" / "html" / "searchindex.js").read_text()
    assert '"desistance"' in rebuilt and '"peer mentor"' in rebuilt


def test_a_deleted_page_takes_its_index_entries_out_of_the_rebuilt_index(
    numbering_project: Path,
) -> None:
    sphinx_build(numbering_project, fresh=True)
    (numbering_project / "index.rst").write_text(
        (numbering_project / "index.rst").read_text().replace("   three\n", "")
    )
    (numbering_project / "three.rst").unlink()
    sphinx_build(numbering_project)
    rebuilt = (numbering_project / "_build" / "html" / "searchindex.js").read_text()
    assert '"desistance"' not in rebuilt


@pytest.mark.slow
def test_a_prose_edit_rebuild_writes_the_site_a_clean_build_writes(tmp_path: Path) -> None:
    """Every shortcut above at once, on the book itself (its skeleton: stand-ins for notebooks).

    A one-line prose edit, rebuilt, must leave every file of the site as a clean build of the
    same sources writes it: the outlines, remembered lists, style memo, finished pages, forked
    downloads and the search index's entries all hold, or some file differs.
    """
    from tests.build_support import build, copy_skeleton

    book = tmp_path / "book"
    book.mkdir()
    copy_skeleton(book)
    assert build(book).returncode == 0
    chapter = book / "chapters" / "07-values-core-conditions.md"
    text = chapter.read_text(encoding="utf-8")
    assert "Stand-in for a notebook" in text
    chapter.write_text(text.replace("Stand-in for a notebook", "A stand-in for a notebook"))
    rebuilt = build(book)
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert "Executing" not in rebuilt.stdout
    clean = tmp_path / "clean"
    shutil.copytree(book, clean, ignore=shutil.ignore_patterns("_build"))
    assert build(clean).returncode == 0
    ours, theirs = book / "_build" / "html", clean / "_build" / "html"
    files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    differ = [str(f) for f in files if (ours / f).read_bytes() != (theirs / f).read_bytes()]
    assert not differ, f"a rebuild and a clean build differ in {differ}"


def test_a_failed_build_still_reads_a_long_error_from_the_downloads_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A traceback longer than a pipe holds must not leave the child, or the build, waiting."""
    import threading

    from pmcj.sphinxext import downloads

    def fail(**_: Any) -> int:
        raise RuntimeError("x" * 300_000)

    monkeypatch.setattr(downloads, "write_downloads", fail)
    app = SimpleNamespace(pmcj_downloads=downloads.DownloadsJob({}))
    finishing = threading.Thread(
        target=downloads.finish_downloads, args=(app, RuntimeError("a page failed"))
    )
    finishing.start()
    finishing.join(timeout=30)
    assert not finishing.is_alive(), "finish_downloads waited for ever on the child"
    assert app.pmcj_downloads.process is None  # the child was joined
