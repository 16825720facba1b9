"""The pages and the data card that describe the data say what the data's sources of truth say."""

from __future__ import annotations

import json
import re

from pmcj.data import load_all
from pmcj.data.docs import CARD, card_with_dictionary, dictionary_markdown, tendencies_markdown
from pmcj.data.inputs import load_codebook, load_excerpts
from pmcj.data.tendencies import Tendencies
from pmcj.paths import DATA_DIR
from tests.build_support import built_html


def test_data_card_dictionary_is_current() -> None:
    card = CARD.read_text(encoding="utf-8")
    assert card_with_dictionary(card, dictionary_markdown(heading="###")) == card, (
        "data/README.md's data dictionary is out of date: run `make data`"
    )


def test_data_card_states_the_true_sizes() -> None:
    card = " ".join(CARD.read_text(encoding="utf-8").split())
    tables = load_all(DATA_DIR)
    used = tables["segments"].excerpt_id.nunique()
    assert used <= len(load_excerpts(load_codebook()))
    repeated = tables["segments"].text.duplicated(keep=False).mean()
    expected = [
        f"{len(tables['organisations'])} organisations",
        f"{len(tables['participants'])} participants",
        f"{len(tables['sources'])} sources",
        f"{len(tables['segments'])} coded segments",
        f"drawn from {used} different excerpts of the bank",
        f"{(tables['codes'].level == 'code').sum()} codes",
        f"for {tables['sessions'].mentee_id.nunique()} mentees",
        f"for {tables['workload'].mentor_id.nunique()} mentors",
        f"{repeated:.0%} of them word for word the same",
    ]
    missing = [phrase for phrase in expected if phrase not in card]
    assert not missing, f"data/README.md states sizes that no longer hold: {missing}"


def test_every_table_and_field_is_in_the_dictionary() -> None:
    text = dictionary_markdown()
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert f"`{resource['path']}`" in text
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in text, (resource["name"], field["name"])


def test_every_tendency_is_listed() -> None:
    rows = tendencies_markdown().splitlines()[2:]
    names = [re.match(r"\| `(\w+)`", row).group(1) for row in rows]
    assert names == [row["name"] for row in Tendencies().describe()]
    assert all(row["shows"] and row["doc"] for row in Tendencies().describe())


def test_built_codebook_page_shows_every_code() -> None:
    page = (built_html() / "appendices" / "codebook.html").read_text(encoding="utf-8")
    for code in load_codebook().codes:
        assert f"({code['id']})" in re.sub(r"<[^>]+>", "", page), code["id"]


def test_built_data_dictionary_page_shows_every_column() -> None:
    page = re.sub(
        r"<[^>]+>",
        "",
        (built_html() / "appendices" / "data-dictionary.html").read_text(encoding="utf-8"),
    )
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["name"] in page, field["name"]


def test_about_page_links_refi_downloads_that_exist() -> None:
    html = built_html()
    page = (html / "about-the-data.html").read_text(encoding="utf-8")
    for name in ("peer-mentoring-codebook.qdc", "peer-mentoring-project.qdpx"):
        href = f"_downloads/refi/{name}"
        assert f'href="{href}"' in page, name
        assert (html / href).stat().st_size > 10_000, name


def test_about_page_reads_a_qdpx_in_an_executed_cell() -> None:
    page = re.sub(r"<[^>]+>", "", (built_html() / "about-the-data.html").read_text("utf-8"))
    codings = len(load_all()["codings"])
    assert f"'codings': {codings}" in page, "the reader's output is missing from the page"
