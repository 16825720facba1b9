"""Turn the book's MyST notebooks into the .ipynb files readers download and the pack holds.

A downloaded notebook is the executed notebook from the build's execution cache (so it carries its
outputs), minus what belongs to the book alone: the cells that wire charts into the website or
glue numbers into its prose (tagged ``book-only``) and, for students, every worked solution (cells
tagged ``solution`` and the Markdown between ``solution-start`` and ``solution-end``) and every
instructor-only block (``{instructor-note}``, ``{seminar-plan}``, ``{marking-rubric}``). Its
Markdown is converted from MyST to what Jupyter renders (:mod:`pmcj.myst`), with the glued values
pasted in; its charts are labelled so that JupyterLab and Notebook 7 draw them offline, and
carry a picture for the classic Notebook (:mod:`pmcj.offline_charts`); a first code cell checks
that it sits in the student pack.
:func:`for_download` is the one place this happens, for the site's downloads and the student pack
alike. Files are written only when their content changes, so an unchanged notebook never triggers
a rebuild.

It also reads back why a notebook has no executed copy: jupyter-cache keeps the traceback of a run
that raised, and :func:`execution_failure` turns it into the notebook's file, the failing cell (and
its line in the MyST source) and the exception, so a contributor reads their own error, not a
later and vaguer one.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from pmcj.myst import INSTRUCTOR_TITLES, Book, Conversion
from pmcj.offline_charts import PictureError, offline_output
from pmcj.pages import is_myst_notebook

DOWNLOAD_NOTE = (
    "*Downloaded from* Peer Mentoring in Criminal Justice: an interactive companion. This "
    "notebook runs in the folder of the book's **student pack** (`student-pack.zip`, offered on "
    "the book's *How to use* page), next to its `pmcj` helpers and `data` folder, with the "
    "packages its `requirements.txt` lists. The first code cell checks that, and says what is "
    "missing, if anything."
)
# The first code cell of every download: a student who opens the notebook anywhere but the pack's
# folder reads one sentence on what to fetch, not a ModuleNotFoundError traceback. Jupyter prints
# what an exception's ``_render_traceback_`` returns in place of the traceback.
SETUP_CELL = """\
# Checks that the book's helpers, data and packages are here, and says what to do if not.
import importlib.util

if importlib.util.find_spec("pmcj") is None:

    class NotInTheStudentPack(Exception):
        def _render_traceback_(self):  # show one sentence, not a traceback
            return [str(self)]

    raise NotInTheStudentPack(
        "This notebook needs the book's student pack: download student-pack.zip from the "
        "book's 'How to use' page, unzip it, and open this notebook from inside that folder."
    )

from pmcj.environment import prepare

