"""One error type for everything that can be wrong with the data or the generator's inputs."""

from __future__ import annotations


class DataError(ValueError):
    """A problem in a data file, named by file, row and column so it can be fixed by hand.

    It subclasses ValueError so callers that catch ValueError keep working; its message is written
    for a student or contributor, not for a developer reading a traceback.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        row: int | None = None,
        line: int | None = None,
        column: str | None = None,
    ):
        self.file, self.problem, self.row, self.line, self.column = file, problem, row, line, column
        where = file
        if row is not None:
            where += f", row {row}" + (f" (line {line})" if line is not None else "")
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")
