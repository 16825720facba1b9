"""Every self-check of every chapter, on the book's data and on every class-variant seed.

The checks are found, not listed: every ``pmcj/checks/chNN.py`` module's guarded functions (and
those of the primer's ``pmcj/checks/primer.py``), and its ``TASKS`` declarations for the data
tasks. A chapter that declares its tasks and typical mistakes is tested here without new test
code: right answers in every equivalent form are accepted; every declared mistake differs from
the right answer on every seed and gets its own hint; counts, rounded values and misspelt or
missing labels get their hints; a slip of a single count is never accepted; no hint shows the
expected numbers; nothing a student types produces a traceback.

Tasks that ask for counts (``CountTask``) or for one option among a few (``ChoiceTask``) are tested
the same way: the right answer in every equivalent form or spelling is accepted; every declared
mistake is told apart from the right answer and gets its hint; shares given for counts, a count
off by one, and a wrong option get a hint that does not give the answer away. Tasks that ask for
one number (``ValueTask``: a kappa) accept it as a float, a NumPy number or a one-value Series;
every declared mistake differs from it and gets its hint; rounding, a near miss and a percentage
get hints that do not show the number.

A declared mistake that gives the right answer on some seed is a problem of the data (the class
variant cannot show the slip), not of the test: the failure names the seed.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pmcj.checks
from pmcj.checks.feedback import (
    ROUNDED_HINT,
    VALUE_ROUNDED_HINT,
    VALUE_TOLERANCE,
    AnswerProblem,
    ChoiceTask,
    CountTask,
    Feedback,
    Fractions,
    Mistake,
    ShareTask,
    ValueTask,
    share_tolerance,
    word_key,
)
from pmcj.data.generate import DEFAULT_SEED
from pmcj.pages import LETTERED, check_module
from tests.data_support import CHECK_SEEDS, tables_for_seed

Tables = dict[str, pd.DataFrame]
Answer = pd.Series | pd.DataFrame


def check_modules() -> list[ModuleType]:
    """Every chapter's check module, ``pmcj/checks/chNN.py``, and those of the lettered pages
    outside the chapters (``pmcj/checks/primer.py``, named in ``pmcj.pages.LETTERED``)."""
    names = [m.name for m in pkgutil.iter_modules(pmcj.checks.__path__)]
    lettered = {check_module(page) for page in LETTERED}
    return [
        importlib.import_module(f"pmcj.checks.{name}")
        for name in sorted(names)
        if re.fullmatch(r"ch\d+", name) or name in lettered
    ]


def short(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


MODULES = check_modules()
CHECKS = [
    pytest.param(function, id=f"{short(module)}.{name}")
    for module in MODULES
    for name, function in sorted(vars(module).items())
    if getattr(function, "is_self_check", False)
]
KINDS = (ShareTask, CountTask, ChoiceTask, ValueTask)


def declared(kind: type) -> list[Any]:
    """Every declared task of one kind, as (check, task) test parameters."""
    return [
        pytest.param(getattr(module, name), task, id=f"{short(module)}.{name}")
        for module in MODULES
        for name, task in getattr(module, "TASKS", {}).items()
        if isinstance(task, kind)
    ]


def declared_mistakes(kind: type) -> list[Any]:
    """Every declared mistake of every task of one kind, as (check, task, mistake) parameters."""
    return [
        pytest.param(
            getattr(module, name), task, mistake, id=f"{short(module)}.{name}-{mistake.name}"
        )
        for module in MODULES
        for name, task in getattr(module, "TASKS", {}).items()
        if isinstance(task, kind)
        for mistake in task.mistakes
    ]


TASKS = declared(ShareTask)
MISTAKES = declared_mistakes(ShareTask)
COUNT_TASKS = declared(CountTask)
COUNT_MISTAKES = declared_mistakes(CountTask)
CHOICE_TASKS = declared(ChoiceTask)
CHOICE_MISTAKES = declared_mistakes(ChoiceTask)
VALUE_TASKS = declared(ValueTask)
VALUE_MISTAKES = declared_mistakes(ValueTask)
SEEDS = [pytest.param(DEFAULT_SEED, id="default")] + [
    pytest.param(seed, id=f"seed{seed}") for seed in CHECK_SEEDS
]

Check = Callable[..., Feedback]


@cache
def data(seed: int) -> Tables:
    """The tables at ``seed``, one copy shared by this module's tests (checks only read them)."""
    return tables_for_seed(seed)


