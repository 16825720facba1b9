"""Each page's navigation sidebar kept between builds while the book's contents are unchanged.

Every page written carries the whole table of contents in its sidebar. The theme makes it for
each page afresh: Sphinx resolves the global table of contents for that page, renders it, and
pydata-sphinx-theme parses the result with BeautifulSoup to add its toggles. A one-line prose
edit writes four pages, and their sidebars took about 0.08 s of the rebuild (profiled
2026-11-30), the same every time while no page title or table of contents changed.

The sidebar of a page depends on the page (which entries are marked current, the relative
links) and the arguments the template passes, which key each remembered sidebar; and on the
book's contents (every page's table of contents and titles, the toctrees and their entries,
section numbers, ``tocdepth``), the HTML configuration and the versions of Sphinx, the two themes
and BeautifulSoup, which are hashed into one digest for the whole memo: any change to them and
every sidebar is made afresh. pydata-sphinx-theme's check for empty templates is told that the
book theme's sidebar is never empty (it always renders its ``<nav>``), as the theme already says
of its own sidebar, so the first rendering of a page's sidebar is the page's own.
"""

from __future__ import annotations

import hashlib
import importlib
import pickle
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sphinx.application import Sphinx

from pmcj.memo_files import read_memo, write_memo

MEMO_FILE = "pmcj-sidebars.pickle"
VERSION = 1
SIDEBAR_TEMPLATE = "sbt-sidebar-nav.html"
PACKAGES = ("sphinx", "pydata_sphinx_theme", "sphinx_book_theme", "bs4")


def contents_digest(app: Sphinx) -> str:
    """A hash of everything but the page that a sidebar is made from."""
    env = app.env
    metadata = {doc: env.metadata.get(doc, {}).get("tocdepth") for doc in sorted(env.all_docs)}
    versions = [
        (name, getattr(importlib.import_module(name), "__version__", "")) for name in PACKAGES
    ]
    state = (
        VERSION,
        versions,
        getattr(app.builder, "config_hash", ""),
        app.config.root_doc,
        sorted(env.all_docs),
        # As text: a toc node read in this process links to its page's doctree, which pickling
        # would take along (and the page's prose with it).
        [(doc, toc.pformat()) for doc, toc in sorted(env.tocs.items())],
        sorted(env.toctree_includes.items()),
        sorted(env.toc_secnumbers.items()),
        sorted(env.glob_toctrees),
        sorted(env.numbered_toctrees),
        metadata,
    )
    return hashlib.sha256(pickle.dumps(state, pickle.HIGHEST_PROTOCOL)).hexdigest()


class SidebarMemo:
    """Sidebars made this build or remembered from one with the same contents."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.path = Path(app.doctreedir) / MEMO_FILE
        self._digest: str | None = None
        self._sidebars: dict[tuple[Any, ...], str] | None = None
        self.changed = False

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = contents_digest(self.app)
        return self._digest

    @property
    def sidebars(self) -> dict[tuple[Any, ...], str]:
        if self._sidebars is None:
            self._sidebars = self.load()
        return self._sidebars

    def load(self) -> dict[tuple[Any, ...], str]:
        sidebars = read_memo(self.path, self.digest)
        return sidebars if isinstance(sidebars, dict) else {}

    def wrap(self, pagename: str, generate: Any) -> Any:
        """``generate`` (the theme's ``generate_toctree_html`` for this page), remembering."""

        def generate_toctree_html(kind: str, *args: Any, **kwargs: Any) -> Any:
            if kind != "sidebar":
                return generate(kind, *args, **kwargs)
            key = (pagename, kind, repr(args), repr(sorted(kwargs.items())))
            html = self.sidebars.get(key)
            if html is None:
                html = str(generate(kind, *args, **kwargs))
                self.sidebars[key] = html
                self.changed = True
            return Markup(html)

        return generate_toctree_html

    def save(self) -> None:
        if self.changed:
            write_memo(self.path, self.digest, self.sidebars)


def remember_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    generate = context.get("generate_toctree_html")
    memo = getattr(app, "pmcj_sidebar_memo", None)
    if generate is not None and memo is not None:
        context["generate_toctree_html"] = memo.wrap(pagename, generate)


def save_sidebars(app: Sphinx, exception: Exception | None) -> None:
    memo = getattr(app, "pmcj_sidebar_memo", None)
    if memo is not None and exception is None:
        memo.save()


def skip_empty_check_of_the_sidebar() -> None:
    """Tell pydata-sphinx-theme that the book theme's sidebar never renders empty.

    The theme renders each template of a page once to drop the empty ones, and skips that for
    its own sidebar ("sidebar-nav-bs.html") because it is slow and never empty; the book theme's
    sidebar is the same kind of template (it always renders its ``<nav>`` element). Only for a
    build whose application set up this memo: another Sphinx project in the same process (the
    tests) is left as the theme made it.
    """
    from pydata_sphinx_theme import utils

    original = utils._update_and_remove_templates
    if getattr(original, "pmcj_sidebar_skipped", False):
        return

    def update_and_remove_templates(*args: Any, **kwargs: Any) -> list[str]:
        app = kwargs["app"] if "app" in kwargs else args[0]
        if getattr(app, "pmcj_sidebar_memo", None) is not None:
            skip = list(kwargs.get("templates_skip_empty_check") or [])
            kwargs["templates_skip_empty_check"] = [*skip, SIDEBAR_TEMPLATE]
        return original(*args, **kwargs)

    update_and_remove_templates.pmcj_sidebar_skipped = True  # type: ignore[attr-defined]
    utils._update_and_remove_templates = update_and_remove_templates


def start_memo(app: Sphinx) -> None:
    if getattr(app.builder, "format", "") == "html":
        app.pmcj_sidebar_memo = SidebarMemo(app)  # type: ignore[attr-defined]


def setup_sidebar_memo(app: Sphinx) -> None:
    skip_empty_check_of_the_sidebar()
    app.connect("builder-inited", start_memo)
    # After pydata-sphinx-theme's html-page-context listeners (priority 500) have put the
    # theme's functions in the page's context, before the page is rendered.
    app.connect("html-page-context", remember_sidebar, priority=600)
    app.connect("build-finished", save_sidebars)
