"""The book's Sphinx extension: offline charts, a clean page head, and the student edition.

Loaded through ``sphinx.extra_extensions`` in ``_config.yml``. It serves the pinned vega files
from its own static folder (not the book's ``_static/``, whose every script Jupyter Book adds to
every page), removes what would make a page contact another host or log a console error, and adds
a meta description so search engines and link previews say what each page is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC = Path(__file__).parent / "static"
EXTERNAL_MARKERS = ("http://", "https://", "//unpkg", "//cdn")


def add_static_path(app: Sphinx, config: Config) -> None:
    path = str(STATIC)
    if path not in config.html_static_path:
        config.html_static_path.append(path)


def is_external_inline_script(body: str) -> bool:
    return any(marker in body for marker in EXTERNAL_MARKERS)


def clean_page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop duplicate scripts, thebe, and inline scripts that point at another host.

    sphinx-thebe defines its configuration script twice under Sphinx 7.4, which throws a
    SyntaxError in the console, and that script names a CDN; the live-code button is off, so the
    script has no use here.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    kept, seen = [], set()
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body", "") or ""
        key = (str(script), body)
        if key in seen or is_external_inline_script(body) or "sphinx-thebe" in str(script):
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept
    styles = context.get("css_files")
    if styles:
        styles[:] = [style for style in styles if "sphinx-thebe" not in str(style)]


def add_meta_description(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    description = app.config.pmcj_description
    metatags = context.get("metatags", "")
    if description and 'name="description"' not in metatags:
        context["metatags"] = metatags + f'\n    <meta name="description" content="{description}">'


def fingerprint() -> str:
    """A hash of this extension's code and static files and of the pmcj package it renders with.

    Sphinx re-reads every page when an "env" config value changes, so registering this hash as one
    makes a change to the extension rebuild the whole book instead of leaving stale pages.
    """
    from pmcj.fingerprints import package_fingerprint

    return package_fingerprint()


def setup(app: Sphinx) -> dict[str, Any]:
    from pmcj.sphinxext.collector import setup_collector

    setup_collector(app)  # first: everything after it runs with the build's collector settings
    # Imported here, not at the top: myst-nb imports this package for its chart renderer
    # (pmcj.sphinxext.vegalite) in every Sphinx project of the environment, which has no
    # use for the rest of the extension.
    from pmcj.data.fingerprint import data_fingerprint
    from pmcj.sphinxext.accessibility import setup_accessibility
    from pmcj.sphinxext.citations import setup_citations
    from pmcj.sphinxext.datadocs import setup_datadocs
    from pmcj.sphinxext.downloads import setup_downloads
    from pmcj.sphinxext.editions import setup_editions
    from pmcj.sphinxext.exercises import setup_exercises
    from pmcj.sphinxext.highlight_memo import setup_highlight_memo
    from pmcj.sphinxext.lexers import setup_lexers
    from pmcj.sphinxext.notebook_schema import setup_notebook_schema
    from pmcj.sphinxext.outlines import setup_outlines
    from pmcj.sphinxext.performance import setup_performance
    from pmcj.sphinxext.printing import setup_printing
    from pmcj.sphinxext.reference_lists import setup_reference_lists
    from pmcj.sphinxext.search_index import setup_search_index
    from pmcj.sphinxext.sidebar_memo import setup_sidebar_memo
    from pmcj.sphinxext.teaching import setup_teaching
    from pmcj.sphinxext.template_cache import setup_template_cache
    from pmcj.sphinxext.toc import setup_toc
    from pmcj.sphinxext.written import setup_written

    app.add_config_value("pmcj_fingerprint", fingerprint(), "env")
    # Pages show numbers computed from the data: new data (make data, a class variant) re-reads all.
    app.add_config_value("pmcj_data_fingerprint", data_fingerprint(), "env")
    app.add_config_value("pmcj_description", "", "html")
    app.add_config_value("pmcj_edition", "student", "env", [str])
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", clean_page_scripts, priority=900)
    app.connect("html-page-context", add_meta_description)
    app.add_css_file("pmcj/pmcj.css")
    setup_accessibility(app)
    setup_citations(app)
    setup_datadocs(app)
    setup_downloads(app)
    setup_editions(app)
    setup_exercises(app)
    setup_highlight_memo(app)
    setup_lexers(app)
    setup_notebook_schema(app)
    setup_outlines(app)
    setup_performance(app)
    setup_teaching(app)
    setup_template_cache(app)
    setup_printing(app)
    setup_reference_lists(app)
    setup_search_index(app)
    setup_sidebar_memo(app)
    setup_toc(app)
    setup_written(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
