"""Downloaded notebooks read like their pages: plain Jupyter Markdown, no MyST left in them.

The conversion (``pmcj.myst``) is tested on small pieces of MyST without a build; the tests
marked ``build`` read what ``make test`` built: every notebook of the student pack is rendered
with a CommonMark parser (as Jupyter renders Markdown) and must hold no role, directive or label,
and the numbers pasted with glue, the citations and the reference list must read exactly as on
the built pages.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from pmcj.editions import edition as edition_of
from pmcj.myst import Book, Conversion, ConversionError
from pmcj.notebooks import (
    SETUP_CELL,
    executed_notebook,
    for_download,
    glue_values,
    strip_markdown,
)
from pmcj.pack import package_files
from pmcj.pages import notebook_paths
from pmcj.paths import ROOT
from tests.build_support import built_html, built_instructor_html, built_pack

PACK_FOLDER = "peer-mentoring-student-pack"
CHAPTER = ROOT / "chapters" / "07-values-core-conditions.md"


# --- what counts as MyST left over -----------------------------------------------------------

COMMONMARK = MarkdownIt("commonmark").enable("table")
ROLE_BEFORE_CODE = re.compile(r"\{[A-Za-z][\w:+.-]*\}$")
LEFTOVER_TEXT = [
    (re.compile(r"\{[A-Za-z][\w:+.-]*\}`"), "a role"),
    (re.compile(r"(?:^|\n)\s*:{3,}"), "a ':::' directive fence"),
    (re.compile(r"(?:^|\n)\s*\([\w-]+\)=\s*(?:\n|$)"), "a label '(name)='"),
    (re.compile(r"(?:^|\n)\s*:(?:label|class|tags|name):"), "a directive option"),
    (re.compile(r"\{\{[^}]*\}\}"), "a substitution '{{ name }}'"),
]


def myst_leftovers(markdown: str) -> list[str]:
    """What a CommonMark renderer would show as raw MyST: roles, directives, labels, options."""
    found = []
    for token in COMMONMARK.parse(markdown):
        if token.type == "fence" and token.info.strip().startswith("{"):
            found.append(f"a directive '{token.info.strip()}' (shown as a code block)")
        if token.type != "inline":
            continue
        children = token.children or []
        for index, child in enumerate(children):
            if child.type != "text":
                continue
            following = children[index + 1] if index + 1 < len(children) else None
            if following is not None and following.type == "code_inline":
                match = ROLE_BEFORE_CODE.search(child.content)
                if match:
                    found.append(f"a role {match.group(0)}`{following.content}`")
        text = "\n".join(c.content for c in children if c.type in ("text", "softbreak"))
        text = "".join(c.content if c.type == "text" else "\n" for c in children)
        for pattern, what in LEFTOVER_TEXT:
            found += [f"{what}: {m.group(0).strip()!r}" for m in pattern.finditer(text)]
    return found


def test_the_leftover_check_finds_what_the_issue_reported() -> None:
    raw = (
        "(chapter-07)=\n# 7. Values\n\n:::{admonition} Content note\n:class: note\nText.\n:::\n\n"
        "As {cite:p}`buck2018core` says, {term}`desistance` matters ({glue:text}`x:.0%`).\n\n"
        "| exercise |\n| --- |\n| {ref}`ex7-1` |\n\n"
        "````{exercise-start} Title\n:label: ex7-1\n````\n"
    )
    found = " ".join(myst_leftovers(raw))
    for expected in ("{cite:p}", "{term}", "{glue:text}", "{ref}", "label '(name)='", ":::"):
        assert expected in found, (expected, found)
    assert "{exercise-start}" in found
    assert not myst_leftovers("Plain text with `{cite:p}` in code, and a [link](x.ipynb).")


# --- the conversion, piece by piece (no build) --------------------------------------------------


@pytest.fixture(scope="module")
def book() -> Book:
    return Book.read(ROOT)


def convert(book: Book, text: str, glue: dict | None = None) -> tuple[str, Conversion]:
    conversion = Conversion(book, CHAPTER, glue or {})
    return conversion.markdown(text), conversion


def test_exercise_directives_become_numbered_headings(book: Book) -> None:
    text, _ = convert(
        book,
        "````{exercise-start} Who is listened to?\n:label: ex7-1\n````\n\n"
        "**Data task with a self-check · introductory · about 15 minutes**\n\n"
        "````{exercise-end}\n````",
    )
    assert text.startswith("## Exercise 7.1: Who is listened to?\n\n**Data task"), text
    assert "exercise-end" not in text and "label" not in text


def test_references_to_exercises_and_pages_read_as_on_the_page(book: Book) -> None:
    text, _ = convert(book, "| {ref}`ex7-2` | see {doc}`the codebook <../appendices/codebook>` |")
    assert text == "| Exercise 7.2 | see the codebook |"
    text, _ = convert(book, "{doc}`../exercises/07-values-core-conditions-exercises`")
    assert text == (
        "[Exercises for Chapter 7: values and core conditions]"
        "(07-values-core-conditions-exercises.ipynb)"
    )


def test_citations_read_as_the_site_shows_them_and_are_listed(book: Book) -> None:
    text, conversion = convert(
        book, "{cite:t}`buck2018core` and others {cite:p}`hucklesby2014assistance,buck2020peer`."
    )
    assert text == "Buck (2018) and others (Hucklesby and Wincup, 2014; Buck, 2020)."
    references = conversion.appendix()[-1]
    assert references.startswith("## References\n\n- Buck, G\\. \\(2018\\)")
    assert references.index("The core conditions") < references.index("Hucklesby")


def test_terms_become_plain_words_defined_in_a_glossary_at_the_end(book: Book) -> None:
    text, conversion = convert(book, "A {term}`congruent <congruence>` helper; {term}`desistance`.")
    assert text == "A congruent helper; desistance."
    glossary = conversion.appendix()[0]
    assert glossary.startswith("## Glossary")
    assert "**congruence**: Being genuine" in glossary and "**desistance**:" in glossary
    assert "(Rogers, 1957)" in glossary, "a citation inside a definition is converted too"
    assert "rogers1957necessary" in conversion.cited


def test_glue_roles_become_their_values_formatted_as_myst_nb_formats_them(book: Book) -> None:
    glue = {"share": {"text/plain": "0.7162"}, "name": {"text/plain": "'trust'"}}
    source = "{glue:text}`share:.0%` of *{glue:text}`name`*, or {glue:text}`share`"
    text, _ = convert(book, source, glue)
    assert text == "72% of *trust*, or 0.7162"
    with pytest.raises(ConversionError, match="nothing was glued under 'missing'"):
        convert(book, "{glue:text}`missing:.0%`")


def test_admonitions_become_marked_block_quotes(book: Book) -> None:
    text, _ = convert(book, ":::{admonition} Content note\n:class: note\nLine one,\nline two.\n:::")
    assert text == "> **Content note**\n>\n> Line one,\n> line two."


def test_labels_go_and_code_is_left_alone(book: Book) -> None:
    source = (
        "(ch07-data)=\n## Working with the data\n\nRun `{cite:p}` in code.\n\n"
        "```python\nx = '{term}`y`'\n```"
    )
    text, _ = convert(book, source)
    assert text == (
        "## Working with the data\n\nRun `{cite:p}` in code.\n\n```python\nx = '{term}`y`'\n```"
    )


def test_unknown_myst_is_refused_with_the_page_and_what_to_do(book: Book) -> None:
    with pytest.raises(ConversionError, match=r"07-values-core-conditions\.md: no conversion for"):
        convert(book, "A {footcite}`buck2018core` role.")
    with pytest.raises(ConversionError, match=r"\{dropdown\} directive"):
        convert(book, ":::{dropdown} More\nText\n:::")


def test_a_notebook_alone_says_in_one_sentence_what_to_fetch() -> None:
    """The setup cell, run where ``pmcj`` cannot be found (the pack test runs it for real)."""
    code = SETUP_CELL.replace('find_spec("pmcj")', 'find_spec("pmcj_is_not_installed_here")')
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the class is defined by the cell
        exec(compile(code, "setup-cell", "exec"), {})
    shown = raised.value._render_traceback_()
    assert len(shown) == 1 and shown[0].startswith("This notebook needs the book's student pack")
    assert shown[0].count(". ") == 0, "one sentence"


# --- what make test built ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    with zipfile.ZipFile(built_pack()) as archive:
        archive.extractall(folder)
    return folder / PACK_FOLDER


@pytest.mark.build
def test_no_pack_notebook_shows_any_myst(pack: Path) -> None:
    notebooks = sorted(pack.glob("*.ipynb"))
    assert len(notebooks) == len(notebook_paths(ROOT))
    problems = []
    for path in notebooks:
        for index, cell in enumerate(nbformat.read(path, 4).cells):
            if cell.cell_type == "markdown":
                problems += [f"{path.name}, cell {index}: {p}" for p in myst_leftovers(cell.source)]
    assert not problems, "MyST a student would see as raw text:\n" + "\n".join(problems[:20])


@pytest.mark.build
def test_the_site_offers_the_pack_and_every_download_note_links_it() -> None:
    for edition in (built_html(), built_instructor_html()):
        assert (edition / "_downloads" / "student-pack.zip").read_bytes() == (
            built_pack().read_bytes()
        ), "the site's pack differs from make student-pack's"
        how_to = (edition / "how-to-use.html").read_text(encoding="utf-8")
        assert 'href="_downloads/student-pack.zip" download' in how_to
        assert re.search(r"student-pack\.zip</code>, \d+(?:\.\d)? [KM]B\)", how_to), "no size given"
        for source in notebook_paths(ROOT):
            page = source.relative_to(ROOT).with_suffix(".html")
            text = (edition / page).read_text(encoding="utf-8")
            note = re.search(r'<p class="pmcj-notebook-download">.*?</p>', text, re.S)
            assert note, f"{page}: no download note"
            depth = "../" * (len(page.parts) - 1)
            assert f'href="{depth}_downloads/student-pack.zip" download' in note.group(0), page


def page_values(page: Path, pattern: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", m)).split())
        for m in re.findall(pattern, text)
    ]


def downloads(edition: Path) -> dict[Path, nbformat.NotebookNode]:
    folder = edition / "_downloads" / "notebooks"
    return {s: nbformat.read(folder / f"{s.stem}.ipynb", 4) for s in notebook_paths(ROOT)}


def markdown_of(notebook: nbformat.NotebookNode) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


class Recording(Conversion):
    """A conversion that notes each glued value it pastes, in order."""

    def glued(self, name: str, body: str) -> str:
        value = super().glued(name, body)
        self.__dict__.setdefault("pasted", []).append(value)
        return value


def shown_markdown(notebook: nbformat.NotebookNode, keep_solutions: bool) -> list[str]:
    """The Markdown cells of a run notebook that an edition shows, in order."""
    cells, in_solution = [], False
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        if not keep_solutions:
            text, in_solution = strip_markdown(text, in_solution)
        cells.append(text)
    return cells


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_glued_numbers_read_exactly_as_on_the_page(edition: str) -> None:
    site = built_html() if edition == "student" else built_instructor_html()
    keep = edition == "instructor"
    book = Book.read(ROOT)
    for source, notebook in downloads(site).items():
        page = site / source.relative_to(ROOT).with_suffix(".html")
        shown = page_values(page, r'<span class="pasted-text">(.*?)</span>')
        run = executed_notebook(source, edition_of("student").cache)
        recording = Recording(book, source, glue_values(run))
        for text in shown_markdown(run, keep):
            recording.markdown(text)
        pasted = recording.__dict__.get("pasted", [])
        # The page typesets quotes (docutils' smart quotes); the notebook keeps them as typed.
        straight = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
        shown = [value.translate(straight) for value in shown]
        assert pasted == shown, f"{source.name}: glued values differ from the page's"
        download = markdown_of(notebook)
        assert download == markdown_of(for_download(source, run, keep, book)), "stale download"
        assert "{glue" not in download
        flat = " ".join(download.split())
        for value in pasted:
            assert value in flat, f"{source.name}: {value!r} is not in the download"


@pytest.mark.build
def test_citations_and_references_read_as_on_the_page() -> None:
    book = Book.read(ROOT)
    for source, built in downloads(built_html()).items():
        # Converted afresh, so the test reads what the code makes now (the glue test above
        # checks that the built downloads are what it makes).
        run = executed_notebook(source, edition_of("student").cache)
        notebook = for_download(source, run, False, book)
        page = built_html() / source.relative_to(ROOT).with_suffix(".html")
        shown = page_values(page, r'<span class="bibtex-citation"[^>]*>(.*?)</span>')
        text = " ".join(markdown_of(notebook).split())
        body, _, references = text.partition("## References")
        position = 0
        for citation in shown:
            citation = citation.replace("et al.", "*et al.*")
            found = body.find(citation, position)
            assert found >= 0, f"{source.name}: the page's {citation!r} is not in the download"
            position = found + len(citation)
        titles = {
            html.unescape(title)
            for title in re.findall(
                r'class="reference internal" href="[^"]*bibliography\.html#[^"]*" title="([^"]*)"',
                page.read_text(encoding="utf-8"),
            )
        }
        listed = [entry for entry in references.split(" - ") if entry.strip()]
        missing = titles - {render_plain(entry) for entry in listed}
        assert not missing, f"{source.name}: references not listed as on the site: {missing}"
        cited = {
            key
            for key in book.bibliography.entries
            if re.search(rf"[`,]{key}[`,]", source_text(source))
        }
        assert len(listed) == len(cited), f"{source.name}: {len(listed)} references for {cited}"
        assert markdown_of(notebook) == markdown_of(built), f"{source.name}: stale download"


def render_plain(markdown: str) -> str:
    """A reference-list entry as text, the way the site's link titles give it."""
    rendered = COMMONMARK.render(markdown.strip())
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())


