"""Turn the book's MyST Markdown into the plain Markdown that Jupyter shows.

JupyterLab, classic Notebook, VS Code and GitHub render CommonMark, not MyST: a role such as
``{cite:p}`buck2018core```, a label ``(chapter-07)=``, a ``:::{admonition}`` or an exercise
directive arrives as raw text, and a ``{glue:text}`` number as its name. A downloaded notebook
must read like the page, so this module rewrites each of them as the page shows it:

- citations as the site's author-date text ("Buck (2018)", "(Buck, 2018)"), with a reference
  list at the end of the notebook in the bibliography's own wording (pybtex's ``plain`` style,
  which the site's bibliography uses);
- glossary terms as plain words, with the book's definitions of the terms used in a glossary at
  the end;
- ``{glue:text}`` as the glued value, formatted by myst-nb's own function with the role's format
  specification, so a number reads exactly as on the page;
- exercise directives as headings ("Exercise 7.1: title"), solutions (instructor downloads only)
  as "Solution to Exercise 7.1", admonitions and the instructor-only boxes (teaching notes,
  seminar plans and rubrics, in instructor downloads only) as block quotes under their bold title;
- ``{ref}`` and ``{doc}`` as the text the page shows (a link to the other notebook when that page
  is a notebook too, since downloads and the student pack keep them side by side);
- the book's generated tables (``{pmcj-data-sizes}``, ``{pmcj-tendencies}``...) as Markdown tables.

Anything it does not know, it refuses, naming the role or directive and the page: a new MyST
feature must get a conversion here rather than reach students as raw text. This module is the one
place the site's downloads and the student pack convert MyST; both call it through
:func:`pmcj.notebooks.for_download`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from pmcj.launch import colab_setup_source, read_launch
from pmcj.pages import LABEL, download_name, notebook_paths, page_title, toc_files
from pmcj.paths import BUILD_DIR, ROOT

BIBLIOGRAPHY_CACHE = BUILD_DIR / ".bibliography"


class ConversionError(ValueError):
    """MyST the converter cannot turn into plain Markdown; the message says where and what."""


FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
ROLE_OR_CODE = re.compile(
    r"(?P<role>\{(?P<name>[A-Za-z][\w:+.-]*)\}(?P<ticks>`+)(?P<body>.+?)(?P=ticks))"
    r"|(?P<code>(?P<code_ticks>`+).+?(?P=code_ticks))",
    re.DOTALL,
)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
EXERCISE_LABEL = re.compile(r"^ex(?P<chapter>\d+|[a-z])-(?P<number>\d+)$")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
COMMENT = re.compile(r"^%")
INSTRUCTOR_TITLES = {
    "instructor-note": "Instructor notes",
    "seminar-plan": "Seminar plan (instructor edition)",
    "marking-rubric": "Marking rubric",
}
"""The instructor-only boxes' titles, on the site (pmcj.sphinxext.editions) and in downloads."""
ADMONITIONS = {
    "admonition": "",
    "note": "Note",
    "important": "Important",
    "tip": "Tip",
    "hint": "Hint",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}


# --- what the converter knows about the whole book ----------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str


@dataclass(frozen=True)
class Book:
    """The book-wide facts a page's roles point to: labels, titles, glossary and bibliography."""

    root: Path
    labels: dict[str, str]
    titles: dict[str, str]
    downloads: dict[str, str]
    glossary: dict[str, GlossaryEntry]
    bibfiles: tuple[Path, ...]
    site_url: str = ""
    # The first code cell of every notebook when the lecturer's launch service is Colab
    # (pmcj.launch): it fetches the pack beside the notebook. Empty otherwise.
    launch_cell: str = ""

    @staticmethod
    def read(root: Path = ROOT) -> Book:
        """Read _toc.yml, _config.yml, every page's labels and titles, the glossary."""
        return read_book(root.resolve())

    def docname(self, source: Path) -> str:
        return source.resolve().relative_to(self.root).with_suffix("").as_posix()

    @property
    def bibliography(self) -> Bibliography:
        return Bibliography.read(self.bibfiles)


