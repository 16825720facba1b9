"""Every chapter in _toc.yml has the anatomy of a chapter: adding one adds no test file.

The chapters are read from _toc.yml (pages under ``chapters/`` with their exercise pages as sections
beneath them), and every test here runs once per chapter. The primer, a page of "Using this book"
that holds its own two exercises (``pmcj.pages.LETTERED``), is held to the exercise rules and
tests like a chapter's exercise page, and to the parts of a chapter's anatomy that fit a primer.
The rules are in ``tests/anatomy_support.py`` and CONTRIBUTING.md states the same ones ("Adding a
chapter"); a failure names the file, the line and what to do, all problems of a page at once.

Tests of the sources run in seconds without a build (``make anatomy``); those marked ``build`` read
the editions and the student pack that ``make test`` builds first.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path

import nbformat
import pytest

from pmcj.build import page_problems
from pmcj.checks.feedback import Feedback
from pmcj.notebooks import clean_traceback
from pmcj.pages import notebook_paths
from pmcj.paths import ROOT
from tests import anatomy_support as anatomy
from tests.build_support import built_html, built_instructor_html, built_pack
from tests.chapter_support import (
    Chapter,
    code_cells,
    hidden_blocks,
    normalise,
    probes,
    run_cell,
    toc_chapters,
    toc_lettered_pages,
    visible_text,
)

CHAPTERS = toc_chapters()
LETTERED_PAGES = toc_lettered_pages()
WITH_EXERCISES = CHAPTERS + LETTERED_PAGES
PACK_FOLDER = "peer-mentoring-student-pack"
each_chapter = pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.id for c in CHAPTERS])
# Every chapter, and every lettered page (the primer), with the exercises it holds.
each_with_exercises = pytest.mark.parametrize(
    "chapter", WITH_EXERCISES, ids=[c.id for c in WITH_EXERCISES]
)
each_lettered_page = pytest.mark.parametrize(
    "chapter", LETTERED_PAGES, ids=[c.id for c in LETTERED_PAGES]
)


def fail_with(what: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(anatomy.report(what, problems), pytrace=False)


# --- the sources (no build needed) ---------------------------------------------------------------


def test_toc_lists_every_chapter_page_with_its_exercises_beneath_it() -> None:
    if not CHAPTERS:
        pytest.fail("_toc.yml lists no page under chapters/: the tests have nothing to check")
    problems = page_problems(ROOT) + anatomy.exercise_pages_outside_chapters(ROOT)
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        pytest.fail(f"The pages and _toc.yml do not agree:\n{listing}", pytrace=False)


@each_chapter
def test_chapter_page_has_the_anatomy_of_a_chapter(chapter: Chapter) -> None:
    fail_with(f"{chapter.page}.md", anatomy.chapter_problems(chapter))


@each_with_exercises
def test_exercise_pages_give_kind_level_minutes_and_a_solution(chapter: Chapter) -> None:
    kinds = anatomy.MIN_KINDS if chapter.number is not None else 1
    problems = [
        p
        for page in chapter.exercises
        for p in anatomy.exercise_problems(chapter, page, min_kinds=kinds)
    ]
    fail_with(" and ".join(f"{page}.md" for page in chapter.exercises) or chapter.page, problems)


@each_lettered_page
def test_the_primer_has_the_anatomy_of_a_primer(chapter: Chapter) -> None:
    fail_with(f"{chapter.page}.md", anatomy.primer_problems(chapter))


def check_label(code: str) -> str | None:
    """The exercise whose check a cell calls (``ch07.ex7_1(`` is ex7-1, ``primer.exp_1(`` exp-1)."""
    match = re.search(r"\b\w+\.(ex(?:\d+|[a-z]))_(\d+)\(", code)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def run_or_expect_error(code: str, tags: set[str], namespace: dict) -> object:
    """Run a cell as Jupyter would; one tagged ``raises-exception`` must raise.

    The primer shows two error messages on purpose, in cells tagged ``raises-exception``: if
    such a cell stops raising, its text is wrong. IPython magics (``%xmode``, which changes how
    Jupyter prints an error) are left out: they are not Python, and change no result.
    """
    python = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))
    if "raises-exception" not in tags:
        return run_cell(python, namespace) if python.strip() else None
    try:
        run_cell(python, namespace)
    except Exception:  # noqa: BLE001 - the cell is there to show an error
        return None
    raise AssertionError("a cell tagged raises-exception ran without an error; revise its text")


@each_with_exercises
def test_every_worked_solution_passes_its_check_and_placeholders_do_not(chapter: Chapter) -> None:
    problems: list[str] = []
    for path in chapter.exercise_paths:
        if not path.exists():
            continue
        name = chapter.relative(path)
        page = anatomy.Page.read(path, chapter.root)
        tasks = [e.label for e in anatomy.read_exercises(page) if e.kind == "data task"]
        seen: dict[str, list[tuple[bool, Feedback]]] = {label: [] for label in tasks}
        namespace: dict = {}
        for tags, code in code_cells(path):
            if "book-only" in tags:
                continue
            try:
                value = run_or_expect_error(code, tags, namespace)
            except Exception as error:  # noqa: BLE001 - reported with the cell, then stop
                first = next((line for line in code.splitlines() if line.strip()), "")
                problems.append(
                    f"{name}: the cell starting '{first}' raised "
                    f"{traceback.format_exception_only(error)[-1].strip()}"
                )
                break
            label = check_label(code)
            if isinstance(value, Feedback) and label is not None:
                seen.setdefault(label, []).append(("solution" in tags, value))
        for label, results in seen.items():
            placeholders = [f for is_solution, f in results if not is_solution]
            solutions = [f for is_solution, f in results if is_solution]
            if len(placeholders) != 1 or placeholders[0]:
                problems.append(
                    f"{name}: {label} needs one placeholder cell ('answer = ...' then the check) "
                    "whose check says the answer is missing"
                )
            elif "not given an answer" not in placeholders[0].message:
                problems.append(f"{name}: {label}'s placeholder gets {placeholders[0]!r}")
            if not solutions:
                problems.append(
                    f"{name}: {label}'s worked solution does not end with its check; end the "
                    "solution cell (tagged 'solution') with the same call as the placeholder"
                )
            problems += [
                f"{name}: {label}'s worked solution fails its own check: {feedback!r}"
                for feedback in solutions
                if not feedback
            ]
    fail_with(chapter.page, problems)


# --- the built editions and downloads ------------------------------------------------------------


def chapter_sources(chapter: Chapter) -> list[Path]:
    return list(dict.fromkeys([chapter.path, *[p for p in chapter.exercise_paths if p.exists()]]))


def chapter_pages(chapter: Chapter) -> list[str]:
    return chapter.pages


def hidden_probes(chapter: Chapter) -> list[str]:
    """Phrases found only inside the chapter's solutions and instructor notes."""
    sources = chapter_sources(chapter)
    visible = normalise(" ".join(s.read_text(encoding="utf-8") for s in sources))
    blocks = [block for source in sources for block in hidden_blocks(source)]
    for block in blocks:
        visible = visible.replace(normalise(block), " ")
    found = [p for block in blocks for p in probes(block) if normalise(p) not in visible]
    if len(found) < len(blocks):
        pytest.fail(
            f"{chapter.page}: {len(blocks)} solutions and notes give only {len(found)} phrases "
            "of their own to look for in the editions; the test cannot tell whether they leak",
            pytrace=False,
        )
    return found


@pytest.mark.build
@each_with_exercises
def test_student_edition_has_no_solution_or_instructor_text(chapter: Chapter) -> None:
    html = built_html()
    shown = " ".join(visible_text(html / f"{page}.html") for page in chapter_pages(chapter))
    leaked = [p for p in hidden_probes(chapter) if normalise(p) in shown]
    assert not leaked, f"solution or instructor text in the student edition: {leaked[:3]}"


@pytest.mark.build
def test_student_edition_does_not_copy_the_sources() -> None:
    assert not list(built_html().rglob("_sources/**/*.md")), "the MyST sources are copied"


@pytest.mark.build
@each_with_exercises
def test_instructor_edition_has_every_solution_and_note(chapter: Chapter) -> None:
    pages = [built_instructor_html() / f"{page}.html" for page in chapter_pages(chapter)]
    shown = " ".join(visible_text(page) for page in pages)
    missing = [p for p in hidden_probes(chapter) if normalise(p) not in shown]
    assert not missing, f"missing from the instructor edition: {missing[:3]}"
    notes = sum(
        len(re.findall(r"\{instructor-note\}", s.read_text(encoding="utf-8")))
        for s in chapter_sources(chapter)
    )
    assert shown.count("Instructor notes") >= notes, "an instructor note is not shown"


@pytest.mark.build
@each_chapter
def test_every_chart_has_a_description_and_one_is_interactive(chapter: Chapter) -> None:
    for edition in (built_html(), built_instructor_html()):
        for page in chapter_pages(chapter):
            text = (edition / f"{page}.html").read_text(encoding="utf-8")
            figures = text.count('<figure class="pmcj-chart">')
            described = re.findall(r'<p class="pmcj-chart-description">([^<]{30,})</p>', text)
            assert figures == len(described), (
                f"{page}: a chart has no (or a very short) description"
            )
    chapter_html = (built_html() / f"{chapter.page}.html").read_text(encoding="utf-8")
    charts = chapter_html.count('<figure class="pmcj-chart">')
    assert charts >= anatomy.MIN_CHARTS, f"{chapter.page} shows {charts} charts"
    assert '"bind":' in chapter_html, f"{chapter.page} needs an interactive chart with a control"


@pytest.mark.build
@each_lettered_page
def test_the_primers_charts_are_described(chapter: Chapter) -> None:
    for edition in (built_html(), built_instructor_html()):
        text = (edition / f"{chapter.page}.html").read_text(encoding="utf-8")
        figures = text.count('<figure class="pmcj-chart">')
        described = re.findall(r'<p class="pmcj-chart-description">([^<]{30,})</p>', text)
        assert figures >= 1, f"{chapter.page}: no chart"
        assert figures == len(described), f"{chapter.page}: a chart has no (or a short) description"


def downloaded(edition: Path, page: str) -> nbformat.NotebookNode:
    return nbformat.read(edition / "_downloads" / "notebooks" / f"{Path(page).name}.ipynb", 4)


@pytest.mark.build
@each_with_exercises
def test_downloads_are_executed_notebooks_linked_from_their_pages(chapter: Chapter) -> None:
    for page in chapter_pages(chapter):
        notebook = downloaded(built_html(), page)
        nbformat.validate(notebook)
        outputs = sum(len(c.get("outputs", [])) for c in notebook.cells if c.cell_type == "code")
        assert outputs >= 2, f"{page}: the download carries no outputs"
        assert not any("book-only" in c.metadata.get("tags", []) for c in notebook.cells)
        html = (built_html() / f"{page}.html").read_text(encoding="utf-8")
        assert f'_downloads/notebooks/{Path(page).name}.ipynb" download' in html, page
    for page in chapter.exercises:
        student = " ".join(c.source for c in downloaded(built_html(), page).cells)
        teacher = " ".join(c.source for c in downloaded(built_instructor_html(), page).cells)
        solutions = len(re.findall(r"\{solution-start\}", (ROOT / f"{page}.md").read_text()))
        assert "Solution to Exercise" not in student, f"{page}: the student download has solutions"
        assert teacher.count("### Solution to Exercise") == solutions, (
            f"{page}: the instructor download lacks solutions"
        )


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    with zipfile.ZipFile(built_pack()) as archive:
        archive.extractall(folder)
    return folder / PACK_FOLDER


@pytest.mark.build
def test_student_pack_holds_every_chapter_notebook_the_data_and_a_readme(pack: Path) -> None:
    expected = {f"{p.stem}.ipynb" for p in notebook_paths(ROOT)}  # every page offered as one
    assert {p.name for p in pack.glob("*.ipynb")} == expected
    assert (pack / "data" / "segments.csv").exists() and (pack / "README.md").exists()
    assert (pack / "requirements.txt").exists()


def run_in_pack(pack: Path, notebooks: list[str]) -> None:
    """Run notebooks top to bottom in the unzipped pack, with the project's Python."""
    # A student's machine has no PYTHONPATH pointing into the repository (the benchmark sets one).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", RUN_NOTEBOOKS, *notebooks],
        cwd=pack,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{', '.join(notebooks)} do not run top to bottom in the student pack:\n"
            + clean_traceback(result.stderr)[-2000:],
            pytrace=False,
        )
    for line in result.stdout.strip().splitlines():
        assert line.endswith(str(pack / "data")), "the notebook did not use the pack's data"


RUN_NOTEBOOKS = """\
import nbformat, nbclient, sys
for name in sys.argv[1:]:
    nb = nbformat.read(name, 4)
    nb.cells.insert(0, nbformat.v4.new_code_cell('import pmcj.paths; print(pmcj.paths.DATA_DIR)'))
    nbclient.NotebookClient(nb, timeout=120, resources={'metadata': {'path': '.'}}).execute()
    print(name, nb.cells[0].outputs[0]['text'].strip())
"""


@pytest.mark.build
@each_with_exercises
def test_student_pack_has_no_solutions_and_runs_top_to_bottom(chapter: Chapter, pack: Path) -> None:
    notebooks = [f"{Path(page).name}.ipynb" for page in chapter_pages(chapter)]
    text = " ".join((pack / name).read_text(encoding="utf-8") for name in notebooks)
    flat = normalise(text.replace("\\n", " ").replace('\\"', '"'))
    leaked = [p for p in hidden_probes(chapter) if normalise(p) in flat]
    assert not leaked, f"solution text in the student pack: {leaked[:3]}"
    run_in_pack(pack, notebooks)


@pytest.mark.build
def test_every_other_page_notebook_runs_in_the_pack(pack: Path) -> None:
    """About the data and any other page with code: its download runs in the pack too."""
    in_chapters = {f"{Path(p).name}.ipynb" for c in WITH_EXERCISES for p in chapter_pages(c)}
    others = [f"{p.stem}.ipynb" for p in notebook_paths(ROOT)]
    others = [name for name in others if name not in in_chapters]
    assert "about-the-data.ipynb" in others
    run_in_pack(pack, others)


# --- CONTRIBUTING.md says what the tests check ---------------------------------------------------


def test_contributing_states_the_rules_the_tests_enforce() -> None:
    guide = " ".join((ROOT / anatomy.GUIDE).read_text(encoding="utf-8").split())
    low, high = anatomy.WORDS
    stated = [
        f"{low:,} to {high:,} words",
        f"{anatomy.OUTCOMES[0]} to {anatomy.OUTCOMES[1]} numbered outcomes",
        f"at least {anatomy.ORIENTATION_WORDS} words",
        f"at least {anatomy.MIN_CHARTS} charts",
        f"at least {anatomy.MIN_KINDS} kinds",
        ":::{admonition} At a glance",
        "**Reading time:** about",
        "**Level:**",
        "**Prerequisites:**",
        "{glue:text}",
        "add it to `_toc.yml`",
        "make anatomy",
        "::::{seminar-plan}",
        f"{anatomy.PROMPTS[0]} to {anatomy.PROMPTS[1]} numbered prompts",
        "`**What students find hard**`",
        ":::{marking-rubric}",
        "by the levels "
        + ", ".join(f"`{level}`" for level in anatomy.RUBRIC_LEVELS[:-1])
        + f" and `{anatomy.RUBRIC_LEVELS[-1]}`",
        "`teaching/course-plans.yml`",
        *[f"**{verb}**" for verb in anatomy.VERBS],
        *[f"`{level}`" for level in (*anatomy.CHAPTER_LEVELS, *anatomy.EXERCISE_LEVELS)],
        *[f"**{title}.**" for title in anatomy.STEPS.values()],
    ]
    missing = [rule for rule in stated if rule not in guide]
    assert not missing, f"CONTRIBUTING.md does not state these rules the tests enforce: {missing}"
    assert "Copy `tests/test_chapter07.py`" not in guide, "CONTRIBUTING still says to copy a test"


# --- the rules can fail --------------------------------------------------------------------------


# Chapter 7 is the pattern CONTRIBUTING.md points to; the fixtures are copies of it with one fault.
PATTERN = next((c for c in CHAPTERS if c.number == 7), CHAPTERS[0] if CHAPTERS else None)


def fixture_chapter(tmp_path: Path, text: str, exercises: str | None = None) -> Chapter:
    """A copy of the pattern chapter in a temporary folder, with an exercise page if given."""
    assert PATTERN is not None and PATTERN.number is not None
    stem = f"{PATTERN.number:02d}-fixture"
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / f"{stem}.md").write_text(text, encoding="utf-8")
    sections: tuple[str, ...] = ()
    if exercises is not None:
        (tmp_path / "exercises").mkdir(exist_ok=True)
        (tmp_path / "exercises" / f"{stem}-exercises.md").write_text(exercises, encoding="utf-8")
        sections = (f"exercises/{stem}-exercises",)
    return Chapter(page=f"chapters/{stem}", exercises=sections, root=tmp_path)


