"""Author-date (Harvard) citations and an alphabetical reference list, in both editions.

Criminology students are taught Harvard referencing: "Buck (2018)" in a sentence, "(Buck, 2018)"
after one, and a reference list in alphabetical order that starts each entry with the author and
the year. sphinxcontrib-bibtex's own ``author_year`` style wrote "Buck [2018]" next to a list
numbered [1] to [49], which matches neither. This module registers two styles, chosen in
``_config.yml``:

* ``pmcj_author_year`` (``bibtex_reference_style``): round brackets, "; " between works in one
  parenthesis, "and" between two authors, "et al." for three or more, and the year with its
  letter where one is needed;
* ``pmcj_harvard`` (``bibtex_default_style``): entries sorted by author, year and letter, each
  written "Buck, G. (2016a) 'Title', *Journal*, 58(3), pp. 276–297. doi:...". The list's
  numbers stay in the HTML (sphinxcontrib-bibtex links citations to them) but are not shown.

Two works with the same authors, as cited, and the same year get letters in the order of their
titles: ``buck2016wanted`` is Buck (2016a) and ``buck2016tug`` Buck (2016b). The letters are worked
out once, over the whole ``references.bib``, so a work has the same letter in the text, in "Works
cited" and in "Further reading", whichever of them lists it.
"""

from __future__ import annotations

