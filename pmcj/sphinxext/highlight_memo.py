"""Highlighted code kept between builds, so a prose edit does not run Pygments over a chapter.

A chapter holds thirty or more code cells and their outputs. Writing the page again after a
one-line prose edit highlighted every one of them with Pygments, and compiled the lexers' rules
first: 0.07 s of a rebuild of 1.8 s (profiled 2026-11-30), for code that had not changed.

Each page's highlighted blocks are kept in the doctree folder, keyed by everything Sphinx's
``highlight_block`` is given except where the block is (its source, language, options and
formatter arguments), and the whole memo by the versions of Sphinx, Pygments and the lexers the
book registers, the formatter and its style. A block is remembered only if it highlighted at the
first try: one that Pygments could not lex makes Sphinx warn and try again more loosely, and
that warning must come back in the next build, not be answered from the memo. A page written
again keeps only the blocks it used; a page deleted from the book is forgotten with its blocks.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pygments
import sphinx
from sphinx.application import Sphinx
from sphinx.highlighting import PygmentsBridge, lexers

from pmcj.memo_files import read_memo, write_memo

MEMO_FILE = "pmcj-highlighted.pickle"
VERSION = 1


def signature(highlighter: PygmentsBridge) -> tuple[Any, ...]:
    """What every remembered block depends on besides its own source and options."""
    registered = sorted(
        (name, f"{type(lexer).__module__}.{type(lexer).__qualname__}")
        for name, lexer in lexers.items()
    )
    # The registered lexers' packages, and myst-nb, whose ANSI lexer Pygments finds by name
    # for the notebooks' printed output.
    packages = {type(lexer).__module__.split(".")[0] for lexer in lexers.values()} | {"myst_nb"}
    versions = [
        (package, getattr(importlib.import_module(package), "__version__", ""))
        for package in packages
    ]
    return (
        VERSION,
        sphinx.__version__,
        pygments.__version__,
        highlighter.dest,
        highlighter.latex_engine,
        repr(sorted(highlighter.formatter_args.items(), key=lambda item: item[0])),
        f"{highlighter.formatter.__module__}.{highlighter.formatter.__qualname__}",
        tuple(registered),
        tuple(sorted(versions)),
    )


def block_key(
    source: str, lang: str, opts: dict | None, force: bool, kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    return (
        source,
        lang,
        repr(sorted((opts or {}).items())),
        force,
        repr(sorted(kwargs.items())),
    )


class HighlightMemo:
    """The builder's highlighter, answering from the memo what it highlighted before."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.path = Path(app.doctreedir) / MEMO_FILE
        self.highlighter: PygmentsBridge = app.builder.highlighter  # type: ignore[attr-defined]
        self.original = self.highlighter.highlight_block
        self.signature = signature(self.highlighter)
        self.pages: dict[str, dict[tuple[Any, ...], str]] = self.load()
        self.used: dict[str, dict[tuple[Any, ...], str]] = {}

    def load(self) -> dict[str, dict[tuple[Any, ...], str]]:
        pages = read_memo(self.path, self.signature)
        return pages if isinstance(pages, dict) else {}

    def highlight_block(
        self,
        source: str,
        lang: str,
        opts: dict | None = None,
        force: bool = False,
        location: Any = None,
        **kwargs: Any,
    ) -> str:
        docname = getattr(self.app.builder, "current_docname", None)
        if not isinstance(source, str) or not docname:
            return self.original(source, lang, opts, force, location, **kwargs)
        key = block_key(source, lang, opts, force, kwargs)
        html = self.pages.get(docname, {}).get(key)
        if html is None:
            html, first_try = self.highlight_counting_tries(
                source, lang, opts, force, location, kwargs
            )
            if not first_try:
                return html
        self.used.setdefault(docname, {})[key] = html
        return html

    def highlight_counting_tries(
        self,
        source: str,
        lang: str,
        opts: dict | None,
        force: bool,
        location: Any,
        kwargs: dict[str, Any],
    ) -> tuple[str, bool]:
        """Highlight with Sphinx's own code; whether it needed one lexer only (no retry)."""
        chosen = 0
        get_lexer = self.highlighter.get_lexer

        def counting_get_lexer(*args: Any, **keywords: Any) -> Any:
            nonlocal chosen
            chosen += 1
            return get_lexer(*args, **keywords)

        self.highlighter.get_lexer = counting_get_lexer  # type: ignore[method-assign]
        try:
            html = self.original(source, lang, opts, force, location, **kwargs)
        finally:
            del self.highlighter.get_lexer
        return html, chosen == 1

    def save(self, all_docs: set[str]) -> None:
        """Keep each page written this build with the blocks it used; drop deleted pages."""
        pages = {name: blocks for name, blocks in self.pages.items() if name in all_docs}
        pages.update(self.used)
        if pages == self.pages:
            return
        write_memo(self.path, self.signature, pages)


def remember_highlighting(app: Sphinx) -> None:
    """Answer the HTML builder's highlighting from the memo (other builders highlight afresh)."""
    if getattr(app.builder, "format", "") != "html" or not hasattr(app.builder, "highlighter"):
        return
    memo = HighlightMemo(app)
    app.builder.highlighter.highlight_block = memo.highlight_block  # type: ignore[attr-defined]
    app.pmcj_highlight_memo = memo  # type: ignore[attr-defined]


def save_highlighting(app: Sphinx, exception: Exception | None) -> None:
    memo = getattr(app, "pmcj_highlight_memo", None)
    if memo is not None and exception is None:
        memo.save(set(app.env.all_docs))


def setup_highlight_memo(app: Sphinx) -> None:
    app.connect("builder-inited", remember_highlighting)
    app.connect("build-finished", save_highlighting)
