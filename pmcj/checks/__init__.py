"""Self-checks for the book's exercises, one module per chapter.

In a notebook: ``from pmcj.checks import ch07`` then ``ch07.ex7_1(answer)``.

A chapter's module ``chNN.py`` defines one ``@guarded`` check per exercise and, for its data
tasks, a ``TASKS`` mapping from check name to a :class:`~pmcj.checks.feedback.ShareTask` (or a
``CountTask``, ``ChoiceTask`` or ``ValueTask``, in the same module): how the
right answer is made from the tables and which typical mistakes the check names. The tests in
``tests/test_selfchecks.py`` find every such module and test every declared task and mistake on
the book's data and on every class-variant seed, so adding a chapter's checks adds no test code.
"""
