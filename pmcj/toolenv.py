"""Make a repository script run under the project's .venv, whichever Python started it.

The tools in ``tools/`` need the pinned toolchain; `make` runs them with .venv's Python, but a
contributor may start one with plain ``python``. This module uses only the standard library so a
script can import it before anything else is installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def ensure_project_python(script: str, name: str) -> None:
    """Re-run `script` under .venv's Python, or exit with what to run if there is no .venv."""
    if Path(sys.prefix).resolve() == VENV_PYTHON.parent.parent.resolve():
        return
    if not VENV_PYTHON.exists():
        sys.exit(f"{name}: no .venv in this repository: run `make venv` first")
    path = str(Path(script).resolve())
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), path, *sys.argv[1:]])
