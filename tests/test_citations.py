"""Author-date (Harvard) citations in the text and an alphabetical reference list, both editions.

Criminology students expect "Buck (2018)", "(Buck, 2018)" and a reference list in alphabetical
order, not "Buck [2018]" beside a list numbered [1] to [49]. Two works by the same authors in
the same year must be told apart (2016a, 2016b) the same way in the text and in the list. The
styles are in :mod:`pmcj.sphinxext.citations`; these tests check the rules on the book's own
``references.bib`` and every citation in both built editions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_file
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from pmcj.paths import ROOT
from pmcj.sphinxext import citations
from tests.build_support import built_html, built_instructor_html

BIB = ROOT / "references.bib"
CITATION = re.compile(r'<span class="bibtex-citation" id="[^"]+">(.*?)</span>', re.DOTALL)
LINK = re.compile(
    r'<a class="reference internal" href="(?:\.\./)*bibliography\.html#([\w-]+)"[^>]*>([^<]*)</a>'
)
ENTRY = re.compile(
    r'<div class="citation" id="([\w-]+)" role="listitem">\s*<span class="label">.*?</span>\s*'
    r"<p>(.*?)</p>",
    re.DOTALL,
)
SECTION = re.compile(r'<section id="(works-cited|further-reading)">(.*?)</section>', re.DOTALL)
HEAD = re.compile(r"^(?P<who>.+?) \((?P<year>\d{4}[a-z]?|n\.d\.)\)")
DATED = re.compile(r"(\d{4}[a-z]?|n\.d\.)$")


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


@pytest.fixture(scope="module")
def bib() -> Iterator[BibliographyData]:
    data = parse_file(str(BIB))
    saved = dict(citations.YEAR_LETTERS)
    citations.YEAR_LETTERS.clear()
    citations.YEAR_LETTERS.update(citations.year_letters(data.entries.values()))
    yield data
    citations.YEAR_LETTERS.clear()
    citations.YEAR_LETTERS.update(saved)


def cite(bib: BibliographyData, role: str, *keys: str, pre: str = "", post: str = "") -> str:
    """A citation as the book's reference style writes it, as plain text."""
    info = SphinxReferenceInfo(None, "", "", "", None, pre, post)  # type: ignore[arg-type]
    style = citations.HarvardReferenceStyle()
    refs = [(bib.entries[key], None, info) for key in keys]
    return str(format_references(style.role_style[role], role, refs))  # type: ignore[arg-type]


def listed(bib: BibliographyData, key: str) -> str:
    return citations.HarvardStyle().format_entry("1", bib.entries[key]).text.render_as("text")


def test_works_by_the_same_authors_in_the_same_year_get_letters_by_title(
    bib: BibliographyData,
) -> None:
    letters = citations.YEAR_LETTERS
    assert (letters["buck2016wanted"], letters["buck2016tug"]) == ("a", "b")
    assert (letters["buck2021mentoring"], letters["buck2021peer"]) == ("a", "b")
    assert (letters["tomczak2019criminal"], letters["tomczak2019penal"]) == ("a", "b")
    assert (letters["moj2013revolution"], letters["moj2013strategy"]) == ("a", "b")
    # Buck, Tomczak and Quinn (2021) is cited as "Buck et al. (2021)": no clash with Buck (2021a).
    assert "buck2021feels" not in letters
    assert "tomczak2019inclusionary" not in letters  # Tomczak and Thompson, not Tomczak and Buck


def test_citations_in_the_text_are_author_date(bib: BibliographyData) -> None:
    assert cite(bib, "t", "buck2018core") == "Buck (2018)"
    assert cite(bib, "p", "buck2018core") == "(Buck, 2018)"
    assert cite(bib, "p", "buck2018core", pre="see", post="p. 191") == "(see Buck, 2018, p. 191)"
    assert cite(bib, "t", "buck2016wanted") == "Buck (2016a)"
    assert cite(bib, "p", "buck2016tug") == "(Buck, 2016b)"
    assert cite(bib, "p", "buck2016wanted", "tomczak2019penal") == (
        "(Buck, 2016a; Tomczak and Buck, 2019b)"
    )
    assert cite(bib, "t", "buck2021peer", "hucklesby2014assistance") == (
        "Buck (2021b) and Hucklesby and Wincup (2014)"
    )
    assert cite(bib, "t", "buck2021feels") == "Buck et al. (2021)"
    assert cite(bib, "ts", "buck2021feels") == "Buck, Tomczak and Quinn (2021)"
    assert cite(bib, "t", "corcoran2018penal") == "Corcoran et al. (2018)"  # "and others"
    assert cite(bib, "author", "corcoran2018penal") == "Corcoran et al."
    # The downloads label works from cited_as: "and others" is "et al." there too.
    assert citations.cited_as(bib.entries["corcoran2018penal"]) == ("Corcoran", "et al.")
    assert cite(bib, "yearpar", "moj2013strategy") == "(2013b)"


