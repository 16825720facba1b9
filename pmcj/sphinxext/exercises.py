"""Number exercises per chapter ("Exercise 7.1"), taken from their labels, as the checks are named.

sphinx-exercise numbers exercises with Sphinx's figure numbering. The book's table of contents is
not numbered (each chapter carries Buck's chapter number in its title, and the book is written out
of order), so Sphinx counts exercises across the whole book in the order of ``_toc.yml``:
Chapter 7's first exercise was "Exercise 1", it did not match its label ``ex7-1`` or its check
``ch07.ex7_1``, and adding Chapter 5 would have renumbered every exercise after it, in both
editions and in every reference a lecturer had handed out.

Here each exercise takes its number from its label instead: ``exN-M`` is Exercise N.M, wherever
the chapter sits in the book. An exercise without such a label is numbered by its position
within its page, under the chapter number at the start of its file name (``exercises/07-...``).
A page outside the numbered chapters that holds exercises (the primer) is numbered with a letter
given in :data:`pmcj.pages.LETTERED`: ``exp-1`` is Exercise P.1. A label whose chapter or letter
differs from its page's is reported as a build warning (an error in ``make book``), and so is a
number used twice.

Sphinx assigns figure numbers during the ``env-get-updated`` event and rewrites a page when its
numbers differ from the last build's. So that it compares its own numbering with its own, the
numbers Sphinx assigned are kept aside and put back before it runs again; otherwise every build
would rewrite every exercise page.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from pmcj.pages import chapter_number, exercise_series

LOGGER = logging.getLogger(__name__)
LABEL = re.compile(r"^ex(\d+|[a-z])-(\d+)$")
SAVED = "pmcj_sphinx_fignumbers"


def chapter_of(docname: str) -> int | None:
    """The chapter number at the start of a page's file name (``exercises/07-x`` is 7)."""
    return chapter_number(docname)


def shown(series: str) -> int | str:
    """A label's chapter or letter as the number shows it: 7, or 'P' for ``exp-1``."""
    return int(series) if series.isdigit() else series.upper()


def chapter_numbers(
    docname: str, exercises: dict[str, tuple[int, ...]]
) -> tuple[dict[str, tuple[int | str, ...]], list[str]]:
    """Per-chapter numbers for one page's exercises (id -> Sphinx's number), and any problems."""
    series = exercise_series(docname)
    numbered: dict[str, tuple[int | str, ...]] = {}
    problems: list[str] = []
    in_order = sorted(exercises.items(), key=lambda item: item[1])
    for position, (ident, number) in enumerate(in_order, start=1):
        match = LABEL.match(ident)
        if match:
            numbered[ident] = (shown(match.group(1)), int(match.group(2)))
            if series is not None and match.group(1) != series:
                what = "chapter" if match.group(1).isdigit() else "letter"
                problems.append(
                    f"exercise label {ident} is numbered for {what} {shown(match.group(1))}, but "
                    f"its page's exercises are numbered {shown(series)}.M: label it "
                    f"ex{series}-M"
                )
            elif series is None and not match.group(1).isdigit():
                problems.append(
                    f"exercise label {ident} is numbered with the letter "
                    f"{shown(match.group(1))}, but its page has no letter: add the page to "
                    "LETTERED in pmcj/pages.py, or label it as its chapter's"
                )
        elif series is not None:
            numbered[ident] = (shown(series), position)
        else:
            numbered[ident] = number
    seen: dict[tuple[int | str, ...], str] = {}
    for ident, number in numbered.items():
        if number in seen:
            text = ".".join(map(str, number))
            problems.append(f"exercises {seen[number]} and {ident} are both Exercise {text}")
        seen[number] = ident
    return numbered, problems


def restore_sphinx_numbers(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """Before Sphinx numbers figures again, give it back its own numbers from the last build."""
    saved = getattr(env, SAVED, None)
    if saved is not None:
        env.toc_fignumbers = copy.deepcopy(saved)
    return []


def number_per_chapter(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """After Sphinx numbers figures, renumber every page's exercises by chapter."""
    setattr(env, SAVED, copy.deepcopy(env.toc_fignumbers))
    for docname, kinds in env.toc_fignumbers.items():
        exercises = kinds.get("exercise")
        if not exercises:
            continue
        numbered, problems = chapter_numbers(docname, exercises)
        exercises.update(numbered)
        for problem in problems:
            LOGGER.warning(problem, location=docname, type="pmcj", subtype="exercise")
    return []


def detach_registered_exercises(app: Sphinx, env: BuildEnvironment) -> None:
    """Keep sphinx-exercise's registry from saving every page with exercises in the environment.

    sphinx-exercise remembers each exercise's node (``env.sphinx_exercise_registry``) for the
    solutions' titles and links. Every text node inside still points at the page it was read
    from, so pickling the environment pickled those whole pages too: 1.08 MB of the 2 MB
    environment, written after every build and read before the next, a one-line prose edit's
    included (profiled on 2026-11-30). Only the nodes' own text, attributes and numbers are read
    from the registry later (pages are written from doctrees read back from disk, never from
    these nodes), so once every page is read each node is cut loose from its page.
    """
    registry = getattr(env, "sphinx_exercise_registry", None)
    if not isinstance(registry, dict):
        return
    for entry in registry.values():
        node = entry.get("node") if isinstance(entry, dict) else None
        if node is None:
            continue
        if node.parent is not None:  # a solution is registered in place, inside its page
            node = entry["node"] = node.deepcopy()
        for part in node.findall():
            part._document = None  # type: ignore[union-attr]


def setup_exercises(app: Sphinx) -> None:
    """Connect around Sphinx's own numbering (its collector listens at the default 500)."""
    app.connect("env-get-updated", restore_sphinx_numbers, priority=400)
    app.connect("env-get-updated", number_per_chapter, priority=600)
    app.connect("env-updated", detach_registered_exercises, priority=950)  # before it is pickled