prepare()"""
FENCE_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}")
FENCE_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}")
# The instructor-only directives (as pmcj.sphinxext.editions registers them; not imported from
# there, so that the pack never loads Sphinx): teaching notes, seminar plans, rubrics, and the
# body of a page for lecturers only.
INSTRUCTOR_ONLY = (*INSTRUCTOR_TITLES, "instructor-only")
NOTE = re.compile(
    rf"^(:{{3,}}|`{{3,}})\{{(?:{'|'.join(INSTRUCTOR_ONLY)})\}}.*?^\1\s*$\n?",
    re.MULTILINE | re.DOTALL,
)


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_SOURCE = re.compile(
    r"An error occurred while executing the following cell:\n-{10,}\n(.*?)\n-{10,}\n", re.DOTALL
)
TIMEOUT = re.compile(r"A cell timed out while it was being executed, after (\d+) seconds")
TIMEOUT_SOURCE = re.compile(r"preview of the cell contents:\n-{10,}\n(.*?)\n-{10,}", re.DOTALL)
CELL_LINE = re.compile(r"(?:Cell In ?\[\d*\]|Input In ?\[\d*\]), line (\d+)")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)): ?(.*)$")
SHOWN_LINES = 8
# The charts' pictures for the classic Notebook, by a hash of each chart, in the execution cache.
PICTURES = "chart-pictures"


class NotExecuted(LookupError):
    """The execution cache holds no up-to-date run of a notebook (build the book first)."""


@dataclass(frozen=True)
class ExecutionFailure:
    """Why a notebook has no executed copy: the cell that raised and what it raised."""

    source: Path
    cell: str
    error: str
    source_line: int | None = None
    cell_line: int | None = None
    traceback: str = ""

    def describe(self, root: Path | None = None, details: str = "") -> str:
        """Plain English: the file and line, the cell's first lines, the exception, the fix."""
        name = self.source.relative_to(root) if root else self.source
        lines = self.cell.strip("\n").splitlines()
        shown = lines[:SHOWN_LINES] + (["..."] if len(lines) > SHOWN_LINES else [])
        at = f" at line {self.source_line}" if self.source_line else ""
        cell = "\n".join(f"      {line}".rstrip() for line in shown) or "      (cell not found)"
        failing = ""
        if self.cell_line and 0 < self.cell_line <= len(lines):
            line = f"line {self.cell_line} of the cell"
            if self.source_line:
                line = f"line {self.source_line + self.cell_line - 1} ({line})"
            failing = f"\n  failed on {line}: {lines[self.cell_line - 1].strip()}"
        return (
            f"{name} raised an error when its code was run, so the book was not built.\n"
            f"  the code cell{at}:\n{cell}{failing}\n"
            f"  {self.error}\n"
            f"{details}"
            "Fix that cell (or the data or helper it uses), then run `make book` again."
        )


def clean_traceback(text: str) -> str:
    """A traceback without the terminal colour codes IPython puts in it."""
    return ANSI.sub("", text)


def source_line(source: Path, cell: str) -> int | None:
    """The line of the MyST file where a code cell's first line is, if it can be found."""
    try:
        text = source.read_text(encoding="utf-8")
    except OSError:
        return None
    first = next((line for line in cell.splitlines() if line.strip()), "")
    if not first:
        return None
    index = text.find(cell.strip("\n")) if cell.strip("\n") in text else text.find(first)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def failure_from_traceback(source: Path, traceback: str) -> ExecutionFailure:
    """Read jupyter-cache's stored traceback of a failed run (nbclient's message inside)."""
    text = clean_traceback(traceback)
    timeout = TIMEOUT.search(text)
    if timeout:
        match = TIMEOUT_SOURCE.search(text)
        cell = match.group(1) if match else ""
        error = (
            f"the cell was still running after {timeout.group(1)} seconds (the time limit); "
            "make it faster or smaller"
        )
        return ExecutionFailure(source, cell, error, source_line(source, cell), None, text)
    match = CELL_SOURCE.search(text)
    cell = match.group(1) if match else ""
    after = text[match.end() :] if match else text
    cell_line = CELL_LINE.search(after)
    errors = [m for line in after.splitlines() if (m := EXCEPTION_LINE.match(line.strip()))]
    if errors:
        error = f"{errors[-1].group(1)}: {errors[-1].group(2)}".rstrip(": ")
    else:
        error = next(
            (line.strip() for line in reversed(after.splitlines()) if line.strip()), "an error"
        )
    return ExecutionFailure(
        source,
        cell,
        error,
        source_line(source, cell) if cell else None,
        int(cell_line.group(1)) if cell_line else None,
        text,
    )


def execution_failure(source: Path, cache_dir: Path) -> ExecutionFailure | None:
    """The stored failure of the notebook's last run, or None if it has not failed."""
    from jupyter_cache import get_cache

    try:
        record = get_cache(str(cache_dir)).get_project_record(str(source.absolute()))
    except (KeyError, ValueError):
        return None
    if not record.traceback:
        return None
    return failure_from_traceback(source, record.traceback)


