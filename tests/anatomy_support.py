"""The anatomy of a chapter, as rules that name the file, the line and what to do.

CONTRIBUTING.md ("Adding a chapter") states these same rules for authors; the constants below are
what it quotes, and ``tests/test_chapters.py`` checks that it quotes them. Each function returns a
list of problems in plain English (empty when the page follows the pattern), so that a test can fail
once with all of them instead of stopping at the first ``assert``.

The rules read the MyST sources only (no build), so they run in seconds: ``make anatomy``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from pmcj.pages import is_myst_notebook
from pmcj.paths import ROOT
from tests.chapter_support import ROLE, Chapter, Line, plain, scan

GUIDE = "CONTRIBUTING.md"

# --- the rules, quoted by CONTRIBUTING.md --------------------------------------------------------

OUTCOMES = (3, 5)
"""How many numbered learning outcomes a chapter has."""

VERBS = (
    "Analyse",
    "Apply",
    "Assess",
    "Calculate",
    "Compare",
    "Compute",
    "Contrast",
    "Critique",
    "Describe",
    "Discuss",
    "Distinguish",
    "Evaluate",
    "Explain",
    "Identify",
    "Interpret",
    "Justify",
    "Outline",
    "Summarise",
)
"""Verbs a lecturer can assess; an outcome starts with one, in bold ("Understand" cannot be)."""

WORDS = (1500, 3000)
"""Words of narrative: from the end of the learning outcomes to the data section's label."""

ORIENTATION_WORDS = 40
"""The orientation paragraph under the "At a glance" box has at least this many words."""

CHAPTER_LEVELS = ("introductory", "intermediate", "advanced")
EXERCISE_LEVELS = ("introductory", "intermediate", "stretch")
EXERCISE_KINDS = ("data task", "reflection or discussion", "stretch task")
MIN_KINDS = 2
MIN_CHARTS = 3

PROMPTS = (3, 5)
"""How many numbered discussion prompts a chapter's seminar plan has."""

RUBRIC_KINDS = ("reflection or discussion", "stretch task")
"""The kinds of exercise whose worked solution holds a {marking-rubric}."""

RUBRIC_LEVELS = ("developing", "competent", "strong")
"""A rubric's columns after 'criterion': one scale across the book, which the guide explains."""

CONTENT_NOTE_TOPICS = re.compile(
    r"\b(grief|griev\w*|bereave\w*|self-harm\w*|suicid\w*|addict\w*|overdos\w*|violen\w*|"
    r"abus\w*|prisons?|imprison\w*|custod\w*|jails?)\b",
    re.IGNORECASE,
)
"""Words that mean a chapter deals with grief, self-harm, addiction, violence or prison."""

TYPED_NUMBER = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:%|per\s?cent\b|percent\b)"  # 40%, 12.5 per cent
    r"|(?<![\w.])0?\.\d+(?![\w.])"  # a share: 0.25 or .25
    r"|\b\d+\s+(?:out\s+of|of\s+the|in\s+every)\s+\d+\b",  # 12 out of 40, 3 of the 8
    re.IGNORECASE,
)
"""A number about the data typed into prose, which must instead be computed and glued."""

PRIMER = "primer"
"""The primer, "pandas and altair for qualitative data": every chapter's data section links it."""

STEPS = {
    "opening": "The title and the 'At a glance' box",
    "outcomes": "Learning outcomes",
    "narrative": "Narrative",
    "numbers": "Numbers in prose",
    "data": "Working with the data",
    "ending": "Key terms, further reading, exercises",
    "exercises": "Exercises",
    "checks": "Self-checks",
    "glossary": "Glossary",
    "toc": "Table of contents",
    "teaching": "Teaching notes",
}
"""The steps of CONTRIBUTING.md's "Adding a chapter" that problems point to, by their titles."""


def see(step: str) -> str:
    return f'(see {GUIDE}, "Adding a chapter", step "{STEPS[step]}")'


# --- reading a page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    number: int
    level: int
    title: str


@dataclass
class Page:
    """A MyST page read once: its lines, headings and name as a contributor knows it."""

    path: Path
    name: str
    lines: list[Line]

    @classmethod
    def read(cls, path: Path, root: Path) -> Page:
        text = path.read_text(encoding="utf-8")
        return cls(path, path.relative_to(root).as_posix(), scan(text))

    def at(self, number: int) -> str:
        return f"{self.name}:{number}"

    @property
    def headings(self) -> list[Heading]:
        found = []
        for line in self.lines:
            match = re.match(r"^(#{1,6})\s+(.*?)\s*$", line.text)
            if line.kind == "prose" and match:
                found.append(Heading(line.number, len(match.group(1)), match.group(2)))
        return found

    def heading(self, title: str, level: int = 2) -> Heading | None:
        return next(
            (h for h in self.headings if h.level == level and h.title.lower() == title.lower()),
            None,
        )

    def section(self, heading: Heading) -> list[Line]:
        """The lines under a heading, up to the next heading of the same or a higher level."""
        end = next(
            (
                h.number
                for h in self.headings
                if h.number > heading.number and h.level <= heading.level
            ),
            len(self.lines) + 1,
        )
        return self.between(heading.number + 1, end)

    def between(self, start: int, end: int) -> list[Line]:
        return [line for line in self.lines if start <= line.number < end]


