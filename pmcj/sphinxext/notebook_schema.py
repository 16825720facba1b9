"""nbformat's notebook validator, compiled once and kept on disk instead of once per build.

Reading a notebook page validates it against nbformat's JSON schema, and the first validation of
a process turns that schema into Python with fastjsonschema and compiles it: 0.05 s of each
prose-edit rebuild of a notebook page (profiled 2026-11-30), for a schema that changes only with
nbformat. The compiled code is kept in the doctree folder, keyed by the schema's text, the
fastjsonschema version and the Python bytecode version, so a new nbformat, fastjsonschema or
Python compiles it again; a damaged file is ignored and written again. The code itself is the
code fastjsonschema would compile (its ``compile_to_code``), so notebooks pass and fail exactly
as they do without it (``tests/test_rebuild_memos.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver
from nbformat import json_compat, validator
from sphinx.application import Sphinx

from pmcj.memo_files import write_bytes_atomically

FOLDER = "pmcj-notebook-schema"
_folder: Path | None = None


def schema_key(schema: dict[str, Any]) -> str:
    text = json.dumps(schema, sort_keys=True)
    parts = (fastjsonschema.VERSION, importlib.util.MAGIC_NUMBER.hex(), text)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def compiled_validation(schema: dict[str, Any], folder: Path) -> Callable[[Any], Any]:
    """fastjsonschema's validation function for ``schema``, from ``folder`` when it is there."""
    key = schema_key(schema)
    path = folder / f"{key}.marshal"
    code = None
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        code = None
    if code is None:
        source = fastjsonschema.compile_to_code(schema)
        code = compile(source, f"<nbformat schema {key}>", "exec")
        with contextlib.suppress(OSError):  # a read-only build folder: compile again next time
            write_bytes_atomically(path, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 (fastjsonschema's own generated code, as compile() runs)
    return namespace[RefResolver.from_schema(schema, handlers={}, store={}).get_scope_name()]


class RememberedFastJsonSchemaValidator(json_compat.FastJsonSchemaValidator):
    """nbformat's fastjsonschema validator, with its compiled code read from the doctree folder."""

    def __init__(self, schema: dict[str, Any]) -> None:
        json_compat.JsonSchemaValidator.__init__(self, schema)
        if _folder is None:
            self._validator = fastjsonschema.compile(schema)
        else:
            self._validator = compiled_validation(schema, _folder)


def remember_the_validator(folder: Path) -> None:
    """Make nbformat build its fastjsonschema validators with :func:`compiled_validation`."""
    global _folder
    _folder = folder
    json_compat._VALIDATOR_MAP[:] = [
        (name, module, RememberedFastJsonSchemaValidator if name == "fastjsonschema" else cls)
        for name, module, cls in json_compat._VALIDATOR_MAP
    ]
    validator.validators.clear()  # any validator made before now is made again, the same


def setup_notebook_schema(app: Sphinx) -> None:
    remember_the_validator(Path(app.doctreedir) / FOLDER)
