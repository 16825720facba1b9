"""Write the book's coded data as REFI-QDA files that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

Two files come out: a codebook (``.qdc``) and a whole project (``.qdpx``, a zip holding
``project.qde`` and a ``sources/`` folder). Lecturers and students use them to compare what their
own tool computes with what the notebooks compute, so the files must be the same data, byte for
byte, every time they are rebuilt:

* every GUID is a uuid5 of a stable id ("code:<id>", "source:<id>", ...) in a fixed namespace, so a
  rebuild gives the same GUIDs and a diff between two exports shows only real changes;
* every date and time comes from the data (a source's date), never from the clock;
* zip entries are written in a fixed order, with a fixed timestamp and fixed permissions;
* text is UTF-8 without a byte-order mark and with ``\\n`` line endings only, because QualCoder
  keeps a BOM as character 0 (shifting every offset) and tools disagree about CRLF.

The export works from the loaded tables (``pmcj.data.load_all``), not from ``codebook.yml``, so a
lecturer's class variant exports exactly what its notebooks analyse. The REFI rules that the schema
cannot check (references resolve, selections match their text, ...) are tested in
``tests/test_refi.py``; ``pmcj/refi/schemas/NOTICE.md`` says where the schemas come from.
"""

from __future__ import annotations

import math
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from pmcj import __version__
from pmcj.data.transcripts import transcript_text

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# Never change this: every GUID in every export derives from it.
GUID_NAMESPACE = uuid.UUID("5b0c2a4e-3f1d-5e8a-9c61-70d1b2e4a9f3")
ORIGIN = f"pmcj {__version__} (Peer Mentoring in Criminal Justice, synthetic teaching data)"
PROJECT_NAME = "Peer mentoring in criminal justice (synthetic data)"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
DIR_MODE = 0o040755  # directory, rwxr-xr-x
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

