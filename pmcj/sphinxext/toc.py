"""Build only the pages _toc.yml lists, without walking the whole project folder to find the rest.

Jupyter Book's ``only_build_toc_files`` asks sphinx-external-toc to glob ``**/*<suffix>`` under
the book's folder for every source suffix, which here is the project root: the glob skips hidden
folders but not ``_build`` (where the pack tests keep whole virtual environments) or the
Lighthouse tool's ``node_modules``. Profiled on 2026-11-29, that walk of some 34,000 folders was
the largest single cost of a prose-edit rebuild. This does the same job with Sphinx's own file
finder, which never enters a folder that ``exclude_patterns`` already excludes.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.matching import get_matching_files

from pmcj.pages import toc_files


def exclude_pages_outside_toc(app: Sphinx, config: Config) -> None:
    """Add every source file that _toc.yml does not list to ``exclude_patterns``."""
    srcdir = Path(app.srcdir)
    listed = set(toc_files(srcdir / "_toc.yml"))
    suffixes = tuple(config.source_suffix)
    outside = [
        path
        for path in get_matching_files(srcdir, exclude_patterns=config.exclude_patterns)
        if path.endswith(suffixes) and path.rsplit(".", 1)[0] not in listed
    ]
    config.exclude_patterns = [*config.exclude_patterns, *outside]


def setup_toc(app: Sphinx) -> None:
    # After Jupyter Book has set exclude_patterns from _config.yml (config values are set before
    # config-inited), and whatever sphinx-external-toc does, which is nothing once
    # only_build_toc_files is false.
    app.connect("config-inited", exclude_pages_outside_toc, priority=900)
