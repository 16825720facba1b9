"""A hash of the book's own code, for caches whose contents the code decides.

Sphinx re-reads every page when this changes (``pmcj.sphinxext``), and the downloadable notebooks
are converted again (``pmcj.notebooks.download_text``): a change to the converter or the
extension must never leave a stale page or download behind.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CODE_SUFFIXES = {".py", ".js", ".css"}


@cache
def package_fingerprint() -> str:
    """A hash of every Python, JavaScript and CSS file in the ``pmcj`` package."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
