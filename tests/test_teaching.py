"""The lecturer's guide, the seminar plans and the rubrics: complete, and for lecturers only.

What a lecturer teaches from must cover the whole book and must not reach students:

- every exercise on every page ``_toc.yml`` lists is in a week of every course plan, every week
  reads a chapter, and every learning outcome of every chapter is assessed by an exercise, all in
  ``teaching/course-plans.yml``, the one source the guide renders (:mod:`pmcj.teaching`);
- the guide's body, the seminar plans and the rubrics are in the instructor edition and absent
  from the student edition's pages and from its search index.

That every chapter ends with a seminar plan and every reflection, discussion and stretch exercise
has a rubric in its solution is part of a chapter's anatomy (``tests/test_chapters.py``, ``make
anatomy``); the tests here show that those rules fail when they should. Chapters, exercises and
outcomes are read from ``_toc.yml`` and the pages, so a new chapter is checked with no change here.
Tests marked ``build`` read the editions that ``make test`` builds first.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from pmcj import teaching
from pmcj.paths import ROOT
from pmcj.sphinxext.editions import STUDENT_NOTICE
from tests import anatomy_support as anatomy
from tests.build_support import built_html, built_instructor_html
from tests.chapter_support import (
    hidden_blocks,
    normalise,
    plain,
    probes,
    scan,
    toc_chapters,
    toc_entries,
    toc_pages_with_exercises,
    visible_text,
)
from tests.test_chapters import PATTERN, fixture_chapter, pattern_text

GUIDE = "lecturers-guide"
PLAN_IDS = ("10-week", "5-week")
CHAPTERS = toc_chapters()
each_chapter = pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.id for c in CHAPTERS])
INSTRUCTOR_ONLY = re.compile(r"^(:{3,})\{instructor-only\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def fail_with(what: str, problems: list[str]) -> None:
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        pytest.fail(f"{what}:\n{listing}", pytrace=False)


@cache
def book_exercises() -> dict[str, str]:
    """Every exercise label on every page _toc.yml lists, read as the anatomy tests read them."""
    found = {}
    for page in toc_pages_with_exercises():
        for exercise in anatomy.read_exercises(anatomy.Page.read(ROOT / f"{page}.md", ROOT)):
            found[exercise.label] = page
    return found


def outcome_count(chapter) -> int:
    """The chapter's numbered learning outcomes, counted as the anatomy rule counts them."""
    page = anatomy.Page.read(chapter.path, ROOT)
    heading = page.heading("Learning outcomes")
    if heading is None:
        return 0
    return sum(
        1
        for line in page.section(heading)
        if line.kind == "prose" and re.match(r"^\d+\.\s", line.text)
    )


# --- teaching/course-plans.yml against the book (no build) --------------------------------------


def test_the_file_names_only_chapters_pages_and_exercises_the_book_has() -> None:
    plans, book = teaching.Plans.read(ROOT), teaching.Book.read(ROOT)
    assert set(book.exercises) == set(book_exercises()), "pmcj.teaching reads other exercises"
    fail_with(teaching.PLANS_FILE, teaching.reference_problems(plans, book))


def test_every_exercise_is_in_a_week_of_each_plan_and_every_week_reads_a_chapter() -> None:
    plans = teaching.Plans.read(ROOT)
    numbers = {c.number for c in CHAPTERS}
    problems = [f"no plan '{plan}' under plans:" for plan in PLAN_IDS if plan not in plans.plans]
    for plan in plans.plans:
        placed: dict[str, int] = {}
        for week in plans.weeks(plan):
            chapters = week.get("chapters") or []
            if not chapters or not set(chapters) <= numbers:
                problems.append(
                    f"{plan}, week {week.get('week')}: reads {chapters or 'no chapter'}; a week "
                    f"names at least one chapter of _toc.yml ({sorted(numbers)})"
                )
            for group in teaching.GROUPS:
                for label in plans.labels(week, group):
                    placed[label] = placed.get(label, 0) + 1
        missing = [label for label in book_exercises() if label not in placed]
        twice = [label for label, count in placed.items() if count > 1]
        if missing:
            problems.append(f"{plan}: in no week: {', '.join(missing)}")
        if twice:
            problems.append(f"{plan}: in more than one week: {', '.join(twice)}")
        unread = numbers - {n for week in plans.weeks(plan) for n in week.get("chapters") or []}
        if unread:
            problems.append(f"{plan}: no week reads chapter(s) {sorted(unread)}")
    fail_with(f"{teaching.PLANS_FILE} does not place every exercise", problems)