@cache
def read_book(root: Path) -> Book:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    sources = {name: root / f"{name}.md" for name in toc_files(root / "_toc.yml")}
    sources = {name: path for name, path in sources.items() if path.exists()}
    labels: dict[str, str] = {}
    titles: dict[str, str] = {}
    for name, path in sources.items():
        text = path.read_text(encoding="utf-8")
        titles[name] = page_title(path)
        labels.update(page_labels(text))
    downloads = {
        path.resolve().relative_to(root).with_suffix("").as_posix(): download_name(path)
        for path in notebook_paths(root)
    }
    glossary_page = next((p for n, p in sources.items() if n.endswith("glossary")), None)
    glossary = read_glossary(glossary_page) if glossary_page else {}
    bibfiles = tuple(root / name for name in config.get("bibtex_bibfiles", []))
    site_url = str((config.get("html") or {}).get("baseurl") or "").rstrip("/")
    launch = read_launch(((config.get("sphinx") or {}).get("config") or {}).get("pmcj_launch"))
    launch_cell = colab_setup_source(launch) if launch and launch.provider == "colab" else ""
    return Book(root, labels, titles, downloads, glossary, bibfiles, site_url, launch_cell)


def exercise_name(label: str, position: int) -> str:
    """'Exercise 7.1' for the label ex7-1, 'Exercise P.1' for the primer's exp-1; otherwise the
    exercise's place on its page."""
    match = EXERCISE_LABEL.match(label)
    if match:
        return f"Exercise {match.group('chapter').upper()}.{match.group('number')}"
    return f"Exercise {position}"


def page_labels(text: str) -> dict[str, str]:
    """What {ref} shows for each label on a page: a section's heading, an exercise's name."""
    found: dict[str, str] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = LABEL.match(line)
        if match:
            following = next((rest for rest in lines[index + 1 :] if rest.strip()), "")
            heading = HEADING.match(following)
            if heading:
                found[match.group(1)] = heading.group(2)
    exercises = re.findall(r"\{exercise(?:-start)?\}.*\n:label:\s*([\w-]+)", text)
    for position, label in enumerate(exercises, start=1):
        found[label] = exercise_name(label, position)
    for label in re.findall(r"\{solution(?:-start)?\}\s*([\w-]+)", text):
        if label in found:
            found[f"solution:{label}"] = f"Solution to {found[label]}"
    return found


def read_glossary(path: Path) -> dict[str, GlossaryEntry]:
    """The glossary directive's terms (lower case, as Sphinx matches them) and definitions."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^(:{3,}|`{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", text, re.M | re.S)
    if not match:
        return {}
    entries: dict[str, GlossaryEntry] = {}
    terms: list[str] = []
    definition: list[str] = []

    def close() -> None:
        if terms:
            body = textwrap.dedent("\n".join(definition)).strip()
            for term in terms:
                entries[term.lower()] = GlossaryEntry(terms[0], body)

    for line in match.group(2).splitlines():
        if line.strip() and not line[0].isspace() and not OPTION.match(line):
            if definition:
                close()
                terms, definition = [], []
            terms.append(line.strip())
        elif terms:
            definition.append(line)
    close()
    return entries


# --- citations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bibliography:
    """Citation labels and reference-list entries worded as the site's bibliography words them."""

    labels: dict[str, tuple[str, str]]
    entries: Mapping[str, str]
    order: tuple[str, ...]

    @staticmethod
    def read(bibfiles: tuple[Path, ...]) -> Bibliography:
        return read_bibliography(bibfiles)

    def cite(self, role: str, keys: list[str], where: str) -> str:
        """The text the site's Harvard style (:mod:`pmcj.sphinxext.citations`) gives the role.

        ``{cite:p}`` is "(Buck, 2018)" (several keys: "(Buck, 2016a; Rogers, 1957)"), ``{cite:t}``
        is "Buck (2018)" (several: "Buck (2016a) and Rogers (1957)"); the tests compare these
        with the built pages.
        """
        unknown = [key for key in keys if key not in self.labels]
        if unknown:
            raise ConversionError(f"{where}: unknown citation key {', '.join(unknown)}")
        kind = role.split(":", 1)[1] if ":" in role else "p"
        shown = [self.labels[key] for key in keys]
        if kind == "p":
            return "(" + "; ".join(f"{author}, {year}" for author, year in shown) + ")"
        if kind == "t":
            parts = [f"{author} ({year})" for author, year in shown]
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        raise ConversionError(f"{where}: no conversion for the {{{role}}} role")


