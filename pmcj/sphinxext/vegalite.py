"""Render altair's Vega-Lite output as an offline, accessible chart in the built book.

myst-nb calls :meth:`VegaLiteRenderPlugin.handle_mime` for each notebook output. For a Vega-Lite
bundle it writes a ``figure`` holding the spec as JSON, a reserved height so the text does not jump
when the chart is drawn, and a "numbers behind this chart" table built from the chart's own data,
so that screen-reader users and readers without JavaScript lose nothing. The JavaScript that draws
the chart is served by the site and attached only to pages that have charts; it fetches the vega
libraries only when a chart comes near the screen.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from docutils import nodes
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
MIME_PATTERN = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
STATIC_PREFIX = "pmcj/"  # relative to _static/, as Sphinx expects
# Loaded by pmcj-charts.js, in this order, when the first chart nears the screen.
LIBRARIES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
DEFAULT_HEIGHT = 300
TABLE_ROW_LIMIT = 60
# On paper a table of sixty rows of excerpts ran to a dozen pages (Chapter 4, issue 18): print
# shows the first rows, says how many there are, and where the rest are.
PRINT_ROW_LIMIT = 20
TITLE_AND_AXES = 90  # pixels vega adds around the plotting area for a title and axis labels


def chart_text(value: Any) -> str:
    """Return a title or description as plain text (altair allows a string, list or dict)."""
    if isinstance(value, dict):
        value = value.get("text", "")
    if isinstance(value, list):
        value = " ".join(str(part) for part in value)
    return str(value or "").strip()


def reserved_height(spec: dict[str, Any]) -> int:
    """Estimate the drawn height so the page can reserve it before vega runs."""
    heights = []
    for key in ("vconcat", "concat"):
        if key in spec:
            return sum(reserved_height(part) for part in spec[key])
    if "hconcat" in spec:
        return max(reserved_height(part) for part in spec["hconcat"])
    for candidate in (spec, spec.get("spec", {})):
        height = candidate.get("height")
        if isinstance(height, int | float):
            heights.append(int(height))
    rows = 1
    facet = spec.get("facet", {})
    if isinstance(facet, dict) and "row" in facet:
        rows = 2
    base = max(heights) if heights else DEFAULT_HEIGHT
    return base * rows + TITLE_AND_AXES


def spec_tables(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Collect the inline data sets a chart draws (altair puts them under ``datasets``)."""
    tables = [rows for rows in spec.get("datasets", {}).values() if isinstance(rows, list)]
    values = spec.get("data", {}).get("values") if isinstance(spec.get("data"), dict) else None
    if isinstance(values, list):
        tables.append(values)
    return [rows for rows in tables if rows]


def format_cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}".rstrip("0").rstrip(".")
    if value is None:
        return ""
    return str(value)


def table_html(rows: list[dict[str, Any]], caption: str) -> str:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    shown = rows[:TABLE_ROW_LIMIT]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in columns)
    body = "".join(
        ("<tr>" if index < PRINT_ROW_LIMIT else '<tr class="pmcj-print-omit">')
        + "".join(f"<td>{html.escape(format_cell(r.get(c)))}</td>" for c in columns)
        + "</tr>"
        for index, r in enumerate(shown)
    )
    note = ""
    if len(rows) > len(shown):
        note = f"<p>First {len(shown)} of {len(rows)} rows; the notebook holds them all.</p>"
    if len(rows) > PRINT_ROW_LIMIT:
        note += (
            f'<p class="pmcj-print-note">On paper, the first {PRINT_ROW_LIMIT} of {len(rows)} '
            "rows; the website and the page's notebook hold them all.</p>"
        )
    return (
        f'<div class="pmcj-chart-table"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</div>"
    )


def chart_html(spec: dict[str, Any]) -> str:
    title = chart_text(spec.get("title"))
    description = chart_text(spec.get("description"))
    # The $schema URL is never fetched, but an address of another host has no place in the page;
    # the page script tells vega-embed the mode instead.
    spec = {key: value for key, value in spec.items() if key != "$schema"}
    payload = json.dumps(spec, separators=(",", ":"), sort_keys=True)
    payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
    tables = "".join(
        table_html(rows, f"Numbers behind the chart: {title}") for rows in spec_tables(spec)
    )
    return (
        f'<figure class="pmcj-chart">'
        f'<div class="pmcj-chart-target" style="min-height:{reserved_height(spec)}px"></div>'
        f'<script type="application/json" class="pmcj-chart-spec">{payload}</script>'
        f'<figcaption><p class="pmcj-chart-description">{html.escape(description)}</p>'
        f"<details><summary>Show the numbers behind this chart as a table</summary>{tables}"
        f"</details></figcaption></figure>"
    )


class VegaLiteRenderPlugin:
    """myst-nb MIME render plugin (registered under the ``myst_nb.mime_renderers`` entry point)."""

    # Lower wins; myst-nb's text/html is 30, so charts beat altair's HTML fallback everywhere.
    mime_priority_overrides = [
        ("*", f"application/vnd.vegalite.v{version}+json", 5) for version in (4, 5, 6)
    ]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if inline or not MIME_PATTERN.match(data.mime_type):
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.string)
        location = f"{renderer.renderer.document['source']}:{data.line or 0}"
        for field in ("title", "description"):
            if not chart_text(spec.get(field)):
                LOGGER.warning(
                    "chart has no %s: give every altair chart a title and a description "
                    "(the description is what screen readers announce) [%s]",
                    field,
                    location,
                    type="pmcj",
                    subtype="chart",
                )
        renderer.add_js_file(
            "pmcj-charts",
            STATIC_PREFIX + "pmcj-charts.js",
            {"defer": "defer", "data-requires": " ".join(LIBRARIES)},
        )
        return [nodes.raw("", chart_html(spec), format="html")]
