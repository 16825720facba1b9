"""The loaders return typed tables, and every kind of broken file gives one clear error.

Each broken-file case copies the data to a temporary folder, breaks one thing the way a person
editing a CSV by hand might, and checks the error names the file, the row and the column, and that
loading changed nothing on disk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from pmcj.data import DataError, load_all, load_table
from pmcj.data.inputs import load_codebook, load_excerpts
from pmcj.paths import DATA_DIR

# The table order the data package declares, read here without the loader's code.
TABLES = [r["name"] for r in json.loads((DATA_DIR / "datapackage.json").read_text())["resources"]]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for path in DATA_DIR.glob("*.csv"):
        shutil.copy2(path, tmp_path / path.name)
    shutil.copy2(DATA_DIR / "datapackage.json", tmp_path / "datapackage.json")
    return tmp_path


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def edit_line(path: Path, number: int, change: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def set_field(path: Path, line: int, column: str, value: str) -> None:
    """Change one cell, found by its line in the file and its column name."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_load_all_returns_typed_tables() -> None:
    tables = load_all()
    assert list(tables) == TABLES
    assert isinstance(tables["participants"].role.dtype, pd.CategoricalDtype)
    assert list(tables["participants"].role.cat.categories) == [
        "mentor",
        "mentee",
        "staff",
        "focus_group",
    ]
    assert isinstance(tables["codings"].code_id.dtype, pd.CategoricalDtype)
    assert isinstance(tables["codes"].theme.dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(tables["sources"].date)
    assert tables["sessions"].attended.dtype == bool
    assert pd.api.types.is_float_dtype(tables["workload"].paid_hours)
    assert tables["segments"].word_count.dtype == "int64"


def test_load_table_equals_the_same_table_from_load_all() -> None:
    pd.testing.assert_frame_equal(load_table("codings"), load_all()["codings"])


def test_data_validate_against_frictionless_reference_implementation() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_code_enums_in_datapackage_match_the_codebook() -> None:
    codebook = load_codebook()
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text())
    fields = {
        (r["name"], f["name"]): f for r in descriptor["resources"] for f in r["schema"]["fields"]
    }
    assert fields[("codings", "code_id")]["constraints"]["enum"] == codebook.code_ids
    assert (
        fields[("codes", "code_id")]["constraints"]["enum"]
        == codebook.theme_ids + codebook.code_ids
    )


def test_excerpt_bank_is_large_varied_and_plain() -> None:
    items = load_excerpts(load_codebook())
    texts = [item["text"] for item in items]
    assert len(set(texts)) >= 300
    assert len({text[:40] for text in texts}) == len(texts), "two excerpts open the same way"
    assert all(text.isascii() for text in texts)
    roles = {item["role"] for item in items}
    assert roles == {"mentor", "mentee", "staff", "focus_group"}


BROKEN: dict[str, tuple[str, Callable[[Path], None], dict[str, object]]] = {
    "missing column": (
        "participants.csv",
        lambda d: edit_line(d / "participants.csv", 1, lambda line: line.replace(",gender", "")),
        {"column": "gender"},
    ),
    "extra column": (
        "organisations.csv",
        lambda d: (d / "organisations.csv").write_text(
            "\n".join(
                line + ",x" for line in (d / "organisations.csv").read_text().splitlines()
            ).replace("volunteer_mentor_posts,x", "volunteer_mentor_posts,notes")
            + "\n"
        ),
        {"column": "notes"},
    ),
    "unknown code id": (
        "codings.csv",
        lambda d: set_field(d / "codings.csv", 3, "code_id", "made_up_code"),
        {"row": 2, "column": "code_id"},
    ),
    "duplicate key": (
        "organisations.csv",
        lambda d: edit_line(
            d / "organisations.csv", 3, lambda line: line.replace("org02", "org01", 1)
        ),
        {"row": 2, "column": "organisation_id"},
    ),
    "wrong type": (
        "segments.csv",
        lambda d: set_field(d / "segments.csv", 5, "position", "three"),
        {"row": 4, "column": "position"},
    ),
    "empty file": ("sources.csv", lambda d: (d / "sources.csv").write_text(""), {}),
    "bad encoding": (
        "participants.csv",
        lambda d: (d / "participants.csv").write_bytes(
            (d / "participants.csv").read_bytes().replace(b"Northway", b"North\xe9ay", 1) + b"\xff"
        ),
        {},
    ),
    "truncated row": (
        "workload.csv",
        lambda d: edit_line(d / "workload.csv", 10, lambda line: ",".join(line.split(",")[:4])),
        {"row": 9},
    ),
    "missing file": ("codes.csv", lambda d: (d / "codes.csv").unlink(), {}),
    "negative hours": (
        "workload.csv",
        lambda d: set_field(d / "workload.csv", 4, "contact_hours", "-3"),
        {"row": 3, "column": "contact_hours"},
    ),
    "bad date": (
        "sources.csv",
        lambda d: set_field(d / "sources.csv", 2, "date", "31/02/2018"),
        {"row": 1, "column": "date"},
    ),
    "missing required value": (
        "participants.csv",
        lambda d: set_field(d / "participants.csv", 6, "role", ""),
        {"row": 5, "column": "role"},
    ),
    "unknown participant": (
        "segments.csv",
        lambda d: set_field(d / "segments.csv", 2, "speaker_id", "p999"),
        {"row": 1, "column": "speaker_id"},
    ),
    "value not allowed": (
        "sessions.csv",
        lambda d: set_field(d / "sessions.csv", 2, "goal_size", "huge"),
        {"row": 1, "column": "goal_size"},
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_gives_one_clear_error(case: str, data_copy: Path) -> None:
    file, breaker, where = BROKEN[case]
    breaker(data_copy)
    before = digest(data_copy)
    with pytest.raises(DataError) as caught:
        load_all(data_copy)
    error = caught.value
    assert error.file == file, str(error)
    for key, value in where.items():
        assert getattr(error, key) == value, f"{case}: {error}"
    message = str(error)
    assert message.startswith(file) and len(message) < 400
    assert digest(data_copy) == before, "loading must never change a file"


def test_broken_descriptor_gives_a_clear_error(data_copy: Path) -> None:
    (data_copy / "datapackage.json").write_text("{ not json")
    with pytest.raises(DataError, match="datapackage.json: not valid JSON"):
        load_all(data_copy)


def test_unknown_table_name_gives_a_clear_error() -> None:
    with pytest.raises(DataError, match="no table called 'coding'.*'codings'"):
        load_table("coding")


def test_data_error_is_a_value_error() -> None:
    assert issubclass(DataError, ValueError)
