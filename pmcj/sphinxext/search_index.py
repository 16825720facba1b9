"""Keep the search index's index entries across rebuilds (Sphinx 7.4 drops them).

Sphinx writes the pages' index entries (here, the glossary's terms) into ``searchindex.js``, so a
search for a term offers its definition first. On a rebuild it reads the old index back to keep
the words of the pages it does not write again, but not their index entries
(sphinx-doc/sphinx#12599, open): after a one-line prose edit, ``make book`` left every glossary
term of the other pages out of the index until the next clean build. Comparing a rebuilt site with
a clean build of the same sources found this as the only difference (2026-11-30).

Here the entries are read back too, in the form Sphinx itself writes them (lower-cased, which it
does again when it writes), and dropped with their page when the page is gone, so a rebuilt index
equals a clean build's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, Any

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder


def entries_from_frozen(frozen: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """docname -> [(entry, target id, "main" or "")], as ``IndexBuilder.feed`` keeps them."""
    docnames = frozen["docnames"]
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for doc, target, main in places:
            entries.setdefault(docnames[doc], []).append((entry, target, "main" if main else ""))
    return {name: sorted(entries[name]) for name in docnames if name in entries}


class Remembering:
    """A stand-in for the index's file format that keeps what it loaded."""

    def __init__(self, format: Any) -> None:
        self.format = format
        self.frozen: Any = None

    def load(self, stream: IO) -> Any:
        self.frozen = self.format.load(stream)
        return self.frozen


def loading_entries(load: Callable[..., None]) -> Callable[..., None]:
    def load_with_entries(self: IndexBuilder, stream: IO, format: Any) -> None:
        remembering = Remembering(self.formats[format] if isinstance(format, str) else format)
        load(self, stream, remembering)
        if isinstance(remembering.frozen, dict) and "indexentries" in remembering.frozen:
            for docname, entries in entries_from_frozen(remembering.frozen).items():
                self._index_entries.setdefault(docname, entries)

    load_with_entries.pmcj_patched = True  # type: ignore[attr-defined]
    return load_with_entries


def pruning_entries(prune: Callable[..., None]) -> Callable[..., None]:
    def prune_with_entries(self: IndexBuilder, docnames: Iterable[str]) -> None:
        kept = set(docnames)
        prune(self, kept)
        for docname in [name for name in self._index_entries if name not in kept]:
            del self._index_entries[docname]

    prune_with_entries.pmcj_patched = True  # type: ignore[attr-defined]
    return prune_with_entries


def setup_search_index(app: Sphinx) -> None:
    if not getattr(IndexBuilder.load, "pmcj_patched", False):
        IndexBuilder.load = loading_entries(IndexBuilder.load)  # type: ignore[method-assign]
    if not getattr(IndexBuilder.prune, "pmcj_patched", False):
        IndexBuilder.prune = pruning_entries(IndexBuilder.prune)  # type: ignore[method-assign]
