"""Charts that draw in JupyterLab and Notebook with no internet connection.

JupyterLab (up to 4.6 at least) and Notebook 7 draw Vega-Lite charts themselves, with the vega
code they ship, but only for the MIME types ``application/vnd.vegalite.v3+json`` to ``v5+json``.
altair 6 writes ``v6+json``, which they show as text, and its default renderer falls back to HTML
that loads vega from a CDN: offline, "Error loading script". The charts this book draws use
nothing that Vega-Lite 6 added, so the same specification, labelled as Vega-Lite 5, draws in
those front ends from their own files. This module does that labelling, for the outputs saved in
downloaded notebooks (:func:`as_vegalite5`, used when the downloads are made) and for charts a
student draws again (:func:`enable`, called by every download's first cell, with altair 5.5 or 6).

The student pack's tests open the executed notebooks in JupyterLab in a headless browser with
every request to another host blocked, and count the charts drawn, before and after running every
cell again.
"""

from __future__ import annotations

import re
from typing import Any

VEGALITE5_MIME = "application/vnd.vegalite.v5+json"
VEGALITE5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v(\d+)\+json$")
RENDERER = "pmcj-offline"


def chart_label(spec: dict[str, Any]) -> str:
    """The text a notebook shows where it cannot draw the chart: its title."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return f"<Vega-Lite chart: {title if isinstance(title, str) else 'untitled'}>"


def as_vegalite5(spec: dict[str, Any]) -> dict[str, Any]:
    """The specification labelled as Vega-Lite 5 (``$schema`` is a label, never fetched)."""
    return {**spec, "$schema": VEGALITE5_SCHEMA}


def mimebundle(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    """An altair renderer: the chart as Vega-Lite 5, which JupyterLab and Notebook draw offline."""
    return {VEGALITE5_MIME: as_vegalite5(spec), "text/plain": chart_label(spec)}


def offline_outputs(data: dict[str, Any]) -> dict[str, Any]:
    """A saved output's data with any Vega-Lite chart re-labelled as Vega-Lite 5 (else as is)."""
    versions = [key for key in data if VEGALITE_MIME.match(key)]
    if not versions:
        return data
    spec = data[versions[0]]
    kept = {key: value for key, value in data.items() if key not in versions}
    return {**kept, VEGALITE5_MIME: as_vegalite5(spec), "text/plain": chart_label(spec)}


def enable() -> None:
    """Draw altair charts through :func:`mimebundle` from now on (safe to call again)."""
    import altair as alt

    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)
