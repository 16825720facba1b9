"""Feedback for students' answers: kind, specific, never a traceback, never the answer itself.

A check function turns whatever a student passes into a :class:`Feedback`. Its text is what the
notebook shows; its truth value says whether the answer is right (tests use that).

Most data tasks ask for shares (a count over a total, per label or per cell of a table). Such a
task is declared as a :class:`ShareTask`: how to make the right answer's counts and totals from the
tables, what the labels are called, and the typical mistakes (:class:`Mistake`) with their hints.
The task then does the checking, so every chapter reads answers the same way:

* a Series, a dict, a one-column or two-column (label, value) DataFrame for one value per label; a
  wide table, its transpose, a two-level Series or a long table for a table of shares;
* labels regardless of case and surrounding spaces; an unknown label is answered with the data's
  spelling;
* shares as proportions (0.25) or percentages (25, even whole ones), and counts recognised as
  counts, by comparing each reading with what the data give rather than by guessing from the
  numbers' look;
* a tolerance derived from the totals (:func:`share_tolerance`), so that a slip that changes one
  count is never mistaken for a right answer.

Two smaller kinds of task are declared the same way. A :class:`CountTask` asks for whole-number
counts, one per label (how many participants in each role): counts are compared exactly, and
shares or percentages given instead are named as such. A :class:`ChoiceTask` asks for one label
chosen from a few (the theme a segment belongs to): any accepted spelling of an option is read as
that option, and words that are not options but name something else (a code rather than a
theme) get their own hint. A :class:`ValueTask` asks for one number computed from the data (Cohen's
kappa for one code): it is compared within float noise, and the declared mistakes, rounding and a
value the statistic cannot take each get their own hint.

The same declarations drive the tests (``tests/test_selfchecks.py``), so a chapter's checks are
tested without writing test code for them.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import numpy as np
import pandas as pd

Tables = Mapping[str, pd.DataFrame]
Shares = pd.Series | pd.DataFrame
T = TypeVar("T")

FLOAT_FLOOR = 1e-9
"""The smallest tolerance: far above float noise (about 1e-16 per operation), far below any step."""

ROUNDED_DECIMALS = (2, 3)
"""Roundings recognised as such: to whole percentages (0.25) and to tenths of a percent (0.253)."""

ROUNDED_HINT = (
    "Your values look rounded. Give the shares unrounded (leave out `.round()`), so that the "
    "check can tell a right answer from a near miss."
)
MISSING_HINT = "Some values in your answer are missing (NaN) or are not numbers."


@dataclass(frozen=True)
class Feedback:
    """What a check answers: shown as "Correct! ..." or "Not yet. ..." in a notebook."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return ("Correct! " if self.correct else "Not yet. ") + self.message


class AnswerProblem(Exception):
    """Raised inside a check to stop with a hint."""


def guarded(describe: str) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Wrap a check so that any surprise becomes a hint, not a traceback.

    The wrapped function is marked ``is_self_check`` so that tests can find every check of every
    chapter without a list to keep up to date.
    """

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

        run.is_self_check = True  # type: ignore[attr-defined]
        return run

    return decorate


def kind_of(answer: Any) -> str:
    """'a list', 'an int': how a hint names the type of what the student gave."""
    name = type(answer).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def listing(items: Sequence[str]) -> str:
    """'mentor', 'mentor and staff', 'mentor, mentee and staff': readable in a hint."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- labels ---------------------------------------------------------------------------------------


def label_key(label: Hashable) -> str:
    """A label as compared: case and surrounding spaces do not make a label wrong."""
    return str(label).strip().casefold()


def _skeleton(label: Hashable) -> str:
    return re.sub(r"[^0-9a-z]", "", label_key(label))


def _spelling(label: Hashable, known: Sequence[str]) -> str | None:
    """The known label a student most likely meant ('focus group' -> 'focus_group'), if any."""
    same = [k for k in known if _skeleton(k) == _skeleton(label)]
    if same:
        return same[0]
    close = difflib.get_close_matches(label_key(label), [label_key(k) for k in known], 1, 0.75)
    return next((k for k in known if close and label_key(k) == close[0]), None)