def source_text(source: Path) -> str:
    """A page's MyST as the student edition shows it (no solutions or notes), with the glossary
    definitions of the terms it uses, whose citations the download lists too."""
    shown, _ = strip_markdown(source.read_text(encoding="utf-8"), False)
    book = Book.read(ROOT)
    terms = re.findall(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", shown)
    definitions = [book.glossary[term.strip().lower()].definition for term in terms]
    return "\n".join([shown, *definitions])


@pytest.mark.build
def test_code_folded_on_the_page_is_folded_in_jupyter(pack: Path) -> None:
    folded = 0
    for path in sorted(pack.glob("*.ipynb")):
        for cell in nbformat.read(path, 4).cells:
            hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
            assert hidden == ("hide-input" in cell.metadata.get("tags", [])), (path.name, cell)
            folded += hidden
    assert folded, "no pack notebook has folded code to check"


def test_imports_run_one_way_the_pack_never_loads_the_build_driver() -> None:
    """build -> pack -> notebooks -> myst, pages, editions: no module imports back up the chain."""
    code = (
        "import sys, pmcj.pack, pmcj.notebooks, pmcj.myst, pmcj.pages, pmcj.editions; "
        "print(sorted(m for m in sys.modules if m in {'pmcj.build', 'pmcj.sphinxext'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"the pack imports {result.stdout.strip()}"


def test_the_pack_follows_imports_to_every_module_the_setup_cell_needs() -> None:
    """The pack copies the ``pmcj`` modules its notebooks import, and the modules those import:
    the setup cell enables the chart renderer, which needs the PNG re-encoder beside it."""
    files = package_files([SETUP_CELL])
    assert {"pmcj/environment.py", "pmcj/offline_charts.py", "pmcj/png.py"} <= set(files), files