def executed_notebook(source: Path, cache_dir: Path) -> NotebookNode:
    """The notebook with the outputs of its cached execution."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    try:
        notebook = cache.get_project_notebook(str(source.absolute())).nb
        _, merged = cache.merge_match_into_notebook(notebook)
    except (KeyError, ValueError) as error:
        failure = execution_failure(source, cache_dir)
        if failure is not None:
            raise NotExecuted(failure.describe()) from error
        if not is_myst_notebook(source):
            raise NotExecuted(
                f"{source.name} names a kernel but lacks the jupytext lines ('format_name: "
                "myst') in its front matter, so myst-nb did not read it as a notebook; copy the "
                "front matter of chapter 7"
            ) from error
        raise NotExecuted(
            f"{source.name} has no executed copy in {cache_dir}. Build with `make book` (or "
            "`make serve`), which runs every notebook into that cache before Sphinx reads it; "
            "`jupyter-book build` on its own does not."
        ) from error
    return merged


def strip_markdown(text: str, in_solution: bool) -> tuple[str, bool]:
    """Remove solution blocks (which may span cells) and instructor-only blocks from Markdown."""
    kept: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not in_solution and FENCE_START.match(line):
            in_solution = True
        elif in_solution and FENCE_END.match(line):
            in_solution = False
            fence = FENCE_END.match(line).group(1)
            if index + 1 < len(lines) and lines[index + 1].strip() == fence:
                index += 1  # the closing fence of the empty solution-end directive
        elif not in_solution:
            kept.append(line)
        index += 1
    return NOTE.sub("", "\n".join(kept)).strip("\n"), in_solution


def glue_values(notebook: NotebookNode) -> dict[str, dict[str, Any]]:
    """What each ``glue()`` call stored when the notebook ran, by name (myst-nb's own format).

    myst-nb keeps a glued value as a display output with ``scrapbook`` metadata; the cells that
    make them are tagged ``book-only`` and dropped from downloads, so the values are read here,
    before the cells go, and pasted into the text where the page pastes them.
    """
    values: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not scrapbook:
                continue
            prefix = len(scrapbook.get("mime_prefix", ""))
            values[scrapbook["name"]] = {k[prefix:]: v for k, v in output["data"].items()}
    return values


def book_root(source: Path) -> Path:
    """The folder of the book a page belongs to (the nearest one holding _toc.yml)."""
    for folder in source.resolve().parents:
        if (folder / "_toc.yml").exists():
            return folder
    raise FileNotFoundError(f"{source} is not inside a book (no _toc.yml above it)")


def for_download(
    source: Path,
    notebook: NotebookNode,
    keep_solutions: bool,
    book: Book | None = None,
    pictures: Path | None = None,
) -> NotebookNode:
    """A copy of an executed notebook as a reader downloads it, in plain Jupyter Markdown.

    The site's downloads and the student pack both come from here, so they never differ: the
    same cells are dropped (book-only plumbing; for students, solutions and instructor notes),
    and the same conversion turns MyST into Markdown that Jupyter renders (:mod:`pmcj.myst`).
    Each chart's picture for the classic Notebook is remembered in ``pictures`` (by default
    beside the book's execution cache; the pictures depend on the charts alone, so every
    edition and class variant can share them).
    """
    from pmcj.paths import CACHE_DIR

    pictures = pictures or CACHE_DIR / PICTURES
    nb = copy.deepcopy(notebook)
    conversion = Conversion(book or Book.read(book_root(source)), source, glue_values(nb))
    cells: list[NotebookNode] = []
    in_solution = False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "book-only" in tags:
            continue
        if cell.cell_type == "markdown":
            if not keep_solutions:
                cell.source, in_solution = strip_markdown(cell.source, in_solution)
            cell.source = conversion.markdown(cell.source)
            if not cell.source.strip():
                continue
        elif not keep_solutions and (in_solution or "solution" in tags):
            continue
        if tags & {"hide-input", "hide-cell"}:  # folded on the page: folded in Jupyter too
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        if tags & {"hide-output", "hide-cell"}:
            cell.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
        for output in cell.get("outputs", []):
            if "data" in output:
                try:
                    offline_output(output, pictures)
                except PictureError as error:
                    raise PictureError(f"{source.name}: {error}") from error
        cells.append(cell)
    appendix = [nbformat.v4.new_markdown_cell(text) for text in conversion.appendix()]
    launch = (
        [nbformat.v4.new_code_cell(conversion.book.launch_cell)]
        if conversion.book.launch_cell
        else []
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell(DOWNLOAD_NOTE),
        *launch,
        nbformat.v4.new_code_cell(SETUP_CELL),
        *cells,
        *appendix,
    ]
    nb.metadata.pop("source_map", None)
    nb.metadata.pop("jupytext", None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    nbformat.validate(nb)
    return nb


def book_facts(book: Book) -> str:
    """What a page's conversion reads from the rest of the book, as text to hash."""
    parts = [
        json.dumps([book.labels, book.titles, book.downloads, book.site_url], sort_keys=True),
        book.launch_cell,
        json.dumps({k: [v.term, v.definition] for k, v in book.glossary.items()}, sort_keys=True),
    ]
    parts += [path.read_text(encoding="utf-8") for path in book.bibfiles if path.is_file()]
    return "\0".join(parts)