def prose(lines: Iterable[Line]) -> list[Line]:
    return [line for line in lines if line.kind == "prose"]


def words(lines: Iterable[Line]) -> int:
    return sum(len(re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", plain(line.text))) for line in lines)


def paragraphs(lines: Iterable[Line]) -> list[list[Line]]:
    """Runs of consecutive non-blank prose lines."""
    found: list[list[Line]] = []
    current: list[Line] = []
    previous = None
    for line in lines:
        joined = line.kind == "prose" and line.text.strip()
        if joined and previous is not None and line.number == previous + 1 and current:
            current.append(line)
        elif joined:
            if current:
                found.append(current)
            current = [line]
        else:
            if current:
                found.append(current)
            current = []
        previous = line.number if joined else None
    if current:
        found.append(current)
    return found


def glossary_terms(root: Path = ROOT) -> set[str]:
    """The terms defined in glossary.md (lines at the left margin inside ``{glossary}``)."""
    terms: set[str] = set()
    inside = False
    for line in (root / "glossary.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"^(:{3,}|`{3,})\{glossary\}", line):
            inside = True
        elif inside and re.match(r"^(:{3,}|`{3,})\s*$", line):
            inside = False
        elif inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms.add(line.strip().lower())
    return terms


def bibliography_keys(root: Path = ROOT) -> set[str]:
    text = (root / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE))


def codebook_codes(root: Path = ROOT) -> dict[str, str]:
    """Code id -> name, from the codebook that drives the data (empty if it cannot be read)."""
    try:
        book = yaml.safe_load((root / "data" / "codebook.yml").read_text(encoding="utf-8"))
        return {str(code["id"]): str(code["name"]) for code in book.get("codes", [])}
    except (OSError, KeyError, TypeError, AttributeError, yaml.YAMLError):
        return {}


def roles(lines: Iterable[Line], prefix: str) -> list[tuple[int, str]]:
    """(line number, role body) of every ``{prefix...}`` role on prose lines."""
    return [
        (line.number, match.group("body"))
        for line in lines
        if line.kind == "prose"
        for match in ROLE.finditer(line.text)
        if match.group("name").startswith(prefix)
    ]


# --- the chapter page ----------------------------------------------------------------------------


def chapter_problems(chapter: Chapter, root: Path = ROOT) -> list[str]:
    """Everything about a chapter page that does not follow the pattern, in reading order."""
    path = chapter.path
    name = chapter.relative(path)
    if not path.exists():
        return [f"{name}: _toc.yml lists this chapter, but the file does not exist {see('toc')}"]
    if not is_myst_notebook(path):
        return [
            f"{name}: the front matter does not make the page a MyST notebook (it needs the "
            "jupytext 'format_name: myst' and 'kernelspec' lines), so its code would not run; "
            f"copy chapter 7's front matter (the lines between the two '---') {see('opening')}"
        ]
    page = Page.read(path, chapter.root)
    number = chapter.number
    if number is None:
        return [f"{name}: the file name must start with the chapter's number, as in 05-identity.md"]
    problems: list[str] = []
    problems += opening_problems(page, number)
    outcomes = page.heading("Learning outcomes")
    problems += outcome_problems(page, outcomes)
    label = next(
        (line for line in page.lines if line.text.strip() == f"(ch{number:02d}-data)="), None
    )
    data = page.heading("Working with the data")
    if outcomes is not None and label is not None:
        under = page.section(outcomes)
        narrative = page.between((under[-1] if under else outcomes).number + 1, label.number)
        problems += narrative_problems(page, narrative, root)
        problems += introduced_code_problems(page, narrative, label, root)
    problems += data_problems(page, number, label, data)
    problems += typed_number_problems(page)
    problems += ending_problems(page, chapter, data, root)
    problems += seminar_plan_problems(page, number)
    return problems


def opening_problems(page: Page, number: int | None) -> list[str]:
    """The title, the 'At a glance' box, the orientation and any content note.

    ``number`` is the chapter's; the primer has none, so its title carries no number.
    """
    problems: list[str] = []
    title = next((h for h in page.headings if h.level == 1), None)
    if title is None:
        shown = f"{number}. Title" if number is not None else "Title"
        return [f"{page.name}: no title; start the page with '# {shown}' {see('opening')}"]
    if number is not None and not title.title.startswith(f"{number}. "):
        problems.append(
            f"{page.at(title.number)}: the title '{title.title}' must start with the chapter's "
            f"number, '{number}. ' {see('opening')}"
        )
    after = [line for line in page.lines if line.number > title.number and line.text.strip()]
    glance = after[0] if after else None
    opens_box = glance is not None and re.match(
        r"^(:{3,}|`{3,})\{admonition\}\s+At a glance\s*$", glance.text.strip()
    )
    outcomes = page.heading("Learning outcomes")
    stop = outcomes.number if outcomes else len(page.lines) + 1
    if not opens_box:
        problems.append(
            f"{page.at(title.number + 1)}: directly under the title, put the 'At a glance' box "
            "with the reading time, level and prerequisites, for readers new to Python:\n"
            "      :::{admonition} At a glance\n"
            "      :class: note\n"
            "      **Reading time:** about 40 minutes. **Level:** introductory.\n"
            "      **Prerequisites:** none for the narrative; for the data section, ...\n"
            f"      ::: {see('opening')}"
        )
        box_end = title.number
    else:
        box_end = next(
            (
                line.number
                for line in page.lines
                if line.number > glance.number and line.kind == "fence"
            ),
            stop,
        )
        box = " ".join(line.text for line in page.between(glance.number, box_end))
        wanted = {
            "Reading time": r"\*\*Reading time:\*\*\s*about\s+\d+\s+minutes",
            "Level": r"\*\*Level:\*\*\s*(" + "|".join(CHAPTER_LEVELS) + r")\b",
            "Prerequisites": r"\*\*Prerequisites:\*\*\s*\S",
        }
        examples = {
            "Reading time": "**Reading time:** about 40 minutes",
            "Level": f"**Level:** one of {', '.join(CHAPTER_LEVELS)}",
            "Prerequisites": "**Prerequisites:** what a reader needs first, or 'none'",
        }
        for field, pattern in wanted.items():
            if not re.search(pattern, box, flags=re.IGNORECASE):
                problems.append(
                    f"{page.at(glance.number)}: the 'At a glance' box needs '{examples[field]}' "
                    f"{see('opening')}"
                )
    note = next(
        (
            line
            for line in page.lines
            if line.kind == "fence" and re.search(r"\{admonition\}\s+Content note", line.text)
        ),
        None,
    )
    orientation = [
        p
        for p in paragraphs(page.between(box_end + 1, note.number if note else stop))
        if not p[0].text.startswith(("#", "(", ":"))
    ]
    if not orientation or words(orientation[0]) < ORIENTATION_WORDS:
        problems.append(
            f"{page.at(box_end + 1)}: after the 'At a glance' box, write a one-paragraph "
            f"orientation (at least {ORIENTATION_WORDS} words) saying what the chapter covers "
            f"and what the reader will do with the data {see('opening')}"
        )
    topic = next(
        (
            (line, match.group(0))
            for line in prose(page.lines)
            if (match := CONTENT_NOTE_TOPICS.search(plain(line.text)))
        ),
        None,
    )
    if note is None and topic is not None:
        problems.append(
            f"{page.at(topic[0].number)}: the chapter deals with '{topic[1]}', so it needs a "
            "content note before the learning outcomes (':::{admonition} Content note' saying "
            f"what the chapter touches on and that readers may take a break) {see('opening')}"
        )
    elif note is not None and outcomes is not None and note.number > outcomes.number:
        problems.append(
            f"{page.at(note.number)}: move the content note above '## Learning outcomes', so a "
            f"reader meets it before the chapter starts {see('opening')}"
        )
    return problems


def outcome_problems(page: Page, outcomes: Heading | None) -> list[str]:
    low, high = OUTCOMES
    verbs = ", ".join(VERBS)
    if outcomes is None:
        return [
            f"{page.name}: no '## Learning outcomes' section; add {low} to {high} numbered "
            f"outcomes that each start with a bold verb a lecturer can assess, as in "
            f"'1. **Explain** ...' (one of: {verbs}) {see('outcomes')}"
        ]
    items = [
        (line, match.group(1))
        for line in page.section(outcomes)
        if line.kind == "prose" and (match := re.match(r"^\d+\.\s+(.*)$", line.text))
    ]
    problems = []
    if not low <= len(items) <= high:
        problems.append(
            f"{page.at(outcomes.number)}: '## Learning outcomes' has {len(items)} numbered "
            f"outcome(s); it needs {low} to {high} {see('outcomes')}"
        )
    for index, (line, text) in enumerate(items, start=1):
        bold = re.match(r"^\*\*([A-Za-z]+)\*\*", text)
        if bold is None:
            problems.append(
                f"{page.at(line.number)}: outcome {index} must start with a bold verb, as in "
                f"'{index}. **Explain** ...' {see('outcomes')}"
            )
        elif bold.group(1) not in VERBS:
            problems.append(
                f"{page.at(line.number)}: outcome {index} starts with '{bold.group(1)}', which is "
                f"not on the list of verbs a lecturer can assess; use one of: {verbs} "
                f"{see('outcomes')}"
            )
    return problems


def narrative_problems(page: Page, narrative: list[Line], root: Path) -> list[str]:
    problems = []
    count = words(prose(narrative))
    low, high = WORDS
    if not low <= count <= high:
        where = narrative[0].number if narrative else 1
        advice = "shorten it, or move material to another chapter" if count > high else "expand it"
        problems.append(
            f"{page.at(where)}: the narrative (from the end of the learning outcomes to the data "
            f"section) has {count:,} words; it should have {low:,} to {high:,}: {advice} "
            f"{see('narrative')}"
        )
    sections = [h for h in page.headings if h.level == 2 and narrative]
    sections = [h for h in sections if narrative[0].number <= h.number <= narrative[-1].number]
    if not sections:
        problems.append(
            f"{page.name}: the narrative has no '##' sections; divide it into sections "
            f"{see('narrative')}"
        )
    for heading in sections:
        if not roles(page.section(heading), "cite"):
            problems.append(
                f"{page.at(heading.number)}: the section '{heading.title}' cites nothing; every "
                "claim about the literature needs a {cite:t} or {cite:p} citation "
                f"{see('narrative')}"
            )
    known = bibliography_keys(root)
    for number, body in roles(page.lines, "cite"):
        for key in re.split(r"[,;]\s*", body):
            if key.strip() and key.strip() not in known:
                problems.append(
                    f"{page.at(number)}: the citation key '{key.strip()}' is not in "
                    "references.bib; use a key from it, or add the reference after checking every "
                    f"field against a publisher or repository record {see('narrative')}"
                )
    return problems


def introduced_code_problems(
    page: Page, narrative: list[Line], label: Line, root: Path
) -> list[str]:
    """Every code the data section's cells name must have been introduced in the narrative."""
    codes = codebook_codes(root)
    if not codes:
        return []
    told = " ".join(plain(line.text) for line in prose(page.between(1, label.number)))
    told = " ".join(told.lower().replace("_", " ").split())
    told += " " + " ".join(
        body.lower() for line in prose(narrative) for body in re.findall(r"`([^`]+)`", line.text)
    )
    problems = []
    seen: set[str] = set()
    for line in page.lines:
        if line.number <= label.number or line.kind != "code":
            continue
        for literal in re.findall(r"[\"']([a-z][a-z0-9_]*)[\"']", line.text):
            if literal not in codes or literal in seen:
                continue
            seen.add(literal)
            name = codes[literal]
            spoken = " ".join(name.lower().split())
            if spoken not in told and literal.replace("_", " ") not in told:
                problems.append(
                    f"{page.at(line.number)}: the data section analyses the code '{literal}' "
                    f"('{name}'), but the narrative never introduces it; say what it is in the "
                    f"narrative, by its name ('{name}') or id, before the data section uses it "
                    f"{see('narrative')}"
                )
    return problems


def data_problems(page: Page, number: int, label: Line | None, data: Heading | None) -> list[str]:
    problems = []
    if label is None or data is None:
        return [
            f"{page.name}: no data section; after the narrative add the label "
            f"'(ch{number:02d}-data)=' and, on the next line, '## Working with the data' "
            f"{see('data')}"
        ]
    following = next(
        (line for line in page.lines if line.number > label.number and line.text.strip()), None
    )
    if following is None or following.number != data.number:
        problems.append(
            f"{page.at(label.number)}: put '## Working with the data' on the line after the label "
            f"'(ch{number:02d}-data)=' {see('data')}"
        )
    section = page.section(data)
    fences = [line for line in section if line.kind == "fence"]
    if not any(re.search(r"\{admonition\}\s+Synthetic data", f.text) for f in fences) or not any(
        line.kind == "option" and ":class: important" in line.text for line in section
    ):
        problems.append(
            f"{page.at(data.number)}: the data section needs the synthetic-data caveat, "
            "':::{admonition} Synthetic data' with ':class: important', saying the patterns were "
            f"built in to illustrate the literature and are not evidence about real people "
            f"{see('data')}"
        )
    code = [line for line in page.lines if line.number > data.number and line.kind == "code"]
    charts = sum(len(re.findall(r"\bdescription\s*=", line.text)) for line in code)
    if charts < MIN_CHARTS:
        problems.append(
            f"{page.at(data.number)}: the data section has {charts} chart(s) with a "
            f"description; it needs at least {MIN_CHARTS}, each with a title, plain axis titles "
            f'and a description="..." saying what it shows {see("data")}'
        )
    if not any("alt.binding" in line.text for line in code):
        problems.append(
            f"{page.at(data.number)}: no chart has a control bound to a parameter; make at "
            "least one interactive in a way that teaches, with e.g. "
            f"alt.param(bind=alt.binding_select(...)) {see('data')}"
        )
    if not any(
        line.kind == "prose" and re.search(rf"\{{doc\}}`[^`]*\.\./{PRIMER}>?`", line.text)
        for line in section
    ):
        problems.append(
            f"{page.at(data.number)}: the data section does not link the primer; for readers new "
            "to pandas, add a sentence such as 'New to pandas? The {doc}`primer <../primer>` "
            f"shows each move this section uses, step by step.' {see('data')}"
        )
    setup = [line for line in section if line.kind == "option" and "book-only" in line.text]
    if not setup:
        problems.append(
            f"{page.at(data.number)}: start the data section with the cell tagged "
            "[remove-cell, book-only] that calls pmcj.altair_renderer.enable() "
            f"{see('data')}"
        )
    return problems


def typed_number_problems(page: Page) -> list[str]:
    """Numbers about the data typed into prose: percentages, shares, 'N out of M'.

    A sentence that cites the literature may quote its numbers; a number in a {glue} role, in
    inline code or in a code cell is computed, not typed.
    """
    problems = []
    for paragraph in paragraphs(page.lines):
        if paragraph[0].text.lstrip().startswith("#"):
            continue
        text = "\n".join(line.text for line in paragraph)
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(*_])", text):
            if "{cite" in sentence:
                continue
            for match in TYPED_NUMBER.finditer(plain(sentence)):
                offset = text.find(sentence)
                first = text[: max(offset, 0)].count("\n")
                inside = sentence.split("\n")
                hit = next((i for i, part in enumerate(inside) if match.group(0) in plain(part)), 0)
                number = paragraph[min(first + hit, len(paragraph) - 1)].number
                problems.append(
                    f"{page.at(number)}: '{match.group(0).strip()}' is typed into the prose. A "
                    "number about the synthetic data must be computed in a code cell and "
                    "inserted with {glue:text}, so it follows the data; a number from the "
                    f"literature needs a citation in the same sentence {see('numbers')}"
                )
    return problems


def ending_problems(page: Page, chapter: Chapter, data: Heading | None, root: Path) -> list[str]:
    problems = []
    after = data.number if data else 0
    for title, what in (
        ("Key terms", "a list of {term} links to the glossary"),
        ("Further reading", "a short list of {cite:t} references, each with a sentence on why"),
        ("Exercises", "a {doc} link to the chapter's exercise page"),
    ):
        heading = page.heading(title)
        if heading is None:
            problems.append(f"{page.name}: no '## {title}' section; add {what} {see('ending')}")
            continue
        if heading.number < after:
            problems.append(
                f"{page.at(heading.number)}: '## {title}' belongs after the data section "
                f"{see('ending')}"
            )
        section = page.section(heading)
        if title == "Key terms" and not roles(section, "term"):
            problems.append(
                f"{page.at(heading.number)}: '## Key terms' links no {{term}} {see('ending')}"
            )
        if title == "Further reading" and not roles(section, "cite"):
            problems.append(
                f"{page.at(heading.number)}: '## Further reading' cites nothing {see('ending')}"
            )
        if title == "Exercises":
            text = " ".join(line.text for line in section)
            for exercises in chapter.exercises:
                if f"../{exercises}" not in text:
                    problems.append(
                        f"{page.at(heading.number)}: '## Exercises' does not link "
                        f"{exercises}.md; add {{doc}}`the chapter's exercises <../{exercises}>` "
                        f"{see('ending')}"
                    )
    terms = glossary_terms(root)
    for number, body in roles(page.lines, "term"):
        target = re.match(r"(?:.*?<)?([^<>]+?)>?$", body.strip())
        term = (target.group(1) if target else body).strip().lower()
        if term not in terms:
            problems.append(
                f"{page.at(number)}: '{term}' is linked with {{term}} but is not in glossary.md; "
                f"add it there, in alphabetical order {see('glossary')}"
            )
    if not chapter.exercises:
        problems.append(
            f"{page.name}: _toc.yml lists no exercise page beneath this chapter; add "
            f"'sections: [file: exercises/{Path(chapter.page).name}-exercises]' under it "
            f"{see('toc')}"
        )
    return problems


# --- the seminar plan ----------------------------------------------------------------------------


def block_end(page: Page, opening: Line) -> int:
    """The line of the fence that closes a directive opened on ``opening`` (or the page's end)."""
    fence = re.match(r"^(:{3,}|`{3,})", opening.text.strip())
    closing = fence.group(1) if fence else ":::"
    return next(
        (
            line.number
            for line in page.lines
            if line.number > opening.number
            and line.kind == "fence"
            and line.text.strip() == closing
        ),
        len(page.lines) + 1,
    )


def table_rows(lines: Iterable[Line]) -> list[list[str]]:
    """The cells of every row of the Markdown tables among these lines (separator rows left out)."""
    rows = []
    for line in lines:
        text = line.text.strip()
        if line.kind != "prose" or not text.startswith("|"):
            continue
        cells = [cell.strip() for cell in text.strip("|").split("|")]
        if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
            rows.append(cells)
    return rows


def seminar_plan_problems(page: Page, number: int) -> list[str]:
    """One {seminar-plan}, last on the page: timings that add up, prompts, what students find
    hard, and the chapter's exercises."""
    opening = [
        line for line in page.lines if line.kind == "fence" and "{seminar-plan}" in line.text
    ]
    if not opening:
        return [
            f"{page.name}: no seminar plan; end the page with a ::::{{seminar-plan}} block (its "
            f"length, timings, discussion prompts and what students find hard) {see('teaching')}"
        ]
    if len(opening) > 1:
        return [f"{page.at(opening[1].number)}: a second seminar plan; keep one {see('teaching')}"]
    start = opening[0]
    end = block_end(page, start)
    problems = []
    after = [line for line in page.lines if line.number > end and line.text.strip()]
    if after:
        problems.append(
            f"{page.at(after[0].number)}: the seminar plan must be the last thing on the page; "
            f"move this above it {see('teaching')}"
        )
    inside = page.between(start.number + 1, end)
    option = next((line for line in inside if line.text.strip().startswith(":minutes:")), None)
    length = re.search(r"\d+", option.text) if option else None
    if length is None:
        problems.append(
            f"{page.at(start.number)}: give the seminar's length on the next line, as in "
            f"':minutes: 90' {see('teaching')}"
        )
    rows = table_rows(inside)
    if not rows or "minutes" not in rows[0][0].lower():
        problems.append(
            f"{page.at(start.number)}: the seminar plan needs a table of timings whose first "
            f"column is 'minutes' and whose second says what happens {see('teaching')}"
        )
    elif length is not None:
        timings = [row[0] for row in rows[1:]]
        if not timings or not all(re.fullmatch(r"\d+", cell) for cell in timings):
            problems.append(
                f"{page.at(start.number)}: each row of the timings table starts with a whole "
                f"number of minutes {see('teaching')}"
            )
        elif sum(map(int, timings)) != int(length.group(0)):
            problems.append(
                f"{page.at(start.number)}: the timings add up to {sum(map(int, timings))} minutes, "
                f"but the plan says ':minutes: {length.group(0)}' {see('teaching')}"
            )
    marks = {
        line.text.strip(): line.number
        for line in inside
        if line.kind == "prose" and re.fullmatch(r"\*\*[^*]+\*\*", line.text.strip())
    }
    prompts_at = marks.get("**Discussion prompts**")
    hard_at = marks.get("**What students find hard**")
    low, high = PROMPTS
    if prompts_at is None:
        problems.append(
            f"{page.at(start.number)}: add '**Discussion prompts**' and {low} to {high} numbered "
            f"prompts {see('teaching')}"
        )
    else:
        stop = min((n for n in marks.values() if n > prompts_at), default=end)
        prompts = [
            line
            for line in page.between(prompts_at + 1, stop)
            if line.kind == "prose" and re.match(r"^\d+\.\s", line.text)
        ]
        if not low <= len(prompts) <= high:
            problems.append(
                f"{page.at(prompts_at)}: {len(prompts)} numbered discussion prompt(s); give "
                f"{low} to {high} {see('teaching')}"
            )
    if hard_at is None or not any(
        line.kind == "prose" and line.text.startswith("- ")
        for line in page.between(hard_at + 1, end)
    ):
        problems.append(
            f"{page.at(start.number)}: add '**What students find hard**' and a list of what, in "
            f"this chapter, students find hard {see('teaching')}"
        )
    if not re.search(rf"\{{ref\}}`ex{number}-\d+`", " ".join(line.text for line in inside)):
        problems.append(
            f"{page.at(start.number)}: the seminar plan names none of the chapter's exercises; "
            f"link those it uses with {{ref}}`ex{number}-1` {see('teaching')}"
        )
    return problems


def rubric_problems(page: Page, exercise: Exercise, solution: tuple[int, int]) -> list[str]:
    """A reflection, discussion or stretch task's solution holds a rubric: criteria by levels."""
    opening = [
        line
        for line in page.between(*solution)
        if line.kind == "fence" and "{marking-rubric}" in line.text
    ]
    if not opening:
        return [
            f"{page.at(exercise.start)}: {exercise.label} is a {exercise.kind}; give its worked "
            f"solution a :::{{marking-rubric}} block, a table of criteria by levels "
            f"{see('teaching')}"
        ]
    rows = table_rows(page.between(opening[0].number + 1, block_end(page, opening[0])))
    header = ["criterion", *RUBRIC_LEVELS]
    if len(rows) < 3 or [cell.lower() for cell in rows[0]] != header:
        return [
            f"{page.at(opening[0].number)}: {exercise.label}'s rubric needs a table with the "
            f"columns '{' | '.join(header)}' and at least two criteria, one a row "
            f"{see('teaching')}"
        ]
    return []


# --- the primer ----------------------------------------------------------------------------------


def primer_problems(chapter: Chapter, root: Path = ROOT) -> list[str]:
    """What the primer shares with a chapter's anatomy, and what a primer needs besides.

    Like a chapter: the 'At a glance' box, an orientation, a content note where one is due, 3 to
    5 assessable learning outcomes, no number about the data typed into the prose, glossary terms
    and citations that exist, the book-only cell that draws charts, and the synthetic-data caveat.
    Unlike one: no narrative or chapter number, and its exercises sit on the page itself (the
    exercise rules check them). "How to use this book" must send readers to it.
    """
    path = chapter.path
    name = chapter.relative(path)
    if not path.exists():
        return [f"{name}: _toc.yml lists this page, but the file does not exist {see('toc')}"]
    if not is_myst_notebook(path):
        return [
            f"{name}: the front matter does not make the page a MyST notebook (it needs the "
            "jupytext 'format_name: myst' and 'kernelspec' lines) {see('opening')}"
        ]
    page = Page.read(path, chapter.root)
    problems = opening_problems(page, None)
    problems += outcome_problems(page, page.heading("Learning outcomes"))
    problems += typed_number_problems(page)
    fences = [line for line in page.lines if line.kind == "fence"]
    if not any(re.search(r"\{admonition\}\s+Synthetic data", f.text) for f in fences):
        problems.append(
            f"{name}: add the synthetic-data caveat, ':::{{admonition}} Synthetic data' with "
            f"':class: important' {see('data')}"
        )
    code = [line for line in page.lines if line.kind == "code"]
    charts = [line for line in code if "alt.Chart(" in line.text]
    setup = any("enable()" in line.text for line in code)
    if charts and not (setup and any("book-only" in line.text for line in page.lines)):
        problems.append(
            f"{page.at(charts[0].number)}: the page draws charts; start with the cell tagged "
            f"[remove-cell, book-only] that calls pmcj.altair_renderer.enable() {see('data')}"
        )
    terms = glossary_terms(root)
    for number, body in roles(page.lines, "term"):
        target = re.match(r"(?:.*?<)?([^<>]+?)>?$", body.strip())
        term = (target.group(1) if target else body).strip().lower()
        if term not in terms:
            problems.append(
                f"{page.at(number)}: '{term}' is linked with {{term}} but is not in glossary.md "
                f"{see('glossary')}"
            )
    known = bibliography_keys(root)
    for number, body in roles(page.lines, "cite"):
        problems += [
            f"{page.at(number)}: the citation key '{key.strip()}' is not in references.bib "
            f"{see('narrative')}"
            for key in re.split(r"[,;]\s*", body)
            if key.strip() and key.strip() not in known
        ]
    guide = chapter.root / "how-to-use.md"
    linked = rf"\{{doc\}}`(?:[^`]*<)?{re.escape(chapter.page)}>?`"
    if guide.exists() and not re.search(linked, guide.read_text(encoding="utf-8")):
        problems.append(
            f"how-to-use.md does not link {name}; send readers new to Python to it with "
            f"{{doc}}`... <{chapter.page}>`"
        )
    return problems


# --- the exercise page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    label: str
    start: int  # line of the exercise-start fence
    end: int  # line of the exercise-end fence
    first: Line | None  # the line giving kind, level and minutes
    kind: str | None
    level: str | None
    minutes: int | None


def kind_of(text: str) -> str | None:
    lowered = text.lower()
    if "data task" in lowered:
        return "data task"
    if "reflection" in lowered or "discussion" in lowered:
        return "reflection or discussion"
    if "stretch" in lowered:
        return "stretch task"
    return None


def read_exercises(page: Page) -> list[Exercise]:
    found = []
    lines = page.lines
    for index, line in enumerate(lines):
        if line.kind != "fence" or "{exercise-start}" not in line.text:
            continue
        label_line = next(
            (x for x in lines[index + 1 : index + 4] if x.text.startswith(":label:")), None
        )
        label = label_line.text.split(":label:", 1)[1].strip() if label_line else ""
        end = next(
            (x.number for x in lines[index + 1 :] if "{exercise-end}" in x.text),
            len(lines) + 1,
        )
        opening_end = next((x.number for x in lines[index + 1 :] if x.kind == "fence"), line.number)
        body = [
            x for x in page.between(opening_end + 1, end) if x.kind == "prose" and x.text.strip()
        ]
        first = body[0] if body else None
        text = first.text if first else ""
        level = next((lv for lv in EXERCISE_LEVELS if re.search(rf"\b{lv}\b", text, re.I)), None)
        minutes = re.search(r"about\s+(\d+)\s+minutes", text, re.I)
        found.append(
            Exercise(
                label,
                line.number,
                end,
                first,
                kind_of(text),
                level,
                int(minutes.group(1)) if minutes else None,
            )
        )
    return found


def solution_range(page: Page, label: str) -> tuple[int, int] | None:
    start = next(
        (
            line.number
            for line in page.lines
            if line.kind == "fence"
            and re.search(rf"\{{solution-start\}}\s+{re.escape(label)}\s*$", line.text)
        ),
        None,
    )
    if start is None:
        return None
    end = next(
        (
            line.number
            for line in page.lines
            if line.number > start and "{solution-end}" in line.text
        ),
        None,
    )
    return (start, end) if end else None


def exercise_problems(
    chapter: Chapter, page_name: str, root: Path = ROOT, min_kinds: int = MIN_KINDS
) -> list[str]:
    """Everything about an exercise page that does not follow the pattern.

    A chapter's exercise pages need ``MIN_KINDS`` kinds of exercise; the primer, whose exercises
    sit on the page itself, asks for fewer (its two exercises are both data tasks).
    """
    path = chapter.root / f"{page_name}.md"
    name = f"{page_name}.md"
    if not path.exists():
        return [f"{name}: _toc.yml lists this page, but the file does not exist {see('toc')}"]
    if not is_myst_notebook(path):
        return [
            f"{name}: the front matter does not make the page a MyST notebook (it needs the "
            "jupytext 'format_name: myst' and 'kernelspec' lines); copy the front matter of "
            f"chapter 7's exercise page {see('exercises')}"
        ]
    page = Page.read(path, chapter.root)
    number = chapter.series or "0"
    exercises = read_exercises(page)
    problems: list[str] = []
    if not exercises:
        return [
            f"{name}: no exercises; each starts with ````{{exercise-start}} Title, a ':label: "
            f"ex{number}-1' line and ````, and ends with ````{{exercise-end}} {see('exercises')}"
        ]
    rows = [
        line
        for line in page.lines
        if line.number < exercises[0].start and line.kind == "prose" and line.text.startswith("|")
    ]
    tables: list[list[Line]] = []  # runs of consecutive table lines (a page may have others)
    for line in rows:
        if tables and line.number == tables[-1][-1].number + 1:
            tables[-1].append(line)
        else:
            tables.append([line])
    columns = ("kind", "level", "time")
    table = next((t for t in tables if all(w in t[0].text.lower() for w in columns)), [])
    if not table:
        problems.append(
            f"{page.at(exercises[0].start)}: open the page with a table of the exercises, with "
            f"columns for kind, level and time, before the first exercise {see('exercises')}"
        )
        table = []
    kinds = set()
    for exercise in exercises:
        where = page.at(exercise.start)
        if not re.fullmatch(rf"ex{number}-\d+", exercise.label):
            problems.append(
                f"{where}: the exercise's label is '{exercise.label or '(none)'}'; give it "
                f"':label: ex{number}-M' on the line after exercise-start {see('exercises')}"
            )
            continue
        if exercise.kind is None or exercise.level is None or exercise.minutes is None:
            missing = [
                what
                for what, value in (
                    ("its kind (data task, reflection or discussion, stretch task)", exercise.kind),
                    (f"its level ({', '.join(EXERCISE_LEVELS)})", exercise.level),
                    ("'about M minutes'", exercise.minutes),
                )
                if value is None
            ]
            line = exercise.first.number if exercise.first else exercise.start
            problems.append(
                f"{page.at(line)}: the first line of {exercise.label} must give its kind, level "
                f"and time, as in '**Data task with a self-check · introductory · about 15 "
                f"minutes**'; it lacks {' and '.join(missing)} {see('exercises')}"
            )
        if exercise.kind:
            kinds.add(exercise.kind)
        row = next((r for r in table if f"`{exercise.label}`" in r.text), None)
        if table and row is None:
            problems.append(
                f"{page.at(table[0].number)}: the table of exercises has no row for "
                f"{{ref}}`{exercise.label}` {see('exercises')}"
            )
        elif row is not None:
            cells = row.text.lower()
            if exercise.level and exercise.level not in cells:
                problems.append(
                    f"{page.at(row.number)}: the table gives a different level for "
                    f"{exercise.label} than its first line ('{exercise.level}') {see('exercises')}"
                )
            if exercise.minutes and not re.search(rf"\b{exercise.minutes}\s*min", cells):
                problems.append(
                    f"{page.at(row.number)}: the table gives a different time for "
                    f"{exercise.label} than its first line ({exercise.minutes} minutes) "
                    f"{see('exercises')}"
                )
        solution = solution_range(page, exercise.label)
        if solution is None:
            problems.append(
                f"{where}: {exercise.label} has no worked solution; add ````{{solution-start}} "
                f"{exercise.label} ... ````{{solution-end}} after it {see('exercises')}"
            )
            continue
        inside = page.between(*solution)
        for index, line in enumerate(inside):
            if line.kind == "fence" and "{code-cell}" in line.text:
                tags = inside[index + 1].text if index + 1 < len(inside) else ""
                if not (tags.startswith(":tags:") and "solution" in tags):
                    problems.append(
                        f"{page.at(line.number)}: a code cell of {exercise.label}'s worked "
                        "solution is not tagged 'solution' (':tags: [solution]' on the next "
                        f"line), so it would reach the student pack {see('exercises')}"
                    )
        if exercise.kind == "reflection or discussion" and not any(
            "{instructor-note}" in line.text for line in inside
        ):
            problems.append(
                f"{where}: {exercise.label} is a reflection or discussion; give its solution "
                f"teaching notes in a :::{{instructor-note}} block {see('exercises')}"
            )
        if exercise.kind in RUBRIC_KINDS:
            problems += rubric_problems(page, exercise, solution)
        if exercise.kind == "data task":
            problems += self_check_problems(page, exercise, chapter.check_module or "ch00")
    if len(kinds) < min_kinds:
        problems.append(
            f"{name}: the exercises are of {len(kinds)} kind(s) ({', '.join(sorted(kinds))}); a "
            f"chapter needs at least {min_kinds} of: {', '.join(EXERCISE_KINDS)} "
            f"{see('exercises')}"
        )
    return problems


def self_check_problems(page: Page, exercise: Exercise, module_name: str) -> list[str]:
    """A data task's placeholder calls its check, and the check exists and is guarded."""
    function = exercise.label.replace("-", "_")
    call = f"{module_name}.{function}("
    body = page.between(exercise.start, exercise.end)
    if not any(line.kind == "code" and call in line.text for line in body):
        return [
            f"{page.at(exercise.start)}: {exercise.label} is a data task, but no code cell in it "
            f"calls its check; end the task with a cell 'answer = ...' and '{call}answer)' "
            f"{see('checks')}"
        ]
    try:
        module = importlib.import_module(f"pmcj.checks.{module_name}")
    except ModuleNotFoundError:
        return [
            f"{page.at(exercise.start)}: {exercise.label} calls {call}...), but there is no "
            f"pmcj/checks/{module_name}.py; add it {see('checks')}"
        ]
    check = getattr(module, function, None)
    if check is None or not getattr(check, "is_self_check", False):
        return [
            f"{page.at(exercise.start)}: pmcj/checks/{module_name}.py has no function "
            f"{function} decorated with @guarded(...); add one {see('checks')}"
        ]
    return []


def exercise_pages_outside_chapters(root: Path = ROOT) -> list[str]:
    """Exercise pages listed in _toc.yml but not beneath a chapter (tests would not find them)."""
    from tests.chapter_support import toc_chapters, toc_exercise_pages

    beneath = {page for chapter in toc_chapters(root) for page in chapter.exercises}
    return [
        f"_toc.yml lists {page}.md, but not as a section beneath its chapter; move it under the "
        f"chapter's entry as 'sections: [file: {page}]' {see('toc')}"
        for page in toc_exercise_pages(root)
        if page not in beneath
    ]


def report(what: str, problems: list[str]) -> str:
    """One failure message: what does not follow the pattern, then each problem on its line."""
    listing = "\n".join(f"  - {problem}" for problem in problems)
    return (
        f"{what} does not follow the chapter pattern yet ({GUIDE}, 'Adding a chapter'):\n{listing}"
    )