import codecs
import re
import string
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import latexcodec  # noqa: F401 (registers the "ulatex" codec that plain() decodes with)
import pybtex.plugin
from pybtex.database import Entry
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import (
    field as bib_field,
)
from pybtex.style.template import (
    first_of,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import (
    BaseReferenceStyle,
    BracketStyle,
    GroupReferenceStyle,
    PersonStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

REFERENCE_STYLE = "pmcj_author_year"
LIST_STYLE = "pmcj_harvard"
SORTING_STYLE = "pmcj_author_year_title"
NO_DATE = "n.d."

# key -> letter ("a", "b", ...) for works that would otherwise be cited identically.
YEAR_LETTERS: dict[str, str] = {}


def surnames(entry: Entry) -> tuple[str, ...]:
    """The surnames (or organisation names) of a work's authors, or failing that its editors."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return tuple(plain(" ".join(person.prelast_names + person.last_names)) for person in people)


def plain(text: str) -> str:
    """A BibTeX string as plain text, for showing and comparing: LaTeX accents decoded as the site
    shows them ("Salda{\\~n}a" is "Saldaña"), then braces, quotes and other commands dropped."""
    text = codecs.decode(text, "ulatex")
    text = re.sub(r"\\[a-zA-Z]+\s*|[{}\\`'\"]", "", text)
    return " ".join(text.split())


def cited_as(entry: Entry) -> tuple[str, ...]:
    """What the text shows for a work's authors: one or two surnames, or the first "et al."."""
    people = surnames(entry)
    if not people:
        return ("title", plain(entry.fields.get("title", "")).lower())
    if people[-1] == "others":  # BibTeX's "and others" is cited "et al." whatever comes before
        return (people[0], "et al.")
    return people if len(people) <= 2 else (people[0], "et al.")


def title_key(entry: Entry) -> str:
    text = plain(entry.fields.get("title", "")).lower()
    return "".join(ch for ch in text if ch.isalnum() or ch == " ").strip()


def year_letters(entries: Iterable[Entry]) -> dict[str, str]:
    """Letters for works with the same cited authors and year, in the order of their titles."""
    groups: dict[tuple[Any, ...], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(cited_as(entry), entry.fields.get("year", NO_DATE))].append(entry)
    letters: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        for letter, entry in zip(
            string.ascii_lowercase, sorted(group, key=title_key), strict=False
        ):
            letters[entry.key] = letter
    return letters


def dated(entry: Entry) -> str:
    """A work's year with its letter, as cited and listed: "2016a"."""
    return entry.fields.get("year", NO_DATE) + YEAR_LETTERS.get(entry.key, "")


@node
def year_with_letter(children: list[Any], data: dict[str, Any]) -> Text:
    """Template node: the year and letter of the entry being formatted."""
    assert not children
    return Text(dated(data["entry"]))


def people(entry: Entry, role: str) -> tuple[list[Any], bool]:
    """A role's persons without BibTeX's "and others", and whether it was there."""
    persons = list(entry.persons.get(role, []))
    others = bool(persons) and str(persons[-1]) == "others"
    return (persons[:-1] if others else persons), others


def joined_names(parts: list[Any], others: bool, short: bool) -> Text:
    """ "A", "A and B", "A, B and C"; "A et al." for three or more (or "and others") if short."""
    if not parts:
        return Text()
    if short and (others or len(parts) >= 3):
        return Text(parts[0], " et al.")
    if others:
        return Text(Text(", ").join(parts), " et al.")
    if len(parts) == 1:
        return Text(parts[0])
    return Text(Text(", ").join(parts[:-1]), " and ", parts[-1])


@node
def listed_names(children: list[Any], data: dict[str, Any], role: str) -> Text:
    """Reference-list names: "Buck, G., Tomczak, P. and Quinn, K.", every author listed."""
    assert not children
    persons, others = people(data["entry"], role)
    style = data["style"]
    parts = [style.format_name(p, style.abbreviate_names).format_data(data) for p in persons]
    return joined_names(parts, others, short=False)


@node
def cited_names(children: list[Any], data: dict[str, Any], full: bool = False) -> Text:
    """In-text names: "Buck", "Tomczak and Buck", "Buck et al." (all of them if ``full``)."""
    assert not children
    entry = data["entry"]
    role = "author" if entry.persons.get("author") else "editor"
    persons, others = people(entry, role)
    if not persons:
        return tag("em")[bib_field("title")].format_data(data)
    style = data["style"].person
    parts = [style.style_plugin.format(p, style.abbreviate).format_data(data) for p in persons]
    return joined_names(parts, others, short=not full)


# --- the reference list ------------------------------------------------------------------------


class AuthorYearTitleSorting(BaseSortingStyle):
    """Alphabetical by author (or by title, for a work without one), then year and letter."""

    def sorting_key(self, entry: Entry) -> tuple[str, str, str]:
        # BibTeX's "and others" is listed as "et al.", so it sorts as the reader sees it:
        # "Corcoran, M. S. et al." comes before "Corcoran, M. S., Maguire, M. and ...".
        people = ["et al." if name == "others" else name for name in surnames(entry)]
        first = " ".join(people).lower() if people else title_key(entry)
        return (first, dated(entry), title_key(entry))


pages = bib_field("pages", apply_func=lambda text: Text(Symbol("ndash")).join(text.split("-")))


class HarvardStyle(UnsrtStyle):
    """Reference-list entries in the Harvard form: author, (year), title, where published."""

    default_name_style = "lastfirst"
    default_sorting_style = SORTING_STYLE
    default_label_style = "number"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("abbreviate_names", True)
        super().__init__(**kwargs)

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        formatted = listed_names(role=role)
        return sentence[formatted] if as_sentence else formatted

    def head(self, e: Entry) -> Any:
        """ "Buck, G. (2016a)", or the title in italics for a work without author or editor."""
        if "author" in e.persons:
            who = self.format_names("author", as_sentence=False)
        elif "editor" in e.persons:
            who = join[self.format_names("editor", as_sentence=False), " (ed.)"]
        else:
            who = tag("em")[bib_field("title")]
        return words[who, join["(", year_with_letter, ")"]]

    def titled(self, e: Entry, italic: bool) -> Any:
        """The title, unless the head already gave it (a work with no author)."""
        if "author" not in e.persons and "editor" not in e.persons:
            return None
        title = bib_field("title")
        return tag("em")[title] if italic else join["\u2018", title, "\u2019"]

    def web(self, e: Entry) -> Any:
        """ "doi: 10.1093/..." linked to doi.org, or "Available at: <url>"."""
        doi = bib_field("doi", raw=True)
        url = bib_field("url", raw=True)
        return first_of[
            optional[join["doi: ", href(join["https://doi.org/", doi])[doi]]],
            optional[join["Available at: ", href(url)[url]]],
        ]

    def entry(self, e: Entry, *parts: Any) -> Any:
        return toplevel[
            words[self.head(e), sentence(sep=", ")[tuple(p for p in parts if p is not None)]],
            sentence(add_period=True)[self.web(e)],
        ]

    def get_article_template(self, e: Entry) -> Any:
        issue = first_of[
            optional[join[bib_field("volume"), optional["(", bib_field("number"), ")"]]],
            optional[join["(", bib_field("number"), ")"]],
        ]
        return self.entry(
            e,
            self.titled(e, italic=False),
            tag("em")[bib_field("journal")],
            issue,
            optional[join["pp. ", pages]],
        )

    def get_book_template(self, e: Entry) -> Any:
        return self.entry(
            e,
            self.titled(e, italic=True),
            optional[words[bib_field("edition"), "edn"]],
            join(sep=": ")[optional_field("address"), bib_field("publisher")],
        )

    def get_incollection_template(self, e: Entry) -> Any:
        return self.entry(
            e,
            self.titled(e, italic=False),
            words["in", optional[join[self.format_names("editor", False), " (eds)"]]],
            tag("em")[bib_field("booktitle")],
            join(sep=": ")[optional_field("address"), optional_field("publisher")],
            optional[join["pp. ", pages]],
        )

    def get_techreport_template(self, e: Entry) -> Any:
        return self.entry(
            e,
            self.titled(e, italic=True),
            optional[words[bib_field("type"), optional_field("number")]],
            join(sep=": ")[optional_field("address"), bib_field("institution")],
        )

    def get_misc_template(self, e: Entry) -> Any:
        return self.entry(e, self.titled(e, italic=True), optional_field("howpublished"))

    def get_phdthesis_template(self, e: Entry) -> Any:
        return self.entry(e, self.titled(e, italic=True), "PhD thesis", optional_field("school"))

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> Any:
        """Entry types without a Harvard template of their own are written as a report."""
        if not hasattr(self, f"get_{entry.type}_template"):
            entry = Entry("misc", fields=entry.fields, persons=entry.persons)
        return super().format_entry(label, entry, bib_data=bib_data)


# --- citations in the text ---------------------------------------------------------------------

ROUND = BracketStyle(left="(", right=")", sep="; ", sep2=None, last_sep=None)
HARVARD_PEOPLE = PersonStyle(sep=", ", sep2=" and ", last_sep=" and ", other=Text(" et al."))


@dataclass
class HarvardParenthetical(BaseReferenceStyle):
    """``{cite:p}``: "(Buck, 2016a; Tomczak and Buck, 2019b)"."""

    bracket: BracketStyle = field(default_factory=lambda: ROUND)
    person: PersonStyle = field(default_factory=lambda: HARVARD_PEOPLE)

    def role_names(self) -> Iterable[str]:
        return [f"{alt}p{full}" for alt in ["", "al"] for full in ["", "s"]]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets="al" not in role_name, capfirst=False)

    def inner(self, role_name: str) -> Any:
        return join2(sep1=" ", sep2=", ")[
            pre_text,
            reference[
                join(sep=", ")[
                    cited_names(full="s" in role_name),
                    year_with_letter,
                ]
            ],
            post_text,
        ]


@dataclass
class HarvardTextual(BaseReferenceStyle):
    """``{cite:t}``: "Buck (2016a)"; two works: "Buck (2016a) and Tomczak and Buck (2019b)"."""

    bracket: BracketStyle = field(
        default_factory=lambda: BracketStyle(left="(", right=")", sep2=" and ", last_sep=" and ")
    )
    person: PersonStyle = field(default_factory=lambda: HARVARD_PEOPLE)

    def role_names(self) -> Iterable[str]:
        return [f"{cap}t{full}" for cap in ["", "c"] for full in ["", "s"]]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name: str) -> Any:
        return join(sep=" ")[
            cited_names(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=" ", sep2=", ")[pre_text, reference[year_with_letter], post_text],
                self.bracket.right,
            ],
        ]


