"""Read a chapter's MyST sources the way the tests need: solution blocks, notes, code cells.

Also which chapters the book has (read from _toc.yml, the only list of them) and a line-by-line
reading of a MyST page that tells prose from code, so that the anatomy rules can point at a line.
"""

from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import yaml

from pmcj.pages import LETTERED, check_module, exercise_series
from pmcj.paths import ROOT

SOLUTION = re.compile(
    r"^(`{3,})\{solution-start\}.*?^\1\{solution-end\}\s*\n\1\s*$", re.MULTILINE | re.DOTALL
)
# The instructor-only boxes: teaching notes, seminar plans and marking rubrics.
NOTE = re.compile(
    r"^(:{3,})\{(?:instructor-note|seminar-plan|marking-rubric)\}\s*\n(.*?)^\1\s*$",
    re.MULTILINE | re.DOTALL,
)
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
WORDS = re.compile(r"[A-Za-z][A-Za-z ,;'-]{40,}[A-Za-z]")


def hidden_blocks(source: Path) -> list[str]:
    """The text of every worked solution, instructor note, seminar plan and rubric in a page."""
    text = source.read_text(encoding="utf-8")
    return [m.group(0) for m in SOLUTION.finditer(text)] + [m.group(2) for m in NOTE.finditer(text)]


