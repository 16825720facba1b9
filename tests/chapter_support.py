"""Read a chapter's MyST sources the way the tests need: solution blocks, notes, code cells."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path
from typing import Any

import jupytext

SOLUTION = re.compile(
    r"^(`{3,})\{solution-start\}.*?^\1\{solution-end\}\s*\n\1\s*$", re.MULTILINE | re.DOTALL
)
NOTE = re.compile(r"^(:{3,})\{instructor-note\}\s*\n(.*?)^\1\s*$", re.MULTILINE | re.DOTALL)
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
WORDS = re.compile(r"[A-Za-z][A-Za-z ,;'-]{40,}[A-Za-z]")


def hidden_blocks(source: Path) -> list[str]:
    """The text of every worked solution and instructor note in a page's source."""
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
