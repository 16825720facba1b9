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

from pmcj.data import docs
from pmcj.data.inputs import CODEBOOK
from pmcj.data.package import table_names
from pmcj.paths import ROOT


def markdown_directive(render: Callable[[], str], *sources: str) -> type[SphinxDirective]:
    class GeneratedMarkdown(SphinxDirective):
        has_content = False

        def run(self) -> list[nodes.Node]:
            for source in sources:
                self.env.note_dependency(str(ROOT / source))
            container = nodes.section()
            container.document = self.state.document
            text = render()
            self.state.nested_parse(
                StringList(text.splitlines()), self.content_offset, container, match_titles=True
            )
            return container.children

    return GeneratedMarkdown


def setup_datadocs(app: Sphinx) -> None:
    app.add_directive(
        "pmcj-codebook", markdown_directive(docs.codebook_markdown, str(CODEBOOK.relative_to(ROOT)))
    )
    app.add_directive(
        "pmcj-data-dictionary",
        markdown_directive(docs.dictionary_markdown, "data/datapackage.json"),
    )
    app.add_directive(
        "pmcj-tendencies", markdown_directive(docs.tendencies_markdown, "pmcj/data/tendencies.py")
    )
    app.add_directive(
        "pmcj-data-sizes",
        markdown_directive(docs.sizes_markdown, *[f"data/{name}.csv" for name in table_names()]),
    )