def revealed(message: str, expected: Answer) -> list[str]:
    """The expected values a message shows, in the forms a hint could show them."""
    values = np.asarray(expected, dtype=float).ravel()
    values = values[np.isfinite(values)]
    shown = (
        {f"{v:.2f}" for v in values}
        | {f"{v:.3f}" for v in values}
        | {f"{v:.1%}" for v in values}
        | {f"{100 * v:.0f}%" for v in values}
    )
    return sorted(value for value in shown if value in message)


def assert_hint(feedback: Feedback, expected: Answer, contains: str = "") -> None:
    """A "Not yet." with a hint (containing ``contains``) that does not give the answer away."""
    assert isinstance(feedback, Feedback), feedback
    assert not feedback, "a wrong answer was accepted"
    assert repr(feedback).startswith("Not yet.") and len(feedback.message) > 20, feedback
    assert contains in feedback.message, feedback.message
    leaked = revealed(feedback.message, expected)
    assert not leaked, f"the hint gives away {leaked}: {feedback.message}"


def relabel(answer: Answer, rename: Callable[[str], str]) -> Answer:
    if isinstance(answer, pd.DataFrame):
        return answer.rename(index=rename, columns=rename)
    return answer.rename(index=rename)


def equivalent_forms(right: Answer) -> Iterator[tuple[str, Any]]:
    """The right answer in the forms a student may reasonably hand in."""
    yield "as computed", right
    yield "percentages", right * 100
    yield "reordered", right.iloc[::-1] if isinstance(right, pd.Series) else right.iloc[::-1, ::-1]
    yield "labels in title case", relabel(right, str.title)
    yield "labels in capitals with spaces", relabel(right, lambda label: f"  {label.upper()} ")
    if isinstance(right, pd.Series):
        yield "dict", right.to_dict()
        yield "dict of percentages", (right * 100).to_dict()
        yield "one-column DataFrame", right.rename("share").to_frame()
        yield "label and value columns", right.rename("share").reset_index()
    else:
        long = right.stack().rename("share").reset_index()
        yield "transposed", right.T
        yield "two-level Series", right.stack()
        yield "long table", long
        yield "long table, names in capitals", long.rename(columns=str.upper)
        yield "row labels as a column", right.reset_index()
        yield "dict of dicts", right.to_dict()
        yield "transposed percentages", right.T * 100


def labels_of(answer: Answer) -> list[str]:
    labels = list(answer.index)
    if isinstance(answer, pd.DataFrame):
        labels += list(answer.columns)
    return [str(label) for label in labels]


# --- the declarations -----------------------------------------------------------------------------


def test_checks_are_found_and_every_declared_task_is_a_check() -> None:
    assert MODULES, "no pmcj/checks/chNN.py module found"
    assert TASKS, "no module declares TASKS"
    for module in MODULES:
        for name, task in getattr(module, "TASKS", {}).items():
            assert isinstance(task, KINDS), (
                f"{name}: declare a ShareTask, CountTask, ChoiceTask or ValueTask"
            )
            assert getattr(getattr(module, name, None), "is_self_check", False), (
                f"{short(module)}.TASKS names {name}, which is not a guarded check"
            )
            hints = [mistake.hint for mistake in task.mistakes]
            assert len(set(hints)) == len(hints), f"{name}: two mistakes share a hint"


def test_the_lettered_pages_checks_are_found() -> None:
    """The primer's checks are tested like a chapter's (its module is not named chNN)."""
    found = {short(module) for module in MODULES}
    missing = [check_module(page) for page in LETTERED if check_module(page) not in found]
    assert not missing, f"no check module found for {missing}"


