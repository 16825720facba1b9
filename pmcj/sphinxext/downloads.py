"""Publish the REFI-QDA exports of the data as downloads on the page that uses the directive.

``{pmcj-refi-downloads}`` writes the codebook (.qdc) and project (.qdpx) of the data the book is
built from into the site's ``_downloads/refi/`` folder and links them with their sizes. The page
depends on the data files, so the exports are rewritten whenever the data change.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from pmcj.data import load_all
from pmcj.paths import ACTIVE_DATA_DIR
from pmcj.refi import write_codebook, write_project

FOLDER = Path("_downloads") / "refi"
FILES = (
    ("peer-mentoring-codebook.qdc", "REFI-QDA codebook", write_codebook),
    ("peer-mentoring-project.qdpx", "REFI-QDA project", write_project),
)


class RefiDownloads(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        for csv in sorted(ACTIVE_DATA_DIR.glob("*.csv")):
            self.env.note_dependency(str(csv))
        tables = load_all()
        target = Path(self.env.app.outdir) / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        prefix = "../" * self.env.docname.count("/")
        items = []
        for name, label, write in FILES:
            size = write(target / name, tables).stat().st_size
            href = html.escape(f"{prefix}{FOLDER.as_posix()}/{name}")
            items.append(
                f'<li><a href="{href}" download>{label}: <code>{name}</code></a> '
                f"({size / 1024:,.0f} KB, synthetic data)</li>"
            )
        return [nodes.raw("", f'<ul class="pmcj-downloads">{"".join(items)}</ul>', format="html")]


def setup_downloads(app: Sphinx) -> None:
    app.add_directive("pmcj-refi-downloads", RefiDownloads)