def shown_surnames(entry: Any) -> list[str]:
    """The authors' (or editors') surnames with LaTeX accents decoded and apostrophes kept.

    ``citations.cited_as`` strips LaTeX and punctuation to compare names ("Salda~na", "OConnor");
    the text a reader sees needs them as the site shows them ("Saldaña", "O'Connor").
    """
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return [
        " ".join(
            name.render_as("text") for name in person.rich_prelast_names + person.rich_last_names
        )
        for person in people
    ]


@cache
def read_bibliography(bibfiles: tuple[Path, ...]) -> Bibliography:
    """The bibliography, remembered on disk while the .bib files and the package are unchanged.

    Parsing references.bib (pybtex decodes every LaTeX accent) and wording its entries took about
    0.2 s of every prose-edit rebuild that converts a notebook (profiled on 2026-11-30); the
    remembered copy is one small JSON file, keyed by the .bib files' bytes and the package's
    source (the styles live in :mod:`pmcj.sphinxext.citations`).
    """
    from pmcj.fingerprints import package_fingerprint

    digest = hashlib.sha256(package_fingerprint().encode())
    for path in bibfiles:
        digest.update(b"\0" + path.read_bytes())
    remembered = BIBLIOGRAPHY_CACHE / f"{digest.hexdigest()[:16]}.json"
    try:
        saved = json.loads(remembered.read_text(encoding="utf-8"))
        labels = {key: (author, year) for key, (author, year) in saved["labels"].items()}
        return Bibliography(labels, saved["entries"], tuple(saved["order"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    bibliography = format_bibliography(bibfiles)
    entries = {key: bibliography.entries[key] for key in bibliography.entries}
    saved = {"labels": bibliography.labels, "entries": entries, "order": bibliography.order}
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
        remembered.parent.mkdir(parents=True, exist_ok=True)
        for old in remembered.parent.glob("*.json"):
            old.unlink(missing_ok=True)
        partial = remembered.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
        partial.replace(remembered)
    return Bibliography(bibliography.labels, entries, bibliography.order)


def format_bibliography(bibfiles: tuple[Path, ...]) -> Bibliography:
    """Labels and entries from the same pybtex styles the site registers (loaded only here)."""
    from pybtex.database import BibliographyData, parse_file
    from pybtex.plugin import find_plugin

    from pmcj.sphinxext import citations

    data = BibliographyData()
    for path in bibfiles:
        for key, entry in parse_file(str(path)).entries.items():
            data.add_entry(key, entry)
    citations.YEAR_LETTERS.clear()
    citations.YEAR_LETTERS.update(citations.year_letters(data.entries.values()))
    labels: dict[str, tuple[str, str]] = {}
    for key, entry in data.entries.items():
        names = citations.cited_as(entry)
        shown = shown_surnames(entry)  # as the site prints them: "Saldaña", "O'Connor"
        if names and names[0] == "title":
            author = citations.plain(entry.fields.get("title", key))
        elif len(names) == 2 and names[1] == "et al.":
            author = f"{shown[0]} *et al.*"
        else:
            author = " and ".join(shown[: len(names)])
        labels[key] = (author, citations.dated(entry))
    style = find_plugin("pybtex.style.formatting", citations.LIST_STYLE)()
    order = tuple(entry.key for entry in style.sort(data.entries.values()))
    entries = FormattedEntries(data.entries, style, find_plugin("pybtex.backends", "markdown")())
    return Bibliography(labels, entries, order)


class FormattedEntries(Mapping[str, str]):
    """Reference-list entries in Markdown, each formatted when first asked for.

    A notebook lists only the works it cites; formatting all of references.bib for every
    converted notebook took half a second of each rebuild (profiled on 2026-11-29).
    """

    def __init__(self, entries: Mapping[str, Any], style: Any, backend: Any) -> None:
        self._entries, self._style, self._backend = entries, style, backend
        self._done: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        if key not in self._done:
            entry = self._entries[key]  # KeyError for an unknown key, as a dict would
            formatted = next(iter(self._style.format_entries([entry])))
            self._done[key] = " ".join(formatted.text.render(self._backend).split())
        return self._done[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


# --- one notebook's conversion ---------------------------------------------------------------


def generated_markdown() -> dict[str, Callable[[], str]]:
    """The book's own directives that write Markdown from the data (see pmcj.sphinxext)."""
    from pmcj.data import docs

    return {
        "pmcj-data-sizes": docs.sizes_markdown,
        "pmcj-tendencies": docs.tendencies_markdown,
        "pmcj-codebook": docs.codebook_markdown,
        "pmcj-data-dictionary": docs.dictionary_markdown,
    }


REFI_NOTE = (
    "The REFI-QDA codebook (`.qdc`) and project (`.qdpx`) of these data are downloads on this "
    "page of the book's website; in a copy of the book's repository, `make export` writes them."
)


@dataclass
class Conversion:
    """One page converted cell by cell: what it cited and which glossary terms it used."""

    book: Book
    source: Path
    glue: dict[str, dict[str, Any]] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @property
    def docname(self) -> str:
        return self.book.docname(self.source)

    @property
    def where(self) -> str:
        return f"{self.docname}.md"

    # - blocks -

    def markdown(self, text: str) -> str:
        """One Markdown cell (or a directive's body) as plain Markdown."""
        converted = "\n".join(self.blocks(text.split("\n"))).strip("\n")
        return re.sub(r"\n(?:[ \t]*\n){2,}", "\n\n", converted)

    def blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.extend(self.inline("\n".join(paragraph)).split("\n"))
                paragraph.clear()

        index = 0
        while index < len(lines):
            line = lines[index]
            opening = FENCE.match(line)
            if opening:
                flush()
                end = closing_line(lines, index, opening.group("fence"))
                body = lines[index + 1 : end]
                info = opening.group("info")
                directive = DIRECTIVE.match(info)
                if directive:
                    out.extend(
                        self.directive(directive.group("name"), directive.group("argument"), body)
                    )
                elif opening.group("fence")[0] == ":":
                    raise ConversionError(f"{self.where}: a ':::' block without a directive name")
                else:
                    out.extend(lines[index : end + 1])
                index = end + 1
                continue
            if LABEL.match(line) or COMMENT.match(line) or line.strip() == "+++":
                flush()
                index += 1
                continue
            if (
                line.strip()
                and index + 1 < len(lines)
                and lines[index + 1].startswith(": ")
                and not paragraph
            ):
                # A definition list item (MyST's deflist): the term in bold, then its definition.
                definition = lines[index + 1][2:]
                paragraph.append(f"**{line.strip()}**: {definition}")
                index += 2
                continue
            paragraph.append(line)
            index += 1
        flush()
        return out

    def directive(self, name: str, argument: str, body: list[str]) -> list[str]:
        options, content = split_options(body)
        if name in ADMONITIONS:
            title = argument if name == "admonition" else ADMONITIONS[name]
            if not title:
                raise ConversionError(f"{self.where}: an admonition without a title")
            return quoted(f"**{self.inline(title)}**", self.markdown("\n".join(content)))
        if name in ("exercise-start", "exercise"):
            label = options.get("label", "")
            heading = self.book.labels.get(label) or exercise_name(label, 0)
            title = f"{heading}: {self.inline(argument)}" if argument else heading
            lines = ["", f"## {title}", ""]
            return lines + self.blocks(content) if content else lines
        if name in ("solution-start", "solution"):
            label = argument.strip()
            heading = self.book.labels.get(f"solution:{label}") or "Solution"
            return ["", f"### {heading}", "", *self.blocks(content)]
        if name in ("exercise-end", "solution-end"):
            return []
        if name == "instructor-only":  # a page for lecturers: its body, as it stands
            return self.blocks(content)
        if name in INSTRUCTOR_TITLES:
            title = seminar_title(options.get("minutes")) if name == "seminar-plan" else None
            title = title or INSTRUCTOR_TITLES[name]
            return quoted(f"**{title}**", self.markdown("\n".join(content)))
        if name in ("code", "code-block", "sourcecode"):
            return [f"```{argument.strip()}", *content, "```"]
        if name == "math":
            return ["$$", *content, "$$"]
        generated = generated_markdown()
        if name in generated:
            return ["", *self.markdown(generated[name]()).split("\n"), ""]
        if name == "pmcj-refi-downloads":
            return quoted("**Downloads**", REFI_NOTE)
        raise ConversionError(
            f"{self.where}: no conversion for the {{{name}}} directive into plain Markdown; add "
            "one in pmcj/myst.py (students would otherwise see it as raw text)"
        )

    # - inline -

    def inline(self, text: str) -> str:
        """Replace the roles in a stretch of text, leaving code spans as they are."""

        def replace(match: re.Match[str]) -> str:
            if match.group("code"):
                return match.group(0)
            return self.role(match.group("name"), match.group("body"))

        return ROLE_OR_CODE.sub(replace, text)

    def role(self, name: str, body: str) -> str:
        explicit = EXPLICIT.match(body)
        text, target = ("", body)
        if explicit:
            text, target = explicit.group("text"), explicit.group("target")
        if name.startswith("cite"):
            keys = [key.strip() for key in body.split(",") if key.strip()]
            for key in keys:
                if key not in self.cited:
                    self.cited.append(key)
            return self.book.bibliography.cite(name, keys, self.where)
        if name == "term":
            entry = self.book.glossary.get(target.strip().lower())
            if entry is None:
                raise ConversionError(f"{self.where}: {target!r} is not in the glossary")
            if entry.term not in self.terms:
                self.terms.append(entry.term)
            return text or target
        if name in ("glue:text", "glue:", "glue", "glue:any", "glue:md"):
            return self.glued(name, body)
        if name in ("ref", "numref"):
            label = target.strip()
            shown = text or self.book.labels.get(label)
            if shown is None:
                raise ConversionError(f"{self.where}: {{{name}}} to an unknown label {label!r}")
            return shown
        if name == "doc":
            return self.doc(text, target.strip())
        if name == "kbd":
            return f"<kbd>{body}</kbd>"
        if name in ("sub", "sup"):
            return f"<{name}>{body}</{name}>"
        if name == "math":
            return f"${body}$"
        if name in ("abbr", "download", "file", "samp", "command", "program", "guilabel"):
            return text or target
        raise ConversionError(
            f"{self.where}: no conversion for the {{{name}}} role into plain Markdown; add one in "
            "pmcj/myst.py (students would otherwise see it as raw text)"
        )

    def glued(self, name: str, body: str) -> str:
        """The value a glue role shows on the page, from the executed notebook's glue outputs."""
        from myst_nb.core.variables import format_plain_text

        if name == "glue:text":
            parts = body.rsplit(":", 1)
            key, spec = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s")
        else:
            key, spec = body, ""
        if "::" in key:
            raise ConversionError(f"{self.where}: glue from another page ({body}) is not supported")
        if key not in self.glue:
            raise ConversionError(
                f"{self.where}: nothing was glued under {key!r} when the notebook ran"
            )
        data = self.glue[key]
        if name == "glue:md":
            if "text/markdown" not in data:
                raise ConversionError(f"{self.where}: {key!r} has no Markdown to paste")
            return self.inline(str(data["text/markdown"]))
        plain = str(data.get("text/plain", ""))
        return format_plain_text(plain, spec) if name == "glue:text" else plain

    def doc(self, text: str, target: str) -> str:
        base = PurePosixPath(self.docname).parent
        path = PurePosixPath(target.lstrip("/")) if target.startswith("/") else base / target
        docname = normalise_path(path.with_suffix("") if path.suffix == ".md" else path)
        if docname not in self.book.titles:
            raise ConversionError(f"{self.where}: {{doc}} to an unknown page {target!r}")
        shown = text or self.book.titles[docname]
        if docname in self.book.downloads:
            return f"[{shown}]({self.book.downloads[docname]})"
        if self.book.site_url:
            return f"[{shown}]({self.book.site_url}/{docname}.html)"
        title = self.book.titles[docname]
        if re.sub(r"^the ", "", shown.lower()) == title.lower():
            return shown
        return f"{shown} (on the book's page *{title}*)"

    # - the end of the notebook -

    def appendix(self) -> list[str]:
        """Markdown cells for the end: the glossary of terms used, then the references."""
        cells = []
        if self.terms:
            entries = [self.book.glossary[term.lower()] for term in self.terms]
            entries.sort(key=lambda entry: entry.term.lower())
            lines = ["## Glossary", "", "The book's definitions of the terms this notebook uses."]
            # Definitions link as the glossary page does: convert them from its place in the book.
            page = next((n for n in self.book.titles if n.endswith("glossary")), self.docname)
            from_glossary = Conversion(
                self.book, self.book.root / f"{page}.md", self.glue, self.cited, self.terms
            )
            for entry in entries:
                definition = " ".join(from_glossary.markdown(entry.definition).split())
                lines += ["", f"**{entry.term}**: {definition}"]
            cells.append("\n".join(lines))
        if self.cited:
            bibliography = self.book.bibliography
            keys = [key for key in bibliography.order if key in self.cited]
            lines = ["## References", ""]
            lines += [f"- {bibliography.entries[key]}" for key in keys]
            cells.append("\n".join(lines))
        return cells


def normalise_path(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def closing_line(lines: list[str], start: int, fence: str) -> int:
    """The index of the line that closes the fence opened at ``start`` (or the last line).

    A backtick or tilde fence closes at the first bare fence at least as long (CommonMark); a
    colon fence can hold nested colon directives, each closed in turn (MyST's colon_fence).
    """
    char, length, depth = fence[0], len(fence), 0
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {char} and len(stripped) >= length:
            if depth == 0:
                return index
            depth -= 1
        elif char == ":" and re.match(r"^:{3,}\{", stripped):
            depth += 1
    return len(lines)


def split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's ``:key: value`` lines (or YAML block) and the content after them."""
    options: dict[str, str] = {}
    index = 0
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
        block = yaml.safe_load("\n".join(body[1:end])) or {}
        options = {str(key): str(value) for key, value in block.items()}
        index = end + 1
    while index < len(body):
        match = OPTION.match(body[index])
        if not match:
            break
        options[match.group("key")] = match.group("value").strip()
        index += 1
    return options, body[index:]


def seminar_title(minutes: object) -> str:
    """The seminar plan's title, with its length in minutes when the plan gives one."""
    title = INSTRUCTOR_TITLES["seminar-plan"]
    return f"{title}: {minutes} minutes" if minutes else title


def quoted(title: str, body: str) -> list[str]:
    """A block quote under a bold title: how Jupyter can mark an admonition without MyST."""
    lines = [title, "", *body.split("\n")] if body.strip() else [title]
    return ["", *[f"> {line}".rstrip() for line in lines], ""]
