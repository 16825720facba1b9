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
from pmcj.sphinxext.editions import is_student

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


NOTEBOOKS = Path("_downloads") / "notebooks"


def notebook_docnames(app: Sphinx) -> dict[str, Path]:
    """Pages whose source is a MyST notebook, with their source files."""
    from pmcj.build import is_notebook

    found = {}
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        if source.suffix == ".md" and source.exists() and is_notebook(source):
            found[docname] = source
    return found


def link_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node
) -> None:
    """Offer each notebook page's executed .ipynb just below its title."""
    if doctree is None or pagename not in notebook_docnames(app) or "body" not in context:
        return
    name = f"{Path(pagename).name}.ipynb"
    href = html.escape(context["pathto"](f"{NOTEBOOKS.as_posix()}/{name}", 1))
    what = "with worked solutions" if not is_student(app) else "with its outputs"
    link = (
        f'<p class="pmcj-notebook-download"><a href="{href}" download>Download this page as a '
        f"Jupyter notebook</a> (<code>{name}</code>, {what}; it runs in the student pack's "
        "folder).</p>"
    )
    context["body"] = context["body"].replace("</h1>", "</h1>" + link, 1)


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    from pmcj.notebooks import executed_notebook, for_download, write_if_changed

    cache = Path(app.config.nb_execution_cache_path)
    if not cache.is_absolute():
        cache = Path(app.srcdir) / cache
    for docname, source in notebook_docnames(app).items():
        notebook = for_download(
            executed_notebook(source, cache), keep_solutions=not is_student(app)
        )
        write_if_changed(Path(app.outdir) / NOTEBOOKS / f"{Path(docname).name}.ipynb", notebook)


def setup_downloads(app: Sphinx) -> None:
    app.add_directive("pmcj-refi-downloads", RefiDownloads)
    app.connect("html-page-context", link_notebook)
    app.connect("build-finished", write_notebooks)