def match_labels(
    given: Sequence[Hashable],
    expected: Sequence[str],
    noun: str,
    ignore: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> list[str | None]:
    """For each given label, the data's label it means (None for a label the task ignores).

    Labels match regardless of case and surrounding spaces ('Mentor', ' mentee '): the data's
    spelling is only mentioned for a label the data really do not have, where naming it helps
    ('focus group' gets "the data spell it 'focus_group'"). Stops with a hint for an unknown,
    repeated or missing label; an ``optional`` label (one with no share in the data, such as a
    role nobody speaks in a variant) may be left out.
    """
    known = {label_key(label): label for label in expected}
    skip = {label_key(label) for label in ignore}
    matched = [None if label_key(g) in skip else known.get(label_key(g)) for g in given]
    unknown = [str(g) for g, m in zip(given, matched, strict=True) if m is None]
    unknown = [g for g in unknown if label_key(g) not in skip]
    if unknown:
        if all(re.fullmatch(r"\d+", g.strip()) for g in unknown) and not any(matched):
            raise AnswerProblem(
                f"Your values are labelled with numbers, not with the {noun}s. Label each value "
                f"with its {noun}, for example by grouping by it."
            )
        guesses = [(g, _spelling(g, expected)) for g in unknown]
        meant = [f"'{g}' (the data spell it '{k}')" for g, k in guesses if k]
        if meant:
            raise AnswerProblem(
                f"The data have no {noun} called {listing(meant)}. Use the labels as the data "
                "spell them."
            )
        shown = [f"'{g}'" for g in unknown[:4]] + (["others"] if len(unknown) > 4 else [])
        raise AnswerProblem(
            f"Your answer has labels that are not {noun}s: {listing(shown)}. The {noun}s in the "
            f"data are {listing([str(e) for e in expected])}."
        )
    twice = [label for label, n in Counter(m for m in matched if m).items() if n > 1]
    if twice:
        raise AnswerProblem(
            f"Your answer gives {listing(twice)} more than once (labels are read regardless of "
            f"case and spaces). Give one value per {noun}."
        )
    missing = [label for label in expected if label not in matched and label not in optional]
    if missing:
        raise AnswerProblem(
            f"Your answer has no value for {listing(missing)}. Include every {noun}."
        )
    return matched


# --- reading an answer ----------------------------------------------------------------------------


def numbers(values: pd.Series) -> pd.Series:
    """The values as floats; a value that is there but is not a number stops with a hint.

    A missing value (NaN) is kept: whether it matters depends on the data (see ShareTask.check).
    """
    read = pd.to_numeric(values.astype(object), errors="coerce")
    if (read.isna() & values.notna()).any():
        raise AnswerProblem(MISSING_HINT)
    return read.astype(float)


def as_series(answer: Any, what: str) -> pd.Series:
    """Read a one-value-per-label answer from a Series, dict or one- or two-column DataFrame."""
    if isinstance(answer, pd.DataFrame):
        if answer.empty:
            raise AnswerProblem(f"Your answer is an empty table; this task needs {what}.")
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
        answer = pd.Series(dict(answer), dtype=object)
    if not isinstance(answer, pd.Series):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {what}.")
    if answer.empty:
        raise AnswerProblem(f"Your answer is empty; this task needs {what}.")
    if isinstance(answer.index, pd.MultiIndex):
        raise AnswerProblem(
            f"Your answer has more than one label per value; this task needs {what}."
        )
    return numbers(answer)


def read_series(answer: Any, expected: pd.Series, task: ShareTask) -> pd.Series:
    """The answer as floats labelled and ordered like ``expected``."""
    given = as_series(answer, task.what)
    optional = list(expected.index[expected.isna()])
    labels = match_labels(
        list(given.index), list(expected.index), task.nouns[0], task.ignore, optional
    )
    keep = [label is not None for label in labels]
    given = given[keep]
    given.index = pd.Index([label for label in labels if label is not None])
    return given.reindex(expected.index)


def _as_frame(answer: Any, what: str) -> pd.DataFrame:
    if isinstance(answer, Mapping):
        if not all(isinstance(value, Mapping) for value in answer.values()):
            raise AnswerProblem(f"Your answer is a dict of single values; this task needs {what}.")
        answer = pd.DataFrame({key: dict(value) for key, value in answer.items()})
    if isinstance(answer, pd.Series):
        if answer.index.nlevels != 2:
            raise AnswerProblem(
                f"Your answer is a Series with one label per value; this task needs {what}."
            )
        answer = answer.unstack()
    if not isinstance(answer, pd.DataFrame):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {what}.")
    if answer.empty:
        raise AnswerProblem(f"Your answer is empty; this task needs {what}.")
    return answer


def read_table(answer: Any, expected: pd.DataFrame, task: ShareTask) -> pd.DataFrame:
    """The answer as a float table labelled and ordered like ``expected``.

    Accepts the wide table, its transpose, a Series with two levels of labels, a dict of dicts and
    a long table whose label columns are named like ``expected``'s axes (``funding_model``,
    ``goal_size``), whatever the case of those names.
    """
    table = _as_frame(answer, task.what)
    axes = [str(expected.index.name or ""), str(expected.columns.name or "")]
    columns = {label_key(c): c for c in table.columns}
    if all(label_key(axis) in columns for axis in axes):  # a long table
        names = [columns[label_key(axis)] for axis in axes]
        value = [c for c in table.columns if c not in names]
        if len(value) != 1:
            raise AnswerProblem(
                f"A long table needs exactly one column of values besides {listing(axes)}."
            )
        if table.duplicated(names).any():
            raise AnswerProblem(
                f"Your long table has more than one row for some {task.nouns[0]} and "
                f"{task.nouns[1]}. Give one row for each."
            )
        table = table.pivot(index=names[0], columns=names[1], values=value[0])
    elif label_key(axes[0]) in columns:  # the row labels as a column (after reset_index)
        table = table.set_index(columns[label_key(axes[0])])
    keys = {label_key(label) for label in expected.columns}
    if not keys & {label_key(c) for c in table.columns} and keys & {
        label_key(i) for i in table.index
    }:
        table = table.T
    empty_rows = list(expected.index[expected.isna().all(axis=1)])
    empty_cols = list(expected.columns[expected.isna().all(axis=0)])
    cols = match_labels(
        list(table.columns), list(expected.columns), task.nouns[1], task.ignore, empty_cols
    )
    rows = match_labels(
        list(table.index), list(expected.index), task.nouns[0], task.ignore, empty_rows
    )
    table = table.loc[[r is not None for r in rows], [c is not None for c in cols]].copy()
    table.index = pd.Index([r for r in rows if r is not None])
    table.columns = pd.Index([c for c in cols if c is not None])
    table = table.apply(numbers)
    return table.reindex(index=expected.index, columns=expected.columns)


# --- comparing an answer with the data ------------------------------------------------------------


def share_tolerance(totals: Shares | Sequence[float]) -> float:
    """How far a share may be from the right one and still be the same share.

    Every share in these tasks is a whole-number count over a whole-number total ``n``, so two
    different answers over the same ``n`` differ by at least ``1/n``: a slip that moves one segment
    or one goal moves the share by a full step. Half the smallest step, ``1 / (2 max(n))``, is
    therefore the widest tolerance that still tells every such slip from the right answer, and it
    is far wider than the float noise of computing a share or of dividing a percentage by 100. A
    fixed tolerance cannot do both: 0.006 is larger than a one-segment step whenever ``n`` exceeds
    about 170, so slips went unnoticed, while a class variant with more data needs a finer one.
    ``FLOAT_FLOOR`` keeps the tolerance above float noise however large ``n`` becomes.
    """
    values = np.asarray(totals, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return FLOAT_FLOOR
    return max(0.5 / float(values.max()), FLOAT_FLOOR)


class CheckTables(Mapping[str, pd.DataFrame]):
    """The tables as one check call sees them, with a memo for the joins its answers share.

    A check makes the right answer and every mistake from the same joins; computing each once
    keeps a check fast (tests call checks over a thousand times). The memo lives for one call
    only: a student who changes a table between two calls is never answered from stale joins.
    """

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._memo: dict[Hashable, Any] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


def shared(t: Tables, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per check call (the caller must not modify the result)."""
    return t.memo(key, make) if isinstance(t, CheckTables) else make()


@dataclass(frozen=True)
class Fractions:
    """A share answer as the data make it: counts over totals, in the shape of the answer.

    Keeping both (not only their quotient) is what lets a check recognise an answer given as
    counts, and derive its tolerance from the totals.
    """

    counted: Shares
    totals: Shares

    @property
    def shares(self) -> Shares:
        """The shares; a total of zero gives NaN (there is no share to give)."""
        return (self.counted / self.totals).where(self.totals > 0)

    @property
    def tolerance(self) -> float:
        return share_tolerance(self.totals)


@dataclass(frozen=True)
class Mistake:
    """A typical slip: the answer it produces from the tables, and the hint that names it.

    The check gives ``hint`` when an answer matches ``answer(tables)``; the tests use the same
    function to make the mistaken answer on every seed, so a mistake declared here is tested.
    ``answer`` gives shares for a :class:`ShareTask`, counts for a :class:`CountTask`, and for a
    :class:`ChoiceTask` the words a student making the slip may type (any of them gets the hint).
    """

    name: str
    answer: Callable[[Tables], Any]
    hint: str


def slip_hint(slips: Sequence[Mistake]) -> str:
    """The hint for the mistakes an answer fits; all of them when the data make them coincide.

    On some data sets two slips give the same numbers (one extra coding and one extra coder's
    segment, say); picking one hint would then be a guess, so the student reads both.
    """
    if len(slips) == 1:
        return slips[0].hint
    return "Your answer fits more than one typical slip. " + " Or: ".join(m.hint for m in slips)


def _flat(values: Shares) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def _cells(expected: Shares, label_format: str) -> list[str]:
    if isinstance(expected, pd.DataFrame):
        return [
            label_format.format(str(row), str(col))
            for row in expected.index
            for col in expected.columns
        ]
    return [label_format.format(str(label)) for label in expected.index]


def _readings(values: np.ndarray, totals: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Each way the numbers can be read as shares, in the order a tie is settled.

    Counts are only a possible reading when every value is a whole number of at least 0; whether
    whole numbers are counts or whole percentages is left to the comparison with the data.
    """
    readings = [("proportions", values), ("percentages", values / 100)]
    if (values >= 0).all() and np.allclose(values, np.round(values), rtol=0, atol=1e-9):
        readings.append(("counts", values / totals))
    return readings


def _rounded(shares: np.ndarray, target: np.ndarray) -> bool:
    """Whether ``shares`` is ``target`` rounded to whole percentages or tenths of a percent."""
    for decimals in ROUNDED_DECIMALS:
        step = 10.0**-decimals
        on_grid = np.allclose(shares / step, np.round(shares / step), rtol=0, atol=1e-6)
        if on_grid and (np.abs(shares - target) <= step / 2 + FLOAT_FLOOR).all():
            return True
    return False


@dataclass(frozen=True)
class ShareTask:
    """A data task whose answer is shares, declared once for its check and for the tests.

    ``right`` makes the right answer's counts and totals from the tables (a Series with one value
    per label, or a table). ``nouns`` name the labels (one per axis, rows first); ``ignore`` lists
    labels a reasonable answer may carry but the task leaves out (they are dropped silently).
    ``label_format`` names a value in a hint (``{0}`` the row, ``{1}`` the column);
    ``wrong_hint`` is given, with ``{off}`` filled in, when no reading matches.
    """

    right: Callable[[Tables], Fractions]
    what: str
    nouns: tuple[str, ...]
    correct: str
    counts_hint: str
    wrong_hint: str
    mistakes: tuple[Mistake, ...] = ()
    ignore: tuple[str, ...] = ()
    label_format: str = "{0}"

    def read(self, answer: Any, expected: Shares) -> Shares:
        """The student's answer as floats with the data's labels, aligned with ``expected``."""
        if isinstance(expected, pd.DataFrame):
            return read_table(answer, expected, self)
        return read_series(answer, expected, self)

    def check(self, answer: Any, tables: Tables) -> Feedback:
        """Compare the answer with the right one and each mistake, under each reading.

        In order: the right answer read as proportions or percentages (correct) or as counts
        (divide); a mistake (its hint; as counts, divide first); the right answer or a mistake
        rounded; otherwise the reading closest to the data decides between the counts hint and
        naming the values that are off. An answer it cannot read raises :class:`AnswerProblem`,
        which the ``@guarded`` check shows as a hint.
        """
        tables = CheckTables(tables)
        right = self.right(tables)
        expected = right.shares
        given = self.read(answer, expected)
        target, values, totals = _flat(expected), _flat(given), _flat(right.totals)
        there = np.isfinite(target)  # a label with nothing to divide by has no share to check
        if not np.isfinite(values[there]).all():
            raise AnswerProblem(MISSING_HINT)
        target, values, totals = target[there], values[there], totals[there]
        tolerance = right.tolerance
        readings = _readings(values, totals)

        def reading_of(candidate: np.ndarray) -> str | None:
            for name, shares in readings:
                if (np.abs(shares - candidate) <= tolerance).all():
                    return name
            return None

        exact = reading_of(target)
        if exact == "counts":
            return Feedback(False, self.counts_hint)
        if exact:
            return Feedback(True, self.correct)
        wrong = [(m, self.mistaken(m, tables, expected)[there]) for m in self.mistakes]
        fits = [(m, reading_of(shares)) for m, shares in wrong]
        if any(reading == "counts" for _, reading in fits):
            return Feedback(False, self.counts_hint)
        slips = [m for m, reading in fits if reading]
        if slips:
            return Feedback(False, slip_hint(slips))
        for _, shares in readings[:2]:
            if _rounded(shares, target):
                return Feedback(False, ROUNDED_HINT)
            slips = [m for m, wrong_shares in wrong if _rounded(shares, wrong_shares)]
            if slips:
                return Feedback(False, slip_hint(slips))
        name, shares = min(readings, key=lambda r: float(np.max(np.abs(r[1] - target))))
        if name == "counts":
            return Feedback(False, self.counts_hint)
        cells = np.array(_cells(expected, self.label_format), dtype=object)[there]
        off = [str(cell) for cell in cells[np.abs(shares - target) > tolerance]]
        return Feedback(False, self.wrong_hint.format(off=listing(off) or "some values"))

    def mistaken(self, mistake: Mistake, tables: Tables, expected: Shares) -> np.ndarray:
        """A mistake's answer as flat shares aligned with the right answer."""
        wrong = mistake.answer(tables)
        if isinstance(expected, pd.DataFrame):
            wrong = wrong.reindex(index=expected.index, columns=expected.columns)
        else:
            wrong = wrong.reindex(expected.index)
        return _flat(wrong)


# --- counts: whole numbers, one per label ---------------------------------------------------------


def _whole(values: np.ndarray) -> bool:
    return bool(np.allclose(values, np.round(values), rtol=0, atol=1e-9))


@dataclass(frozen=True)
class CountTask:
    """A data task whose answer is whole-number counts, one per label, declared once.

    ``right`` makes the right counts from the tables (a Series with one count per label). A count
    is a whole number, so counts are compared exactly: there is no tolerance to derive, and a slip
    of one is a wrong answer. An answer that reads as the shares or percentages of those counts,
    or that is not whole numbers at all, gets ``shares_hint``; a declared mistake gets its hint;
    anything else gets ``wrong_hint`` with ``{off}`` naming the labels whose counts are off. A
    label whose right count is zero may be left out (``value_counts`` on text leaves it out).
    """

    right: Callable[[Tables], pd.Series]
    what: str
    nouns: tuple[str, ...]
    correct: str
    shares_hint: str
    wrong_hint: str
    mistakes: tuple[Mistake, ...] = ()
    ignore: tuple[str, ...] = ()

    def expected(self, tables: Tables) -> pd.Series:
        """The right counts as floats (NaN marks a label that may be left out: its count is 0)."""
        counts = self.right(tables).astype(float)
        return counts.where(counts > 0)

    def check(self, answer: Any, tables: Tables) -> Feedback:
        tables = CheckTables(tables)
        expected = self.expected(tables)
        given = read_series(answer, expected, self)
        target = expected.fillna(0).to_numpy(dtype=float)
        values = given.to_numpy(dtype=float)
        values = np.where(np.isnan(values) & expected.isna().to_numpy(), 0.0, values)
        if not np.isfinite(values).all():
            raise AnswerProblem(MISSING_HINT)
        total = target.sum()
        if total > 0 and any(
            np.allclose(values, target / total * scale, rtol=0, atol=tolerance)
            for scale, tolerance in ((1.0, 5e-3), (100.0, 0.5))
        ):
            return Feedback(False, self.shares_hint)
        if not _whole(values):
            return Feedback(False, self.shares_hint)
        values = np.round(values)
        if np.array_equal(values, target):
            return Feedback(True, self.correct)
        slips = [m for m in self.mistakes if np.array_equal(values, self.mistaken(m, tables))]
        if slips:
            return Feedback(False, slip_hint(slips))
        pairs = zip(expected.index, values, target, strict=True)
        off = [str(label) for label, value, count in pairs if value != count]
        return Feedback(False, self.wrong_hint.format(off=listing(off)))

    def mistaken(self, mistake: Mistake, tables: Tables) -> np.ndarray:
        """A mistake's counts aligned with the right ones (a label it lacks counts 0)."""
        expected = self.right(tables)
        wrong = pd.Series(mistake.answer(tables), dtype=float)
        return wrong.reindex(expected.index).fillna(0).to_numpy(dtype=float)


# --- one label chosen from a few ------------------------------------------------------------------


def word_key(text: Any) -> str:
    """A typed word as compared: case, spaces, punctuation and a leading "the" do not matter."""
    words = re.sub(r"[^0-9a-z]+", " ", str(text).casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class ChoiceTask:
    """A data task whose answer is one option among a few (a theme, say), declared once.

    ``options`` gives, for each option, the spellings accepted for it (its id and its name, for
    example); ``right`` gives the right option. The check reads the answer as text, regardless of
    case, spaces, punctuation and a leading "the" or trailing ``noun`` ("the values theme"). A
    declared mistake lists the words a student making that slip may type (the name of a code
    instead of a theme); any of them gets its hint. Another option gets ``wrong_hint``, which must
    not depend on the right option, so a guess learns nothing but "not that one"; anything else is
    answered with the list of options.
    """

    right: Callable[[Tables], str]
    options: Callable[[Tables], Mapping[str, Sequence[str]]]
    what: str
    noun: str
    correct: str
    wrong_hint: str
    mistakes: tuple[Mistake, ...] = ()

    def read(self, answer: Any, tables: Tables) -> str:
        """The answer as a compared word, or a hint (AnswerProblem) for what is not one word."""
        if isinstance(answer, list | tuple | set) and len(answer) == 1:
            raise AnswerProblem(
                f"Your answer is {kind_of(answer)} holding one value; give just the value, as "
                f"text in quotes. This task needs {self.what}."
            )
        if isinstance(answer, pd.Series | pd.DataFrame | Mapping | list | tuple | set | np.ndarray):
            raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {self.what}.")
        if not isinstance(answer, str):
            raise AnswerProblem(
                f"Your answer is {kind_of(answer)}; give the {self.noun} as text in quotes. This "
                f"task needs {self.what}."
            )
        key = word_key(answer)
        noun = word_key(self.noun)
        if key.endswith(f" {noun}"):
            key = key[: -len(noun) - 1]
        if not key:
            raise AnswerProblem(f"Your answer is empty text; this task needs {self.what}.")
        return key

    def option_of(self, key: str, tables: Tables) -> str | None:
        for option, spellings in self.options(tables).items():
            if key in {word_key(option), *(word_key(s) for s in spellings)}:
                return option
        return None

    def check(self, answer: Any, tables: Tables) -> Feedback:
        tables = CheckTables(tables)
        key = self.read(answer, tables)
        chosen = self.option_of(key, tables)
        if chosen is not None:
            if chosen == self.right(tables):
                return Feedback(True, self.correct)
            return Feedback(False, self.wrong_hint)
        slips = [m for m in self.mistakes if key in self.mistaken(m, tables)]
        if slips:
            return Feedback(False, slip_hint(slips))
        options = listing([f"'{option}'" for option in self.options(tables)])
        return Feedback(
            False,
            f"'{str(answer).strip()}' is not one of the {self.noun}s. Give one of {options}.",
        )

    def mistaken(self, mistake: Mistake, tables: Tables) -> set[str]:
        """The compared words a mistake covers, with near spellings (a plural, a typo)."""
        words = {word_key(word) for word in mistake.answer(tables)}
        return words | {w + "s" for w in words}

    def accepted(self, tables: Tables) -> list[str]:
        """Every spelling accepted as the right answer (for the tests)."""
        return [self.right(tables), *self.options(tables)[self.right(tables)]]


# --- one number: a statistic such as kappa --------------------------------------------------------

VALUE_TOLERANCE = 1e-9
"""How far a statistic may be from the right one: float noise only, since it is computed, not read
off a chart (a slip that moves one unit moves a kappa by far more)."""

VALUE_ROUNDED_HINT = (
    "Your value looks rounded. Give it unrounded (leave out `round()`), so that the check can "
    "tell a right answer from a near miss; round it only when you report it."
)


def read_number(answer: Any, what: str) -> float:
    """One number from an int, a float, a NumPy number, or a Series, array or list holding one.

    Anything else stops with a hint that names what was given: text, True or False, a table, a
    container holding no value or several, a value that is not a number or is missing (NaN).
    """
    if isinstance(answer, bool | np.bool_):
        raise AnswerProblem(
            f"Your answer is {answer}, a yes-or-no value, not a number; this task needs {what}."
        )
    if isinstance(answer, str):
        raise AnswerProblem(
            f"Your answer is text; give the number itself, without quotes. This task needs {what}."
        )
    if isinstance(answer, Mapping):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {what}.")
    if isinstance(answer, pd.Series | pd.DataFrame | np.ndarray | list | tuple):
        values = np.asarray(answer, dtype=object).ravel()
        if values.size != 1:
            held = "no value" if values.size == 0 else f"{values.size} values"
            raise AnswerProblem(
                f"Your answer is {kind_of(answer)} holding {held}; this task needs {what}."
            )
        answer = values[0]
        if isinstance(answer, bool | np.bool_ | str):
            raise AnswerProblem(f"Your answer does not hold a number; this task needs {what}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {what}.") from None
    if not np.isfinite(value):
        raise AnswerProblem(
            "Your answer is missing (NaN) or infinite: check that neither coder's column is empty "
            f"and that you did not divide by zero. This task needs {what}."
        )
    return value


def _rounded_value(value: float, target: float) -> bool:
    """Whether ``value`` is ``target`` rounded to 2 or 3 decimals (0.65 or 0.647 for 0.6471)."""
    for decimals in ROUNDED_DECIMALS:
        step = 10.0**-decimals
        on_grid = abs(value / step - round(value / step)) < 1e-6
        if on_grid and abs(value - target) <= step / 2 + FLOAT_FLOOR:
            return True
    return False


@dataclass(frozen=True)
class ValueTask:
    """A data task whose answer is one number computed from the data, declared once.

    ``right`` computes the number (a statistic such as Cohen's kappa for one code) from the
    tables. The answer is compared within :data:`VALUE_TOLERANCE`; a declared mistake (the
    percentage agreement given instead of kappa, say) gets its hint, and so does that mistake
    rounded; the right value rounded gets ``rounded_hint``; a value outside ``low`` to ``high``
    (what the statistic can be) gets ``range_hint``; anything else gets ``wrong_hint``. No hint
    shows the right value.
    """

    right: Callable[[Tables], float]
    what: str
    correct: str
    wrong_hint: str
    range_hint: str
    low: float = -1.0
    high: float = 1.0
    mistakes: tuple[Mistake, ...] = ()
    rounded_hint: str = VALUE_ROUNDED_HINT

    def check(self, answer: Any, tables: Tables) -> Feedback:
        tables = CheckTables(tables)
        value = read_number(answer, self.what)
        right = float(self.right(tables))
        if abs(value - right) <= VALUE_TOLERANCE:
            return Feedback(True, self.correct)
        wrong = [(m, self.mistaken(m, tables)) for m in self.mistakes]
        slips = [m for m, w in wrong if np.isfinite(w) and abs(value - w) <= VALUE_TOLERANCE]
        if slips:
            return Feedback(False, slip_hint(slips))
        if _rounded_value(value, right):
            return Feedback(False, self.rounded_hint)
        slips = [m for m, w in wrong if np.isfinite(w) and _rounded_value(value, w)]
        if slips:
            return Feedback(False, slip_hint(slips))
        if not self.low <= value <= self.high:
            return Feedback(False, self.range_hint)
        return Feedback(False, self.wrong_hint)

    def mistaken(self, mistake: Mistake, tables: Tables) -> float:
        """A mistake's value (NaN if the slip gives no number on these data)."""
        value = float(mistake.answer(tables))
        return value if np.isfinite(value) else float("nan")
