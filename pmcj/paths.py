"""Where the repository's pieces live, resolved once so that modules never guess relative paths."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# A lecturer's class variant can stand in for the committed data: set PMCJ_DATA to its folder.
ACTIVE_DATA_DIR = Path(os.environ.get("PMCJ_DATA", DATA_DIR)).resolve()
BUILD_DIR = ROOT / "_build"
CACHE_DIR = BUILD_DIR / ".jupyter_cache"
# The printed book (`make pdf`): one PDF per edition, which each edition's site then offers.
PDF_DIR = BUILD_DIR / "pdf"
TOC = ROOT / "_toc.yml"
