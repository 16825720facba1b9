"""The lecturer's guide's course plans and outcome map, from one file: teaching/course-plans.yml.

A lecturer picks exercises by chapter, level and time, and plans a course by weeks. The plans
(which chapters each week reads, which exercises come before the seminar, in it or as optional
extras, what the seminar does) and the map of each chapter's learning outcomes to the exercises
that assess them are written once, in ``teaching/course-plans.yml``; the guide's ``{course-plan}``
and ``{outcome-map}`` directives (:mod:`pmcj.sphinxext.teaching`) render them, and the tests check
them against the pages ``_toc.yml`` lists. The facts about each exercise (kind, level, minutes) and
each chapter (title, outcomes) are read from the pages themselves, never copied into the file, so
the guide cannot drift from the book.

Two kinds of problem are reported, each with the file, the line and the place in the file:

- :func:`reference_problems`: the file names a chapter, page or exercise that does not exist, or
  names an exercise twice in one plan. The instructor build stops on these.
- :func:`coverage_problems`: a chapter, exercise or learning outcome in ``_toc.yml`` that the file
  leaves out. ``make anatomy`` and the tests stop on these (so a new chapter's author adds its
  rows), while the build still runs, so a draft can be previewed.

Imports nothing of the book's but :mod:`pmcj.pages`, so the tests can use it without Sphinx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pmcj.pages import chapter_number, exercise_series, page_title, toc_files
from pmcj.paths import ROOT

PLANS_FILE = "teaching/course-plans.yml"
GROUPS = {
    "prepare": "Before the seminar",
    "seminar": "In the seminar",
    "optional": "Optional",
}
"""Where a week puts each exercise: every exercise of the book is in one of these in each plan."""

EXERCISE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{exercise-start\}[ \t]*(?P<title>[^\n]*)\n"
    r":label:[ \t]*(?P<label>[\w-]+)[ \t]*\n(?P=fence)[ \t]*\n\s*\*\*(?P<first>[^\n]*?)\*\*",
    re.MULTILINE,
)
LEVELS = ("introductory", "intermediate", "stretch")
OUTCOME = re.compile(r"^(\d+)\.\s+(.*)$")


class CoursePlanError(ValueError):
    """teaching/course-plans.yml names something the book does not have; the message says where."""


# --- what the book holds, read from its pages ----------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    label: str
    page: str
    title: str
    kind: str
    level: str
    minutes: int

    @property
    def short(self) -> str:
        """Kind, level and minutes, as the guide's tables show them ("data task, introductory,
        15 min"; a stretch task's level is in its kind)."""
        level = "" if self.level in self.kind else f"{self.level}, "
        return f"{self.kind}, {level}{self.minutes} min"


@dataclass(frozen=True)
class Chapter:
    number: int
    page: str
    title: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class Book:
    """The chapters, pages and exercises that _toc.yml lists, in reading order."""

    root: Path
    pages: tuple[str, ...]
    chapters: dict[int, Chapter]
    exercises: dict[str, Exercise]

    @staticmethod
    def read(root: Path = ROOT) -> Book:
        pages = tuple(toc_files(root / "_toc.yml"))
        chapters: dict[int, Chapter] = {}
        exercises: dict[str, Exercise] = {}
        for page in pages:
            path = root / f"{page}.md"
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
            number = chapter_number(page)
            if page.startswith("chapters/") and number is not None:
                chapters[number] = Chapter(number, page, page_title(path), read_outcomes(text))
            if exercise_series(page) is not None:
                for exercise in read_exercises(page, text):
                    exercises[exercise.label] = exercise
        return Book(root, pages, chapters, exercises)

    def sources(self) -> list[Path]:
        """The pages this reads, for Sphinx to rebuild the guide when one changes."""
        wanted = [c.page for c in self.chapters.values()]
        wanted += [e.page for e in self.exercises.values()]
        return [self.root / f"{page}.md" for page in dict.fromkeys(wanted)]


def kind_of(first_line: str) -> str:
    """The kind as the exercise's first line words it ("reflection and discussion")."""
    kind = first_line.split("\u00b7")[0].strip().lower()
    return "data task" if kind.startswith("data task") else kind


def read_exercises(page: str, text: str) -> list[Exercise]:
    """Each exercise's label, title, kind, level and minutes, from its first line."""
    found = []
    for match in EXERCISE.finditer(text):
        first = match.group("first")
        level = next((lv for lv in LEVELS if re.search(rf"\b{lv}\b", first, re.I)), "")
        minutes = re.search(r"about\s+(\d+)\s+minutes", first, re.I)
        found.append(
            Exercise(
                match.group("label"),
                page,
                match.group("title").strip(),
                kind_of(first),
                level,
                int(minutes.group(1)) if minutes else 0,
            )
        )
    return found