def answers_to_try(task: Any, tables: Tables) -> list[Any]:
    """The right answer and each declared mistake, as a student would hand them in."""
    if isinstance(task, ShareTask):
        right = task.right(tables).shares
        return [right, right * 100, *(m.answer(tables) for m in task.mistakes)]
    if isinstance(task, CountTask | ValueTask):
        return [task.right(tables), *(m.answer(tables) for m in task.mistakes)]
    return [task.right(tables), *(next(iter(m.answer(tables))) for m in task.mistakes)]


@pytest.mark.parametrize(("check", "task"), TASKS + COUNT_TASKS + CHOICE_TASKS + VALUE_TASKS)
def test_checks_leave_the_tables_as_they_were(check: Check, task: Any) -> None:
    tables, before = tables_for_seed(DEFAULT_SEED), tables_for_seed(DEFAULT_SEED)
    for answer in answers_to_try(task, tables):
        check(answer, tables=tables)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(tables[name], frame, obj=name)


# --- on every seed --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), TASKS)
def test_right_answer_is_accepted_in_equivalent_forms(
    check: Check, task: ShareTask, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables).shares
    for form, answer in equivalent_forms(right):
        feedback = check(answer, tables=tables)
        assert feedback, f"{form}: {feedback!r}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task", "mistake"), MISTAKES)
def test_each_declared_mistake_differs_from_the_right_answer_and_gets_its_hint(
    check: Check, task: ShareTask, mistake: Mistake, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    wrong = mistake.answer(tables)
    aligned = task.mistaken(mistake, tables, right.shares)
    gap = np.nanmax(np.abs(aligned - np.asarray(right.shares, dtype=float).ravel()))
    assert gap > right.tolerance, (
        f"data problem: on seed {seed}, the mistake '{mistake.name}' gives the right answer "
        f"(largest difference {gap:.2g}, tolerance {right.tolerance:.2g}), so the check cannot "
        "recognise it"
    )
    assert_hint(check(wrong, tables=tables), right.shares, mistake.hint)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), TASKS)
def test_counts_rounding_and_one_count_slips_get_hints(
    check: Check, task: ShareTask, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    assert_hint(check(right.counted, tables=tables), right.shares, task.counts_hint)
    for rounded in (right.shares.round(2), (right.shares * 100).round()):
        feedback = check(rounded, tables=tables)
        if not feedback:  # a rounding that changes nothing beyond the tolerance is right
            assert_hint(feedback, right.shares, ROUNDED_HINT)
    # One more count in the cell with the largest total: the smallest slip there can be.
    totals = np.asarray(right.totals, dtype=float)
    counted = right.counted.copy()
    cell = np.unravel_index(np.nanargmax(totals), totals.shape)
    if isinstance(counted, pd.DataFrame):
        counted.iat[cell] += 1 if counted.iat[cell] < totals[cell] else -1
    else:
        counted.iat[cell[0]] += 1 if counted.iat[cell[0]] < totals[cell] else -1
    slip = Fractions(counted, right.totals).shares
    assert_hint(check(slip, tables=tables), right.shares)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), TASKS)
def test_missing_and_misspelt_labels_are_named(check: Check, task: ShareTask, seed: int) -> None:
    tables = data(seed)
    right = task.right(tables).shares
    first = str(right.index[0])
    dropped = right.drop(index=right.index[0])
    assert_hint(check(dropped, tables=tables), right, f"no value for {first}")
    for label in labels_of(right):
        variants = {label.replace("_", " "), f"{label}s"} - {label}
        variants = {v for v in variants if v.casefold() not in map(str.casefold, labels_of(right))}
        for variant in sorted(variants):
            misspelt = relabel(
                right, lambda name, old=label, new=variant: new if name == old else name
            )
            assert_hint(check(misspelt, tables=tables), right, f"'{label}'")


# --- counts, on every seed ------------------------------------------------------------------------


def count_forms(right: pd.Series) -> Iterator[tuple[str, Any]]:
    """The right counts in the forms a student may reasonably hand in."""
    yield "as computed", right
    yield "as floats", right.astype(float)
    yield "reordered", right.iloc[::-1]
    yield "labels in title case", relabel(right, str.title)
    yield "labels in capitals with spaces", relabel(right, lambda label: f"  {label.upper()} ")
    yield "dict", right.to_dict()
    yield "one-column DataFrame", right.rename("count").to_frame()
    yield "label and value columns", right.rename("count").reset_index()


