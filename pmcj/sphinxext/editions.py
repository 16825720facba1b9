"""Two editions from one source: the student edition leaves out worked solutions and teaching notes.

``pmcj_edition`` (``student`` by default; the instructor build sets ``instructor``) decides. In the
student edition, solutions and ``{instructor-note}`` blocks are removed from the document before
anything is written, so their text is absent from the HTML and from the search index, not merely
hidden. (sphinx-exercise's own ``hide_solutions`` crashes on gated solutions and would leave the
code cells between ``solution-start`` and ``solution-end`` on the page.)
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective
from sphinx_exercise.nodes import solution_node


def is_student(app: Sphinx) -> bool:
    return app.config.pmcj_edition != "instructor"


class InstructorNote(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        if is_student(self.env.app):
            return []
        node = nodes.admonition(classes=["admonition", "instructor-note"])
        node += nodes.title(text="Instructor notes")
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


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


def setup_editions(app: Sphinx) -> None:
    app.add_directive("instructor-note", InstructorNote)
    app.add_transform(RemoveSolutions)
