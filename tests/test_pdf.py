"""The printed book (issue 18): the PDFs that `make pdf` writes, read back with pypdf.

For each edition: the PDF opens; its pages are A4 and within the expected count; it has a
bookmark for every page in _toc.yml, under its part, in the order of _toc.yml, each pointing at a
page that starts with that page's title; the contents list gives the same page numbers as the
bookmarks; every link into the book lands on a page of the PDF (none points at the server it was
printed from); the title page names the edition. The student PDF holds no worked solution and no
instructor note, by their headings and by phrases found only inside them in the sources; the
instructor PDF holds every worked solution.

Making the PDFs takes minutes, so these run in `make pdf-test` (after `make pdf`), not in
`make test`; tests/test_print.py checks a printed chapter in seconds within `make test`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import pytest

from pmcj.editions import pdf_path
from pmcj.pages import page_title, toc_outline
from pmcj.paths import ROOT
from tests.chapter_support import SMART_QUOTES, hidden_blocks, normalise, probes

pytestmark = pytest.mark.pdf

EDITIONS = ("student", "instructor")
POINTS_PER_MM = 72 / 25.4
MAX_PAGES_PER_PAGE = 60  # Chapter 4, the longest, prints to about 50 (its charts' numbers)
ROOT_TITLE = "About this book"


@cache
def reader(edition: str) -> Any:
    from pypdf import PdfReader

    path = pdf_path(edition)
    if not path.is_file():
        pytest.fail(f"no {path.relative_to(ROOT)}: run `make pdf` (make pdf-test does it first)")
    return PdfReader(path)


def plain(text: str) -> str:
    """Text as the tests compare it: ligatures ("ﬁ") as letters, straight quotes, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(SMART_QUOTES).split())


@cache
def page_texts(edition: str) -> tuple[str, ...]:
    return tuple(plain(page.extract_text() or "") for page in reader(edition).pages)


def expected_title(docname: str, index: int) -> str:
    title = ROOT_TITLE if index == 0 else page_title(ROOT / f"{docname}.md")
    # The source's Markdown ("`code`", "*emphasis*") and quotes as Sphinx prints them.
    return " ".join(re.sub(r"[`*]", "", title).translate(SMART_QUOTES).split())


def outline(edition: str) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    pdf = reader(edition)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), pdf.get_destination_page_number(item)))

    walk(pdf.outline, 0)
    return found