@each_chapter
def test_every_learning_outcome_is_assessed_by_an_exercise(chapter) -> None:
    plans = teaching.Plans.read(ROOT)
    count = outcome_count(chapter)
    mapped = plans.outcomes.get(chapter.number)
    if not isinstance(mapped, dict):
        pytest.fail(f"{teaching.PLANS_FILE}: no outcomes for Chapter {chapter.number}")
    problems = [
        f"outcome {number} is not on {chapter.page}.md, which has {count}"
        for number in mapped
        if not isinstance(number, int) or not 1 <= number <= count
    ]
    for number in range(1, count + 1):
        labels, _ = plans.outcome_entry(chapter.number, number)
        if not [label for label in labels if label in book_exercises()]:
            problems.append(f"outcome {number} of {chapter.page}.md is assessed by no exercise")
    fail_with(f"{teaching.PLANS_FILE}, outcomes of Chapter {chapter.number}", problems)


def test_the_guide_is_in_the_toc_and_renders_every_plan_and_the_outcome_map() -> None:
    listed = [str(entry["file"]) for entry in toc_entries(ROOT / "_toc.yml")]
    assert GUIDE in listed, f"_toc.yml does not list {GUIDE}"
    text = (ROOT / f"{GUIDE}.md").read_text(encoding="utf-8")
    body = INSTRUCTOR_ONLY.search(text)
    assert body, f"{GUIDE}.md: the guide's body belongs in an {{instructor-only}} block"
    first = next(line for line in body.group(2).splitlines() if line.strip())
    assert first.startswith("## "), f"{GUIDE}.md: the guide's body starts with a '##' heading"
    assert not text[body.end() :].strip(), (
        f"{GUIDE}.md: nothing after the {{instructor-only}} block"
    )
    rendered = re.findall(r"^`{3,}\{course-plan\}\s+(\S+)", body.group(2), re.M)
    assert sorted(rendered) == sorted(teaching.Plans.read(ROOT).plans), "a plan is not rendered"
    assert "{outcome-map}" in body.group(2)


# --- the checks can fail -------------------------------------------------------------------------


def book_copy(tmp_path: Path, plans_text: str) -> Path:
    """The book's _toc.yml and pages (linked) with the course plans given."""
    (tmp_path / "_toc.yml").symlink_to(ROOT / "_toc.yml")
    for entry in toc_entries(ROOT / "_toc.yml"):
        target = tmp_path / f"{entry['file']}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(ROOT / f"{entry['file']}.md")
    (tmp_path / "teaching").mkdir()
    (tmp_path / teaching.PLANS_FILE).write_text(plans_text, encoding="utf-8")
    return tmp_path


WRONG_PLANS = """\
plans:
  short:
    weeks:
      - week: 1
        chapters: [{chapter}, 99]
        prepare: [{label}, {series}99]
outcomes:
  99:
    1: [{label}]
"""


def test_a_wrong_exercise_or_chapter_is_named_with_the_file_line_and_place(tmp_path: Path) -> None:
    label = next(iter(book_exercises()))
    series = label.split("-")[0] + "-"
    text = WRONG_PLANS.format(chapter=CHAPTERS[0].number, label=label, series=series)
    with pytest.raises(teaching.CoursePlanError) as raised:
        teaching.load(book_copy(tmp_path, text))
    problems = str(raised.value).splitlines()
    name = teaching.PLANS_FILE
    assert problems[0].startswith(
        f"{name}:5 (plans > short > week 1 > chapters): there is no Chapter 99 in _toc.yml"
    ), problems
    assert problems[1].startswith(
        f"{name}:6 (plans > short > week 1 > prepare): '{series}99' is not an exercise on any "
        f"page in _toc.yml (the exercises of its page are {label}"
    ), problems
    assert problems[2].startswith(f"{name}:8 (outcomes > chapter 99): there is no Chapter 99")
    assert len(problems) == 3, problems


def test_a_left_out_exercise_or_outcome_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / teaching.PLANS_FILE).read_text(encoding="utf-8"))
    plan = next(iter(data["plans"]))
    label = next(iter(book_exercises()))
    for week in data["plans"][plan]["weeks"]:
        for group in teaching.GROUPS:
            week[group] = [x for x in week.get(group) or [] if x != label]
    chapter = CHAPTERS[-1]
    del data["outcomes"][chapter.number][1]
    root = book_copy(tmp_path, yaml.safe_dump(data, sort_keys=False))
    problems = teaching.coverage_problems(teaching.Plans.read(root), teaching.Book.read(root))
    assert any(f"(plans > {plan}): {label} in no week" in p for p in problems), problems
    assert any(
        f"outcome 1 of {chapter.page}.md" in p and "mapped to no exercise" in p for p in problems
    ), problems
    assert len(problems) == 2, problems