@dataclass
class HarvardAuthor(ExtraAuthorReferenceStyle):
    """``{cite:author}`` and its variants: "Buck et al.", with the book's "et al." rule."""

    def inner(self, role_name: str) -> Any:
        return reference[cited_names(full="s" in role_name)]


@dataclass
class HarvardYear(BaseReferenceStyle):
    """``{cite:year}`` and ``{cite:yearpar}``: "2016a" and "(2016a)"."""

    bracket: BracketStyle = field(default_factory=lambda: ROUND)

    def role_names(self) -> Iterable[str]:
        return ["year", "yearpar"]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets="par" in role_name, capfirst=False)

    def inner(self, role_name: str) -> Any:
        return reference[year_with_letter]


@dataclass
class HarvardReferenceStyle(GroupReferenceStyle):
    """The book's in-text citations: every ``{cite:...}`` role in the Harvard form."""

    #: The name templates read the person style from the group (as sphinxcontrib-bibtex's do).
    person: PersonStyle = field(default_factory=lambda: HARVARD_PEOPLE)

    def __post_init__(self) -> None:
        self.styles.extend(
            [
                HarvardParenthetical(),
                HarvardTextual(),
                HarvardAuthor(bracket=ROUND, person=HARVARD_PEOPLE),
                ExtraLabelReferenceStyle(bracket=ROUND),
                HarvardYear(),
                ExtraEmptyReferenceStyle(),
            ]
        )
        super().__post_init__()


