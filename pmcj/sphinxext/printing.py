"""The printed book on the website: its download link, and links that read well on paper.

``{pmcj-pdf-download}`` (on How to use) offers the edition's PDF, which ``make pdf`` prints from
the built site (``pmcj.pdf``). The PDF needs the site first, so a site built before it can only
say how to make it; ``make pdf`` then builds the site again, and this extension

* notices that the PDF appeared or changed (``env-get-outdated``), so the page that offers it is
  read again and links it with its page count and size;
* copies it into the site's ``_downloads/`` folder, so the link never points at a missing file
  (and removes a copy whose PDF is gone).

Each edition offers its own: ``pmcj_pdf`` names the file (``_config.yml`` for the student
edition, ``pmcj/editions.py`` for the instructor's; empty for a class variant).

On paper a link's address is all a reader can follow, so the print styles (``pmcj.css``) write
each external link's address after it. A link that already shows its address (a URL or a DOI in
the reference list) is marked ``pmcj-url`` here, so the address is not printed twice.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

DOWNLOADS = Path("_downloads")
EXTERNAL_LINK = re.compile(r'<a class="reference external" href="([^"]+)">([^<]*)</a>')
DOI = "https://doi.org/"


def pdf_file(app: Sphinx) -> Path | None:
    """The edition's PDF as ``pmcj_pdf`` names it (relative to the book's folder), if any."""
    name = app.config.pmcj_pdf
    return Path(app.srcdir) / name if name else None


def pdf_state(app: Sphinx) -> tuple[int, int] | None:
    """(size, modification time) of the edition's PDF, or None while it does not exist."""
    path = pdf_file(app)
    if path is None or not path.is_file():
        return None
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def page_count(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - a damaged file is offered without its page count
        return None


class PdfDownload(SphinxDirective):
    """``{pmcj-pdf-download}``: a paragraph offering the edition's PDF, or saying how to make it."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        app = self.env.app
        states = self.env.__dict__.setdefault("pmcj_pdf_states", {})
        states[self.env.docname] = pdf_state(app)
        path = pdf_file(app)
        if path is None:
            return []
        edition = "instructor" if app.config.pmcj_edition == "instructor" else "student"
        if states[self.env.docname] is None:
            text = (
                f"A PDF of the whole {edition} edition, to print or to read without a browser, "
                "is made with <code>make pdf</code> (see the table for lecturers below); this "
                "copy of the site was built without it."
            )
        else:
            prefix = "../" * self.env.docname.count("/")
            href = html.escape(f"{prefix}{DOWNLOADS.as_posix()}/{path.name}")
            pages = page_count(path)
            details = ", ".join(
                part
                for part in (
                    f"{pages:,} A4 pages" if pages else "",
                    f"{path.stat().st_size / 1_000_000:,.1f} MB",
                )
                if part
            )
            text = (
                f'<a href="{href}" download>Download the whole book as a PDF</a> '
                f"(<code>{html.escape(path.name)}</code>, {details}): the {edition} edition, to "
                "print or to read without a browser, with a contents list, every chart with its "
                "description and the numbers behind it as a table, the glossary and the "
                "references."
            )
        return [nodes.raw("", f'<p class="pmcj-pdf-download">{text}</p>', format="html")]


def outdated_when_pdf_changes(
    app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set
) -> list[str]:
    """Pages offering the PDF are read again when it appears, changes or goes."""
    states = getattr(env, "pmcj_pdf_states", {})
    current = pdf_state(app)
    return [name for name, state in states.items() if state != current and name not in removed]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "pmcj_pdf_states", {}).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set, other: BuildEnvironment) -> None:
    states = env.__dict__.setdefault("pmcj_pdf_states", {})
    states.update({k: v for k, v in getattr(other, "pmcj_pdf_states", {}).items() if k in docnames})


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    """Put the PDF in the site's downloads (only if it changed); drop a copy whose PDF is gone."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    path = pdf_file(app)
    if path is None:
        return
    target = Path(app.outdir) / DOWNLOADS / path.name
    if not path.is_file():
        target.unlink(missing_ok=True)
        return
    stat = path.stat()
    if target.is_file() and (target.stat().st_size, target.stat().st_mtime_ns) == (
        stat.st_size,
        stat.st_mtime_ns,
    ):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)


def shows_its_address(href: str, text: str) -> bool:
    text = html.unescape(text).strip().rstrip("/")
    href = html.unescape(href).strip().rstrip("/")
    bare = re.sub(r"^https?://", "", href)
    return text in {href, bare} or (href.startswith(DOI) and text == href[len(DOI) :])


def mark_address_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Mark external links whose text is their address, so print does not repeat it."""
    body = context.get("body")
    if not body or "reference external" not in body:
        return

    def mark(match: re.Match[str]) -> str:
        href, text = match.group(1), match.group(2)
        if not shows_its_address(href, text):
            return match.group(0)
        return f'<a class="reference external pmcj-url" href="{href}">{text}</a>'

    context["body"] = EXTERNAL_LINK.sub(mark, body)


def setup_printing(app: Sphinx) -> None:
    app.add_config_value("pmcj_pdf", "", "env", [str])
    app.add_directive("pmcj-pdf-download", PdfDownload)
    app.connect("env-get-outdated", outdated_when_pdf_changes)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-page-context", mark_address_links)
    app.connect("build-finished", copy_pdf)