def pattern_text() -> str:
    if PATTERN is None:
        pytest.skip("_toc.yml lists no chapter to copy")
    return PATTERN.path.read_text(encoding="utf-8")


def without_outcomes(text: str) -> str:
    start = text.index("## Learning outcomes")
    end = text.index("\n## ", start + 5)
    return text[:start] + text[end + 1 :]


def test_a_chapter_without_outcomes_fails_with_a_plain_message(tmp_path: Path) -> None:
    text = without_outcomes(pattern_text())
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text))
    assert any("no '## Learning outcomes' section; add 3 to 5" in p for p in problems), problems
    message = anatomy.report("the fixture", problems)
    assert f"chapters/{PATTERN.number:02d}-fixture.md: no '## Learning outcomes'" in message
    assert "CONTRIBUTING.md" in message


def test_a_typed_percentage_about_the_data_fails_with_its_line(tmp_path: Path) -> None:
    text = pattern_text()
    anchor = "\n:::{admonition} Synthetic data"
    typed = "In these synthetic logs, 64% of small goals are met, against 0.31 of large ones.\n"
    text = text.replace(anchor, "\n" + typed + anchor, 1)
    line = text.splitlines().index(typed.strip()) + 1
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text))
    typed_problems = [p for p in problems if "is typed into the prose" in p]
    chapter = f"chapters/{PATTERN.number:02d}-fixture.md"
    assert [p.split(": ")[0] for p in typed_problems] == [f"{chapter}:{line}"] * 2
    assert "'64%'" in typed_problems[0] and "'0.31'" in typed_problems[1]
    assert "{glue:text}" in typed_problems[0]


