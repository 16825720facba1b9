"""Remember each formatted reference list between builds, instead of formatting it on every one.

Once every page is read, sphinxcontrib-bibtex formats every entry of every ``{bibliography}`` in
the book (each chapter's works cited, Further reading, the full list), decoding each field's LaTeX
on the way (``BibtexDomain.env_updated`` -> ``get_formatted_entries``). It does so on every build,
so it took 0.3-0.45 s of a one-line prose edit's rebuild (profiled on 2026-11-30).

A list's formatting depends only on which entries it holds, in which order, on the style (the
book's own, :mod:`pmcj.sphinxext.citations`, whose year letters come from references.bib), the
tooltip settings and the .bib files. This module keeps each list's formatted entries on the
environment, keyed by exactly those, and gives them back while none of them changed. A change to
the book's extension code makes Sphinx start a new environment (``pmcj_fingerprint``), which
forgets them all. A list that raised a warning while being formatted (an entry missing a field)
is never remembered, so the warning is given again on the next build.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinxcontrib.bibtex.domain import BibtexDomain

REMEMBERED = "pmcj_reference_lists"
VERSION = 1


def list_key(
    domain: BibtexDomain,
    bibliography_key: Any,
    entry_keys: tuple[str, ...],
    tooltips: bool,
    tooltips_style: str,
) -> tuple[Any, ...]:
    """Everything a formatted list depends on (the .bib files by path and modification time)."""
    bibliography = domain.bibliographies[bibliography_key]
    bibfiles = tuple(
        sorted((str(path), bib.mtime) for path, bib in domain.bibdata.bibfiles.items())
    )
    return (
        VERSION,
        bibliography.style,
        bibliography.labelprefix,
        entry_keys,
        tooltips,
        tooltips_style,
        bibfiles,
        domain.bibdata.encoding,
    )


def remembered_lists(env: Any) -> dict[str, Any]:
    """The lists kept on the environment, and the keys this build used (the rest are dropped)."""
    store = env.__dict__.get(REMEMBERED)
    if not isinstance(store, dict) or store.get("version") != VERSION:
        store = {"version": VERSION, "lists": {}, "used": set()}
        env.__dict__[REMEMBERED] = store
    return store


def forget_unused(app: Sphinx, env: Any) -> list[str]:
    """After sphinxcontrib-bibtex formatted this build's lists: keep only those, for the next."""
    store = remembered_lists(env)
    store["lists"] = {key: store["lists"][key] for key in store["used"] if key in store["lists"]}
    store["used"] = set()
    return []


def remembering(
    format_entries: Callable[..., Iterable[tuple[Any, Any, Any]]],
) -> Callable[..., list[tuple[Any, Any, Any]]]:
    """Wrap ``BibtexDomain.get_formatted_entries`` so that an unchanged list is not formatted."""

    @functools.wraps(format_entries)
    def get_formatted_entries(
        self: BibtexDomain,
        bibliography_key: Any,
        docnames: list[str],
        tooltips: bool,
        tooltips_style: str,
    ) -> list[tuple[Any, Any, Any]]:
        entries = {
            entry.key: entry for _, entry in self.get_sorted_entries(bibliography_key, docnames)
        }
        key = list_key(self, bibliography_key, tuple(entries), tooltips, tooltips_style)
        store = remembered_lists(self.env)
        store["used"].add(key)
        known = store["lists"].get(key)
        if known is not None:  # the entries themselves from this build's reading of the .bib
            return [(entries[name], formatted, tip) for name, formatted, tip in known]
        made = list(format_entries(self, bibliography_key, docnames, tooltips, tooltips_style))
        if len(made) == len(entries):  # none was left out with a warning
            store["lists"][key] = [(entry.key, formatted, tip) for entry, formatted, tip in made]
        return made

    get_formatted_entries.pmcj_remembering = True  # type: ignore[attr-defined]
    return get_formatted_entries


def setup_reference_lists(app: Sphinx) -> None:
    if not getattr(BibtexDomain.get_formatted_entries, "pmcj_remembering", False):
        BibtexDomain.get_formatted_entries = remembering(  # type: ignore[method-assign]
            BibtexDomain.get_formatted_entries
        )
    app.connect("env-updated", forget_unused, priority=900)  # sphinxcontrib-bibtex's is at 500