def read_outcomes(text: str) -> tuple[str, ...]:
    """The numbered items under '## Learning outcomes', each joined onto one line."""
    section = re.search(r"^## Learning outcomes\s*$(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S)
    if not section:
        return ()
    outcomes: list[str] = []
    for line in section.group(1).splitlines():
        item = OUTCOME.match(line)
        if item:
            outcomes.append(item.group(2).strip())
        elif outcomes and line.startswith("   ") and line.strip():
            outcomes[-1] += " " + line.strip()
        elif line.strip() and not line.startswith(" ") and outcomes:
            break
    return tuple(outcomes)


# --- the file, with the line of everything in it -------------------------------------------------


class Located(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LocatedList(list):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def line_of(container: Any, key: Any = None) -> int:
    if isinstance(container, Located) and key is not None:
        return container.key_lines.get(key, container.line)
    if isinstance(container, LocatedList) and isinstance(key, int):
        return container.item_lines[key]
    return getattr(container, "line", 0)


@dataclass
class Plans:
    """teaching/course-plans.yml as read: the plans and the outcome map, with their lines."""

    path: Path
    data: Located
    name: str = PLANS_FILE

    @staticmethod
    def read(root: Path = ROOT) -> Plans:
        path = root / PLANS_FILE
        if not path.exists():
            raise CoursePlanError(
                f"{PLANS_FILE} does not exist; the lecturer's guide renders its course plans and "
                "outcome map from it (see CONTRIBUTING.md, 'Adding a chapter', step 'Teaching "
                "notes')"
            )
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # safe, with lines
        except yaml.YAMLError as error:
            raise CoursePlanError(f"{PLANS_FILE} is not valid YAML: {error}") from error
        if not isinstance(data, Located):
            raise CoursePlanError(f"{PLANS_FILE}: expected 'plans:' and 'outcomes:' at the top")
        return Plans(path, data)

    def at(self, container: Any, key: Any, *place: object) -> str:
        where = " > ".join(str(part) for part in place)
        return f"{self.name}:{line_of(container, key)} ({where})"

    @property
    def plans(self) -> Located:
        plans = self.data.get("plans")
        return plans if isinstance(plans, Located) else Located()

    @property
    def outcomes(self) -> Located:
        outcomes = self.data.get("outcomes")
        return outcomes if isinstance(outcomes, Located) else Located()

    def weeks(self, plan_id: str) -> list[Located]:
        plan = self.plans.get(plan_id)
        weeks = plan.get("weeks") if isinstance(plan, Located) else None
        return [w for w in weeks if isinstance(w, Located)] if isinstance(weeks, list) else []

    def labels(self, week: Located, group: str) -> list[str]:
        value = week.get(group) or []
        return [str(label) for label in value] if isinstance(value, list) else []

    def outcome_entry(self, chapter: int, number: int) -> tuple[list[str], str]:
        """The exercises mapped to a chapter's outcome, and the note on it, if any."""
        entry = (self.outcomes.get(chapter) or {}).get(number)
        if isinstance(entry, dict):
            return [str(x) for x in entry.get("exercises") or []], str(entry.get("note") or "")
        return ([str(x) for x in entry] if isinstance(entry, list) else []), ""


# --- checks --------------------------------------------------------------------------------------


def unknown_exercise(label: str, book: Book) -> str:
    """Why a label is wrong, with the labels it was probably meant to be."""
    series = re.match(r"ex([a-z]|\d+)-", str(label))
    near = [known for known in book.exercises if series and known.startswith(series.group(0))]
    if near:
        hint = f"the exercises of its page are {', '.join(near)}"
    elif series:
        hint = f"no page in _toc.yml has exercises numbered {series.group(0)}N"
    else:
        hint = "exercise labels look like ex7-1"
    return f"'{label}' is not an exercise on any page in _toc.yml ({hint})"


def reference_problems(plans: Plans, book: Book) -> list[str]:
    """Names in the file that the book does not have, and exercises named twice in one plan."""
    problems: list[str] = []
    if not plans.plans:
        problems.append(f"{plans.name}: no 'plans:'; add the 10-week and 5-week course plans")
    for plan_id, plan in plans.plans.items():
        if not isinstance(plan, Located) or not isinstance(plan.get("weeks"), list):
            problems.append(f"{plans.at(plans.plans, plan_id, 'plans', plan_id)}: no 'weeks:' list")
            continue
        seen: dict[str, str] = {}
        for index, week in enumerate(plan["weeks"], start=1):
            place = ("plans", plan_id, f"week {index}")
            if not isinstance(week, Located):
                problems.append(f"{plans.at(plan['weeks'], index - 1, *place)}: not a mapping")
                continue
            if week.get("week") != index:
                problems.append(
                    f"{plans.at(week, 'week', *place)}: weeks are numbered 1, 2, 3... in order; "
                    f"this one says {week.get('week')!r}"
                )
            chapters = week.get("chapters") or []
            for position, number in enumerate(chapters if isinstance(chapters, list) else []):
                if number not in book.chapters:
                    problems.append(
                        f"{plans.at(chapters, position, *place, 'chapters')}: there is no "
                        f"Chapter {number} in _toc.yml (chapters: {sorted(book.chapters)})"
                    )
            pages = week.get("pages") or []
            for position, page in enumerate(pages if isinstance(pages, list) else []):
                if page not in book.pages:
                    problems.append(
                        f"{plans.at(pages, position, *place, 'pages')}: _toc.yml lists no page "
                        f"'{page}'"
                    )
            for group in GROUPS:
                labels = week.get(group) or []
                for position, label in enumerate(labels if isinstance(labels, list) else []):
                    where = plans.at(labels, position, *place, group)
                    if label not in book.exercises:
                        problems.append(f"{where}: {unknown_exercise(label, book)}")
                    elif label in seen:
                        problems.append(f"{where}: '{label}' is already in {seen[label]}")
                    else:
                        seen[label] = f"week {index}"
    for chapter, mapped in plans.outcomes.items():
        place = ("outcomes", f"chapter {chapter}")
        if chapter not in book.chapters:
            problems.append(
                f"{plans.at(plans.outcomes, chapter, *place)}: there is no Chapter {chapter} in "
                f"_toc.yml"
            )
            continue
        count = len(book.chapters[chapter].outcomes)
        for number in mapped if isinstance(mapped, dict) else {}:
            where = plans.at(mapped, number, *place, f"outcome {number}")
            if not isinstance(number, int) or not 1 <= number <= count:
                problems.append(
                    f"{where}: {book.chapters[chapter].page}.md has {count} learning outcomes, "
                    f"so there is no outcome {number}"
                )
                continue
            for label in plans.outcome_entry(chapter, number)[0]:
                if label not in book.exercises:
                    problems.append(f"{where}: {unknown_exercise(label, book)}")
    return problems


def coverage_problems(plans: Plans, book: Book) -> list[str]:
    """What _toc.yml holds that the file leaves out: exercises, chapters, learning outcomes."""
    problems: list[str] = []
    for plan_id in plans.plans:
        weeks = plans.weeks(plan_id)
        where = plans.at(plans.plans, plan_id, "plans", plan_id)
        placed = {
            label for week in weeks for group in GROUPS for label in plans.labels(week, group)
        }
        missing = [label for label in book.exercises if label not in placed]
        if missing:
            problems.append(
                f"{where}: {', '.join(missing)} in no week; put each under a week's prepare, "
                "seminar or optional"
            )
        for index, week in enumerate(weeks, start=1):
            if not week.get("chapters"):
                problems.append(
                    f"{plans.at(week, 'week', 'plans', plan_id, f'week {index}')}: the week names "
                    "no chapter; give it 'chapters: [N]'"
                )
        read = {number for week in weeks for number in week.get("chapters") or []}
        unread = [number for number in book.chapters if number not in read]
        if unread:
            problems.append(
                f"{where}: no week reads Chapter {', '.join(map(str, unread))}; add it to a week's "
                "chapters"
            )
    for number, chapter in book.chapters.items():
        mapped = plans.outcomes.get(number)
        if not isinstance(mapped, dict):
            problems.append(
                f"{plans.at(plans.data, 'outcomes', 'outcomes')}: no entry for Chapter {number}; "
                f"map each of its {len(chapter.outcomes)} learning outcomes to the exercises that "
                "assess them"
            )
            continue
        for outcome in range(1, len(chapter.outcomes) + 1):
            labels, _ = plans.outcome_entry(number, outcome)
            if not [label for label in labels if label in book.exercises]:
                stated = summary(chapter.outcomes[outcome - 1])
                problems.append(
                    f"{plans.at(plans.outcomes, number, 'outcomes', f'chapter {number}')}: "
                    f"outcome {outcome} of {chapter.page}.md ('{stated}') is mapped to no exercise"
                )
    return problems


def summary(outcome: str, words: int = 8) -> str:
    plain = re.sub(r"\*\*|`", "", outcome).split()
    return " ".join(plain[:words]) + (" ..." if len(plain) > words else "")


def load(root: Path = ROOT) -> tuple[Plans, Book]:
    """The file and the book, or a CoursePlanError naming every wrong reference at once."""
    plans, book = Plans.read(root), Book.read(root)
    problems = reference_problems(plans, book)
    if problems:
        raise CoursePlanError("\n".join(problems))
    return plans, book


# --- the guide's tables, as MyST -----------------------------------------------------------------


def exercise_cell(book: Book, labels: list[str], total: bool = False) -> list[str]:
    """Each exercise on a line of its own, with its kind and minutes (and their sum, if asked)."""
    if not labels:
        return ["none"]
    lines = [f"- {{ref}}`{label}` ({book.exercises[label].short})" for label in labels]
    if total and len(labels) > 1:
        minutes = sum(book.exercises[label].minutes for label in labels)
        lines += ["", f"About {minutes} minutes in all."]
    return lines


def chapter_cell(book: Book, week: Located) -> list[str]:
    numbers = list(week.get("chapters") or [])
    links = [f"{{doc}}`{n} </{book.chapters[n].page}>`" for n in numbers]
    if len(links) == 1:
        shown = [f"{{doc}}`Chapter {numbers[0]} </{book.chapters[numbers[0]].page}>`"]
    elif links:
        shown = [f"Chapters {', '.join(links[:-1])} and {links[-1]}"]
    else:
        shown = []
    shown += [f"{{doc}}`/{page}`" for page in week.get("pages") or []]
    return [f"- {entry}" for entry in shown] if len(shown) > 1 else shown


def list_table(
    title: str, header: list[str], rows: list[list[str | list[str]]], widths: str
) -> list[str]:
    """A MyST list-table: a table with a caption, whose cells may hold roles and lists (a cell
    given as a list of lines is written on several lines)."""
    lines = [f":::{{list-table}} {title}", ":header-rows: 1", f":widths: {widths}", ""]
    for row in [header, *rows]:
        for index, cell in enumerate(row):
            cell_lines = cell if isinstance(cell, list) else [" ".join(str(cell).split())]
            lines.append(f"{'* -' if index == 0 else '  -'} {cell_lines[0]}")
            lines += [f"    {line}" if line else "" for line in cell_lines[1:]]
    return [*lines, ":::", ""]


def plan_markdown(plans: Plans, book: Book, plan_id: str) -> str:
    """A plan as a table (week, reading, exercises by where they fit) and its seminars as a list."""
    plan = plans.plans.get(plan_id)
    if not isinstance(plan, Located):
        raise CoursePlanError(
            f"{plans.name}: there is no plan '{plan_id}' (the plans are {', '.join(plans.plans)})"
        )
    weeks = plans.weeks(plan_id)
    rows = []
    for week in weeks:
        rows.append(
            [
                str(week.get("week")),
                chapter_cell(book, week),
                exercise_cell(book, plans.labels(week, "prepare"), total=True),
                exercise_cell(book, plans.labels(week, "seminar")),
                exercise_cell(book, plans.labels(week, "optional")),
            ]
        )
    lines = [str(plan.get("summary", "")).strip(), ""]
    lines += list_table(
        str(plan.get("title", plan_id)),
        ["Week", "Read", *GROUPS.values()],
        rows,
        "6 16 28 28 22",
    )
    lines.append(f"{plan.get('seminar_title', 'The seminars, week by week')}:")
    lines.append("")
    for week in weeks:
        focus = str(week.get("focus", "")).strip()
        activity = " ".join(str(week.get("activity", "")).split())
        lines.append(f"- **Week {week.get('week')}: {focus}.** {activity}")
    return "\n".join(lines) + "\n"


def outcome_markdown(plans: Plans, book: Book) -> str:
    """One table per chapter: each learning outcome, as the chapter states it, and its exercises."""
    lines: list[str] = []
    for number, chapter in book.chapters.items():
        rows = []
        for outcome, text in enumerate(chapter.outcomes, start=1):
            labels, note = plans.outcome_entry(number, outcome)
            cell = exercise_cell(book, [label for label in labels if label in book.exercises])
            if note:
                cell += ["", f"*{note.rstrip('.')}.*"]
            rows.append([str(outcome), text, cell])
        header = ["No.", "Learning outcome", "Assessed by"]
        lines += list_table(chapter.title, header, rows, "auto")
    return "\n".join(lines)