def test_a_chapter_without_a_seminar_plan_or_with_a_wrong_one_fails(tmp_path: Path) -> None:
    text = pattern_text()
    plan = re.search(r"^::::\{seminar-plan\}.*?^::::\n", text, re.M | re.S)
    assert plan, "the pattern chapter has no seminar plan to alter"
    without = text.replace(plan.group(0), "")
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, without))
    assert any("no seminar plan" in p and "Teaching notes" in p for p in problems), problems

    block = plan.group(0)
    wrong = re.sub(r"^\| 10 \|", "| 15 |", block, count=1, flags=re.M)
    wrong = re.sub(r"^5\. .*\n(?:   .*\n)*", "", wrong, flags=re.M)
    wrong = re.sub(r"^4\. .*\n(?:   .*\n)*", "", wrong, flags=re.M)
    moved = text.replace(block, "").replace("## Exercises", block + "\n## Exercises", 1)
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, moved.replace(block, wrong)))
    assert any("add up to 95 minutes" in p for p in problems), problems
    assert any("must be the last thing on the page" in p for p in problems), problems
    assert not any("discussion prompt" in p for p in problems), problems
    few = re.sub(r"^3\. .*\n(?:   .*\n)*", "", wrong, flags=re.M)
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text.replace(block, few)))
    assert any("2 numbered discussion prompt(s)" in p for p in problems), problems


def test_a_reflection_or_stretch_task_without_a_rubric_fails(tmp_path: Path) -> None:
    if not PATTERN or not PATTERN.exercises:
        pytest.skip("no exercise page beneath the pattern chapter")
    exercises = PATTERN.exercise_paths[0].read_text(encoding="utf-8")
    rubrics = list(re.finditer(r"^:::\{marking-rubric\}\n.*?^:::\n\n", exercises, re.M | re.S))
    assert len(rubrics) >= 2, "the pattern's exercise page needs two rubrics to alter"
    edited = exercises.replace(rubrics[0].group(0), "", 1)
    edited = edited.replace("| criterion | developing | competent | strong |", "| a | b |", 1)
    chapter = fixture_chapter(tmp_path, pattern_text(), edited)
    problems = anatomy.exercise_problems(chapter, chapter.exercises[0])
    assert any("give its worked solution a :::{marking-rubric}" in p for p in problems), problems
    assert any("rubric needs a table with the columns" in p for p in problems), problems


# --- the built editions --------------------------------------------------------------------------


def guide_body() -> str:
    text = (ROOT / f"{GUIDE}.md").read_text(encoding="utf-8")
    body = INSTRUCTOR_ONLY.search(text)
    assert body, f"{GUIDE}.md has no {{instructor-only}} block"
    return body.group(2)


def plan_strings() -> list[str]:
    """The prose the guide renders from teaching/course-plans.yml: titles, summaries, activities."""
    data = yaml.safe_load((ROOT / teaching.PLANS_FILE).read_text(encoding="utf-8"))
    found = []
    for plan in data["plans"].values():
        found += [str(plan.get("title", "")), str(plan.get("summary", ""))]
        found += [f"{week.get('focus', '')}. {week.get('activity', '')}" for week in plan["weeks"]]
    for outcomes in data["outcomes"].values():
        found += [str(entry["note"]) for entry in outcomes.values() if isinstance(entry, dict)]
    return found


@pytest.mark.build
def test_the_guide_is_in_the_instructor_edition_only() -> None:
    student = visible_text(built_html() / f"{GUIDE}.html")
    instructor = visible_text(built_instructor_html() / f"{GUIDE}.html")
    elsewhere = normalise(plain(instructor_and_student_text()[1]))
    phrases = probes(guide_body()) + [p for s in plan_strings() for p in probes(s)]
    phrases = [p for p in phrases if normalise(p) not in elsewhere]
    assert len(phrases) > 50, "the guide gives too few phrases of its own to look for"
    leaked = [p for p in phrases if normalise(p) in student]
    missing = [p for p in phrases if normalise(p) not in instructor]
    assert not leaked, f"the student edition shows the guide: {leaked[:3]}"
    assert not missing, f"the instructor edition lacks the guide's {missing[:3]}"
    assert "make instructor" in student and "instructor edition" in student, "no notice to students"
    plans = teaching.Plans.read(ROOT)
    for plan in plans.plans.values():
        assert plan["title"] in instructor and plan["title"] not in student, plan["title"]
    shown = {f"Exercise {label[2:].replace('-', '.').upper()}" for label in book_exercises()}
    assert all(name in instructor for name in shown), "an exercise is missing from the plans"


