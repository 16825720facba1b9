"""Exercises are numbered per chapter ("Exercise 7.1"), as their labels and checks are named.

sphinx-exercise counted exercises across the whole book, so Chapter 7's first exercise was
"Exercise 1" while its label was ``ex7-1`` and its check ``ch07.ex7_1``, and every new chapter
before it would have renumbered it. :mod:`pmcj.sphinxext.exercises` numbers each exercise from
its label; these tests check the numbering rule, and every number shown in both built editions.
A page outside the chapters that has exercises (the primer) numbers them with its letter from
``pmcj.pages.LETTERED``: ``exp-1`` is "Exercise P.1", checked by ``primer.exp_1``.
"""

from __future__ import annotations

import re

import pytest

from pmcj.myst import exercise_name
from pmcj.pages import LETTERED, check_module, exercise_series
from pmcj.sphinxext.exercises import chapter_numbers, chapter_of
from tests.build_support import built_html, built_instructor_html
from tests.chapter_support import toc_pages_with_exercises

LABEL = r"ex(?:\d+|[a-z])-\d+"
NUMBER = r"(?:\d+|[A-Z])\.\d+"
TITLE = re.compile(
    rf'<div class="exercise admonition" id="({LABEL})">\s*'
    rf'<p class="admonition-title"><span class="caption-number">Exercise ({NUMBER}) </span>'
)
REFERENCE = re.compile(
    rf'<a class="reference internal" href="#({LABEL})"><span class="std std-numref">'
    rf"Exercise ({NUMBER})</span>"
)
SOLUTION = re.compile(
    rf'Solution to<a class="reference internal" href="#({LABEL})"> Exercise ({NUMBER}) '
)
CHECK_CALL = re.compile(r"\b(\w+)\.ex(\d+|[a-z])_(\d+)\(")


def test_labels_give_the_numbers_whatever_comes_before() -> None:
    """Sphinx's book-wide counts (here 5 and 6, as if Chapter 5 had four exercises) are ignored."""
    numbers, problems = chapter_numbers("exercises/07-values", {"ex7-1": (5,), "ex7-2": (6,)})
    assert numbers == {"ex7-1": (7, 1), "ex7-2": (7, 2)}
    assert not problems
    earlier, _ = chapter_numbers("exercises/05-identity", {"ex5-1": (1,), "ex5-2": (2,)})
    assert earlier == {"ex5-1": (5, 1), "ex5-2": (5, 2)}


def test_an_unlabelled_exercise_is_numbered_by_its_place_in_its_chapter() -> None:
    numbers, problems = chapter_numbers(
        "exercises/08-change", {"exercises/08-change-exercise-3": (12,), "ex8-1": (11,)}
    )
    assert numbers == {"ex8-1": (8, 1), "exercises/08-change-exercise-3": (8, 2)}
    assert not problems


def test_a_label_from_another_chapter_or_a_repeated_number_is_reported() -> None:
    _, problems = chapter_numbers("exercises/07-values", {"ex8-1": (1,)})
    assert problems and "chapter 8" in problems[0] and "ex7-M" in problems[0]
    _, problems = chapter_numbers(
        "exercises/07-values", {"ex7-2": (1,), "exercises/07-values-exercise-9": (2,)}
    )
    assert any("both Exercise 7.2" in problem for problem in problems)


def test_the_primer_numbers_its_exercises_with_its_letter() -> None:
    """exp-1 on the primer is Exercise P.1 wherever the page sits; so is an unlabelled one."""
    assert LETTERED["primer"] == "P" and exercise_series("primer") == "p"
    assert check_module("primer") == "primer" and check_module("exercises/07-values") == "ch07"
    numbers, problems = chapter_numbers("primer", {"exp-1": (3,), "exp-2": (4,)})
    assert numbers == {"exp-1": ("P", 1), "exp-2": ("P", 2)}
    assert not problems
    unlabelled, _ = chapter_numbers("primer", {"exp-1": (1,), "primer-exercise-9": (2,)})
    assert unlabelled["primer-exercise-9"] == ("P", 2)
    assert exercise_name("exp-2", 0) == "Exercise P.2"
    assert exercise_name("ex7-1", 0) == "Exercise 7.1"


def test_a_letter_or_a_number_on_the_wrong_page_is_reported() -> None:
    _, problems = chapter_numbers("exercises/07-values", {"exp-1": (1,)})
    assert problems and "letter P" in problems[0] and "ex7-M" in problems[0], problems
    _, problems = chapter_numbers("primer", {"ex1-1": (1,)})
    assert problems and "chapter 1" in problems[0] and "exp-M" in problems[0], problems
    _, problems = chapter_numbers("glossary", {"exq-1": (1,)})
    assert problems and "LETTERED" in problems[0], problems


def test_chapter_number_comes_from_the_file_name() -> None:
    assert chapter_of("exercises/07-values-core-conditions-exercises") == 7
    assert chapter_of("chapters/10-conclusion") == 10
    assert chapter_of("glossary") is None


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_exercise_shows_its_chapter_number_in_both_editions(edition: str) -> None:
    """Titles, the table of exercises and solution titles all say Exercise N.M for exN-M (and
    Exercise P.M for the primer's exp-M)."""
    site = built_html() if edition == "student" else built_instructor_html()
    pages = toc_pages_with_exercises()
    assert pages, "_toc.yml lists no exercise pages"
    for name in pages:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        titles = TITLE.findall(html)
        assert titles, f"{name}: no exercise titles found (did sphinx-exercise's markup change?)"
        shown = titles + REFERENCE.findall(html) + SOLUTION.findall(html)
        wrong = [
            f"{label} is shown as Exercise {number}"
            for label, number in shown
            if label != "ex" + number.replace(".", "-").lower()
        ]
        assert not wrong, f"{name} ({edition} edition): " + "; ".join(wrong)
        if edition == "instructor":
            assert SOLUTION.findall(html), f"{name}: no solution titles in the instructor edition"


@pytest.mark.build
def test_every_check_a_page_calls_matches_an_exercise_number_on_that_page() -> None:
    """``ch07.ex7_1(answer)`` sits under Exercise 7.1 of Chapter 7's exercises, and nowhere else;
    ``primer.exp_1(answer)`` under the primer's Exercise P.1."""
    site = built_html()
    for name in toc_pages_with_exercises():
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        numbers = {number for _, number in TITLE.findall(html)}
        series, module = exercise_series(name), check_module(name)
        for called, first, second in CHECK_CALL.findall(re.sub(r"<[^>]+>", "", html)):
            if not re.fullmatch(r"ch\d+", called) and called not in LETTERED:
                continue  # a method such as ``segments.ex...`` is no check
            assert called == module and first == series, f"{name}: {called}.ex{first}_{second}"
            assert f"{first.upper()}.{second}" in numbers, (
                f"{name}: calls {called}.ex{first}_{second} but shows no Exercise "
                f"{first.upper()}.{second}"
            )
