"""Publish the REFI-QDA exports of the data as downloads on the page that uses the directive.

``{pmcj-refi-downloads}`` writes the codebook (.qdc) and project (.qdpx) of the data the book is
built from into the site's ``_downloads/refi/`` folder and links them with their sizes. The page
depends on the data files, so the exports are rewritten whenever the data change.
"""

from __future__ import annotations

import contextlib
import html
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
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
    if PACK_SIZE in context["body"]:
        size = pack_size(app)
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


def write_downloads(
    srcdir: Path, outdir: Path, cache: Path, notebooks: dict[str, Path], keep_solutions: bool
) -> int:
    """Write the student pack and the site's notebook downloads; return the pack's size.

    Both are written from the remembered download texts (:func:`pmcj.notebooks.download_text`),
    so the pack and the student edition's downloads share one conversion of each page.
    """
    from pmcj.myst import Book
    from pmcj.notebooks import download_text, write_if_changed
    from pmcj.pack import pack_entries
    from pmcj.pack import write_pack as write_zip

    book = Book.read(srcdir)
    path = write_zip(pack_entries(ACTIVE_DATA_DIR, cache, srcdir, book), outdir / PACK)
    for docname, source in notebooks.items():
        text = download_text(source, cache, keep_solutions=keep_solutions, book=book)
        write_if_changed(outdir / NOTEBOOKS / f"{Path(docname).name}.ipynb", text)
    return path.stat().st_size


def downloads_in_child(job: dict[str, Any], sender: Connection) -> None:
    """The forked process's work: the downloads, then their pack size or what went wrong."""
    try:
        sender.send(("size", write_downloads(**job)))
    except BaseException:  # noqa: BLE001 (reported to the build, which stops with it)
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


class DownloadsJob:
    """The pack and the notebook downloads, written beside Sphinx while it writes the pages.

    They took 0.5-0.65 s of every build, a one-line prose edit's included (profiled on
    2026-11-30), and need nothing Sphinx does after reading, so on Linux a forked process writes
    them on the machine's other core. Elsewhere (no safe fork) they are written at once, as
    before. The build waits for them before it ends, and fails if they failed.
    """

    def __init__(self, job: dict[str, Any]) -> None:
        self.size: int | None = None
        self.error: str | None = None
        self.process: Any = None
        if not sys.platform.startswith("linux"):
            try:
                self.finish_with(("size", write_downloads(**job)))
            except Exception:  # noqa: BLE001 (reported by wait(), as from the forked process)
                self.finish_with(("error", traceback.format_exc()))
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=downloads_in_child, args=(job, sender), daemon=True)
        self.process.start()
        sender.close()

    def finish_with(self, message: tuple[str, Any]) -> None:
        kind, value = message
        if kind == "size":
            self.size = value
        else:
            self.error = value

    def wait(self) -> int:
        """The pack's size, once written; raises if writing the downloads failed."""
        if self.process is not None:
            try:
                self.finish_with(self.receiver.recv())
            except EOFError:
                self.error = "the process writing the student pack ended without a word"
            self.process.join()
            self.receiver.close()
            self.process = None
        if self.error is not None:
            raise ExtensionError(
                "the student pack or the notebook downloads could not be written:\n" + self.error
            )
        assert self.size is not None
        return self.size


def start_downloads(app: Sphinx, env: object) -> None:
    """Once every page is read: start writing the pack and the notebook downloads.

    Every notebook has run by now (``pmcj.build`` fills the execution cache before Sphinx starts,
    and Sphinx executes any it missed while reading). Both editions offer the same student pack;
    the instructor's downloads keep the worked solutions.
    """
    if getattr(app.builder, "format", "") != "html":
        return
    app.pmcj_downloads = DownloadsJob(
        {
            "srcdir": Path(app.srcdir).resolve(),
            "outdir": Path(app.outdir),
            "cache": cache_dir(app),
            "notebooks": notebook_docnames(app),
            "keep_solutions": not is_student(app),
        }
    )


def pack_size(app: Sphinx) -> int | None:
    """The pack's size for How to use, waiting for the downloads job if it is still writing."""
    job = getattr(app, "pmcj_downloads", None)
    return job.wait() if job is not None else None


def finish_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Before the build ends: wait for the downloads (and fail the build if they failed)."""
    job = getattr(app, "pmcj_downloads", None)
    if job is None:
        return
    if exception is None:
        job.wait()
        return
    with contextlib.suppress(ExtensionError):  # the build failed already: its error is the news
        job.wait()  # still read the child's word, so it is never left blocked on a full pipe


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
    app.connect("env-updated", start_downloads)
    app.connect("html-page-context", link_notebook)
    # Late, so the other finishing touches run while the downloads are written; before
    # pmcj.sphinxext.written marks the build finished (990).
    app.connect("build-finished", finish_downloads, priority=980)
