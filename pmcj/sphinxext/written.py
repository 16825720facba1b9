"""Which written pages need the build's finishing touches, so a small edit does not redo them all.

Several modules rewrite the HTML Sphinx writes, at ``build-finished`` (accessibility fixes, inline
icons, joined style sheets). Each rewrite is idempotent, so a page finished in an earlier build
needs nothing again; only the pages Sphinx wrote since then do. A stamp in the doctree folder,
touched after the last finishing touch of a build that ran to the end, tells them apart by
modification time. Without the stamp (a clean build) every page counts as fresh.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx

FINISHED_STAMP = "pmcj-pages-finished"


def site_pages(outdir: Path) -> list[Path]:
    """Every HTML page of the site, outside ``_static`` (whose tree is not walked at all)."""
    pages = []
    for folder, subfolders, files in os.walk(outdir):
        subfolders[:] = sorted(name for name in subfolders if name != "_static")
        pages.extend(Path(folder, name) for name in sorted(files) if name.endswith(".html"))
    return pages


def fresh_pages(app: Sphinx) -> list[Path]:
    """The pages written since these finishing touches last ran to the end (every page at first).

    A prose edit makes Sphinx write two or three pages; reading, searching and rewriting all
    forty pages again took about 0.3 s of every such rebuild (profiled on 2026-11-30). A page not
    written since keeps the inline icons and the joined style sheet it was given then.
    """
    pages = site_pages(Path(app.outdir))
    stamp = Path(app.doctreedir) / FINISHED_STAMP
    if not stamp.exists():
        return pages
    since = stamp.stat().st_mtime_ns
    return [page for page in pages if page.stat().st_mtime_ns >= since]


def mark_pages_finished(app: Sphinx, exception: Exception | None) -> None:
    """Record that every page now has its finishing touches (after the last of them ran)."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    stamp = Path(app.doctreedir) / FINISHED_STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("the pages in the html folder older than this file are finished\n")


def setup_written(app: Sphinx) -> None:
    app.connect("build-finished", mark_pages_finished, priority=990)  # after every rewrite