CODERS = {"A": "Coder A (lead coder)", "B": "Coder B (second coder)"}
# Okabe-Ito colours, one per theme, so the themes stay distinguishable for colour-blind readers.
THEME_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
# Codebook fields beyond REFI's single Description, in the order a coder reads them.
CODE_FIELDS = [
    ("brief", "Brief definition"),
    ("definition", "Full definition"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
    ("example", "Example (synthetic)"),
    ("origin", "Origin"),
    ("references", "References (keys in the book's bibliography)"),
]
# Participant attributes written as case variables: (variable name, type, description).
CASE_VARIABLES = [
    ("pseudonym", "Text", "Invented first name used in the book"),
    ("role", "Text", "mentor, mentee, staff or focus_group"),
    ("organisation_id", "Text", "Id of the participant's organisation"),
    ("organisation", "Text", "Name of the participant's (fictional) organisation"),
    ("age_band", "Text", "Age band"),
    ("gender", "Text", "Gender"),
    ("lived_experience", "Text", "Lived experience, ';'-separated, or none"),
    ("months_involved", "Integer", "Months involved with the organisation"),
    ("mentor_paid_status", "Text", "Mentors only: paid or volunteer"),
    ("nation", "Text", "Nation of the organisation"),
    ("funding_model", "Text", "Funding model of the organisation"),
]
# Source attributes, duplicated on each TextSource because MAXQDA reads document variables.
SOURCE_VARIABLES = [
    ("source_type", "Text", "interview, fieldnote or focus_group"),
    ("source_date", "Date", "Date of the interview, observation or focus group"),
]


def guid(kind: str, key: str) -> str:
    """A stable GUID for one object, so the same data always give the same file."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def _default(tables: dict[str, pd.DataFrame] | None) -> dict[str, pd.DataFrame]:
    if tables is not None:
        return tables
    from pmcj.data import load_all

    return load_all()


def _present(value: Any) -> bool:
    """Whether a cell holds a value (pandas gives None, NaN or NA for an empty cell)."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _el(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None):
    """Append a child element; attributes keep the order given, which keeps output stable."""
    child = ET.SubElement(parent, tag, attrs or {})
    if text is not None:
        child.text = text
    return child


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML without BOM, two-space indent, ``\\n`` line endings, final newline."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return (XML_DECLARATION + body + "\n").replace("\r\n", "\n").encode("utf-8")


def code_description(code: dict[str, Any]) -> str:
    """Every codebook field as labelled plain text, because REFI carries only one Description.

    Plain text (not Markdown) because the tools show it verbatim; a blank line between fields keeps
    it readable in a narrow properties pane. The code id comes last so the book's notebooks and a
    tool's export can be matched up by hand.
    """
    parts = []
    for column, label in CODE_FIELDS:
        value = code.get(column)
        if not _present(value):
            continue
        text = str(value).strip()
        if column == "references":
            text = "; ".join(key.strip() for key in text.split(";") if key.strip())
        parts.append(f"{label}: {text}")
    parts.append(f"Code id: {code['code_id']}")
    return "\n\n".join(parts)


def _code_element(parent: ET.Element, row: dict[str, Any], codable: bool, colour: str):
    """One ``Code`` element (a theme folder or a code) with its readable description."""
    element = _el(
        parent,
        "Code",
        {
            "guid": guid("code", row["code_id"]),
            "name": str(row["name"]),
            "isCodable": "true" if codable else "false",
            "color": colour,
        },
    )
    _el(element, "Description", text=code_description(row))
    return element


def _code_tree(parent: ET.Element, codes: pd.DataFrame) -> None:
    """Themes as non-codable folders with their codes beneath, in the codebook's order."""
    rows = codes.to_dict("records")
    themes = [row for row in rows if row["level"] == "theme"]
    for number, theme in enumerate(themes):
        colour = THEME_COLOURS[number % len(THEME_COLOURS)]
        folder = _code_element(parent, theme, codable=False, colour=colour)
        for code in rows:
            if code["level"] == "code" and code["parent_id"] == theme["code_id"]:
                _code_element(folder, code, codable=True, colour=colour)


def codebook_xml(tables: dict[str, pd.DataFrame] | None = None) -> bytes:
    """The codebook as `.qdc` bytes (root CodeBook, namespace urn:QDA-XML:codebook:1.0)."""
    tables = _default(tables)
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    _code_tree(_el(root, "Codes"), tables["codes"])
    return _serialise(root)


def _datetime(date: Any) -> str:
    """A full xsd:dateTime from a source's date (a bare date fails the schema)."""
    return pd.Timestamp(date).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SourceText:
    """One source's final plain text and where each segment sits in it (code-point offsets)."""

    source_id: str
    text: str
    offsets: dict[str, tuple[int, int]]


def source_texts(tables: dict[str, pd.DataFrame]) -> dict[str, SourceText]:
    """Each source's whole transcript: a synthetic-data header line, then every turn in order.

    The turns' text is joined by :func:`pmcj.data.transcripts.transcript_text`, the book's one
    definition of a transcript, so the export carries the interviewer's questions and the uncoded
    talk as well as the coded segments. Offsets are taken from the text as finally assembled
    (header included), so that ``text[start:end]`` is the segment whatever the header says.
    Python string indices are Unicode code points, which is what REFI counts.
    """
    sources = tables["sources"].set_index("source_id")
    names = dict(
        zip(
            tables["participants"].participant_id.astype(str),
            tables["participants"].pseudonym.astype(str),
            strict=True,
        )
    )
    segments_of = dict(list(tables["segments"].groupby("source_id", sort=True)))
    result = {}
    for source_id, turns in tables["turns"].groupby("source_id", sort=True):
        kind = str(sources.loc[source_id, "source_type"]).replace("_", " ")
        header = (
            f"Synthetic {kind} {source_id} written for teaching: every person, organisation "
            "and event in it is invented."
        )
        body, turn_starts = transcript_text(turns, names)
        base = len(header) + 2
        offsets = {}
        for segment in segments_of.get(source_id, pd.DataFrame()).itertuples():
            at = base + turn_starts[int(segment.turn)]
            offsets[str(segment.segment_id)] = (at + int(segment.start), at + int(segment.end))
        full = header + "\n\n" + body
        if "\r" in full:
            raise ValueError(f"source {source_id}: transcript text contains a carriage return")
        result[str(source_id)] = SourceText(str(source_id), full + "\n", offsets)
    return result


def _source_name(source: dict[str, Any]) -> str:
    who = source.get("participant_id")
    if not _present(who):
        who = source.get("focus_group_id")
    suffix = f"_{who}" if _present(who) else ""
    return f"{source['source_id']}_{source['source_type']}{suffix}"


def _value(parent: ET.Element, variable: str, kind: str, value: Any) -> None:
    holder = _el(parent, "VariableValue")
    _el(holder, "VariableRef", {"targetGUID": guid("variable", variable)})
    if kind == "Integer":
        _el(holder, "IntegerValue", text=str(int(value)))
    elif kind == "Date":
        _el(holder, "DateValue", text=pd.Timestamp(value).strftime("%Y-%m-%d"))
    else:
        _el(holder, "TextValue", text=str(value))


def project_files(tables: dict[str, pd.DataFrame] | None = None) -> list[tuple[str, bytes]]:
    """The entries of the ``.qdpx`` zip in the order they are written: project.qde, then sources."""
    tables = _default(tables)
    texts = source_texts(tables)
    sources = tables["sources"].sort_values("source_id").to_dict("records")
    sources = [s for s in sources if s["source_id"] in texts]  # a source with no text is omitted
    segments = tables["segments"]
    codings = tables["codings"]
    participants = tables["participants"].merge(
        tables["organisations"][["organisation_id", "name", "nation", "funding_model"]].rename(
            columns={"name": "organisation"}
        ),
        on="organisation_id",
        how="left",
    )
    latest = max(pd.Timestamp(s["date"]) for s in sources)
    lead = guid("user", "A")
    root = ET.Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": PROJECT_NAME,
            "origin": ORIGIN,
            "creatingUserGUID": lead,
            "creationDateTime": _datetime(latest),
        },
    )
    users = _el(root, "Users")
    for coder in sorted(CODERS.keys() | set(codings["coder"].astype(str))):
        name = CODERS.get(coder, f"Coder {coder}")
        _el(users, "User", {"guid": guid("user", coder), "name": name, "id": coder})
    _code_tree(_el(_el(root, "CodeBook"), "Codes"), tables["codes"])

    variables = _el(root, "Variables")
    for name, kind, description in CASE_VARIABLES + SOURCE_VARIABLES:
        variable = _el(
            variables,
            "Variable",
            {"guid": guid("variable", name), "name": name, "typeOfVariable": kind},
        )
        _el(variable, "Description", text=description)

    speaks_in: dict[str, list[str]] = {}
    for speaker, source_id in sorted(
        set(zip(segments["speaker_id"].astype(str), segments["source_id"].astype(str), strict=True))
    ):
        speaks_in.setdefault(speaker, []).append(source_id)
    cases = _el(root, "Cases")
    for person in participants.sort_values("participant_id").to_dict("records"):
        pid = str(person["participant_id"])
        case = _el(cases, "Case", {"guid": guid("case", pid), "name": pid})
        _el(
            case,
            "Description",
            text=f"{person['pseudonym']}, {person['role']} at {person['organisation']}. "
            "A synthetic person: invented for teaching.",
        )
        for name, kind, _ in CASE_VARIABLES:
            if _present(person.get(name)):
                _value(case, name, kind, person[name])
        for source_id in speaks_in.get(pid, []):
            _el(case, "SourceRef", {"targetGUID": guid("source", source_id)})

    by_segment = {
        key: sorted(group["code_id"].astype(str))
        for key, group in codings.groupby(["segment_id", "coder"], sort=True, observed=True)
    }
    coders = sorted(CODERS.keys() | set(codings["coder"].astype(str)))
    segments_of = {key: group for key, group in segments.groupby("source_id", sort=True)}
    source_list = _el(root, "Sources")
    files: list[tuple[str, bytes]] = []
    for source in sources:
        source_id = str(source["source_id"])
        source_guid = guid("source", source_id)
        when = _datetime(source["date"])
        element = _el(
            source_list,
            "TextSource",
            {
                "guid": source_guid,
                "name": _source_name(source),
                "plainTextPath": f"internal://{source_guid}.txt",
                "creatingUser": lead,
                "creationDateTime": when,
            },
        )
        _el(
            element,
            "Description",
            text=f"Synthetic {str(source['source_type']).replace('_', ' ')} dated "
            f"{pd.Timestamp(source['date']).date()}, written for teaching: every person, "
            "organisation and event in it is invented.",
        )
        placed = texts[source_id]
        rows = segments_of[source_id].sort_values("position")
        for segment in rows.itertuples():
            segment_id = str(segment.segment_id)
            start, end = placed.offsets[segment_id]
            for coder in coders:
                codes = by_segment.get((segment_id, coder))
                if not codes:
                    continue
                user = guid("user", coder)
                selection = _el(
                    element,
                    "PlainTextSelection",
                    {
                        "guid": guid("selection", f"{segment_id}:{coder}"),
                        "name": segment_id,
                        "startPosition": str(start),
                        "endPosition": str(end),
                        "creatingUser": user,
                        "creationDateTime": when,
                    },
                )
                _el(
                    selection,
                    "Description",
                    text=f"Segment {segment_id}, speaker {segment.speaker_id}",
                )
                for code_id in codes:
                    coding = _el(
                        selection,
                        "Coding",
                        {
                            "guid": guid("coding", f"{segment_id}:{coder}:{code_id}"),
                            "creatingUser": user,
                            "creationDateTime": when,
                        },
                    )
                    _el(coding, "CodeRef", {"targetGUID": guid("code", code_id)})
        for name, kind, _ in SOURCE_VARIABLES:
            value = source["source_type"] if name == "source_type" else source["date"]
            _value(element, name, kind, value)
        files.append((f"sources/{source_guid}.txt", placed.text.encode("utf-8")))
    _el(
        root,
        "Description",
        text="Synthetic data for teaching, from the open book 'Peer Mentoring in Criminal "
        "Justice': every person, organisation, excerpt and coding is invented. Two coders "
        "(A, lead; B, second) coded the segments; each segment is one selection per coder.",
    )
    return [("project.qde", _serialise(root)), *files]


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.create_system = 3  # Unix, whatever the platform, so the bytes do not depend on it
    if name.endswith("/"):
        info.external_attr = (DIR_MODE << 16) | 0x10
    else:
        info.external_attr = FILE_MODE << 16
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_atomically(path: Path, write: Any) -> Path:
    """Write to a temporary file beside ``path`` and rename, so a failure leaves no half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def zip_bytes(entries: Iterable[tuple[str, bytes]], stream: Any) -> None:
    """Write a zip with fixed metadata; a ``sources/`` folder entry precedes the first source."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        folder_written = False
        for name, data in entries:
            if name.startswith("sources/") and not folder_written:
                zf.writestr(_zip_info("sources/"), b"")
                folder_written = True
            zf.writestr(_zip_info(name), data, compresslevel=9)


def write_codebook(path: Path | str, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file; returns the path written."""
    data = codebook_xml(tables)
    return _write_atomically(Path(path), lambda stream: stream.write(data))


def write_project(path: Path | str, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the coded project as a REFI-QDA ``.qdpx`` zip; returns the path written."""
    entries = project_files(tables)
    return _write_atomically(Path(path), lambda stream: zip_bytes(entries, stream))
