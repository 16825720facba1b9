"""Feedback for students' answers: kind, specific, never a traceback, never the answer itself.

A check function turns whatever a student passes into a :class:`Feedback`. Its text is what the
notebook shows; its truth value says whether the answer is right (tests use that). The helpers
below read the shapes in which a reasonable answer can arrive (a Series, a dict, a one-column or
long DataFrame; shares as proportions or percentages) so that a correct answer in another form is
still accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

import pandas as pd

TOLERANCE = 0.006  # shares are compared to about half a percentage point


@dataclass(frozen=True)
class Feedback:
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return ("Correct! " if self.correct else "Not yet. ") + self.message


class AnswerProblem(Exception):
    """Raised inside a check to stop with a hint."""


def guarded(describe: str) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Wrap a check so that any surprise becomes a hint, not a traceback."""

    def decorate(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
        @wraps(check)
        def run(answer: Any = ..., *args: Any, **kwargs: Any) -> Feedback:
            if answer is ... or answer is None:
                return Feedback(False, f"You have not given an answer yet. {describe}")
            try:
                return check(answer, *args, **kwargs)
            except AnswerProblem as problem:
                return Feedback(False, str(problem))
            except Exception as error:  # noqa: BLE001 - a student must never see a traceback
                return Feedback(
                    False,
                    f"Your answer could not be read ({type(error).__name__}). {describe}",
                )

        return run

    return decorate


def kind_of(answer: Any) -> str:
    name = type(answer).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def as_series(answer: Any, what: str) -> pd.Series:
    """Read a one-value-per-label answer from a Series, dict or one-column DataFrame."""
    if isinstance(answer, pd.DataFrame):
        numeric = answer.select_dtypes("number")
        if numeric.shape[1] == 1 and answer.shape[1] == 2:
            label = next(column for column in answer.columns if column not in numeric.columns)
            answer = answer.set_index(label)[numeric.columns[0]]
        elif answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        else:
            raise AnswerProblem(
                f"Your answer is a table with {answer.shape[1]} columns; this task needs {what}."
            )
    if isinstance(answer, Mapping):
        answer = pd.Series(dict(answer))
    if not isinstance(answer, pd.Series):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {what}.")
    if answer.empty:
        raise AnswerProblem(f"Your answer is empty; this task needs {what}.")
    values = pd.to_numeric(answer, errors="coerce")
    if values.isna().any():
        raise AnswerProblem("Some values in your answer are missing or are not numbers.")
    values.index = [str(label) for label in answer.index]
    return values.astype(float)


def as_proportions(values: pd.Series) -> tuple[pd.Series, bool]:
    """Accept shares written as percentages (0-100) as well as proportions (0-1)."""
    if (values > 1.0 + 1e-9).any() and (values <= 100).all():
        if (values == values.round()).all() and values.max() > 1:
            return values, False  # whole numbers above 1: counts, not shares
        return values / 100, True
    return values, True


def compare_labels(given: pd.Index, expected: pd.Index, noun: str) -> None:
    missing = [label for label in expected if label not in given]
    extra = [label for label in given if label not in expected]
    if missing:
        raise AnswerProblem(
            f"Your answer has no value for {', '.join(missing)}. Include every {noun}."
        )
    if extra:
        raise AnswerProblem(
            f"Your answer has labels that are not {noun}s: {', '.join(extra)}. "
            f"Label each value with its {noun} exactly as it appears in the data."
        )
