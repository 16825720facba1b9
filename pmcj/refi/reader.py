"""Read a REFI-QDA project (``.qdpx``) into pandas DataFrames, whichever tool wrote it.

Students export their own coding from NVivo, ATLAS.ti, MAXQDA or QualCoder and load it here to
compare with the book's notebooks, so the reader accepts what real tools write rather than only
what the specification says:

* any single ``*.qde`` file in the zip (ATLAS.ti names it after the project), even in a subfolder;
* ``sources/`` or ``Sources/`` (matched without regard to case);
* a text given inline as ``PlainTextContent`` as well as by ``plainTextPath="internal://..."``;
* GUIDs in braces or in capitals (normalised to lower case without braces, so tables join);
* optional elements and attributes missing (the cell is then empty).

Anything it cannot read (a corrupt zip, no ``.qde`` or more than one, XML that is not a REFI
project, a source file the project names but the zip lacks) raises ``pmcj.data.DataError`` naming
the file and the problem, because the people using it are students, not developers.

Not read: notes/memos, sets, links, graphs, and non-text sources (PDF, picture, audio, video) and
their selections. Texts are returned as stored (a leading BOM is dropped); offsets are not
converted, so a tool that counts CRLF as one character gives shifted selections on CRLF texts.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from pmcj.data.errors import DataError

PROJECT_NS_PREFIX = "urn:QDA-XML:project:"
COLUMNS = {
    "sources": ["guid", "name", "text"],
    "selections": ["guid", "source_guid", "name", "start", "end", "text", "creating_user"],
    "codings": ["selection_guid", "code_guid", "creating_user"],
    "codes": ["guid", "name", "parent_guid", "is_codable", "description"],
    "cases": ["guid", "name"],
    "variables": ["case_guid", "name", "value"],
    "case_sources": ["case_guid", "source_guid"],
    "users": ["guid", "name"],
}
VALUE_TAGS = {
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
}


def _local(tag: str) -> str:
    """An element's name without its namespace, so files that vary the namespace still read."""
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _guid(value: str | None) -> str | None:
    """Tools write GUIDs with or without braces and in either case; compare them normalised."""
    if value is None:
        return None
    return value.strip().strip("{}").lower()


def _text(element: ET.Element | None) -> str | None:
    return None if element is None else (element.text or "")


