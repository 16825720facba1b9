"""Directives that put the generated codebook, data dictionary and tendencies into book pages.

Each directive renders Markdown from :mod:`pmcj.data.docs` and parses it as MyST in place, so the
pages always show what the source files say, and notes the source file as a dependency so that
editing it rebuilds the page.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from pmcj.paths import ROOT


def markdown_directive(render: str, sources: Callable[[], list[str]]) -> type[SphinxDirective]:
    """A directive that writes the Markdown of ``pmcj.data.docs.<render>`` into the page.

    The data modules (and pandas) are imported only when a data page is read, not on every build.
    """

    class GeneratedMarkdown(SphinxDirective):
        has_content = False

        def run(self) -> list[nodes.Node]:
            from pmcj.data import docs

            for source in sources():
                self.env.note_dependency(str(ROOT / source))
            container = nodes.section()
            container.document = self.state.document
            text = getattr(docs, render)()
            self.state.nested_parse(
                StringList(text.splitlines()), self.content_offset, container, match_titles=True
            )
            return container.children

    return GeneratedMarkdown


def codebook_source() -> list[str]:
    from pmcj.data.inputs import CODEBOOK

    return [str(CODEBOOK.relative_to(ROOT))]


def table_files() -> list[str]:
    from pmcj.data.package import table_names

    return [f"data/{name}.csv" for name in table_names()]


def setup_datadocs(app: Sphinx) -> None:
    app.add_directive("pmcj-codebook", markdown_directive("codebook_markdown", codebook_source))
    app.add_directive(
        "pmcj-data-dictionary",
        markdown_directive("dictionary_markdown", lambda: ["data/datapackage.json"]),
    )
    app.add_directive(
        "pmcj-tendencies",
        markdown_directive("tendencies_markdown", lambda: ["pmcj/data/tendencies.py"]),
    )
    app.add_directive("pmcj-data-sizes", markdown_directive("sizes_markdown", table_files))