def test_glued_numbers_and_cited_numbers_are_not_typed_numbers(tmp_path: Path) -> None:
    text = pattern_text()
    anchor = "\n:::{admonition} Synthetic data"
    glued = (
        "In these synthetic logs, {glue:text}`ch07-small-met:.0%` of small goals are met.\n"
        "Around 60% of people released from short sentences reoffend {cite:p}`buck2018core`.\n"
    )
    text = text.replace(anchor, "\n" + glued + anchor, 1)
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text))
    assert not [p for p in problems if "is typed into the prose" in p], problems


def test_a_chapter_without_its_glance_box_or_content_note_is_told_what_to_add(
    tmp_path: Path,
) -> None:
    text = pattern_text()
    text = re.sub(r":::\{admonition\} At a glance.*?\n:::\n", "", text, count=1, flags=re.DOTALL)
    text = re.sub(r":::\{admonition\} Content note.*?\n:::\n", "", text, count=1, flags=re.DOTALL)
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text))
    assert any("put the 'At a glance' box" in p for p in problems), problems
    assert any("so it needs a content note" in p for p in problems), problems


def test_a_data_section_that_does_not_link_the_primer_is_told_what_to_add(tmp_path: Path) -> None:
    text = re.sub(r"\{doc\}`[^`]*\.\./primer>?`", "the primer", pattern_text())
    problems = anatomy.chapter_problems(fixture_chapter(tmp_path, text))
    assert any("does not link the primer" in p for p in problems), problems
    linked = anatomy.chapter_problems(fixture_chapter(tmp_path, pattern_text()))
    assert not any("does not link the primer" in p for p in linked), linked


def test_an_exercise_without_level_or_minutes_fails_with_its_line(tmp_path: Path) -> None:
    text = pattern_text()
    if not PATTERN.exercises:
        pytest.skip("no exercise page beneath the pattern chapter")
    exercises = PATTERN.exercise_paths[0].read_text(encoding="utf-8")
    first = re.search(
        r"^\*\*Data task with a self-check · (\w+) · about \d+ minutes\*\*$", exercises, re.M
    )
    assert first, "the fixture expects the pattern's first data task line"
    exercises = exercises.replace(first.group(0), "**Data task with a self-check**", 1)
    line = exercises.splitlines().index("**Data task with a self-check**") + 1
    chapter = fixture_chapter(tmp_path, text, exercises)
    problems = anatomy.exercise_problems(chapter, chapter.exercises[0])
    assert any(
        p.startswith(f"{chapter.exercises[0]}.md:{line}: the first line of ex{PATTERN.number}-1")
        and "its level" in p
        and "'about M minutes'" in p
        for p in problems
    ), problems