def test_reference_list_entries_start_with_author_and_year(bib: BibliographyData) -> None:
    assert listed(bib, "buck2016wanted").startswith(
        "Buck, G. (2016a) \u2018I wanted to feel the way they did:"
    )
    assert listed(bib, "tomczak2019penal") == (
        "Tomczak, P. and Buck, G. (2019b) \u2018The Penal Voluntary Sector: A Hybrid "
        "Sociology\u2019, The British Journal of Criminology, 59(4), pp. 898\u2013918. "
        "doi: 10.1093/bjc/azy070."
    )
    assert listed(bib, "krippendorff2019content") == (
        "Krippendorff, K. (2019) Content Analysis: An Introduction to Its Methodology, 4th edn, "
        "Thousand Oaks, CA: SAGE Publications."
    )
    assert listed(bib, "corcoran2018penal").startswith("Corcoran, M. S. et al. (2018) ")
    assert listed(bib, "ora2014").startswith("Offender Rehabilitation Act 2014 (2014) UK Public")


def test_reference_list_is_alphabetical_by_author_then_year(bib: BibliographyData) -> None:
    style = citations.HarvardStyle()
    ordered = [entry.key for entry in style.sort(bib.entries.values())]
    assert ordered.index("buck2016wanted") < ordered.index("buck2016tug")
    assert ordered.index("buck2021peer") < ordered.index("buck2021feels")
    assert ordered.index("buck2021mentoring") < ordered.index("buck2021peer")
    # A work without an author goes under its title: O'Connor < Offender Rehabilitation Act.
    assert ordered.index("oconnor2020intercoder") < ordered.index("ora2014")
    assert ordered.index("ora2014") < ordered.index("paternoster2009desistance")
    # "and others" sorts as the "et al." the list shows, before a named second author.
    assert ordered.index("corcoran2018penal") < ordered.index("corcoran2019alice")


def built_sites() -> list[tuple[str, Path]]:
    return [("student", built_html()), ("instructor", built_instructor_html())]


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_built_reference_lists_are_harvard_and_alphabetical(edition: str) -> None:
    site = dict(built_sites())[edition]
    page = (site / "bibliography.html").read_text(encoding="utf-8")
    sections = dict(SECTION.findall(page))
    assert "works-cited" in sections, "the works-cited section must stay"
    # Every work in references.bib is listed. Once the book cites them all (Chapter 5 cited the
    # last), the page has no "Further reading" section; a work added but not yet cited needs one
    # again (a bibliography directive with ':filter: not cited'), or it would be listed nowhere.
    total = sum(len(ENTRY.findall(body)) for body in sections.values())
    assert total == len(parse_file(str(BIB)).entries), (
        "not every work in references.bib is listed on the bibliography page: cite it, or give "
        "the page a 'Further reading' section for works not yet cited"
    )
    for name, body in sections.items():
        entries = [text(entry) for _, entry in ENTRY.findall(body)]
        assert entries, f"{name}: no entries"
        heads = [HEAD.match(entry) for entry in entries]
        bad = [entry for entry, head in zip(entries, heads, strict=True) if head is None]
        assert not bad, f"{name}: entries not starting 'Author (year)': {bad[:3]}"
        assert _by_author(entries) == entries, f"{name} ({edition}) is not in alphabetical order"
    listing = text(page)
    assert "Buck, G. (2016a)" in listing and "Buck, G. (2016b)" in listing
    assert "Buck, G. (2021a)" in listing and "Buck, G. (2021b)" in listing


def _by_author(entries: list[str]) -> list[str]:
    """Entries in Harvard order: author names, then the year and its letter."""

    def key(entry: str) -> tuple[str, str]:
        match = HEAD.match(entry)
        assert match
        who = re.sub(r"\b[A-Z]\. ?", "", match.group("who")).replace(",", " ")
        return (" ".join(who.lower().replace("'", "").split()), match.group("year"))

    return sorted(entries, key=key)


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_citation_is_author_date_and_matches_its_entry(edition: str) -> None:
    """No "[...]" anywhere; the year and letter in the text are the listed entry's."""
    site = dict(built_sites())[edition]
    entries = {
        ident: text(body)
        for ident, body in ENTRY.findall((site / "bibliography.html").read_text(encoding="utf-8"))
    }
    checked = 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        source = page.read_text(encoding="utf-8")
        for citation in CITATION.findall(source):
            shown = text(citation)
            assert "[" not in shown and "]" not in shown, f"{page.name}: {shown}"
            for ident, label in LINK.findall(citation):
                year = DATED.search(text(label))
                assert year, f"{page.name}: citation {shown!r} has no year"
                head = HEAD.match(entries[ident])
                assert head and head.group("year") == year.group(1), (
                    f"{page.name}: {shown!r} links to {entries[ident][:60]!r}"
                )
                checked += 1
    assert checked > 50, f"only {checked} citations found in the {edition} edition"