def download_key(source: Path, keep_solutions: bool, book: Book) -> str:
    """Everything a download depends on: its page, the book's facts, the data, the converter.

    The cached outputs follow from the page's code and the data (the execution cache is per
    edition and emptied when the data change), so the page's text and the data's fingerprint
    stand for them; the generator's inputs (codebook, excerpt bank) feed the data pages' tables.
    """
    from pmcj.data.fingerprint import data_fingerprint
    from pmcj.fingerprints import package_fingerprint
    from pmcj.paths import ACTIVE_DATA_DIR, DATA_DIR

    digest = hashlib.sha256()
    for part in (
        source.read_text(encoding="utf-8"),
        str(keep_solutions),
        book_facts(book),
        data_fingerprint(ACTIVE_DATA_DIR),
        package_fingerprint(),
        *(path.read_text(encoding="utf-8") for path in sorted(DATA_DIR.glob("*.yml"))),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def download_text(
    source: Path, cache_dir: Path, keep_solutions: bool, book: Book | None = None
) -> str:
    """The text of ``for_download(executed_notebook(...))``'s .ipynb file, remembered in the
    execution cache's folder.

    Converting every notebook for the downloads and the student pack on every build took about
    a third of a prose-edit rebuild (profiled on 2026-11-29); now only a page whose text, or
    whose book-wide facts, data or converter changed is converted again. The remembered copy is
    deleted with the execution cache. The text is what the site and the pack write, so an
    unchanged download is neither parsed nor serialised again (on 2026-11-30 that was still about
    a second of every prose-edit rebuild, with 22 notebooks).
    """
    book = book or Book.read(book_root(source))
    kind = "solutions" if keep_solutions else "student"
    folder = cache_dir / "downloads"
    remembered = folder / f"{source.stem}-{kind}-{download_key(source, keep_solutions, book)}.ipynb"
    if remembered.exists():
        return remembered.read_text(encoding="utf-8")
    executed = executed_notebook(source, cache_dir)
    notebook = for_download(source, executed, keep_solutions, book, cache_dir / PICTURES)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{source.stem}-{kind}-*.ipynb"):
        old.unlink()
    text = serialise(notebook)
    remembered.write_text(text, encoding="utf-8")
    return text


def serialise(notebook: NotebookNode) -> str:
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_if_changed(path: Path, notebook: NotebookNode | str) -> bool:
    """Write a notebook (or its serialised text) only if the file differs, so that an unchanged
    download keeps its date and never triggers a rebuild."""
    text = notebook if isinstance(notebook, str) else serialise(notebook)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
