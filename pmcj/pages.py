"""The book's pages as _toc.yml lists them: which exist, which are notebooks, what they are called.

_toc.yml is the only list of pages. The build, the Sphinx extension, the student pack and the
tests all read it through this module, which imports nothing else of the book's, so any of them
can use it without pulling in the others (the build driver calls the pack; the pack must not need
the build driver).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pmcj.libyaml import safe_load
from pmcj.paths import ROOT, TOC

LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.MULTILINE)
TITLE = re.compile(r"^# (.+?)\s*$", re.MULTILINE)
FILE_NUMBER = re.compile(r"(?:^|/)(\d+)-[^/]*$")

LETTERED = {"primer": "P"}
"""Pages outside the numbered chapters that hold exercises, and the letter that numbers them.

A chapter's exercises are numbered by the chapter (label ``ex7-1``, "Exercise 7.1", check
``ch07.ex7_1``). A page with no chapter number takes a letter instead: the primer's exercises are
labelled ``exp-1`` and ``exp-2``, shown as "Exercise P.1" and "Exercise P.2", and checked by
``primer.exp_1`` and ``primer.exp_2`` (the check module is named after the page's file). The
numbering (:mod:`pmcj.sphinxext.exercises`), the downloads (:mod:`pmcj.myst`) and the tests all
read this one table.
"""


def toc_files(toc: Path = TOC) -> list[str]:
    """Every page named in the table of contents, in reading order (without suffix)."""
    stat = toc.stat()
    return list(read_toc(toc.resolve(), stat.st_mtime_ns, stat.st_size))


@cache
def read_toc(toc: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    """:func:`toc_files`, remembered while the file is unchanged: one build asks several times,
    and PyYAML's pure-Python reader took about 0.05 s each time (profiled on 2026-11-30)."""
    data = safe_load(toc.read_text(encoding="utf-8"))
    found = [data["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in data.items() if key != "root"})
    return tuple(found)


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("---", 2)[1] if text.startswith("---") else ""


def is_notebook(path: Path) -> bool:
    """A MyST Markdown page is a notebook when its front matter names a kernel."""
    return "kernelspec" in front_matter(path)


def is_myst_notebook(path: Path) -> bool:
    """myst-nb reads a Markdown page as a notebook only if its front matter says it is one.

    Without the jupytext ``format_name: myst`` line the page builds as plain Markdown (its code
    cells warn and never run), however complete its ``kernelspec``.
    """
    front = front_matter(path)
    return "kernelspec" in front and re.search(r"format_name:\s*myst\b", front) is not None


def notebook_paths(root: Path = ROOT) -> list[Path]:
    """Every notebook page in _toc.yml, in reading order: each is offered as a download, and the
    student pack holds exactly these (a page that is a notebook on the site runs in the pack)."""
    paths = [root / f"{name}.md" for name in toc_files(root / "_toc.yml")]
    return [path for path in paths if path.exists() and is_notebook(path)]


CODE_FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")


def code_cells(text: str) -> list[str]:
    """The code cells of a MyST notebook page, each with its options, as written in the page.

    A fence closes only on a line of the same character at least as long as the one that opened
    it, so a cell that shows a Markdown fence inside a longer one is read whole.
    """
    cells: list[str] = []
    fence: str | None = None
    block: list[str] = []
    for line in text.splitlines():
        if fence is None:
            opened = CODE_FENCE.match(line)
            if opened:
                fence, block = opened.group(1), [line]
            continue
        stripped = line.strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            cells.append("\n".join(block[1:]))
            fence = None
        else:
            block.append(line)
    if fence is not None:  # an unclosed cell runs to the end of the page, as in jupytext
        cells.append("\n".join(block[1:]))
    return cells


def code_fingerprint(paths: list[Path]) -> str:
    """A hash of what running the notebooks depends on in their pages: front matter and code.

    Prose is left out, so the build can tell in milliseconds that a prose edit needs no notebook
    run, before it loads jupyter-cache (which would read and hash every notebook to say so).
    """
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        digest.update(str(path.resolve()).encode() + b"\0" + front_matter(path).encode())
        for cell in code_cells(text):
            digest.update(b"\0cell\0" + cell.encode())
    return digest.hexdigest()[:16]


def download_name(path: Path) -> str:
    """The file name a page's notebook has in the site's downloads and in the student pack."""
    return f"{path.stem}.ipynb"


def chapter_number(docname: str) -> int | None:
    """The chapter number at the start of a page's file name (``exercises/07-x`` is 7)."""
    match = FILE_NUMBER.search(docname)
    return int(match.group(1)) if match else None


def exercise_series(docname: str) -> str | None:
    """What the labels of a page's exercises carry after ``ex``: the chapter's number ('7' for
    ``exercises/07-...``) or the page's letter in lower case ('p' for the primer); None for a page
    that is neither."""
    number = chapter_number(docname)
    if number is not None:
        return str(number)
    letter = LETTERED.get(docname)
    return letter.lower() if letter else None


def check_module(docname: str) -> str | None:
    """The ``pmcj.checks`` module of a page's self-checks: ``ch07`` for Chapter 7's exercises,
    the page's own name for a lettered page (``primer``)."""
    number = chapter_number(docname)
    if number is not None:
        return f"ch{number:02d}"
    return Path(docname).name if docname in LETTERED else None


def page_title(path: Path) -> str:
    """The page's title: its first level-one heading, as the site shows it."""
    match = TITLE.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else path.stem


def toc_outline(toc: Path = TOC) -> list[tuple[str, str | None, int]]:
    """Every page in reading order, with the caption of its part and its depth.

    Depth 0 is the landing page or a chapter, 1 a page listed under a chapter's ``sections`` (a
    chapter's exercises), and so on. The landing page and pages of a book without parts have no
    caption. The printed book (``pmcj.pdf``) builds its contents and bookmarks from this.
    """
    data = safe_load(toc.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, int]] = [(data["root"], None, 0)]

    def walk(entries: list, caption: str | None, depth: int) -> None:
        for entry in entries or []:
            if "file" in entry:
                found.append((entry["file"], caption, depth))
            walk(entry.get("sections", []), caption, depth + 1)

    for part in data.get("parts", []):
        walk(part.get("chapters", []), part.get("caption"), 0)
    walk(data.get("chapters", []), None, 0)
    return found
