"""What the joined style sheet was made from, remembered between builds.

:mod:`pmcj.sphinxext.performance` joins the site's style sheets into one and trims it to the
classes the site uses, which it reads from every page and every script a page loads. Each build
read all 40 pages again and trimmed the sheets again, about 0.15 s of a one-line prose edit's
rebuild, although the edit changed two pages and, nearly always, no class (profiled on
2026-11-30).

This memo, a JSON file in the doctree folder, keeps:

* for each page and script, what was read from it, with the file's modification time and size,
  so only files written since are read again;
* for each joined sheet, a digest of everything it was made from (the sheets' text, the Font
  Awesome script whose shapes replace the icon font, and the names in use) and the file it was
  written to, so an unchanged joined sheet is neither trimmed nor written again.

A memo that cannot be read is ignored (everything is read afresh), never trusted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

MEMO = "pmcj-styles.json"
VERSION = 1


class StyleMemo:
    def __init__(self, doctreedir: Path) -> None:
        self.path = Path(doctreedir) / MEMO
        self.files: dict[str, list[Any]] = {}
        self.bundles: dict[str, str] = {}
        self.changed = False
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(saved, dict) and saved.get("version") == VERSION:
            self.files = saved.get("files", {}) if isinstance(saved.get("files"), dict) else {}
            self.bundles = (
                saved.get("bundles", {}) if isinstance(saved.get("bundles"), dict) else {}
            )

    def read(self, path: Path, parse: Callable[[str], Any]) -> Any:
        """``parse(text of path)``, reusing the last result while the file is unchanged."""
        stat = path.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        key = str(path)
        known = self.files.get(key)
        if isinstance(known, list) and len(known) == 3 and known[:2] == stamp:
            return known[2]
        found = parse(path.read_text(encoding="utf-8", errors="ignore"))
        self.files[key] = [*stamp, found]
        self.changed = True
        return found

    def bundle(self, digest: str) -> str | None:
        return self.bundles.get(digest)

    def remember_bundle(self, digest: str, name: str) -> None:
        self.bundles[digest] = name
        self.changed = True

    def save(self, keep_bundles: set[str]) -> None:
        """Write the memo, keeping only files that still exist and bundles still linked."""
        files = {key: value for key, value in self.files.items() if Path(key).is_file()}
        bundles = {d: name for d, name in self.bundles.items() if name in keep_bundles}
        if not self.changed and files == self.files and bundles == self.bundles:
            return  # nothing new: the memo on disk says it all
        self.files, self.bundles = files, bundles
        self.path.parent.mkdir(parents=True, exist_ok=True)
        memo = {"version": VERSION, "files": self.files, "bundles": self.bundles}
        self.path.write_text(json.dumps(memo), encoding="utf-8")