def page_bookmarks(edition: str) -> list[tuple[int, str, int]]:
    """The bookmarks of the website's pages (and parts), without their sections and exercises."""
    toc = toc_outline()
    titles = {expected_title(docname, index) for index, (docname, _, _) in enumerate(toc)}
    captions = {caption for _, caption, _ in toc if caption}
    # A part is a top-level bookmark; a page's own section may share a part's name ("For
    # lecturers" is both a part and a section of How to use), so captions count at the top only.
    return [
        (depth, title, index)
        for depth, title, index in outline(edition)
        if (plain := " ".join(title.translate(SMART_QUOTES).split())) in titles
        or (depth == 0 and (plain in captions or title == "Contents"))
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_pdf_opens_with_a4_pages_in_the_expected_number(edition: str) -> None:
    pdf = reader(edition)
    toc = toc_outline()
    count = len(pdf.pages)
    assert len(toc) + 2 <= count <= MAX_PAGES_PER_PAGE * len(toc), f"{edition}: {count} pages"
    for number, page in enumerate(pdf.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 210 * POINTS_PER_MM) < 2 and abs(height - 297 * POINTS_PER_MM) < 2, (
            f"{edition}: page {number} is {width:.0f} x {height:.0f} pt, not A4"
        )
    labels = pdf.page_labels
    assert labels[:2] == ["i", "ii"], f"{edition}: the title page and contents are {labels[:2]}"
    assert "1" in labels, f"{edition}: the book's pages are not numbered from 1"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_of_the_toc_has_a_bookmark_under_its_part_in_order(edition: str) -> None:
    toc = toc_outline()
    marks = page_bookmarks(edition)
    assert marks and marks[0][1] == "Contents", f"{edition}: no Contents bookmark first"
    expected: list[tuple[int, str]] = [(0, "Contents")]
    caption = None
    for index, (docname, part, depth) in enumerate(toc):
        if part != caption and part:
            expected.append((0, part))
        caption = part
        expected.append(((1 if part else 0) + depth, expected_title(docname, index)))
    found = [(depth, " ".join(title.translate(SMART_QUOTES).split())) for depth, title, _ in marks]
    assert found == expected, f"{edition}: bookmarks differ from _toc.yml"
    starts = [index for _, _, index in marks]
    assert starts == sorted(starts), f"{edition}: bookmarks out of order"


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_page_starts_with_its_title_and_no_page_runs_away(edition: str) -> None:
    texts = page_texts(edition)
    toc = toc_outline()
    titles = [expected_title(docname, index) for index, (docname, _, _) in enumerate(toc)]
    marks = [(title, index) for _, title, index in page_bookmarks(edition)]
    starts = {" ".join(title.translate(SMART_QUOTES).split()): index for title, index in marks}
    pages = [starts[title] for title in titles]
    for position, (docname, _, _) in enumerate(toc):
        title, first = titles[position], pages[position]
        shown = title if position else page_title(ROOT / f"{docname}.md")
        assert normalise(shown.translate(SMART_QUOTES)) in texts[first], (
            f"{edition}: {docname}'s first page does not start with its title {shown!r}"
        )
        end = pages[position + 1] if position + 1 < len(pages) else len(texts)
        assert end - first <= MAX_PAGES_PER_PAGE, f"{edition}: {docname} takes {end - first} pages"


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_contents_give_the_pages_the_bookmarks_point_at(edition: str) -> None:
    pdf = reader(edition)
    labels = pdf.page_labels
    contents = " ".join(page_texts(edition)[1:3])
    assert contents.startswith("Contents") or " Contents " in f" {contents}", "no contents page"
    for _, title, index in page_bookmarks(edition):
        if title == "Contents" or index == 0:
            continue
        if title in {caption for _, caption, _ in toc_outline()}:
            continue
        # The contents list prints "title ....... number" (a long title may wrap).
        pattern = re.escape(normalise(title.translate(SMART_QUOTES))).replace(r"\ ", r"\s+")
        assert re.search(pattern + r"\s*" + re.escape(labels[index]) + r"\b", contents), (
            f"{edition}: the contents do not give {title!r} on page {labels[index]}"
        )


@pytest.mark.parametrize("edition", EDITIONS)
def test_links_into_the_book_land_on_its_pages(edition: str) -> None:
    from pypdf.generic import ArrayObject

    pdf = reader(edition)
    pages = {page.indirect_reference.idnum for page in pdf.pages}
    internal, problems = 0, []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            if "/Dest" in link:
                destination = link["/Dest"]
                if not isinstance(destination, ArrayObject) or (destination[0].idnum not in pages):
                    problems.append(f"page {number}: a link to {destination!r}")
                internal += 1
                continue
            uri = str(link.get("/A", {}).get("/URI", ""))
            local = re.match(r"https?://(127\.0\.0\.1|localhost)(:\d+)?(/[^#?]*)?", uri)
            if local and (local.group(3) or "/") != "/":
                problems.append(f"page {number}: a link to the printing server {uri}")
    assert internal > 200, f"{edition}: only {internal} links within the book"
    assert not problems, f"{edition}: " + "; ".join(problems[:5])


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_title_page_names_the_edition(edition: str) -> None:
    first = page_texts(edition)[0]
    assert "Peer Mentoring in Criminal Justice" in first
    assert f"{edition.capitalize()} edition" in first, first[:200]


def printed_pages(edition: str) -> dict[str, str]:
    """The text of each page of _toc.yml as printed (its pages, from its bookmark to the next)."""
    texts = page_texts(edition)
    toc = toc_outline()
    starts = {plain(title): index for _, title, index in page_bookmarks(edition)}
    firsts = [starts[expected_title(docname, i)] for i, (docname, _, _) in enumerate(toc)]
    ends = [*firsts[1:], len(texts)]
    return {
        docname: " ".join(texts[first:end])
        for (docname, _, _), first, end in zip(toc, firsts, ends, strict=True)
    }


def solution_count() -> int:
    return sum(
        len(re.findall(r"\{solution-start\}", (ROOT / f"{docname}.md").read_text("utf-8")))
        for docname, _, _ in toc_outline()
        if (ROOT / f"{docname}.md").exists()
    )


def test_the_student_pdf_holds_no_solution_or_instructor_note() -> None:
    """As tests/test_chapters.py checks the student website: headings, and phrases found only
    inside a page's worked solutions and instructor notes, looked for in that page's print."""
    text = " ".join(page_texts("student"))
    assert "Solution to Exercise" not in text
    assert "Instructor notes" not in text
    printed = printed_pages("student")
    searched = 0
    for docname, _, _ in toc_outline():
        source = ROOT / f"{docname}.md"
        blocks = hidden_blocks(source) if source.exists() else []
        if not blocks:
            continue
        visible = normalise(source.read_text(encoding="utf-8"))
        for block in blocks:
            visible = visible.replace(normalise(block), " ")
        phrases = [plain(p) for b in blocks for p in probes(b) if normalise(p) not in visible]
        assert len(phrases) >= len(blocks), f"{docname}: too few phrases to find solutions by"
        leaked = [phrase for phrase in phrases if phrase in printed[docname]]
        assert not leaked, (
            f"solution or instructor text in the student PDF's {docname}: {leaked[:3]}"
        )
        searched += 1
    assert searched >= 10, "the book's sources have worked solutions to look for"


def test_the_instructor_pdf_holds_every_solution() -> None:
    text = " ".join(page_texts("instructor"))
    solutions = solution_count()
    assert solutions > 20
    assert text.count("Solution to Exercise") == solutions, "a worked solution is missing"
    assert "Instructor notes" in text
