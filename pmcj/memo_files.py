"""Files the build keeps between builds: written whole or not at all, read back or ignored.

A build stopped mid-write (Ctrl+C, a full disk) must leave the old file or none, never a torn
one; and a file that cannot be read back (damaged, or written by another version) is treated as
absent, so the build works the long way instead of trusting it.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as temporary:
            temporary.write(data)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def read_memo(path: Path, stamp: Any) -> Any | None:
    """What :func:`write_memo` kept in ``path`` under ``stamp``; None if it is missing, cannot
    be read back, or was written under another stamp (other versions, other contents)."""
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
        return None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        return stored[1]
    return None


def write_memo(path: Path, stamp: Any, payload: Any) -> None:
    """Keep ``payload`` in ``path`` for :func:`read_memo` to give back under the same ``stamp``."""
    write_bytes_atomically(path, pickle.dumps((stamp, payload), pickle.HIGHEST_PROTOCOL))
