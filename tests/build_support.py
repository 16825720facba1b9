"""Shared helpers for tests that read the built site or build small books of their own."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from pmcj.pages import is_notebook, toc_files
from pmcj.paths import BUILD_DIR, ROOT

HTML_DIR = BUILD_DIR / "html"
INSTRUCTOR_HTML_DIR = BUILD_DIR / "instructor" / "_build" / "html"
STUDENT_PACK = BUILD_DIR / "student-pack.zip"
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
# What a minimal copy of the book needs besides its prose pages.
BOOK_FILES = ["_config.yml", "references.bib", "_static"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHART_FIXTURE_PAGES = ("charts", "plain")


def built_html() -> Path:
    if not (HTML_DIR / "index.html").exists():
        raise AssertionError("the book is not built: run `make book` (make test does it first)")
    return HTML_DIR


def built_instructor_html() -> Path:
    if not (INSTRUCTOR_HTML_DIR / "index.html").exists():
        raise AssertionError(
            "the instructor edition is not built: run `make instructor` (make test does it first)"
        )
    return INSTRUCTOR_HTML_DIR


def built_pack() -> Path:
    if not STUDENT_PACK.exists():
        raise AssertionError(
            "the student pack is not built: run `make student-pack` (make test does it first)"
        )
    return STUDENT_PACK


def toc_pages() -> list[str]:
    return toc_files(ROOT / "_toc.yml")


def stand_in(notebook: Path) -> str:
    """A prose page with a notebook's title and labels, so links to it resolve without a kernel."""
    text = notebook.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("# "))
    labels = re.findall(r"^\(([\w-]+)\)=$", text, flags=re.MULTILINE)
    labels += re.findall(r"^:label: ([\w-]+)$", text, flags=re.MULTILINE)
    body = "".join(f"\n({label})=\n## {label}\n" for label in labels[1:])
    first = f"({labels[0]})=\n" if labels else ""
    return f"{first}{title}\n\nStand-in for a notebook in a test build.\n{body}"


def copy_skeleton(dest: Path) -> Path:
    """Copy the book with stand-ins for its notebooks (fast: no kernel) and the same _toc.yml."""
    for name in BOOK_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    for page in toc_pages():
        source = ROOT / f"{page}.md"
        target = dest / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_notebook(source):
            target.write_text(stand_in(source), encoding="utf-8")
        else:
            shutil.copy2(source, target)
    shutil.copy2(ROOT / "_toc.yml", dest / "_toc.yml")
    return dest


def add_page(book: Path, name: str, text: str) -> None:
    """Write a page into a copy of the book and list it at the end of the first part."""
    (book / f"{name}.md").write_text(text, encoding="utf-8")
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"][0]["chapters"].append({"file": name})
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def build_chart_book(dest: Path) -> Path:
    """The book's skeleton with the suite's chart fixture pages, built; return its site.

    ``charts.md`` is a notebook with a chart that has a bound drop-down and a slider, built with
    the book's own configuration, renderer and extension; ``plain.md`` has no chart. The build
    tests read the built pages, and the browser tests operate the charts.
    """
    book = copy_skeleton(dest)
    for page in CHART_FIXTURE_PAGES:
        add_page(book, page, (FIXTURES / "chartbook" / f"{page}.md").read_text(encoding="utf-8"))
    result = build(book)
    if result.returncode != 0:
        log = result.stdout[-3000:] + result.stderr[-3000:]
        raise AssertionError(f"the chart fixture book did not build:\n{log}")
    return book / "_build" / "html"


def build(book: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Build `book` strictly, as `make book` does, into its own _build folder."""
    return subprocess.run(
        [
            JUPYTER_BOOK,
            "build",
            str(book),
            "--builder",
            "html",
            "--keep-going",
            "--warningiserror",
            "--nitpick",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=book,
        timeout=600,
    )


class ResourceParser(HTMLParser):
    """Collects what a page would load: src/href of loading tags, inline scripts and styles."""

    LOADING_RELS = {
        "stylesheet",
        "icon",
        "shortcut",
        "preload",
        "modulepreload",
        "prefetch",
        "manifest",
        "apple-touch-icon",
        "dns-prefetch",
        "preconnect",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.inline: list[tuple[str, str]] = []  # (tag, text)
        self._open: str | None = None
        self._script_type = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in {
            "script",
            "img",
            "iframe",
            "source",
            "audio",
            "video",
            "embed",
            "track",
            "input",
        } and values.get("src"):
            self.urls.append((tag, values["src"]))
        if tag == "img" and values.get("srcset"):
            self.urls.extend(("img", part.split()[0]) for part in values["srcset"].split(","))
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & self.LOADING_RELS:
                self.urls.append(("link", values.get("href", "")))
        if tag == "object" and values.get("data"):
            self.urls.append(("object", values["data"]))
        if "style" in values:
            self.inline.append(("style-attribute", values["style"]))
        if tag in {"script", "style"}:
            self._open = tag
            self._script_type = values.get("type", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            kind = self._open if self._script_type != "application/json" else "json"
            self.inline.append((kind, data))


def resources(page: Path) -> ResourceParser:
    parser = ResourceParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def sphinx_build(project: Path, fresh: bool = False, warning: io.StringIO | None = None) -> Any:
    """Build ``project`` with Sphinx in this process; the application (and its environment).

    In docutils' namespace, as ``sphinx-build`` runs: the directives and roles the build
    registers are taken away after it, so a later build in the same test process (a strict one)
    does not warn that they are "already registered".
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    with docutils_namespace():
        app = Sphinx(
            str(project),
            str(project),
            str(project / "_build" / "html"),
            str(project / "_build" / "doctrees"),
            "html",
            status=None,
            warning=warning if warning is not None else io.StringIO(),
            freshenv=fresh,
        )
        app.build()
    return app
