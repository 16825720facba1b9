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

from pmcj.paths import ACTIVE_DATA_DIR
from pmcj.sphinxext.editions import is_student

FOLDER = Path("_downloads") / "refi"
FILES = (  # (file, label, writer in pmcj.refi)
    ("peer-mentoring-codebook.qdc", "REFI-QDA codebook", "write_codebook"),
    ("peer-mentoring-project.qdpx", "REFI-QDA project", "write_project"),
)


class RefiDownloads(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        # Imported here, when About the data is read: pandas would cost every rebuild 0.5 s.
        from pmcj import refi
        from pmcj.data import load_all

        for csv in sorted(ACTIVE_DATA_DIR.glob("*.csv")):
            self.env.note_dependency(str(csv))
        tables = load_all()
        target = Path(self.env.app.outdir) / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        prefix = "../" * self.env.docname.count("/")
        items = []
        for name, label, write in FILES:
            size = getattr(refi, write)(target / name, tables).stat().st_size
            href = html.escape(f"{prefix}{FOLDER.as_posix()}/{name}")
            items.append(
                f'<li><a href="{href}" download>{label}: <code>{name}</code></a> '
                f"({size / 1024:,.0f} KB, synthetic data)</li>"
            )
        return [nodes.raw("", f'<ul class="pmcj-downloads">{"".join(items)}</ul>', format="html")]


NOTEBOOKS = Path("_downloads") / "notebooks"
PACK = Path("_downloads") / "student-pack.zip"
PACK_SIZE = "<span data-pmcj-pack-size></span>"


def notebook_docnames(app: Sphinx) -> dict[str, Path]:
    """Pages offered as notebooks, with their sources: the pages the student pack holds."""
    from pmcj.pages import notebook_paths

    srcdir = Path(app.srcdir).resolve()
    return {
        path.resolve().relative_to(srcdir).with_suffix("").as_posix(): path
        for path in notebook_paths(srcdir)
    }


def cache_dir(app: Sphinx) -> Path:
    cache = Path(app.config.nb_execution_cache_path)
    return cache if cache.is_absolute() else Path(app.srcdir) / cache


def pack_link(href: str) -> str:
    return (
        f'<a href="{html.escape(href)}" download>student pack</a> '
        f"(<code>{PACK.name}</code>{PACK_SIZE})"
    )


class StudentPackDownload(SphinxDirective):
    """``{pmcj-student-pack}``: a paragraph offering the student pack, for How to use."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        prefix = "../" * self.env.docname.count("/")
        text = (
            f'<p class="pmcj-pack-download">Download the {pack_link(prefix + PACK.as_posix())}: '
            "every notebook of the book without worked solutions, the synthetic data, the small "
            "<code>pmcj</code> helpers the notebooks import, a <code>requirements.txt</code> and "
            "a README that says how to open them.</p>"
        )
        return [nodes.raw("", text, format="html")]


def file_size(size: int) -> str:
    """A download's size as a reader reads it: "708 KB", or "1.6 MB" once the charts' pictures
    (for the classic Notebook) took the pack past a megabyte."""
    return f"{size / 1024:,.0f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB"


def link_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node
) -> None:
    """Offer each notebook page's executed .ipynb just below its title, and the pack with it."""
    if doctree is None or "body" not in context:
        return
    size = getattr(app, "pmcj_pack_size", None)
    if PACK_SIZE in context["body"]:
        shown = f", {file_size(size)}" if size else ""
        context["body"] = context["body"].replace(PACK_SIZE, shown)
    if pagename not in notebook_docnames(app):
        return
    name = f"{Path(pagename).name}.ipynb"
    href = html.escape(context["pathto"](f"{NOTEBOOKS.as_posix()}/{name}", 1))
    what = "with worked solutions" if not is_student(app) else "with its outputs"
    pack = pack_link(context["pathto"](PACK.as_posix(), 1)).replace(PACK_SIZE, "")
    launch = getattr(app, "pmcj_launch", None)
    run = (
        f' Or <a class="pmcj-launch" href="{html.escape(launch.url(name))}">run it on '
        f"{launch.label}</a>, with the data beside it."
        if launch is not None
        else ""
    )
    link = (
        f'<p class="pmcj-notebook-download"><a href="{href}" download>Download this page as a '
        f"Jupyter notebook</a> (<code>{name}</code>, {what}). It runs in the folder of the "
        f"{pack}, next to the data and helpers it needs.{run}</p>"
    )
    context["body"] = context["body"].replace("</h1>", "</h1>" + link, 1)


def write_pack(app: Sphinx, env: object) -> None:
    """Build the student pack before pages are written, so their links can give its size.

    Every notebook has run by now (``pmcj.build`` fills the execution cache before Sphinx starts,
    and Sphinx executes any it missed while reading). Both editions offer the same student pack.
    """
    from pmcj.pack import pack_entries
    from pmcj.pack import write_pack as write_zip
    from pmcj.paths import ACTIVE_DATA_DIR

    if getattr(app.builder, "format", "") != "html":
        return
    path = write_zip(
        pack_entries(ACTIVE_DATA_DIR, cache_dir(app), Path(app.srcdir).resolve()),
        Path(app.outdir) / PACK,
    )
    app.pmcj_pack_size = path.stat().st_size


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    from pmcj.notebooks import download_notebook, write_if_changed

    for docname, source in notebook_docnames(app).items():
        notebook = download_notebook(source, cache_dir(app), keep_solutions=not is_student(app))
        write_if_changed(Path(app.outdir) / NOTEBOOKS / f"{Path(docname).name}.ipynb", notebook)


def read_launch_setting(app: Sphinx, config: object) -> None:
    """Check the lecturer's launch service once, at the start, with the key to fix if wrong."""
    from sphinx.errors import ConfigError

    from pmcj.launch import LaunchConfigError, read_launch

    try:
        app.pmcj_launch = read_launch(app.config.pmcj_launch)
    except LaunchConfigError as error:
        raise ConfigError(str(error)) from None


def setup_downloads(app: Sphinx) -> None:
    app.add_config_value("pmcj_launch", {}, "html", [dict])
    app.connect("config-inited", read_launch_setting)
    app.add_directive("pmcj-refi-downloads", RefiDownloads)
    app.add_directive("pmcj-student-pack", StudentPackDownload)
    app.connect("env-updated", write_pack)
    app.connect("html-page-context", link_notebook)
    app.connect("build-finished", write_notebooks)