def revealed_counts(message: str, expected: pd.Series) -> list[int]:
    """The expected counts a message shows (as numbers standing on their own)."""
    shown = {int(value) for value in expected if value > 0}
    return sorted(n for n in shown if re.search(rf"(?<![\w.]){n}(?![\w.])", message))


def assert_count_hint(feedback: Feedback, expected: pd.Series, contains: str = "") -> None:
    assert isinstance(feedback, Feedback), feedback
    assert not feedback, "a wrong answer was accepted"
    assert repr(feedback).startswith("Not yet.") and len(feedback.message) > 20, feedback
    assert contains in feedback.message, feedback.message
    leaked = revealed_counts(feedback.message, expected)
    assert not leaked, f"the hint gives away {leaked}: {feedback.message}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), COUNT_TASKS)
def test_right_counts_are_accepted_in_equivalent_forms(
    check: Check, task: CountTask, seed: int
) -> None:
    tables = data(seed)
    for form, answer in count_forms(task.right(tables)):
        feedback = check(answer, tables=tables)
        assert feedback, f"{form}: {feedback!r}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task", "mistake"), COUNT_MISTAKES)
def test_each_declared_count_mistake_differs_from_the_right_answer_and_gets_its_hint(
    check: Check, task: CountTask, mistake: Mistake, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    assert not np.array_equal(task.mistaken(mistake, tables), right.to_numpy(dtype=float)), (
        f"data problem: on seed {seed}, the mistake '{mistake.name}' gives the right counts"
    )
    assert_count_hint(check(mistake.answer(tables), tables=tables), right, mistake.hint)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), COUNT_TASKS)
def test_shares_for_counts_and_a_count_off_by_one_get_hints(
    check: Check, task: CountTask, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    shares = right / right.sum()
    for answer in (shares, shares * 100, (shares * 100).round(1)):
        assert_count_hint(check(answer, tables=tables), right, task.shares_hint)
    for step in (1, -1):
        slip = right.copy()
        slip.iat[int(np.argmax(right.to_numpy()))] += step
        assert_count_hint(check(slip, tables=tables), right)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), COUNT_TASKS)
def test_missing_and_misspelt_count_labels_are_named(
    check: Check, task: CountTask, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    first = str(right.index[0])
    assert_count_hint(check(right.drop(index=first), tables=tables), right, f"no value for {first}")
    for label in labels_of(right):
        variants = {label.replace("_", " "), f"{label}s"} - {label}
        variants = {v for v in variants if v.casefold() not in map(str.casefold, labels_of(right))}
        for variant in sorted(variants):
            misspelt = relabel(
                right, lambda name, old=label, new=variant: new if name == old else name
            )
            assert_count_hint(check(misspelt, tables=tables), right, f"'{label}'")


# --- one option among a few, on every seed --------------------------------------------------------


def spellings(word: str, noun: str) -> list[str]:
    """A word as students type it: in capitals, in title case, padded, as 'the ... theme'."""
    return [word, word.upper(), word.title(), f"  {word} ", f"The {word} {noun}"]


def names_the_answer(message: str, right: str, options: list[str]) -> bool:
    """Whether a hint singles out the right option (naming every option reveals nothing)."""
    named = [o for o in options if re.search(rf"\b{re.escape(o)}\b", message, re.IGNORECASE)]
    return right in named and len(named) < len(options)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), CHOICE_TASKS)
def test_right_option_is_accepted_in_any_spelling(
    check: Check, task: ChoiceTask, seed: int
) -> None:
    tables = data(seed)
    assert task.right(tables) in task.options(tables), f"seed {seed}: the answer is no option"
    for accepted in task.accepted(tables):
        for answer in spellings(accepted, task.noun):
            feedback = check(answer, tables=tables)
            assert feedback, f"{answer!r}: {feedback!r}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), CHOICE_TASKS)
