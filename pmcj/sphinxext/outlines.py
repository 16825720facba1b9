"""Number figures and exercises from small outlines of the pages, not from the whole pages.

sphinx-exercise numbers exercises with Sphinx's figure numbering, so ``numfig`` is on, and on every
build, a one-line prose edit included, Sphinx's table-of-contents collector walks the doctree of
every page in the book to count figures, tables, captioned code and exercises
(``TocTreeCollector.assign_figure_numbers``). Unpickling the 30 chapters' doctrees (4.6 MB) for
that took 0.4 s of a 4.5 s prose-edit rebuild (profiled on 2026-11-30; issue 11 asks for a
rebuild no slower than the bare template's).

The walk only looks at sections, toctrees and numbered ("enumerable") nodes. This module keeps,
for each page, an outline holding just those: the sections and toctrees with their attributes,
each enumerable node with its caption or title (which decide whether it is numbered), and every
element on the way down to one of them. While the collector numbers, ``env.get_doctree`` answers
from the outlines; Sphinx's own code does the numbering, so the numbers are Sphinx's.

An outline is made from the pickled doctree itself, the first time the collector asks for a page
after it was written, and is recognised as current by the doctree file's modification time and
size, so a page read again (or any other rewrite of its doctree) is outlined again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

# On the environment (pickled with it): docname -> (doctree file stamp, outline). The version
# changes whenever what an outline keeps changes, so outlines from older code are not reused.
OUTLINES = "pmcj_outlines"
VERSION = 1


def figure_type(env: BuildEnvironment, node: nodes.Element) -> str | None:
    """What Sphinx's collector would number this node as (its ``get_figtype``), or None."""
    for domain in env.domains.values():
        figtype = domain.get_enumerable_node_type(node)
        if domain.name == "std" and not domain.get_numfig_title(node):  # type: ignore[attr-defined]
            continue
        if figtype:
            return figtype
    return None


def detach(node: nodes.Node) -> None:
    """Cut an outline's links to the page it came from, so pickling it does not pickle the page."""
    for part in node.findall():  # text too: a Text node also keeps its page's document
        part._document = None  # type: ignore[union-attr]


def outline_children(
    env: BuildEnvironment, parent: nodes.Element, titles: bool = False
) -> list[nodes.Element]:
    """The outline of a node's children: only what the numbering walk can reach and use (and,
    with ``titles``, the captions and titles that name a numbered node)."""
    kept: list[nodes.Element] = []
    for child in parent.children:
        if not isinstance(child, nodes.Element):
            continue
        if titles and isinstance(child, (nodes.caption, nodes.title)):
            whole = child.deepcopy()
            detach(whole)
            kept.append(whole)
            continue
        if figure_type(env, child):
            kept.append(enumerable_outline(env, child))
            continue
        below = outline_children(env, child)
        if below or isinstance(child, (nodes.section, addnodes.toctree)):
            copy = child.copy()
            copy._document = None  # type: ignore[assignment]  # copy() keeps the page's document
            copy.rawsource = ""
            copy.extend(below)
            kept.append(copy)
    return kept


def enumerable_outline(env: BuildEnvironment, node: nodes.Element) -> nodes.Element:
    """A numbered node with its caption or title (which decide whether it is numbered) and the
    outline of the rest of what it holds (a figure inside an exercise is numbered too).

    A node whose kind finds its title with a function of its own (``add_enumerable_node``'s
    ``title_getter``), or whose kind the shortened copy no longer shows, is kept whole.
    """
    std = env.domains.get("std")
    _, title_getter = getattr(std, "enumerable_nodes", {}).get(node.__class__, (None, None))
    if title_getter is None:
        outline = node.copy()
        outline.rawsource = ""
        outline.extend(outline_children(env, node, titles=True))
        if figure_type(env, outline) == figure_type(env, node):
            detach(outline)
            return outline
    # Its kind is decided by more than its title (captioned code needs its literal block).
    whole = node.deepcopy()
    detach(whole)
    return whole


def make_outline(env: BuildEnvironment, doctree: nodes.Element) -> nodes.Element:
    outline = nodes.Element()
    outline.extend(outline_children(env, doctree))
    return outline


def doctree_stamp(env: BuildEnvironment, docname: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(os.path.join(env.doctreedir, docname + ".doctree"))
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def stored_outlines(env: BuildEnvironment) -> dict[str, tuple[tuple[int, int], nodes.Element]]:
    store = getattr(env, OUTLINES, None)
    if not isinstance(store, dict) or store.get("version") != VERSION:
        store = {"version": VERSION, "pages": {}}
        setattr(env, OUTLINES, store)
    return store["pages"]


def outline_reader(
    env: BuildEnvironment, read_doctree: Callable[[str], nodes.document]
) -> Callable[[str], nodes.Element]:
    """A stand-in for ``env.get_doctree`` that answers with current outlines."""
    pages = stored_outlines(env)

    def outline(docname: str) -> nodes.Element:
        stamp = doctree_stamp(env, docname)
        known = pages.get(docname)
        if stamp is not None and known is not None and known[0] == stamp:
            return known[1]
        made = make_outline(env, read_doctree(docname))
        if stamp is not None:
            pages[docname] = (stamp, made)
        return made

    return outline


def use_outlines(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """Just before Sphinx numbers figures: let it read outlines instead of doctrees."""
    env.get_doctree = outline_reader(env, env.get_doctree)  # type: ignore[method-assign]
    return []


def use_doctrees(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """Right after: every other reader gets whole doctrees again (and env pickles as before)."""
    env.__dict__.pop("get_doctree", None)
    return []


def forget_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    stored_outlines(env).pop(docname, None)


def merge_outlines(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    theirs = stored_outlines(other)
    stored_outlines(env).update({name: theirs[name] for name in docnames if name in theirs})


def setup_outlines(app: Sphinx) -> None:
    # Sphinx's collector numbers at the default priority, 500; pmcj.sphinxext.exercises puts its
    # own numbers back at 400 and renumbers exercises per chapter at 600.
    app.connect("env-get-updated", use_outlines, priority=450)
    app.connect("env-get-updated", use_doctrees, priority=550)
    app.connect("env-updated", use_doctrees, priority=100)  # in case numbering stopped midway
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_outlines)
