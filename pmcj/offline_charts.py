"""Charts that draw in JupyterLab, Notebook 7 and the classic Notebook with no internet connection.

JupyterLab (up to 4.6 at least) and Notebook 7 draw Vega-Lite charts themselves, with the vega
code they ship, but only for the MIME types ``application/vnd.vegalite.v3+json`` to ``v5+json``.
altair 6 writes ``v6+json``, which they show as text, and its default renderer falls back to HTML
that loads vega from a CDN: offline, "Error loading script". The charts this book draws use
nothing that Vega-Lite 6 added, so the same specification, labelled as Vega-Lite 5, draws in
those front ends from their own files.

The classic Notebook (Notebook 6, nbclassic) has no Vega-Lite renderer at all, and in a notebook
it does not trust (every downloaded notebook) it shows only text, LaTeX, PNG, JPEG and GIF. So
each chart also carries a PNG picture, drawn by ``vl-convert-python`` (a bundled engine: no
browser, no network), which the classic Notebook shows where it cannot draw the chart; a picture
has no tooltips or drop-downs. JupyterLab and Notebook 7 rank their Vega-Lite renderer above PNG,
so they still draw the interactive chart.

This module does that, for the outputs saved in downloaded notebooks (:func:`offline_output`,
used when the downloads are made, with the pictures remembered on disk by :func:`saved_picture`)
and for charts a student draws again (:func:`enable`, called by every download's first cell, with
altair 5.5 or 6). A picture is a courtesy to the classic Notebook: when a student re-runs a cell
without vl-convert, or it fails, the cell still works, the chart still draws in JupyterLab, and
the chart's text says what to install.

The student pack's tests open the executed notebooks in JupyterLab, Notebook 7 and nbclassic in a
headless browser with every request to another host blocked, and count the charts drawn, before
and after running every cell again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from pmcj import png as codec

VEGALITE5_MIME = "application/vnd.vegalite.v5+json"
VEGALITE5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v(\d+)\+json$")
PNG_MIME = "image/png"
RENDERER = "pmcj-offline"
# Pictures are drawn at twice the chart's size and shown at its size (the output's metadata gives
# the width and height), so that they are sharp on high-density screens and as large as the
# interactive chart everywhere. Measured on the pack's 39 charts: 0.87 MB of PNG at scale 2,
# 0.35 MB at scale 1, whose 11-pixel labels blur on a high-density screen.
SCALE = 2
PICTURE_PACKAGE = "vl-convert-python"
NO_PICTURE = (
    "JupyterLab and Notebook 7 draw this chart; the classic Notebook shows charts only as "
    f"pictures, which need the package {PICTURE_PACKAGE}: in the student pack's folder run "
    "`python -m pip install -r requirements.txt`, restart the kernel and run this cell again."
)


class PictureError(RuntimeError):
    """A chart could not be drawn as a picture (at build time this stops the build)."""


def chart_title(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return title if isinstance(title, str) else "untitled"


def error_reason(error: Exception) -> str:
    """An exception in one line: its type and message, without the JavaScript stack that
    vl-convert appends ("at ext:<anon>:15:15")."""
    lines = [line.strip() for line in str(error).splitlines()]
    text = " ".join(line for line in lines if line and not line.startswith("at "))
    return f"{type(error).__name__}: {text[:200]}".rstrip(": ")


def chart_label(spec: dict[str, Any], note: str = "") -> str:
    """The text a notebook shows where it can draw neither the chart nor its picture."""
    label = f"<Vega-Lite chart: {chart_title(spec)}>"
    return f"{label} {note}" if note else label


def as_vegalite5(spec: dict[str, Any]) -> dict[str, Any]:
    """The specification labelled as Vega-Lite 5 (``$schema`` is a label, never fetched)."""
    return {**spec, "$schema": VEGALITE5_SCHEMA}


# --- the picture -----------------------------------------------------------------------------


def picture(spec: dict[str, Any]) -> bytes:
    """The chart as a PNG, drawn by vl-convert at :data:`SCALE` and made smaller losslessly
    (:mod:`pmcj.png`).

    Raises ImportError without vl-convert-python, and whatever vl-convert raises for a chart it
    cannot draw. ``allowed_base_urls=[]`` forbids it to fetch data from anywhere: the book's
    charts carry their data, and no notebook may use the network.
    """
    import vl_convert

    return codec.smaller_png(vl_convert.vegalite_to_png(spec, scale=SCALE, allowed_base_urls=[]))


def picture_size(png: bytes) -> tuple[int, int]:
    """The size to show a picture at, in CSS pixels: its pixels divided by :data:`SCALE`."""
    width, height = codec.png_size(png)
    return round(width / SCALE), round(height / SCALE)


def with_picture(
    data: dict[str, Any], metadata: dict[str, Any], png: bytes
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An output's data and metadata with the picture added, to be shown at the chart's size."""
    width, height = picture_size(png)
    data = {**data, PNG_MIME: base64.b64encode(png).decode("ascii")}
    return data, {**metadata, PNG_MIME: {"width": width, "height": height}}


