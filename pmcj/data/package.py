"""Load the data set's CSV files as typed DataFrames, after checking them against datapackage.json.

``datapackage.json`` is the single description of every table: its columns, types, constraints and
keys. The loader reads it, checks each file cell by cell and every key across tables, and stops at
the first problem with a message naming the file, the row and the column, so that a student who
edits a file by mistake (or a lecturer's broken copy) gets told exactly what to fix. Loading only
reads; it never writes or repairs a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pmcj.data.errors import DataError
from pmcj.data.fingerprint import DESCRIPTOR, data_fingerprint  # noqa: F401 (re-exported)
from pmcj.paths import ACTIVE_DATA_DIR

TRUE, FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    constraints: dict[str, Any]

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list[str] | None:
        return self.constraints.get("enum")


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[dict[str, Any]]


def read_descriptor(data_dir: Path) -> dict[str, Resource]:
    path = data_dir / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            str(path), "file not found: the data package needs its descriptor"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(str(path), f"not valid JSON ({error})") from None
    resources = {}
    for item in descriptor["resources"]:
        schema = item["schema"]
        key = schema.get("primaryKey", [])
        resources[item["name"]] = Resource(
            name=item["name"],
            path=item["path"],
            fields=[
                Field(f["name"], f["type"], f.get("constraints", {})) for f in schema["fields"]
            ],
            primary_key=[key] if isinstance(key, str) else list(key),
            foreign_keys=schema.get("foreignKeys", []),
        )
    return resources


@cache
def _descriptor(data_dir: Path) -> dict[str, Resource]:
    return read_descriptor(data_dir)


def table_names(data_dir: Path = ACTIVE_DATA_DIR) -> list[str]:
    return list(_descriptor(Path(data_dir)))


def convert(field: Field, raw: str) -> Any:
    """Turn one CSV cell into a Python value, or raise ValueError saying why it cannot be."""
    if field.type == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(raw)
    if field.type == "number":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if field.type == "boolean":
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        raise ValueError(f"{raw!r} is not true or false")
    if field.type == "date":
        try:
            return pd.Timestamp(raw).date() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else _bad()
        except ValueError:
            raise ValueError(f"{raw!r} is not a date written as YYYY-MM-DD") from None
    return raw


def _bad() -> None:
    raise ValueError


def check_constraints(field: Field, value: Any, raw: str) -> str | None:
    c = field.constraints
    if field.enum is not None and raw not in field.enum:
        allowed = ", ".join(field.enum)
        if len(field.enum) > 8:
            allowed = f"{', '.join(field.enum[:5])}, ... ({len(field.enum)} in all, listed in "
            allowed += "datapackage.json)"
        return f"{raw!r} is not an allowed value ({allowed})"
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        return f"{raw!r} does not have the expected form (pattern {c['pattern']})"
    if "minimum" in c and value < c["minimum"]:
        return f"{raw} is below the minimum {c['minimum']}"
    if "maximum" in c and value > c["maximum"]:
        return f"{raw} is above the maximum {c['maximum']}"
    return None


def read_rows(resource: Resource, data_dir: Path) -> list[dict[str, Any]]:
    """Parse and check one file, returning its rows as dictionaries of Python values."""
    path = data_dir / resource.path
    name = resource.path
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            name, f"file not found in {data_dir}; restore it with git or run `make data`"
        ) from None
    if not raw_bytes.strip():
        raise DataError(name, "the file is empty (it should start with a header row)")
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw_bytes[: error.start].count(b"\n") + 1
        raise DataError(
            name,
            f"not UTF-8 text: byte {error.start} on line {line} cannot be "
            "read; save the file as UTF-8",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as error:
        raise DataError(name, f"the header row cannot be read as CSV ({error})") from None
    expected = [field.name for field in resource.fields]
    missing = [column for column in expected if column not in header]
    extra = [column for column in header if column not in expected]
    if missing:
        raise DataError(
            name, f"missing column(s) {missing}; expected {expected}", column=missing[0]
        )
    if extra:
        raise DataError(name, f"unexpected column(s) {extra}; expected {expected}", column=extra[0])
    if len(set(header)) != len(header):
        raise DataError(name, "a column name appears twice in the header")
    fields = {field.name: field for field in resource.fields}
    rows: list[dict[str, Any]] = []
    keys: dict[tuple[Any, ...], int] = {}
    unique_seen: dict[str, dict[str, int]] = {
        f.name: {} for f in resource.fields if f.constraints.get("unique")
    }
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            line = reader.line_num
            if len(cells) != len(header):
                raise DataError(
                    name,
                    f"has {len(cells)} values but the header has {len(header)} "
                    "(a truncated row, or a stray comma or quote?)",
                    row=number,
                    line=line,
                )
            row: dict[str, Any] = {}
            for column, raw in zip(header, cells, strict=True):
                field = fields[column]
                if raw == "":
                    if field.required:
                        raise DataError(
                            name,
                            "is empty but this column is required",
                            row=number,
                            line=line,
                            column=column,
                        )
                    row[column] = None
                    continue
                try:
                    value = convert(field, raw)
                except ValueError as error:
                    raise DataError(
                        name,
                        f"{error} (column type: {field.type})",
                        row=number,
                        line=line,
                        column=column,
                    ) from None
                problem = check_constraints(field, value, raw)
                if problem:
                    raise DataError(name, problem, row=number, line=line, column=column)
                if column in unique_seen:
                    if raw in unique_seen[column]:
                        raise DataError(
                            name,
                            f"{raw!r} repeats row {unique_seen[column][raw]}; "
                            "values in this column must be unique",
                            row=number,
                            line=line,
                            column=column,
                        )
                    unique_seen[column][raw] = number
                row[column] = value
            key = tuple(row[column] for column in resource.primary_key)
            if key in keys:
                raise DataError(
                    name,
                    f"duplicate key {dict(zip(resource.primary_key, key, strict=False))} "
                    f"(first on row {keys[key]})",
                    row=number,
                    line=line,
                    column=resource.primary_key[-1],
                )
            keys[key] = number
            rows.append(row)
    except csv.Error as error:
        raise DataError(name, f"cannot be read as CSV ({error})", row=number + 1) from None
    if not rows:
        raise DataError(name, "has a header but no rows")
    return rows


def check_foreign_keys(
    resource: Resource, rows: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]]
) -> None:
    for key in resource.foreign_keys:
        columns = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        target = key["reference"]["resource"] or resource.name
        target_columns = key["reference"]["fields"]
        target_columns = target_columns if isinstance(target_columns, list) else [target_columns]
        known = {tuple(row[c] for c in target_columns) for row in tables[target]}
        for number, row in enumerate(rows, start=1):
            value = tuple(row[c] for c in columns)
            if any(part is None for part in value):
                continue
            if value not in known:
                shown = value[0] if len(value) == 1 else value
                raise DataError(
                    resource.path,
                    f"{shown!r} is not a known {target}.{'/'.join(target_columns)}",
                    row=number,
                    line=number + 1,
                    column=columns[0],
                )


def check_segment_offsets(
    resources: dict[str, Resource], tables: dict[str, list[dict[str, Any]]]
) -> None:
    """Each segment's text must be exactly the stretch of its turn that its offsets name.

    The text is kept in segments.csv for convenience; this check makes the transcript the one
    source of truth, so an edited segment or turn is caught with its row rather than drifting.
    """
    if "segments" not in tables or "turns" not in tables:
        return
    turns = {(row["source_id"], row["turn"]): row["text"] for row in tables["turns"]}
    path = resources["segments"].path
    for number, row in enumerate(tables["segments"], start=1):
        turn = turns.get((row["source_id"], row["turn"]), "")
        if turn[row["start"] : row["end"]] != row["text"]:
            raise DataError(
                path,
                f"text is not characters {row['start']}-{row['end']} of turn {row['turn']} "
                f"of source {row['source_id']} in {resources['turns'].path}",
                row=number,
                line=number + 1,
                column="text",
            )


def to_frame(resource: Resource, rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[field.name for field in resource.fields])
    for field in resource.fields:
        column = frame[field.name]
        if field.enum is not None:
            frame[field.name] = pd.Categorical(column, categories=field.enum)
        elif field.type == "integer":
            frame[field.name] = column.astype("int64" if field.required else "Int64")
        elif field.type == "number":
            frame[field.name] = column.astype("float64")
        elif field.type == "boolean":
            frame[field.name] = column.astype("bool" if field.required else "boolean")
        elif field.type == "date":
            frame[field.name] = pd.to_datetime(column)
    return frame


def load_all(data_dir: Path | str = ACTIVE_DATA_DIR) -> dict[str, pd.DataFrame]:
    """Every table, checked against its schema and every key across tables.

    By default this reads the book's data, or the class variant named by ``PMCJ_DATA``.
    """
    data_dir = Path(data_dir)
    resources = read_descriptor(data_dir)
    rows = {name: read_rows(resource, data_dir) for name, resource in resources.items()}
    for name, resource in resources.items():
        check_foreign_keys(resource, rows[name], rows)
    check_segment_offsets(resources, rows)
    return {name: to_frame(resources[name], rows[name]) for name in resources}


def load_table(name: str, data_dir: Path | str = ACTIVE_DATA_DIR) -> pd.DataFrame:
    """One table, checked against its schema and against the tables its keys refer to."""
    data_dir = Path(data_dir)
    resources = read_descriptor(data_dir)
    if name not in resources:
        raise DataError(
            DESCRIPTOR, f"there is no table called {name!r}; the tables are {list(resources)}"
        )
    needed = {name}
    pending = [name]
    while pending:
        for key in resources[pending.pop()].foreign_keys:
            target = key["reference"]["resource"]
            if target and target not in needed:
                needed.add(target)
                pending.append(target)
    rows = {table: read_rows(resources[table], data_dir) for table in needed}
    for table in needed:
        check_foreign_keys(resources[table], rows[table], rows)
    check_segment_offsets(resources, rows)
    return to_frame(resources[name], rows[name])
