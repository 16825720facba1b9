"""The REFI-QDA exports are valid, self-consistent, reproducible, and read back as the CSV data.

The schemas check structure only. The checks here are the ones a tool's importer depends on and no
schema can make (see shared/standards/refi-qda/README.md): references resolve, codings sit on
codable codes, GUIDs are unique, every selection's offsets pick out exactly its segment's text, and
the zip is laid out as the tools expect. The data are exported once per module to keep this fast.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
import xmlschema

from pmcj.data import DataError, load_all
from pmcj.refi import SCHEMA_DIR, read_qdpx, write_codebook, write_project
from pmcj.refi.export import CODERS

NS = {"p": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BOM = b"\xef\xbb\xbf"
CONTAINERS = {"Users", "CodeBook", "Codes", "Variables", "Cases", "Sources", "Sets", "Notes"}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_all()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, tables) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("refi")
    return {
        "qdc": write_codebook(folder / "codebook.qdc", tables),
        "qdpx": write_project(folder / "project.qdpx", tables),
    }


@pytest.fixture(scope="module")
def project(exported) -> ET.Element:
    with zipfile.ZipFile(exported["qdpx"]) as archive:
        return ET.fromstring(archive.read("project.qde"))


@pytest.fixture(scope="module")
def source_texts(exported, project) -> dict[str, str]:
    """Each TextSource's GUID and the text of the file its plainTextPath names."""
    texts = {}
    with zipfile.ZipFile(exported["qdpx"]) as archive:
        for source in project.iterfind("p:Sources/p:TextSource", NS):
            name = source.get("plainTextPath").removeprefix("internal://")
            texts[source.get("guid")] = archive.read(f"sources/{name}").decode("utf-8")
    return texts


@pytest.fixture(scope="module")
def read_back(exported) -> dict[str, pd.DataFrame]:
    return read_qdpx(exported["qdpx"])


# ---- schema validity -------------------------------------------------------------------------


def test_codebook_validates_against_schema(exported) -> None:
    schema = xmlschema.XMLSchema(SCHEMA_DIR / "Codebook.xsd")
    errors = list(schema.iter_errors(exported["qdc"].read_text(encoding="utf-8")))
    assert not errors, [str(error) for error in errors[:3]]


def test_project_validates_against_schema(exported) -> None:
    schema = xmlschema.XMLSchema(SCHEMA_DIR / "Project.xsd")
    with zipfile.ZipFile(exported["qdpx"]) as archive:
        errors = list(schema.iter_errors(archive.read("project.qde").decode("utf-8")))
    assert not errors, [str(error) for error in errors[:3]]


def test_codebook_has_every_code_nested_under_its_theme(exported, tables) -> None:
    root = ET.parse(exported["qdc"]).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    codes = tables["codes"]
    themes = root.findall("c:Codes/c:Code", NS)
    assert [t.get("name") for t in themes] == list(codes.loc[codes.level == "theme", "name"])
    for theme in themes:
        assert theme.get("isCodable") == "false"
        for code in theme.findall("c:Code", NS):
            assert code.get("isCodable") == "true"
            assert code.findall("c:Code", NS) == []
    nested = {code.get("name") for code in root.findall("c:Codes/c:Code/c:Code", NS)}
    assert nested == set(codes.loc[codes.level == "code", "name"])


def test_code_descriptions_carry_every_codebook_field(project, tables) -> None:
    descriptions = {
        code.get("name"): code.findtext("p:Description", namespaces=NS)
        for code in project.iter("{urn:QDA-XML:project:1.0}Code")
    }
    for code in tables["codes"].to_dict("records"):
        text = descriptions[code["name"]]
        for column, label in [
            ("brief", "Brief definition: "),
            ("definition", "Full definition: "),
            ("when_to_use", "When to use: "),
            ("when_not_to_use", "When not to use: "),
            ("example", "Example (synthetic): "),
            ("origin", "Origin: "),
        ]:
            if isinstance(code[column], str):
                assert label + code[column] in text, (code["code_id"], column)
        if isinstance(code["references"], str):
            for key in code["references"].split(";"):
                assert key in text


# ---- what the schema cannot check ------------------------------------------------------------


