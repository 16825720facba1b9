"""Two editions from one source: the student edition leaves out worked solutions and teaching notes.

``pmcj_edition`` (``student`` by default; the instructor build sets ``instructor``) decides. In the
student edition, solutions and every instructor-only directive below are removed from the
document before anything is written, so their text is absent from the HTML and from the search
index, not merely hidden. (sphinx-exercise's own ``hide_solutions`` crashes on gated solutions and
would leave the code cells between ``solution-start`` and ``solution-end`` on the page.)

The instructor-only directives:

- ``{instructor-note}``: teaching notes in a worked solution (what good answers include);
- ``{seminar-plan}``: a chapter's seminar plan, the last thing on the chapter page, with its length
  in minutes (``:minutes: 90``) in its title, so a lecturer reads the plan beside the chapter;
- ``{marking-rubric}``: a rubric (a Markdown table of criteria by levels) in the worked solution of
  a reflection, discussion or stretch exercise;
- ``{instructor-only}``: the body of a whole page that exists for lecturers only (the lecturer's
  guide). The page stays in ``_toc.yml``, the one list of pages, and builds in both editions: in
  the instructor edition its body is parsed with its headings, as if the fences were not there; in
  the student edition the body is never parsed, and a short paragraph says where it is and how to
  build it. Leaving the page out of the student edition altogether would need a second list of
  pages (sphinx-external-toc warns, and the strict build fails, on a listed page that is excluded).
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles
from sphinx_exercise.nodes import solution_node

from pmcj.myst import INSTRUCTOR_TITLES, seminar_title
from pmcj.notebooks import INSTRUCTOR_ONLY

STUDENT_NOTICE = (
    "This page is for lecturers. The lecturer's guide (course plans, the learning outcomes mapped "
    "to the exercises that assess them, and guidance on disclosures and on teaching in prison "
    "education), the seminar plan at the end of each chapter, the marking rubrics and the worked "
    "solutions are in the book's **instructor edition**, which a lecturer builds from the book's "
    "sources with `make instructor`: see {doc}`How to use this book </how-to-use>`, 'For "
    "lecturers'."
)


def is_student(app: Sphinx) -> bool:
    return app.config.pmcj_edition != "instructor"


class InstructorBlock(SphinxDirective):
    """A titled box whose content exists in the instructor edition only."""

    has_content = True
    name_ = "instructor-note"

    def heading(self) -> str:
        return INSTRUCTOR_TITLES[self.name_]

    def run(self) -> list[nodes.Node]:
        if is_student(self.env.app):
            return []
        node = nodes.admonition(classes=["admonition", self.name_])
        node += nodes.title(text=self.heading())
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class InstructorNote(InstructorBlock):
    """Teaching notes in a worked solution."""


class SeminarPlan(InstructorBlock):
    """A chapter's seminar plan; ``:minutes:`` is the seminar's length, shown in the title."""

    name_ = "seminar-plan"
    option_spec = {"minutes": directives.positive_int}

    def heading(self) -> str:
        return seminar_title(self.options.get("minutes"))


class MarkingRubric(InstructorBlock):
    """A marking rubric, criteria by levels, in a worked solution."""

    name_ = "marking-rubric"


class InstructorOnly(SphinxDirective):
    """A page body for lecturers only; students read where it is instead."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        holder = nodes.container()
        if is_student(self.env.app):
            notice = StringList([STUDENT_NOTICE], source=self.get_source_info()[0])
            self.state.nested_parse(notice, self.content_offset, holder)
            return holder.children
        # MyST appends the body's sections to the page's own as it parses them; anything before
        # the body's first heading lands in the holder, returned after them, so the guide's body
        # starts with a heading (the anatomy tests say so).
        nested_parse_with_titles(self.state, self.content, holder, self.content_offset)
        return holder.children


class RemoveSolutions(SphinxTransform):
    """Drop solutions (gated ones are merged at priority 10) from the student edition."""

    default_priority = 11

    def apply(self) -> None:
        if not is_student(self.app):
            return
        removed = []
        for node in list(self.document.findall(solution_node)):
            removed.append(node.get("label"))
            node.parent.remove(node)
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for label in removed:
            registry.pop(label, None)


INSTRUCTOR_DIRECTIVES = {
    "instructor-note": InstructorNote,
    "seminar-plan": SeminarPlan,
    "marking-rubric": MarkingRubric,
    "instructor-only": InstructorOnly,
}
"""Every directive whose content the student edition leaves out: the same names that
pmcj.notebooks strips from students' downloads (INSTRUCTOR_ONLY), so the two cannot drift."""
assert set(INSTRUCTOR_DIRECTIVES) == set(INSTRUCTOR_ONLY)


def setup_editions(app: Sphinx) -> None:
    for name, directive in INSTRUCTOR_DIRECTIVES.items():
        app.add_directive(name, directive)
    app.add_transform(RemoveSolutions)