def test_every_other_option_gets_the_same_hint_and_it_gives_nothing_away(
    check: Check, task: ChoiceTask, seed: int
) -> None:
    tables = data(seed)
    right = task.right(tables)
    accepted = {word_key(word) for word in task.accepted(tables)}
    for option, words in task.options(tables).items():
        if option == right:
            continue
        for word in [option, *words]:
            if word_key(word) in accepted:  # a spelling two options share is read as the right one
                continue
            feedback = check(word, tables=tables)
            assert not feedback and feedback.message == task.wrong_hint, f"{word!r}: {feedback!r}"
    assert not names_the_answer(task.wrong_hint, right, list(task.options(tables))), task.wrong_hint


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task", "mistake"), CHOICE_MISTAKES)
def test_each_declared_choice_mistake_gets_its_hint_and_is_never_right(
    check: Check, task: ChoiceTask, mistake: Mistake, seed: int
) -> None:
    tables = data(seed)
    right, options = task.right(tables), list(task.options(tables))
    words = list(mistake.answer(tables))
    assert words, f"the mistake '{mistake.name}' gives no words to try"
    for word in words:
        feedback = check(word, tables=tables)
        assert not feedback, f"seed {seed}: '{word}' ({mistake.name}) was accepted"
        assert mistake.hint in feedback.message, f"{word!r}: {feedback!r}"
        assert not names_the_answer(feedback.message, right, options), feedback.message


def test_an_unknown_word_is_answered_with_the_options() -> None:
    tables = data(DEFAULT_SEED)
    for check, task in (param.values for param in CHOICE_TASKS):
        feedback = check("qwertyuiop", tables=tables)
        assert not feedback and "'qwertyuiop'" in feedback.message, feedback
        assert all(option in feedback.message for option in task.options(tables)), feedback


# --- one number (a statistic), on every seed ------------------------------------------------------


def value_forms(right: float) -> Iterator[tuple[str, Any]]:
    """The right number in the forms a student may reasonably hand in."""
    yield "as computed", right
    yield "NumPy float", np.float64(right)
    yield "float noise", right + VALUE_TOLERANCE / 10
    yield "one-value Series", pd.Series([right])
    yield "one-value list", [right]
    yield "0-d array", np.array(right)
    yield "1x1 DataFrame", pd.DataFrame({"kappa": [right]})


def assert_value_hint(feedback: Feedback, right: float, contains: str = "") -> None:
    assert_hint(feedback, pd.Series([right]), contains)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), VALUE_TASKS)
def test_right_value_is_accepted_in_equivalent_forms(
    check: Check, task: ValueTask, seed: int
) -> None:
    tables = data(seed)
    right = float(task.right(tables))
    assert np.isfinite(right) and task.low <= right <= task.high, f"seed {seed}: {right}"
    for form, answer in value_forms(right):
        feedback = check(answer, tables=tables)
        assert feedback, f"{form}: {feedback!r}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task", "mistake"), VALUE_MISTAKES)
def test_each_declared_value_mistake_differs_from_the_right_answer_and_gets_its_hint(
    check: Check, task: ValueTask, mistake: Mistake, seed: int
) -> None:
    tables = data(seed)
    right = float(task.right(tables))
    wrong = task.mistaken(mistake, tables)
    assert np.isfinite(wrong), f"data problem: on seed {seed}, '{mistake.name}' gives no number"
    assert abs(wrong - right) > 1000 * VALUE_TOLERANCE, (
        f"data problem: on seed {seed}, the mistake '{mistake.name}' gives the right answer"
    )
    assert_value_hint(check(mistake.answer(tables), tables=tables), right, mistake.hint)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("check", "task"), VALUE_TASKS)
def test_rounded_values_near_misses_and_percentages_get_hints(
    check: Check, task: ValueTask, seed: int
) -> None:
    tables = data(seed)
    right = float(task.right(tables))
    for decimals in (2, 3):
        rounded = round(right, decimals)
        if abs(rounded - right) > VALUE_TOLERANCE:
            assert_value_hint(check(rounded, tables=tables), right, VALUE_ROUNDED_HINT)
    for slip in (right + 0.01, right - 0.013):
        assert_value_hint(check(slip, tables=tables), right)
    if abs(right) > 0.02:
        assert_value_hint(check(right * 100, tables=tables), right, task.range_hint)