def test_every_reference_resolves(project) -> None:
    users = {u.get("guid") for u in project.iterfind("p:Users/p:User", NS)}
    codes = {c.get("guid") for c in project.iter("{urn:QDA-XML:project:1.0}Code")}
    sources = {s.get("guid") for s in project.iterfind("p:Sources/p:TextSource", NS)}
    variables = {v.get("guid") for v in project.iterfind("p:Variables/p:Variable", NS)}
    code_refs = [r.get("targetGUID") for r in project.iter("{urn:QDA-XML:project:1.0}CodeRef")]
    source_refs = [r.get("targetGUID") for r in project.iterfind("p:Cases/p:Case/p:SourceRef", NS)]
    variable_refs = [
        r.get("targetGUID") for r in project.iter("{urn:QDA-XML:project:1.0}VariableRef")
    ]
    creators = [e.get("creatingUser") for e in project.iter() if e.get("creatingUser")]
    creators.append(project.get("creatingUserGUID"))
    assert code_refs and source_refs and variable_refs and creators
    assert set(code_refs) <= codes
    assert set(source_refs) <= sources
    assert set(variable_refs) <= variables
    assert set(creators) <= users


def test_both_the_selection_and_its_coding_name_the_same_coder(project) -> None:
    selections = list(project.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    assert selections
    for selection in selections:
        codings = selection.findall("p:Coding", NS)
        assert codings, "a selection without a coding"
        assert {c.get("creatingUser") for c in codings} == {selection.get("creatingUser")}


def test_no_coding_on_a_non_codable_code(project) -> None:
    codable = {
        c.get("guid"): c.get("isCodable") == "true"
        for c in project.iter("{urn:QDA-XML:project:1.0}Code")
    }
    assert False in codable.values()
    for ref in project.iter("{urn:QDA-XML:project:1.0}CodeRef"):
        assert codable[ref.get("targetGUID")], ref.get("targetGUID")


def test_guids_are_unique_and_well_formed(exported, project) -> None:
    codebook = ET.parse(exported["qdc"]).getroot()
    for root in (project, codebook):
        guids = [e.get("guid") for e in root.iter() if e.get("guid") is not None]
        assert len(guids) == len(set(guids))
        assert all(GUID.fullmatch(g) for g in guids), [g for g in guids if not GUID.fullmatch(g)]
    # the two files describe the same codes, so a tool can match them
    assert {e.get("guid") for e in codebook.iter("{urn:QDA-XML:codebook:1.0}Code")} == {
        e.get("guid") for e in project.iter("{urn:QDA-XML:project:1.0}Code")
    }


def test_no_empty_container_elements(exported, project) -> None:
    codebook = ET.parse(exported["qdc"]).getroot()
    for root in (project, codebook):
        for element in root.iter():
            if element.tag.split("}")[1] in CONTAINERS:
                assert len(element), f"empty <{element.tag}>"


def test_every_selection_is_its_segment_text(project, source_texts, tables) -> None:
    segments = tables["segments"].set_index("segment_id")
    expected = {(s, c) for s, c in tables["codings"][["segment_id", "coder"]].itertuples(False)}
    user_letter = {u.get("guid"): u.get("id") for u in project.iterfind("p:Users/p:User", NS)}
    seen = []
    for source in project.iterfind("p:Sources/p:TextSource", NS):
        text = source_texts[source.get("guid")]
        for selection in source.findall("p:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            segment_id = selection.get("name")
            assert text[start:end] == segments.loc[segment_id, "text"], segment_id
            seen.append((segment_id, user_letter[selection.get("creatingUser")]))
    assert len(seen) == len(set(seen)), "more than one selection for a segment and coder"
    assert set(seen) == expected


def test_source_text_is_the_whole_transcript(project, source_texts, tables) -> None:
    """Each source file holds every turn (questions and uncoded talk too), not only the segments."""
    names = {s.get("guid"): s.get("name") for s in project.iterfind("p:Sources/p:TextSource", NS)}
    by_name = {name.split("_")[0]: guid for guid, name in names.items()}
    pseudonym = tables["participants"].set_index("participant_id").pseudonym
    coded_shares = []
    for source_id, turns in tables["turns"].groupby("source_id"):
        text = source_texts[by_name[source_id]]
        first, rest = text.split("\n\n", 1)
        assert "synthetic" in first.lower() and "\n" not in first
        assert text.endswith("\n") and not text.endswith("\n\n")
        paragraphs = rest.removesuffix("\n").split("\n\n")
        assert len(paragraphs) == len(turns), source_id
        for paragraph, turn in zip(paragraphs, turns.sort_values("turn").itertuples(), strict=True):
            assert paragraph.endswith(turn.text), (source_id, turn.turn)
            if turn.voice == "participant":
                assert paragraph.startswith(f"{pseudonym[turn.speaker_id]}: ")
            elif turn.voice in ("interviewer", "facilitator"):
                assert paragraph.startswith(f"{turn.voice.capitalize()}: ")
        coded = tables["segments"].query("source_id == @source_id").text.str.len().sum()
        coded_shares.append(coded / len(text))
    assert max(coded_shares) < 0.8, "the export should carry the uncoded talk as well"


def test_the_data_are_labelled_synthetic(project) -> None:
    assert "synthetic" in project.get("name").lower()
    assert "synthetic" in project.findtext("p:Description", namespaces=NS).lower()
    for source in project.iterfind("p:Sources/p:TextSource", NS):
        assert "synthetic" in source.findtext("p:Description", namespaces=NS).lower()


def test_cases_carry_participant_attributes_and_sources(project, tables) -> None:
    variables = {
        v.get("guid"): v.get("name") for v in project.iterfind("p:Variables/p:Variable", NS)
    }
    sources = {s.get("guid"): s.get("name") for s in project.iterfind("p:Sources/p:TextSource", NS)}
    cases = {c.get("name"): c for c in project.iterfind("p:Cases/p:Case", NS)}
    participants = tables["participants"].set_index("participant_id")
    organisations = tables["organisations"].set_index("organisation_id")
    assert set(cases) == set(participants.index)
    spoken = tables["segments"].groupby("speaker_id")["source_id"].agg(set)
    for pid, case in cases.items():
        values = {
            variables[v.find("p:VariableRef", NS).get("targetGUID")]: v[1].text
            for v in case.findall("p:VariableValue", NS)
        }
        person = participants.loc[pid]
        org = organisations.loc[person["organisation_id"]]
        assert values["role"] == person["role"]
        assert values["age_band"] == person["age_band"]
        assert values["gender"] == person["gender"]
        assert values["lived_experience"] == person["lived_experience"]
        assert values["months_involved"] == str(person["months_involved"])
        assert values["organisation"] == org["name"]
        assert values["nation"] == org["nation"]
        assert values["funding_model"] == org["funding_model"]
        assert values.get("mentor_paid_status") == (
            None if pd.isna(person["mentor_paid_status"]) else person["mentor_paid_status"]
        )
        refs = {sources[r.get("targetGUID")].split("_")[0] for r in case.findall("p:SourceRef", NS)}
        assert refs == spoken.get(pid, set())


# ---- round trip ------------------------------------------------------------------------------


def test_round_trip_gives_the_csv_codings(read_back, tables) -> None:
    codes = tables["codes"].set_index("code_id")["name"]
    segments = tables["segments"].set_index("segment_id")["text"]
    expected = Counter(
        (segments[s], codes[c], CODERS[coder])
        for s, c, coder in tables["codings"][["segment_id", "code_id", "coder"]].itertuples(False)
    )
    selections = read_back["selections"].set_index("guid")
    code_names = read_back["codes"].set_index("guid")["name"]
    user_names = read_back["users"].set_index("guid")["name"]
    got = Counter(
        (selections.loc[sel, "text"], code_names[code], user_names[user])
        for sel, code, user in read_back["codings"].itertuples(index=False)
    )
    assert got == expected


def test_round_trip_gives_the_codebook_and_sources(read_back, tables) -> None:
    codes = tables["codes"]
    names = codes.set_index("code_id")["name"]
    expected = {
        (row.name, None if pd.isna(row.parent_id) else names[row.parent_id], row.level == "code")
        for row in codes.itertuples()
    }
    got_codes = read_back["codes"]
    parent = got_codes.set_index("guid")["name"]
    got = {
        (row.name, None if pd.isna(row.parent_guid) else parent[row.parent_guid], row.is_codable)
        for row in got_codes.itertuples()
    }
    assert got == expected
    assert len(read_back["sources"]) == tables["segments"]["source_id"].nunique()
    assert set(read_back["users"]["name"]) == set(CODERS.values())
    assert set(read_back["cases"]["name"]) == set(tables["participants"]["participant_id"])


# ---- reproducible files ----------------------------------------------------------------------


def test_two_exports_are_byte_identical(exported, tables, tmp_path: Path) -> None:
    again_qdpx = write_project(tmp_path / "again.qdpx", tables)
    again_qdc = write_codebook(tmp_path / "again.qdc", tables)
    assert again_qdpx.read_bytes() == exported["qdpx"].read_bytes()
    assert again_qdc.read_bytes() == exported["qdc"].read_bytes()


def test_zip_layout_encoding_and_line_endings(exported) -> None:
    with zipfile.ZipFile(exported["qdpx"]) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names[0] == "project.qde"
        assert all(n == "project.qde" or n.startswith("sources/") for n in names)
        assert any(n.startswith("sources/") and n.endswith(".txt") for n in names)
        for info in infos:
            assert info.date_time == (2020, 1, 1, 0, 0, 0)
            data = archive.read(info)
            assert not data.startswith(BOM), info.filename
            assert b"\r" not in data, info.filename
            data.decode("utf-8")
    qdc = exported["qdc"].read_bytes()
    assert qdc.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert b"\r" not in qdc


# ---- reader ----------------------------------------------------------------------------------


def _rebuild(source: Path, target: Path, rename) -> Path:
    """Copy a zip entry by entry, renaming (or dropping, when rename gives None) each entry."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            name = rename(info.filename)
            if name is not None:
                new.writestr(name, old.read(info))
    return target


def test_reader_accepts_capital_sources_and_another_qde_name(exported, read_back, tmp_path) -> None:
    variant = _rebuild(
        exported["qdpx"],
        tmp_path / "atlas-style.qdpx",
        lambda n: "My Project.qde" if n == "project.qde" else n.replace("sources/", "Sources/"),
    )
    other = read_qdpx(variant)
    for name, frame in read_back.items():
        pd.testing.assert_frame_equal(other[name], frame, obj=name)


def test_reader_accepts_inline_text(exported, read_back, tmp_path) -> None:
    with zipfile.ZipFile(exported["qdpx"]) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        for source in root.iterfind("p:Sources/p:TextSource", NS):
            path = source.attrib.pop("plainTextPath").removeprefix("internal://")
            content = ET.Element("{urn:QDA-XML:project:1.0}PlainTextContent")
            content.text = archive.read(f"sources/{path}").decode("utf-8")
            source.insert(1, content)
    inline = tmp_path / "inline.qdpx"
    with zipfile.ZipFile(inline, "w") as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="utf-8"))
    other = read_qdpx(inline)
    pd.testing.assert_frame_equal(other["selections"], read_back["selections"])
    pd.testing.assert_frame_equal(other["codings"], read_back["codings"])
    pd.testing.assert_frame_equal(other["sources"], read_back["sources"])


def test_reader_rejects_a_corrupt_zip(exported, tmp_path) -> None:
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(exported["qdpx"].read_bytes()[:2000])
    with pytest.raises(DataError, match=r"broken\.qdpx.*not a readable zip"):
        read_qdpx(broken)


def test_reader_rejects_a_zip_without_a_project(exported, tmp_path) -> None:
    no_qde = _rebuild(
        exported["qdpx"], tmp_path / "no-qde.qdpx", lambda n: None if n.endswith(".qde") else n
    )
    with pytest.raises(DataError, match=r"no-qde\.qdpx.*no \.qde file"):
        read_qdpx(no_qde)
    not_refi = tmp_path / "not-refi.qdpx"
    with zipfile.ZipFile(not_refi, "w") as archive:
        archive.writestr("project.qde", '<?xml version="1.0"?><html><body/></html>')
    with pytest.raises(DataError, match=r"not-refi\.qdpx.*not a REFI-QDA project"):
        read_qdpx(not_refi)
    not_xml = tmp_path / "not-xml.qdpx"
    with zipfile.ZipFile(not_xml, "w") as archive:
        archive.writestr("project.qde", "this is not XML <")
    with pytest.raises(DataError, match=r"not-xml\.qdpx.*not well-formed XML"):
        read_qdpx(not_xml)


def test_reader_rejects_two_qde_files(exported, tmp_path) -> None:
    two = tmp_path / "two.qdpx"
    shutil.copy(exported["qdpx"], two)
    with zipfile.ZipFile(two, "a") as archive:
        archive.writestr("copy.qde", archive.read("project.qde"))
    with pytest.raises(DataError, match=r"two\.qdpx.*2 \.qde files"):
        read_qdpx(two)


def test_reader_reports_a_missing_source_file(exported, tmp_path) -> None:
    dropped = _rebuild(
        exported["qdpx"],
        tmp_path / "missing.qdpx",
        lambda n: None if n.startswith("sources/") else n,
    )
    with pytest.raises(DataError, match=r"missing\.qdpx.*has no sources/"):
        read_qdpx(dropped)
