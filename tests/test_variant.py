"""A class variant, made by one command: its own data, sites that name its seed, its own answer key.

The unit tests below are quick. ``test_make_variant_builds_everything_a_lecturer_hands_out`` runs
``python -m pmcj.variant`` as a lecturer would (``make variant SEED=N``) and reads what it wrote.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from pmcj.answer_key import answer_key_html
from pmcj.cli import UsageError, write_data
from pmcj.data.package import load_all
from pmcj.editions import edition
from pmcj.pages import toc_files
from pmcj.paths import ROOT
from pmcj.variant import ensure_data
from pmcj.variant_seed import banner, seed_of

SEED = 7


@pytest.fixture(scope="module")
def variant_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class") / "data"
    write_data(SEED, folder, force=False)
    return folder


def test_a_variant_folder_names_its_seed_and_the_book_data_do_not(variant_data: Path) -> None:
    assert seed_of(variant_data) == SEED
    assert seed_of(ROOT / "data") is None
    assert f"seed {SEED}" in banner(seed_of(variant_data))


def test_a_note_someone_edited_names_no_seed(tmp_path: Path) -> None:
    (tmp_path / "VARIANT.txt").write_text("Class A, autumn term\n", encoding="utf-8")
    assert seed_of(tmp_path) is None
    assert "seed" in banner(None)  # still says the data are not the book's


def test_two_classes_never_share_a_build_folder_or_cache() -> None:
    one = edition("student", ROOT / "variants" / "seed-5" / "data")
    two = edition("student", ROOT / "variants" / "seed-6" / "data")
    assert one.html != two.html
    assert one.cache != two.cache
    assert edition("student").html != one.html


def test_every_page_of_a_variant_site_is_told_its_seed(variant_data: Path) -> None:
    for name in ("student", "instructor"):
        overrides = edition(name, variant_data).overrides or {}
        assert f"seed {SEED}" in overrides["html"]["announcement"]
    assert "instructor edition" in edition("instructor", variant_data).overrides["title"]
    assert not (edition("student").overrides or {}).get("html")  # the book itself has no banner


def test_another_seeds_data_are_never_replaced_without_force(variant_data: Path) -> None:
    before = {path.name: path.read_bytes() for path in variant_data.iterdir()}
    with pytest.raises(UsageError, match=rf"seed {SEED}.*--force"):
        ensure_data(SEED + 1, variant_data, force=False)
    assert {path.name: path.read_bytes() for path in variant_data.iterdir()} == before
    ensure_data(SEED, variant_data, force=False)  # the same seed: kept as it is, no error
    assert {path.name: path.read_bytes() for path in variant_data.iterdir()} == before


def answer_table(page: str, anchor: str) -> pd.DataFrame:
    """The table under the heading with id ``anchor`` in an answer key page."""
    soup = BeautifulSoup(page, "html.parser")
    table = soup.find(id=anchor).find_next("table")
    header = [cell.get_text(strip=True) for cell in table.find("thead").find_all("th")]
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find("tbody").find_all("tr")
    ]
    return pd.DataFrame(rows, columns=header).set_index(header[0])


def segments_per_source_type(data: Path) -> dict[str, int]:
    """Exercise P.1's answer, counted from the CSV files with pandas alone (not with pmcj)."""
    segments = pd.read_csv(data / "segments.csv")
    sources = pd.read_csv(data / "sources.csv")
    merged = segments.merge(sources[["source_id", "source_type"]], on="source_id")
    return merged["source_type"].value_counts().to_dict()


def test_the_answer_key_is_computed_from_its_own_data(variant_data: Path) -> None:
    page = answer_key_html(load_all(variant_data), "Answer key")
    expected = segments_per_source_type(variant_data)
    assert expected != segments_per_source_type(ROOT / "data"), "seed 7 should differ"
    assert answer_table(page, "exp_1").iloc[:, 0].astype(int).to_dict() == expected
    headings = re.findall(r'<h3 id="(ex\w+)">', page)
    assert {"ex1_2", "ex7_1", "exp_1"} <= set(headings)
    assert "http" not in page  # one offline page


@pytest.mark.slow  # two editions built and printed from new data: about five minutes; CI runs it
def test_make_variant_builds_everything_a_lecturer_hands_out(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pmcj.variant", "--seed", str(SEED), "--out", str(tmp_path)]
    done = subprocess.run(
        [*command, "--pdf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    check_variant_folder(tmp_path / f"seed-{SEED}")


def check_variant_folder(folder: Path) -> None:
    """What a lecturer finds in ``make variant``'s folder, read as they would read it."""
    student, instructor = folder / "student-site", folder / "instructor-site"
    for site in (student, instructor):
        pages = sorted(site.rglob("*.html"))
        assert len(pages) > 20
        missing = [
            str(page.relative_to(site))
            for page in pages
            if page.parent.name != "_static"  # the theme's template fragments
            and page.name not in ("genindex.html", "search.html")
            and 'http-equiv="Refresh"' not in (text := page.read_text(encoding="utf-8"))
            and f"seed {SEED}" not in text
        ]
        assert not missing, f"pages that do not say their seed: {missing[:5]}"
    # The instructor site's worked solution prints the variant's counts; the student site has none.
    expected = segments_per_source_type(folder / "data")
    solved = (instructor / "primer.html").read_text("utf-8")
    assert 'id="solp-1"' in solved
    assert 'id="solp-1"' not in (student / "primer.html").read_text("utf-8")
    solution = BeautifulSoup(solved, "html.parser").find(id="solp-1").get_text(" ")
    # Its check ran against the variant's data and passed; its prose quotes the variant's count.
    assert "Correct!" in solution
    assert f"{expected['interview']} segments" in " ".join(solution.split())
    key = (folder / f"answer-key-seed-{SEED}.html").read_text(encoding="utf-8")
    assert answer_table(key, "exp_1").iloc[:, 0].astype(int).to_dict() == expected
    with zipfile.ZipFile(folder / f"student-pack-seed-{SEED}.zip") as pack:
        names = pack.namelist()
        packed = pack.read(next(n for n in names if n.endswith("participants.csv")))
    assert packed == (folder / "data" / "participants.csv").read_bytes()
    check_variant_pdfs(folder)


def check_variant_pdfs(folder: Path) -> None:
    """Both editions printed from the class's sites: the title page and every page's header name
    the seed, the numbers are the class's, and only the instructor's holds worked solutions."""
    from pypdf import PdfReader

    expected = segments_per_source_type(folder / "data")
    texts = {}
    for kind in ("student", "instructor"):
        reader = PdfReader(folder / f"peer-mentoring-{kind}-seed-{SEED}.pdf")
        assert len(reader.pages) > 300, f"the {kind} PDF has {len(reader.pages)} pages"
        assert f"seed {SEED}" in (reader.metadata.title or "")
        pages = [page.extract_text() for page in reader.pages]
        assert f"Class variant, seed {SEED}" in pages[0], pages[0][:500]
        # The running header of the book's pages: every page but the first of each page of
        # _toc.yml (which starts with its title instead) and the title page and contents.
        headed = [text for text in pages if f"seed {SEED}" in text.split("\n")[0]]
        assert len(headed) >= len(pages) - len(toc_files()) - 3, f"{kind}: headers lack the seed"
        texts[kind] = " ".join(" ".join(pages).split())
    assert "Solution to Exercise" in texts["instructor"]
    assert "Solution to Exercise" not in texts["student"]
    # Exercise P.1's worked solution quotes the class's count, as on the instructor site.
    assert f"{expected['interview']} segments" in texts["instructor"]