def _open(path: Path) -> tuple[zipfile.ZipFile, str]:
    """The zip and the name of its single ``.qde`` entry, or a DataError saying what is wrong."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DataError(str(path), "file not found") from None
    except zipfile.BadZipFile:
        raise DataError(
            str(path),
            "is not a readable zip file, so not a REFI-QDA project (.qdpx); "
            "export the project again from your software",
        ) from None
    except OSError as error:
        raise DataError(str(path), f"cannot be read ({error.strerror or error})") from None
    names = [
        info.filename
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".qde")
        and not info.filename.startswith("__MACOSX/")
    ]
    if not names:
        archive.close()
        raise DataError(
            str(path),
            "holds no .qde file (a REFI-QDA project zip must contain project.qde); "
            "is it a .qdpx export?",
        )
    if len(names) > 1:
        archive.close()
        raise DataError(
            str(path),
            f"holds {len(names)} .qde files ({', '.join(sorted(names))}); a REFI-QDA project "
            "has exactly one, so it is not clear which to read",
        )
    return archive, names[0]


def _read(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise DataError(str(path), f"{name} in the zip is damaged ({error})") from None
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, or encrypted
        raise DataError(str(path), f"{name} in the zip cannot be read ({error})") from None


def _source_text(
    source: ET.Element, archive: zipfile.ZipFile, folder: str, path: Path
) -> str | None:
    """A TextSource's plain text, inline or from ``sources/`` (any case); None if external."""
    inline = _child(source, "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    reference = source.get("plainTextPath")
    if not reference or not reference.lower().startswith("internal://"):
        return None  # rich text only, or a file outside the zip (relative:// or absolute://)
    file_name = reference[len("internal://") :]
    wanted = {
        posixpath.join(folder, "sources", file_name).lower(),
        posixpath.join("sources", file_name).lower(),
    }
    matches = [n for n in archive.namelist() if n.lower() in wanted]
    if not matches:
        raise DataError(
            str(path),
            f"source {source.get('name') or source.get('guid')!r} refers to {reference}, "
            f"but the zip has no sources/{file_name}",
        )
    data = _read(archive, sorted(matches)[0], path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            str(path), f"{matches[0]} is not UTF-8 text (byte {error.start}); REFI requires UTF-8"
        ) from None


def _position(selection: ET.Element, attribute: str, path: Path) -> int:
    raw = selection.get(attribute)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise DataError(
            str(path),
            f"selection {selection.get('guid')!r} has {attribute}={raw!r}, not a whole number",
        ) from None


def _frames(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    frames = {name: pd.DataFrame(rows[name], columns=columns) for name, columns in COLUMNS.items()}
    for name, column in [("selections", "start"), ("selections", "end")]:
        frames[name][column] = frames[name][column].astype("Int64")
    frames["codes"]["is_codable"] = frames["codes"]["is_codable"].astype("boolean")
    return frames


def read_qdpx(path: Path | str) -> dict[str, pd.DataFrame]:
    """Load a ``.qdpx`` project as DataFrames: sources, selections, codings, codes, cases, ...

    Tables and columns (GUIDs normalised to lower case, no braces):

    * ``sources``: guid, name, text (None when the text is not in the zip)
    * ``selections``: guid, source_guid, name, start, end (code points from 0, end exclusive),
      text (the source text at those offsets), creating_user
    * ``codings``: selection_guid, code_guid, creating_user (the coding's, else its selection's)
    * ``codes``: guid, name, parent_guid, is_codable, description
    * ``cases``: guid, name; ``variables``: case_guid, name, value (as text);
      ``case_sources``: case_guid, source_guid (from each case's SourceRef)
    * ``users``: guid, name
    """
    path = Path(path)
    archive, qde = _open(path)
    with archive:
        data = _read(archive, qde, path)
        try:
            root = ET.fromstring(data)
        except ET.ParseError as error:
            raise DataError(str(path), f"{qde} is not well-formed XML ({error})") from None
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        if _local(root.tag) != "Project" or not namespace.startswith(PROJECT_NS_PREFIX):
            raise DataError(
                str(path),
                f"{qde} is not a REFI-QDA project: its root element is {root.tag!r}, expected "
                f"Project in the namespace urn:QDA-XML:project:1.0",
            )
        folder = posixpath.dirname(qde)
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}

        users = _child(root, "Users")
        for user in _children(users, "User") if users is not None else []:
            rows["users"].append({"guid": _guid(user.get("guid")), "name": user.get("name")})

        def add_codes(parent: ET.Element, parent_guid: str | None) -> None:
            for code in _children(parent, "Code"):
                code_guid = _guid(code.get("guid"))
                rows["codes"].append(
                    {
                        "guid": code_guid,
                        "name": code.get("name"),
                        "parent_guid": parent_guid,
                        "is_codable": (code.get("isCodable") or "true").strip().lower()
                        in {"true", "1"},
                        "description": _text(_child(code, "Description")),
                    }
                )
                add_codes(code, code_guid)

        codebook = _child(root, "CodeBook")
        codes = _child(codebook, "Codes") if codebook is not None else None
        if codes is not None:
            add_codes(codes, None)

        variable_names = {}
        variables = _child(root, "Variables")
        for variable in _children(variables, "Variable") if variables is not None else []:
            variable_names[_guid(variable.get("guid"))] = variable.get("name")

        cases = _child(root, "Cases")
        for case in _children(cases, "Case") if cases is not None else []:
            case_guid = _guid(case.get("guid"))
            rows["cases"].append({"guid": case_guid, "name": case.get("name")})
            for value in _children(case, "VariableValue"):
                reference = _child(value, "VariableRef")
                target = _guid(reference.get("targetGUID")) if reference is not None else None
                content = next((c for c in value if _local(c.tag) in VALUE_TAGS), None)
                rows["variables"].append(
                    {
                        "case_guid": case_guid,
                        "name": variable_names.get(target, target),
                        "value": _text(content),
                    }
                )
            for ref in _children(case, "SourceRef"):
                rows["case_sources"].append(
                    {"case_guid": case_guid, "source_guid": _guid(ref.get("targetGUID"))}
                )

        sources = _child(root, "Sources")
        for source in _children(sources, "TextSource") if sources is not None else []:
            source_guid = _guid(source.get("guid"))
            text = _source_text(source, archive, folder, path)
            rows["sources"].append({"guid": source_guid, "name": source.get("name"), "text": text})
            for selection in _children(source, "PlainTextSelection"):
                start = _position(selection, "startPosition", path)
                end = _position(selection, "endPosition", path)
                selection_guid = _guid(selection.get("guid"))
                selection_user = _guid(selection.get("creatingUser"))
                rows["selections"].append(
                    {
                        "guid": selection_guid,
                        "source_guid": source_guid,
                        "name": selection.get("name"),
                        "start": start,
                        "end": end,
                        "text": None if text is None else text[start:end],
                        "creating_user": selection_user,
                    }
                )
                for coding in _children(selection, "Coding"):
                    reference = _child(coding, "CodeRef")
                    rows["codings"].append(
                        {
                            "selection_guid": selection_guid,
                            "code_guid": _guid(reference.get("targetGUID"))
                            if reference is not None
                            else None,
                            "creating_user": _guid(coding.get("creatingUser")) or selection_user,
                        }
                    )
    return _frames(rows)
