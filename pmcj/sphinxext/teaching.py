"""The lecturer's guide's tables, rendered from teaching/course-plans.yml (:mod:`pmcj.teaching`).

``{course-plan} 10-week`` renders one plan (a table of weeks, then its seminars); ``{outcome-map}``
renders every chapter's learning outcomes with the exercises that assess them. Both write MyST and
parse it, so exercises and chapters are ordinary cross-references (a broken one fails the strict
build). The guide is re-read whenever the file or a page it reads changes. A name in the file
that the book lacks stops the build with the file's line and place. The guide's body sits in an
``{instructor-only}`` directive, so these run in the instructor edition only.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from pmcj import teaching


class TeachingTable(SphinxDirective):
    """Read the file and the pages, note them as dependencies, parse the MyST a subclass writes."""

    def markdown(self, plans: teaching.Plans, book: teaching.Book) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        try:
            plans, book = teaching.load(root)
            text = self.markdown(plans, book)
        except teaching.CoursePlanError as error:
            raise self.error(str(error)) from error
        for path in [plans.path, *book.sources()]:
            self.env.note_dependency(str(path))
        holder = nodes.container()
        lines = StringList(text.splitlines(), source=str(plans.path))
        self.state.nested_parse(lines, self.content_offset, holder)
        return holder.children


class CoursePlan(TeachingTable):
    required_arguments = 1

    def markdown(self, plans: teaching.Plans, book: teaching.Book) -> str:
        return teaching.plan_markdown(plans, book, self.arguments[0])


class OutcomeMap(TeachingTable):
    def markdown(self, plans: teaching.Plans, book: teaching.Book) -> str:
        return teaching.outcome_markdown(plans, book)


def setup_teaching(app: Sphinx) -> None:
    app.add_directive("course-plan", CoursePlan)
    app.add_directive("outcome-map", OutcomeMap)
