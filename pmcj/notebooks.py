"""Turn the book's MyST notebooks into the .ipynb files students download.

A downloaded notebook is the executed notebook from the build's execution cache (so it carries its
outputs), minus what belongs to the book alone: the cell that wires charts into the website
(tagged ``book-only``) and, for students, every worked solution (cells tagged ``solution`` and the
Markdown between ``solution-start`` and ``solution-end``) and every ``{instructor-note}``. Files are
written only when their content changes, so an unchanged notebook never triggers a rebuild.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

DOWNLOAD_NOTE = (
    "*Downloaded from* Peer Mentoring in Criminal Justice: an interactive companion. "
    "This notebook needs the book's small `pmcj` package and its synthetic data: open it in the "
    "folder of the student pack (or of a copy of the book's repository), with pandas and altair "
    "installed. Charts are drawn when you run their cells."
)
FENCE_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}")
FENCE_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}")
NOTE = re.compile(r"^(:{3,}|`{3,})\{instructor-note\}.*?^\1\s*$\n?", re.MULTILINE | re.DOTALL)


class NotExecuted(LookupError):
    """The execution cache holds no up-to-date run of a notebook (build the book first)."""


def executed_notebook(source: Path, cache_dir: Path) -> NotebookNode:
    """The notebook with the outputs of its cached execution."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    try:
        notebook = cache.get_project_notebook(str(source)).nb
        _, merged = cache.merge_match_into_notebook(notebook)
    except (KeyError, ValueError) as error:
        raise NotExecuted(
            f"{source.name} has not been executed into {cache_dir}: run `make book` first"
        ) from error
    return merged


def strip_markdown(text: str, in_solution: bool) -> tuple[str, bool]:
    """Remove solution blocks (which may span cells) and instructor notes from Markdown."""
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


def for_download(notebook: NotebookNode, keep_solutions: bool) -> NotebookNode:
    """A copy of an executed notebook as a reader downloads it."""
    nb = copy.deepcopy(notebook)
    cells: list[NotebookNode] = []
    in_solution = False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "book-only" in tags:
            continue
        if not keep_solutions:
            if cell.cell_type == "markdown":
                cell.source, in_solution = strip_markdown(cell.source, in_solution)
                if not cell.source.strip():
                    continue
            elif in_solution or "solution" in tags:
                continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if any(key.startswith("application/vnd.vegalite") for key in data):
                title = data.get("text/plain", "<chart>").strip("<>")
                data["text/plain"] = f"<{title}: run this cell to draw it>"
        cells.append(cell)
    nb.cells = [nbformat.v4.new_markdown_cell(DOWNLOAD_NOTE), *cells]
    nb.metadata.pop("source_map", None)
    nb.metadata.pop("jupytext", None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    nbformat.validate(nb)
    return nb


def serialise(notebook: NotebookNode) -> str:
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_if_changed(path: Path, notebook: NotebookNode) -> bool:
    text = serialise(notebook)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
