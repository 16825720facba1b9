"""Chapter 7 and its exercises: the pattern every chapter follows.

The self-checks accept right answers in several forms and answer wrong ones with hints; every
worked solution passes its own check; the student edition and the student pack carry no solution
or teaching note while the instructor edition carries them all; downloads carry outputs and run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pmcj.checks import ch07
from pmcj.data import load_all
from pmcj.data.generate import generate, render
from pmcj.paths import BUILD_DIR, ROOT
from tests.build_support import built_html
from tests.chapter_support import (
    code_cells,
    hidden_blocks,
    normalise,
    probes,
    run_cell,
    visible_text,
)

CHAPTER = ROOT / "chapters" / "07-values-core-conditions.md"
EXERCISES = ROOT / "exercises" / "07-values-core-conditions-exercises.md"
INSTRUCTOR_HTML = BUILD_DIR / "instructor" / "_build" / "html"
PACK = BUILD_DIR / "student-pack.zip"
PAGES = ["chapters/07-values-core-conditions", "exercises/07-values-core-conditions-exercises"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_all()


# --- the self-checks -------------------------------------------------------------------------


def test_every_worked_solution_passes_its_check_and_placeholders_do_not() -> None:
    namespace: dict = {}
    results = []
    for tags, code in code_cells(EXERCISES):
        if "book-only" in tags:
            continue
        value = run_cell(code, namespace)
        if isinstance(value, ch07.Feedback):
            results.append(("solution" in tags, value))
    assert len(results) == 4, "two data tasks, each with a placeholder and a solution"
    for is_solution, feedback in results:
        assert bool(feedback) is is_solution, feedback
        if not is_solution:
            assert "not given an answer" in feedback.message


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (ch07.ex7_1, ...),
        (ch07.ex7_1, None),
        (ch07.ex7_1, "mentees"),
        (ch07.ex7_1, [0.1, 0.2]),
        (ch07.ex7_1, pd.Series(dtype=float)),
        (ch07.ex7_1, pd.DataFrame({"a": [1], "b": [2], "c": [3]})),
        (ch07.ex7_1, {"mentor": "high"}),
        (ch07.ex7_2, ...),
        (ch07.ex7_2, 0.5),
        (ch07.ex7_2, pd.DataFrame()),
        (ch07.ex7_2, pd.DataFrame({"small": ["x"], "large": ["y"]}, index=["grant"])),
    ],
)
def test_empty_or_wrong_typed_answers_get_a_hint_not_a_traceback(check, answer) -> None:
    feedback = check(answer)
    assert not feedback
    assert repr(feedback).startswith("Not yet.") and len(feedback.message) > 20


def answers_revealed(message: str, expected: pd.Series | pd.DataFrame) -> list[str]:
    values = expected.to_numpy().ravel()
    shown = (
        {f"{v:.2f}" for v in values}
        | {f"{v:.1%}" for v in values}
        | {f"{100 * v:.0f}%" for v in values}
    )
    return [value for value in shown if value in message]


def care_counts(tables) -> pd.Series:
    """Counts of segments rather than shares (a typical slip)."""
    totals = ch07.role_segments(tables).groupby("role", observed=False).size()
    totals.index = totals.index.astype(str)
    return (ch07.care_shares(tables) * totals).round()


def test_typical_wrong_answers_get_specific_hints(tables) -> None:
    cases = [
        (ch07.ex7_1, ch07.care_shares(tables, unique=False), "counted codings"),
        (ch07.ex7_1, ch07.care_shares(tables, coders=("A", "B")), "coder B"),
        (ch07.ex7_1, ch07.care_shares(tables, denominator="study"), "all the segments"),
        (ch07.ex7_1, ch07.care_shares(tables).drop("staff"), "no value for staff"),
        (ch07.ex7_1, care_counts(tables), "counts"),
        (ch07.ex7_2, ch07.goal_shares(tables, per_goal=False), "all the weeks"),
        (ch07.ex7_2, ch07.goal_shares(tables)[["small"]], "no value for large"),
        (ch07.ex7_2, ch07.goal_shares(tables) * 0.5, "not right"),
    ]
    for check, answer, hint in cases:
        feedback = check(answer, tables=tables)
        assert not feedback, hint
        assert hint in feedback.message, feedback.message
    expected = [ch07.care_shares(tables), ch07.goal_shares(tables)]
    for check, answer, _ in cases:
        message = check(answer, tables=tables).message
        leaked = [v for e in expected for v in answers_revealed(message, e)]
        assert not leaked, f"a hint gives away the answer: {message}"


def test_right_answers_are_accepted_in_equivalent_forms(tables) -> None:
    shares = ch07.care_shares(tables)
    forms = [
        shares,
        shares * 100,
        shares.to_dict(),
        shares.rename("share").to_frame(),
        shares.rename("share").reset_index().rename(columns={"index": "role"}),
    ]
    for form in forms:
        assert ch07.ex7_1(form, tables=tables), type(form)
    goals = ch07.goal_shares(tables)
    long = goals.stack().rename("share").reset_index()
    for form in [goals, goals.T, goals * 100, goals.stack(), long]:
        assert ch07.ex7_2(form, tables=tables)


def test_checks_follow_a_class_variant(tables) -> None:
    variant = {name.removesuffix(".csv"): content for name, content in render(generate(11)).items()}
    import io

    from pmcj.data.package import read_descriptor, to_frame

    resources = read_descriptor(ROOT / "data")
    variant_tables = {}
    for name, content in variant.items():
        frame = pd.read_csv(io.BytesIO(content), keep_default_na=False, na_values=[""])
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        variant_tables[name] = to_frame(resources[name], rows)
    assert ch07.ex7_1(ch07.care_shares(variant_tables), tables=variant_tables)
    assert not ch07.ex7_1(ch07.care_shares(tables), tables=variant_tables)


# --- the chapter's shape ------------------------------------------------------------------------


def test_chapter_has_the_anatomy_of_a_chapter() -> None:
    text = CHAPTER.read_text(encoding="utf-8")
    assert re.search(r"admonition\} Content note", text)
    outcomes = text.split("## Learning outcomes", 1)[1].split("\n## ", 1)[0]
    verbs = re.findall(r"^\d+\. \*\*(\w+)\*\*", outcomes, flags=re.MULTILINE)
    assert 3 <= len(verbs) <= 5 and all(
        v in {"Explain", "Evaluate", "Compute", "Compare", "Describe", "Interpret", "Apply"}
        for v in verbs
    )
    narrative = text.split("## Learning outcomes", 1)[1].split("(ch07-data)=", 1)[0]
    prose = re.sub(r"\{[a-z:]+\}`[^`]*`", "", narrative)
    words = len(re.findall(r"[A-Za-z']+", prose))
    assert 2000 <= words <= 3200, words
    for heading in (
        "## Working with the data",
        "## Key terms",
        "## Further reading",
        "## Exercises",
    ):
        assert heading in text, heading
    assert ":class: important" in text.split("## Working with the data")[1]
    assert "../exercises/07-values-core-conditions-exercises" in text


def test_exercises_have_labels_levels_and_minutes() -> None:
    text = EXERCISES.read_text(encoding="utf-8")
    labels = re.findall(r"\{exercise-start\}.*\n:label: (ex7-\d)", text)
    assert len(labels) >= 4
    for label in labels:
        body = text.split(f":label: {label}", 1)[1].split("{exercise-end}", 1)[0]
        assert re.search(r"(introductory|intermediate|stretch).*about \d+ minutes", body, re.I)
        assert f"{{solution-start}} {label}" in text, f"{label} has no worked solution"
    assert text.count("{instructor-note}") >= 1
    assert text.count("ch07.ex7_") >= 4


# --- the built editions and downloads -------------------------------------------------------------


def hidden_probes() -> list[str]:
    """Phrases found only inside solutions and instructor notes (not elsewhere on the pages)."""
    sources = [s.read_text(encoding="utf-8") for s in (CHAPTER, EXERCISES)]
    visible = normalise(" ".join(sources))
    for source in (CHAPTER, EXERCISES):
        for block in hidden_blocks(source):
            visible = visible.replace(normalise(block), " ")
    found = [p for source in (CHAPTER, EXERCISES) for b in hidden_blocks(source) for p in probes(b)]
    found = [p for p in found if normalise(p) not in visible]
    assert len(found) >= 15, "too few phrases to test the editions with"
    return found


def test_student_edition_has_no_solution_or_instructor_text() -> None:
    html = built_html()
    shown = " ".join(visible_text(page) for page in html.rglob("*.html"))
    leaked = [p for p in hidden_probes() if normalise(p) in shown]
    assert not leaked, f"solution or instructor text in the student edition: {leaked[:3]}"
    assert not list(html.rglob("_sources/**/*.md")), "the MyST sources (with solutions) are copied"


def test_instructor_edition_has_every_solution_and_note() -> None:
    shown = " ".join(visible_text(INSTRUCTOR_HTML / f"{page}.html") for page in PAGES)
    missing = [p for p in hidden_probes() if normalise(p) not in shown]
    assert not missing, f"missing from the instructor edition: {missing[:3]}"
    assert shown.count("Instructor notes") >= 2


def test_every_chart_on_the_chapter_pages_has_a_description() -> None:
    for edition in (built_html(), INSTRUCTOR_HTML):
        for page in PAGES:
            text = (edition / f"{page}.html").read_text(encoding="utf-8")
            figures = text.count('<figure class="pmcj-chart">')
            described = re.findall(r'<p class="pmcj-chart-description">([^<]{30,})</p>', text)
            assert figures == len(described), page
    chapter = (built_html() / f"{PAGES[0]}.html").read_text(encoding="utf-8")
    assert chapter.count('<figure class="pmcj-chart">') >= 3
    assert '"bind":' in chapter, "the chapter needs an interactive chart with a control"


def downloaded(edition: Path, page: str) -> nbformat.NotebookNode:
    return nbformat.read(edition / "_downloads" / "notebooks" / f"{Path(page).name}.ipynb", 4)


def test_downloads_are_executed_notebooks_linked_from_their_pages() -> None:
    for page in PAGES:
        notebook = downloaded(built_html(), page)
        nbformat.validate(notebook)
        outputs = sum(len(c.get("outputs", [])) for c in notebook.cells if c.cell_type == "code")
        assert outputs >= 2, f"{page}: the download carries no outputs"
        assert not any("book-only" in c.metadata.get("tags", []) for c in notebook.cells)
        html = (built_html() / f"{page}.html").read_text(encoding="utf-8")
        assert f'_downloads/notebooks/{Path(page).name}.ipynb" download' in html
    student = " ".join(c.source for c in downloaded(built_html(), PAGES[1]).cells)
    teacher = " ".join(c.source for c in downloaded(INSTRUCTOR_HTML, PAGES[1]).cells)
    assert "solution-start" not in student and "solution-start" in teacher


def test_student_pack_has_no_solutions_and_runs_top_to_bottom(tmp_path: Path) -> None:
    with zipfile.ZipFile(PACK) as archive:
        names = archive.namelist()
        text = " ".join(
            archive.read(n).decode("utf-8") for n in names if n.endswith((".ipynb", ".md"))
        )
        archive.extractall(tmp_path)
    assert any(n.endswith("data/segments.csv") for n in names)
    assert any(n.endswith("README.md") for n in names)
    flat = normalise(text.replace("\\n", " ").replace('\\"', '"'))
    leaked = [p for p in hidden_probes() if normalise(p) in flat]
    assert not leaked, f"solution text in the student pack: {leaked[:3]}"
    folder = tmp_path / "peer-mentoring-student-pack"
    script = (
        "import nbformat, nbclient, sys\n"
        "for name in sys.argv[1:]:\n"
        "    nb = nbformat.read(name, 4)\n"
        "    nb.cells.insert(0, nbformat.v4.new_code_cell("
        "'import pmcj.paths; print(pmcj.paths.DATA_DIR)'))\n"
        "    nbclient.NotebookClient(nb, timeout=120, resources={'metadata': {'path': '.'}})"
        ".execute()\n"
        "    print(name, nb.cells[0].outputs[0]['text'].strip())\n"
    )
    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    assert len(notebooks) == 2
    # A student's machine has no PYTHONPATH pointing into the repository (the benchmark sets one).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", script, *notebooks],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for line in result.stdout.strip().splitlines():
        assert line.endswith(str(folder / "data")), "the notebook did not use the pack's data"
