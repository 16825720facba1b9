"""An altair renderer whose output the book can render offline.

altair's default renderer writes HTML that loads vega from a public CDN (nothing renders offline
and every page leaks its readers' addresses), and altair 6.3's own ``mimetype`` renderer writes a
MIME type that fails nbformat validation. This renderer writes the valid Vega-Lite MIME bundle; the
book's Sphinx extension (:mod:`pmcj.sphinxext.vegalite`) turns it into a chart drawn by JavaScript
served from the site itself.
"""

from __future__ import annotations

from typing import Any

import altair as alt

VEGALITE_MIME = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.split('.')[0].lstrip('v')}+json"
RENDERER_NAME = "pmcj"


def vegalite_mimebundle(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Return the chart as a Vega-Lite bundle with a plain-text fallback naming the chart."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = title if isinstance(title, str) else "chart"
    return {VEGALITE_MIME: spec, "text/plain": f"<Vega-Lite chart: {label}>"}


def enable() -> None:
    """Make altair display charts through this renderer (idempotent)."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, vegalite_mimebundle)
    alt.renderers.enable(RENDERER_NAME)
