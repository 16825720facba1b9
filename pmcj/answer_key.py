"""The answer key of one data set: every self-checked task's right answer, as one offline page.

The worked solutions in the instructor edition already show each answer, computed by the cells a
student runs. A lecturer marking a class variant wants them in one place, and this page makes them
from the same ``TASKS`` declarations the self-checks use (``pmcj/checks``), so the key and the
checks cannot disagree, whichever data are loaded. Pages are taken in ``_toc.yml``'s order.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from pmcj.checks.feedback import CheckTables, Fractions
from pmcj.pages import check_module, exercise_series, page_title, toc_files
from pmcj.paths import ROOT

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #999;padding:.25rem .5rem;text-align:right}"
    "th:first-child,td:first-child{text-align:left}.scroll{overflow-x:auto}"
)


def tasks_in_book_order(root: Path = ROOT) -> Iterator[tuple[str, str, str, Any]]:
    """(page title, exercise name, task key, task) for every declared task, page by page."""
    for docname in toc_files(root / "_toc.yml"):
        module_name = check_module(docname)
        series = exercise_series(docname)
        if not (module_name and series and docname.startswith(("exercises/", "primer"))):
            continue
        module = importlib.import_module(f"pmcj.checks.{module_name}")
        for key, task in getattr(module, "TASKS", {}).items():
            number = key.split("_", 1)[1]
            name = f"Exercise {series.upper() if series.isalpha() else series}.{number}"
            yield page_title(root / f"{docname}.md"), name, key, task


def as_frame(answer: Any) -> pd.DataFrame:
    """A right answer as a table: shares with the counts they come from, or the value itself."""
    if isinstance(answer, Fractions):
        shares, counted, totals = answer.shares, answer.counted, answer.totals
        if isinstance(shares, pd.Series):
            return pd.DataFrame({"share": shares.round(3), "counted": counted, "out of": totals})
        return shares.round(3)
    if isinstance(answer, pd.Series):
        return answer.to_frame(answer.name or "answer")
    if isinstance(answer, pd.DataFrame):
        return answer
    if isinstance(answer, float):
        answer = round(answer, 3)
    return pd.DataFrame({"answer": [answer]})


def answer_key_html(tables: Any, heading: str) -> str:
    """The key as a standalone HTML page (no script, no file from another host)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(heading)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{html.escape(heading)}</h1>",
        "<p>The right answer to every exercise with a self-check, computed from this data set "
        "by the same code the self-checks use. Shares are rounded to three decimals here; the "
        "checks accept any share within the tolerance their hints describe.</p>",
    ]
    page = None
    for title, name, key, task in tasks_in_book_order():
        if title != page:
            parts.append(f"<h2>{html.escape(title)}</h2>")
            page = title
        # A fresh memo per task, as each self-check has: chapters' modules memoise different
        # tables under the same names (``spoken``), so one memo for all would mix them up.
        frame = as_frame(task.right(CheckTables(tables)))
        if frame.index.name is not None:  # the labels become the table's first column
            frame = frame.reset_index()
        table = frame.to_html(border=0, index=False, na_rep="–")
        parts.append(f'<h3 id="{key}">{html.escape(name)}</h3><div class="scroll">{table}</div>')
    parts.append("</main></body></html>")
    return "\n".join(parts)