@pytest.mark.build
@each_chapter
def test_seminar_plans_and_rubrics_are_in_the_instructor_edition_only(chapter) -> None:
    source = chapter.path.read_text(encoding="utf-8")
    minutes = re.search(r"\{seminar-plan\}\n:minutes:\s*(\d+)", source)
    assert minutes, f"{chapter.page}.md has no seminar plan with its minutes"
    title = f"Seminar plan (instructor edition): {minutes.group(1)} minutes"
    assert title in visible_text(built_instructor_html() / f"{chapter.page}.html")
    assert "Seminar plan" not in visible_text(built_html() / f"{chapter.page}.html")
    for page in chapter.exercises:
        rubrics = (ROOT / f"{page}.md").read_text(encoding="utf-8").count("{marking-rubric}")
        shown = visible_text(built_instructor_html() / f"{page}.html").count("Marking rubric")
        assert shown == rubrics, f"{page}: {rubrics} rubrics in the source, {shown} shown"
        assert "Marking rubric" not in visible_text(built_html() / f"{page}.html")


def search_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def prose_of(block: str) -> str:
    """A MyST block's prose as the page shows it: no fences, options or code, roles as text."""
    lines = [line for line in scan(block) if line.kind == "prose"]
    return " ".join(plain(line.text) for line in lines)


@cache
def instructor_and_student_text() -> tuple[str, str]:
    """What only lecturers read (the guide, seminar plans, rubrics, notes and solutions), and
    everything else the student edition is built from: every page in _toc.yml without those, and
    what reaches pages through code (the data's excerpts and columns in outputs, the bibliography,
    the package's own text, such as the notice to students)."""
    hidden = [prose_of(guide_body()), *plan_strings()]
    seen = []
    for entry in toc_entries(ROOT / "_toc.yml"):
        path = ROOT / f"{entry['file']}.md"
        blocks = hidden_blocks(path)  # solutions, teaching notes, seminar plans, rubrics
        hidden += [prose_of(block) for block in blocks]
        text = INSTRUCTOR_ONLY.sub(" ", path.read_text(encoding="utf-8"))
        for block in blocks:
            text = text.replace(block, " ")
        seen.append(text)
    extra = [*(ROOT / "data").rglob("*"), ROOT / "references.bib", *(ROOT / "pmcj").rglob("*.py")]
    seen += [path.read_text(encoding="utf-8") for path in sorted(extra) if path.is_file()]
    seen.append(STUDENT_NOTICE)
    return " ".join(hidden), " ".join(seen)


@cache
def words_only_lecturers_read() -> frozenset[str]:
    """The words of what only lecturers read that appear nowhere else, split and stemmed as
    Sphinx's English search index splits and stems them."""
    from sphinx.search.en import SearchEnglish

    language = SearchEnglish({})

    def stems(text: str) -> set[str]:
        words = {language.stem(word).lower() for word in language.split(text)}
        return {w for w in words if len(w) > 2 and not re.search(r"\d|_", w)} - language.stopwords

    hidden, seen = instructor_and_student_text()
    return frozenset(stems(hidden) - stems(seen))


@pytest.mark.build
def test_the_student_search_index_holds_no_word_only_lecturers_read() -> None:
    only = words_only_lecturers_read()
    assert len(only) > 40, f"too few words to tell the editions apart: {sorted(only)}"
    for site, present in ((built_html(), False), (built_instructor_html(), True)):
        index = search_index(site)
        # Only terms that lead to a page: an incremental build keeps a term whose pages were all
        # rebuilt without it, with an empty list.
        terms = {
            term
            for kind in ("terms", "titleterms")
            for term, pages in index[kind].items()
            if pages not in ([], None)
        }
        found = only & terms
        if present:
            missing = sorted(only - terms)
            assert not missing, f"not in the instructor edition's search index: {missing[:10]}"
        else:
            assert not found, f"in the student edition's search index: {sorted(found)[:10]}"
    headings = re.findall(r"^#{2,3} (.+)$", guide_body(), re.M)
    for site, present in ((built_html(), False), (built_instructor_html(), True)):
        titles = set(search_index(site)["alltitles"])
        assert all((heading in titles) == present for heading in headings), site


@pytest.mark.build
def test_downloads_carry_seminar_plans_and_rubrics_for_lecturers_only() -> None:
    for chapter in CHAPTERS:
        for page, title in [(chapter.page, "Seminar plan (instructor edition)")] + [
            (page, "Marking rubric") for page in chapter.exercises
        ]:
            name = f"_downloads/notebooks/{Path(page).name}.ipynb"
            student = (built_html() / name).read_text(encoding="utf-8")
            teacher = (built_instructor_html() / name).read_text(encoding="utf-8")
            assert title not in student, f"{name}: the student download has '{title}'"
            assert title in teacher, f"{name}: the instructor download lacks '{title}'"


def test_a_course_plan_directive_naming_no_plan_is_told_which_exist() -> None:
    plans, book = teaching.load(ROOT)
    with pytest.raises(teaching.CoursePlanError, match="there is no plan 'twelve-week'"):
        teaching.plan_markdown(plans, book, "twelve-week")
