"""Exercises are numbered per chapter ("Exercise 7.1"), as their labels and checks are named.

sphinx-exercise counted exercises across the whole book, so Chapter 7's first exercise was
"Exercise 1" while its label was ``ex7-1`` and its check ``ch07.ex7_1``, and every new chapter
before it would have renumbered it. :mod:`pmcj.sphinxext.exercises` numbers each exercise from
its label; these tests check the numbering rule, and every number shown in both built editions.
"""

from __future__ import annotations

import re

import pytest

from pmcj.sphinxext.exercises import chapter_numbers, chapter_of
from tests.build_support import built_html, built_instructor_html
from tests.chapter_support import toc_exercise_pages

TITLE = re.compile(
    r'<div class="exercise admonition" id="(ex\d+-\d+)">\s*'
    r'<p class="admonition-title"><span class="caption-number">Exercise ([\d.]+) </span>'
)
REFERENCE = re.compile(
    r'<a class="reference internal" href="#(ex\d+-\d+)"><span class="std std-numref">'
    r"Exercise ([\d.]+)</span>"
)
SOLUTION = re.compile(
    r'Solution to<a class="reference internal" href="#(ex\d+-\d+)"> Exercise ([\d.]+) '
)
CHECK_CALL = re.compile(r"\bch(\d+)\.ex(\d+)_(\d+)\(")


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


def test_chapter_number_comes_from_the_file_name() -> None:
    assert chapter_of("exercises/07-values-core-conditions-exercises") == 7
    assert chapter_of("chapters/10-conclusion") == 10
    assert chapter_of("glossary") is None


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_exercise_shows_its_chapter_number_in_both_editions(edition: str) -> None:
    """Titles, the table of exercises and solution titles all say Exercise N.M for exN-M."""
    site = built_html() if edition == "student" else built_instructor_html()
    pages = toc_exercise_pages()
    assert pages, "_toc.yml lists no exercise pages"
    for name in pages:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        titles = TITLE.findall(html)
        assert titles, f"{name}: no exercise titles found (did sphinx-exercise's markup change?)"
        shown = titles + REFERENCE.findall(html) + SOLUTION.findall(html)
        wrong = [
            f"{label} is shown as Exercise {number}"
            for label, number in shown
            if label != "ex" + number.replace(".", "-")
        ]
        assert not wrong, f"{name} ({edition} edition): " + "; ".join(wrong)
        if edition == "instructor":
            assert SOLUTION.findall(html), f"{name}: no solution titles in the instructor edition"


@pytest.mark.build
def test_every_check_a_page_calls_matches_an_exercise_number_on_that_page() -> None:
    """``ch07.ex7_1(answer)`` sits under Exercise 7.1 of Chapter 7's exercises, and nowhere else."""
    site = built_html()
    for name in toc_exercise_pages():
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        numbers = {number for _, number in TITLE.findall(html)}
        chapter = chapter_of(name)
        for module, first, second in CHECK_CALL.findall(re.sub(r"<[^>]+>", "", html)):
            assert int(module) == int(first) == chapter, f"{name}: ch{module}.ex{first}_{second}"
            assert f"{first}.{second}" in numbers, (
                f"{name}: calls ch{module}.ex{first}_{second} but shows no Exercise "
                f"{first}.{second}"
            )
