"""Debian's Chromium, found and started the same way by the tests, the screenshots and `make pdf`.

Never ``playwright install``: it downloads a browser of its own and fails without internet. The
book uses the distribution's ``chromium`` (``apt-get install -y chromium``), or the program that
``PMCJ_CHROMIUM`` names, through Playwright's Python API.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

# Flags from TECH-NOTES: no sandbox (containers), and nothing that makes Chromium itself phone
# home, so that every request the tests see comes from the page.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
INSTALL_HINT = (
    "install Debian's browser with `apt-get install -y chromium` (never `playwright install`)"
)


def find_chromium() -> str | None:
    """``PMCJ_CHROMIUM`` if set (and only it), else Debian's chromium on PATH or in /usr/bin.

    An explicit ``PMCJ_CHROMIUM`` that is not a program means "no browser", never a fallback,
    so a run on a machine with a broken override says so instead of testing another browser.
    """
    override = os.environ.get("PMCJ_CHROMIUM")
    candidates = [override] if override else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright: Any, executable: str) -> Any:
    """Launch headless Chromium with the project's flags."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