@cache
def picture_recipe() -> str:
    """What a picture depends on besides the chart: the code of this module and of the PNG
    re-encoder (:mod:`pmcj.png`), and vl-convert's version. A change to either module must draw
    the remembered pictures again."""
    from importlib import metadata

    try:
        version = metadata.version(PICTURE_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "none"
    code = hashlib.sha256()
    for module in (__file__, codec.__file__):
        code.update(Path(module).read_bytes())
    return f"{code.hexdigest()}\0{version}\0{SCALE}"


def saved_picture(spec: dict[str, Any], folder: Path) -> bytes:
    """:func:`picture`, remembered in ``folder`` by a hash of the chart and the recipe.

    Drawing the book's 39 charts takes several seconds; a rebuild after a prose edit converts
    the edited page's download again, and must not draw its charts again (the book's benchmark
    compares that rebuild with the bare template's). vl-convert is imported only when a picture
    is missing. The folder is emptied with the execution cache (``make clean``).
    """
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{text}\0{picture_recipe()}".encode()).hexdigest()[:32]
    path = folder / f"{key}.png"
    if path.exists():
        return path.read_bytes()
    try:
        png = picture(spec)
    except Exception as error:  # any failure, said in one sentence
        raise PictureError(
            f"vl-convert-python could not draw the chart '{chart_title(spec)}' as a picture for "
            f"the classic Notebook ({error_reason(error)})"
        ) from error
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{key}.{os.getpid()}.part")  # two builds may draw it at once
    partial.write_bytes(png)
    partial.replace(path)
    return png


# --- the outputs -----------------------------------------------------------------------------


def offline_output(output: dict[str, Any], pictures: Path) -> None:
    """Re-label a saved chart as Vega-Lite 5 and add its picture, in place (else leave it).

    The picture is remembered in the folder ``pictures``; a chart that cannot be drawn raises
    :class:`PictureError`, since a download without its picture fails the classic Notebook's
    readers silently.
    """
    data = output.get("data", {})
    versions = [key for key in data if VEGALITE_MIME.match(key)]
    if not versions:
        return
    spec = data[versions[0]]
    kept = {key: value for key, value in data.items() if key not in versions}
    png = saved_picture(spec, pictures)
    data = {**kept, VEGALITE5_MIME: as_vegalite5(spec), "text/plain": chart_label(spec)}
    output["data"], output["metadata"] = with_picture(data, dict(output.get("metadata", {})), png)


def mimebundle(spec: dict[str, Any], **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """An altair renderer: the chart as Vega-Lite 5, which JupyterLab and Notebook 7 draw
    offline, and as a picture for the classic Notebook if vl-convert can draw one.

    Never raises for the picture's sake: without vl-convert, or if it fails, the chart keeps its
    Vega-Lite output and its text says what is missing.
    """
    data = {VEGALITE5_MIME: as_vegalite5(spec)}
    try:
        png = picture(spec)
    except ImportError:
        return {**data, "text/plain": chart_label(spec, NO_PICTURE)}, {}
    except Exception as error:  # a picture is a courtesy: the chart must still show
        note = (
            f"{PICTURE_PACKAGE} could not draw this chart as a picture for the classic Notebook "
            f"({error_reason(error)}); JupyterLab and Notebook 7 still draw it."
        )
        return {**data, "text/plain": chart_label(spec, note)}, {}
    return with_picture({**data, "text/plain": chart_label(spec)}, {}, png)


def enable() -> None:
    """Draw altair charts through :func:`mimebundle` from now on (safe to call again)."""
    import altair as alt

    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, mimebundle)
    alt.renderers.enable(RENDERER)