def probes(block: str) -> list[str]:
    """Phrases from a hidden block that would survive rendering: long code lines, plain prose."""
    found = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", ":::", ":label:", ":tags:", "#")):
            continue
        if "=" in stripped and len(stripped) >= 25 and "`" not in stripped:
            found.append(stripped)  # a line of solution code
        else:
            for piece in re.split(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|\*+", stripped):
                found += [m.group(0).strip() for m in WORDS.finditer(piece)]
    return found


def visible_text(page: Path) -> str:
    """A built page's text with tags removed and entities decoded, whitespace normalised."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    text = text.translate(SMART_QUOTES)  # Sphinx turns ' and " into typographic quotes
    return " ".join(text.split())


def normalise(text: str) -> str:
    return " ".join(text.split())


def code_cells(source: Path) -> list[tuple[set[str], str]]:
    """(tags, code) of every code cell of a MyST notebook, in order."""
    notebook = jupytext.read(source)
    return [
        (set(cell.metadata.get("tags", [])), cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def run_cell(code: str, namespace: dict[str, Any]) -> Any:
    """Run a cell like Jupyter does and return the value of its last expression, if any."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = tree.body[:-1] if last else tree.body
    exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


# --- the chapters in _toc.yml ---------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    """A chapter page and the exercise pages listed beneath it in _toc.yml."""

    page: str  # "chapters/07-values-core-conditions", as _toc.yml names it
    exercises: tuple[str, ...] = ()
    root: Path = ROOT

    @property
    def path(self) -> Path:
        return self.root / f"{self.page}.md"

    @property
    def exercise_paths(self) -> list[Path]:
        return [self.root / f"{page}.md" for page in self.exercises]

    @property
    def number(self) -> int | None:
        """The chapter's number, from its file name (``07-values...`` is 7)."""
        match = re.match(r"(\d+)-", Path(self.page).name)
        return int(match.group(1)) if match else None

    @property
    def id(self) -> str:
        return Path(self.page).name

    @property
    def series(self) -> str | None:
        """What its exercise labels carry after ``ex``: '7' for Chapter 7, 'p' for the primer."""
        return exercise_series(self.exercises[0] if self.exercises else self.page)

    @property
    def check_module(self) -> str | None:
        """Its self-checks' module in ``pmcj.checks``: 'ch07', or 'primer' for the primer."""
        return check_module(self.exercises[0] if self.exercises else self.page)

    @property
    def pages(self) -> list[str]:
        """The page and its exercise pages, each once (the primer holds its own exercises)."""
        return list(dict.fromkeys([self.page, *self.exercises]))

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def toc_entries(toc: Path) -> list[dict]:
    """Every entry of _toc.yml with a file, at any depth (parts, chapters, sections)."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node)
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(toc.read_text(encoding="utf-8")))
    return found


def toc_chapters(root: Path = ROOT) -> list[Chapter]:
    """Every page under chapters/ in _toc.yml, with the exercise pages listed beneath it."""
    chapters = []
    for entry in toc_entries(root / "_toc.yml"):
        page = str(entry["file"]).removesuffix(".md")
        if not page.startswith("chapters/"):
            continue
        sections = [str(s.get("file", "")).removesuffix(".md") for s in entry.get("sections", [])]
        exercises = tuple(s for s in sections if s.startswith("exercises/"))
        chapters.append(Chapter(page=page, exercises=exercises, root=root))
    return chapters


def toc_lettered_pages(root: Path = ROOT) -> list[Chapter]:
    """Every page of ``pmcj.pages.LETTERED`` in _toc.yml (the primer), as a Chapter whose
    exercises are on the page itself: the exercise rules and tests apply to it as to a chapter's
    exercise page, the chapter's own anatomy does not."""
    listed = {str(entry["file"]).removesuffix(".md") for entry in toc_entries(root / "_toc.yml")}
    return [Chapter(page=page, exercises=(page,), root=root) for page in LETTERED if page in listed]


def toc_pages_with_exercises(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml that holds exercises: the exercise pages and lettered pages."""
    return [
        *toc_exercise_pages(root),
        *(chapter.page for chapter in toc_lettered_pages(root)),
    ]


def toc_exercise_pages(root: Path = ROOT) -> list[str]:
    """Every page under exercises/ in _toc.yml, wherever it is listed."""
    return [
        str(entry["file"]).removesuffix(".md")
        for entry in toc_entries(root / "_toc.yml")
        if str(entry["file"]).startswith("exercises/")
    ]


# --- a MyST page, line by line -------------------------------------------------------------------

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
OPTION = re.compile(r"^:[\w-]+:")
CODE_DIRECTIVES = {"code-cell", "code-block", "code", "literalinclude", "math", "raw", "eval-rst"}
ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<body>[^`]*)`")
INLINE_CODE = re.compile(r"(`+)(?!\{)[^`]*?\1")


@dataclass(frozen=True)
class Line:
    """One line of a MyST page: its number (from 1), its text and what it is.

    ``kind`` is ``prose`` (Markdown a reader sees, including inside admonitions and exercises),
    ``code`` (inside a code cell or code block), ``fence`` (a directive's opening or closing
    line), ``option`` (a directive's ``:name: value`` or YAML options) or ``front`` (the page's
    front matter).
    """

    number: int
    text: str
    kind: str


def directive_name(info: str) -> str | None:
    match = re.match(r"\{([\w:-]+)\}", info)
    return match.group(1) if match else None


def scan(text: str) -> list[Line]:
    """Tell prose from code, line by line, following nested backtick and colon fences."""
    raw = text.split("\n")
    lines: list[Line] = []
    stack: list[tuple[str, int, bool]] = []  # (fence character, length, is code)
    index = 0
    if raw and raw[0].strip() == "---":
        end = next((i for i in range(1, len(raw)) if raw[i].strip() == "---"), 0)
        lines += [Line(i + 1, raw[i], "front") for i in range(end + 1)]
        index = end + 1
    in_options = in_yaml = False
    while index < len(raw):
        text_line = raw[index]
        number = index + 1
        index += 1
        stripped = text_line.strip()
        if in_yaml:
            in_options = in_yaml = stripped != "---"
            lines.append(Line(number, text_line, "option"))
            continue
        if in_options:
            if OPTION.match(stripped):
                lines.append(Line(number, text_line, "option"))
                continue
            if stripped == "---":
                in_yaml = True
                lines.append(Line(number, text_line, "option"))
                continue
            in_options = False
        match = FENCE.match(stripped)
        if stack:
            char, length, is_code = stack[-1]
            closes = (
                match is not None
                and match.group("fence")[0] == char
                and len(match.group("fence")) >= length
                and not match.group("info")
            )
            if closes:
                stack.pop()
                lines.append(Line(number, text_line, "fence"))
                continue
            if is_code:
                lines.append(Line(number, text_line, "code"))
                continue
        if match is not None and (match.group("info") or match.group("fence")[0] != ":"):
            info = match.group("info")
            name = directive_name(info)
            is_code = name in CODE_DIRECTIVES if name else True
            stack.append((match.group("fence")[0], len(match.group("fence")), is_code))
            lines.append(Line(number, text_line, "fence"))
            in_options = name is not None
            continue
        lines.append(Line(number, text_line, "prose"))
    return lines


def plain(text: str) -> str:
    """A prose line as read: a role shows its text (a citation shows nothing), no inline code."""

    def role(match: re.Match[str]) -> str:
        if match.group("name").startswith(("cite", "glue")):
            return " "
        body = match.group("body")
        shown = re.match(r"(.*?)\s*<[^>]*>$", body)
        return shown.group(1) if shown else body

    return INLINE_CODE.sub(" ", ROLE.sub(role, text))