# --- answers that are not answers -----------------------------------------------------------------

NOT_ANSWERS = [
    ...,
    None,
    "mentees",
    3,
    0.5,
    [0.1, 0.2],
    (0.1,),
    {},
    {"mentor": "high"},
    np.array([0.1, 0.2]),
    pd.Series(dtype=float),
    pd.Series([0.1, 0.2]),
    pd.Series(["a", "b"], index=["mentor", "mentee"]),
    pd.DataFrame(),
    pd.DataFrame({"a": [1], "b": [2], "c": [3]}),
    pd.DataFrame({"small": ["x"], "large": ["y"]}, index=["grant"]),
    pd.DataFrame({"small": [np.nan], "large": [0.5]}, index=["grant"]),
    object(),
]


@pytest.mark.parametrize("answer", NOT_ANSWERS, ids=lambda a: type(a).__name__)
@pytest.mark.parametrize("check", CHECKS)
def test_empty_none_and_wrong_typed_answers_get_a_hint_not_a_traceback(
    check: Check, answer: Any
) -> None:
    feedback = check(answer, tables=data(DEFAULT_SEED))
    assert isinstance(feedback, Feedback)
    assert not feedback and repr(feedback).startswith("Not yet."), feedback
    assert len(feedback.message) > 20 and "Traceback" not in feedback.message
    assert "could not be read" not in feedback.message, f"no specific hint: {feedback!r}"


# --- the reading of numbers, on small made-up fractions -------------------------------------------


def toy_task(counted: list[float], totals: list[float]) -> ShareTask:
    """A one-label-per-value task over made-up counts, to pin down how numbers are read."""
    labels = pd.Index(["alpha", "beta", "gamma"], name="group")
    fractions = Fractions(pd.Series(counted, index=labels), pd.Series(totals, index=labels))
    return ShareTask(
        right=lambda tables: fractions,
        what="a Series",
        nouns=("group",),
        correct="right",
        counts_hint="counts: divide by the total",
        wrong_hint="wrong for {off}",
    )


def test_whole_number_percentages_are_shares_and_counts_are_counts() -> None:
    task = toy_task([20, 10, 3], [80, 40, 12])  # 25% each
    labels = ["alpha", "beta", "gamma"]
    assert task.check(pd.Series([25, 25, 25], index=labels), {})
    assert task.check(pd.Series([0.25, 0.25, 0.25], index=labels), {})
    assert task.check({"Alpha": 25.0, " BETA ": 25, "gamma": 25}, {})
    counts = task.check(pd.Series([20, 10, 3], index=labels), {})
    assert not counts and counts.message == "counts: divide by the total"
    off = task.check(pd.Series([25, 30, 25], index=labels), {})
    assert not off and off.message == "wrong for beta"


def test_a_count_that_equals_its_percentage_is_accepted() -> None:
    task = toy_task([25, 50, 1], [100, 100, 100])  # counts and percentages coincide
    assert task.check(pd.Series([25, 50, 1], index=["alpha", "beta", "gamma"]), {})


def test_tolerance_is_half_the_smallest_step_above_a_float_floor() -> None:
    assert share_tolerance(pd.Series([80.0, 400.0, 12.0])) == pytest.approx(1 / 800)
    assert share_tolerance(pd.DataFrame({"a": [10, 0], "b": [np.nan, 50]})) == pytest.approx(0.01)
    assert 0 < share_tolerance([1e12]) < 1e-6
    assert share_tolerance([0]) > 0


def test_a_label_with_nothing_to_divide_by_may_be_left_out() -> None:
    task = toy_task([20, 10, 0], [80, 40, 0])  # nobody in gamma: it has no share
    assert task.check(pd.Series([0.25, 0.25], index=["alpha", "beta"]), {})
    assert task.check(pd.Series([0.25, 0.25, np.nan], index=["alpha", "beta", "gamma"]), {})
    with pytest.raises(AnswerProblem, match="no value for beta"):  # guarded turns it into a hint
        task.check(pd.Series([0.25], index=["alpha"]), {})