# sphinxcontrib-bibtex looks styles up by name when its builder starts, so they are registered
# as soon as this module is imported (Jupyter Book loads the extensions first).
register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE, HarvardReferenceStyle)
pybtex.plugin.register_plugin("pybtex.style.formatting", LIST_STYLE, HarvardStyle)
pybtex.plugin.register_plugin("pybtex.style.sorting", SORTING_STYLE, AuthorYearTitleSorting)


def remembered(find: Callable[..., Any]) -> Callable[..., Any]:
    """pybtex's plugin lookup, remembering each answer for the rest of the build.

    Each lookup of a plugin not registered above scans the metadata of every installed package;
    sphinxcontrib-bibtex looks the plain-text backend up once per citation on every page it
    writes (52 lookups, about a second of a prose rebuild, profiled on 2026-11-29). Plugins do
    not change during a build. A lookup that fails is not remembered.
    """
    if getattr(find, "pmcj_remembered", False):
        return find
    answers: dict[tuple[Any, ...], Any] = {}

    def lookup(plugin_group: str, name: Any = None, filename: Any = None) -> Any:
        key = (plugin_group, name, filename)
        if key not in answers:
            answers[key] = find(plugin_group, name, filename)
        return answers[key]

    lookup.pmcj_remembered = True  # type: ignore[attr-defined]
    return lookup


# sphinxcontrib-bibtex calls it as ``pybtex.plugin.find_plugin``, so replacing the module's
# attribute is enough; the styles are registered first, so they are what it remembers.
pybtex.plugin.find_plugin = remembered(pybtex.plugin.find_plugin)


def read_year_letters(app: Sphinx) -> None:
    """Work out the year letters from the book's .bib files before any page is read.

    It runs just after sphinxcontrib-bibtex has loaded the .bib files (which it keeps parsed
    between builds), and reads its entries: parsing references.bib a second time here cost every
    rebuild about 0.1 s (profiled on 2026-11-30).
    """
    entries = app.env.get_domain("cite").bibdata.data.entries  # type: ignore[attr-defined]
    YEAR_LETTERS.clear()
    YEAR_LETTERS.update(year_letters(entries.values()))


def setup_citations(app: Sphinx) -> None:
    """Connect the year letters after sphinxcontrib-bibtex's own handler (the default 500)."""
    app.connect("builder-inited", read_year_letters, priority=600)
