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
import struct
import zlib
from functools import cache
from pathlib import Path
from typing import Any

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
    """The chart as a PNG, drawn by vl-convert at :data:`SCALE` and made smaller losslessly.

    Raises ImportError without vl-convert-python, and whatever vl-convert raises for a chart it
    cannot draw. ``allowed_base_urls=[]`` forbids it to fetch data from anywhere: the book's
    charts carry their data, and no notebook may use the network.
    """
    import vl_convert

    return smaller_png(vl_convert.vegalite_to_png(spec, scale=SCALE, allowed_base_urls=[]))


def picture_size(png: bytes) -> tuple[int, int]:
    """The size to show a picture at, in CSS pixels: its pixels divided by :data:`SCALE`."""
    width, height = struct.unpack(">II", png[16:24])
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
    """What a picture depends on besides the chart: this module's code and vl-convert's version."""
    from importlib import metadata

    try:
        version = metadata.version(PICTURE_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "none"
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{code}\0{version}\0{SCALE}"


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


# --- smaller pictures, losslessly ------------------------------------------------------------
#
# vl-convert writes 8-bit RGBA PNGs with every row Sub-filtered and light compression: 160 kB per
# chart on average at scale 2. A chart has few colours (white background, a palette, anti-aliased
# text: 41 to 460 measured), so the same pixels as an indexed-colour PNG, or RGB when opaque,
# compressed at zlib's level 9, take about a seventh of that (0.87 MB for the pack's 39 charts
# instead of 6.3 MB). numpy, which pandas brings, does the work; a PNG unlike vl-convert's is
# only compressed again, with its rows as they are.

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        chunks.append((kind, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_pixels(png: bytes) -> Any:
    """The pixels of an 8-bit RGB, RGBA or indexed PNG whose rows use filters None, Sub or Up,
    as an array of RGBA bytes (height, width, 4); ValueError for any other PNG."""
    import numpy as np

    chunks = png_chunks(png)
    header = next(body for kind, body in chunks if kind == b"IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    channels = {2: 3, 3: 1, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("an 8-bit RGB, RGBA or indexed PNG without interlacing was expected")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    rows = np.frombuffer(raw, np.uint8).reshape(height, width * channels + 1)
    pixels = rows[:, 1:].reshape(height, width, channels).copy()
    for y, kind in enumerate(rows[:, 0]):
        if kind == 1:  # Sub: each byte adds the byte of the pixel to its left
            pixels[y] = np.cumsum(pixels[y], axis=0, dtype=np.uint8)
        elif kind == 2 and y:  # Up: each byte adds the byte above it
            pixels[y] += pixels[y - 1]
        elif kind not in (0, 2):
            raise ValueError(f"PNG row filter {kind} is not handled")
    if colour == 3:
        palette = np.frombuffer(next(b for k, b in chunks if k == b"PLTE"), np.uint8)
        palette = palette.reshape(-1, 3)
        alpha = np.full(len(palette), 255, np.uint8)
        opacity = next((b for k, b in chunks if k == b"tRNS"), b"")
        alpha[: len(opacity)] = np.frombuffer(opacity, np.uint8)
        return np.column_stack([palette, alpha])[pixels[:, :, 0]]
    if colour == 2:
        return np.dstack([pixels, np.full((height, width), 255, np.uint8)])
    return pixels


def encode_png(pixels: Any) -> bytes:
    """RGBA pixels as the smallest of indexed colour (256 colours or fewer), RGB (if opaque) or
    RGBA, rows unfiltered (smallest for charts, measured), compressed at level 9."""
    import numpy as np

    height, width, _ = pixels.shape
    packed = pixels.astype(np.uint32)
    packed = packed[..., 0] << 24 | packed[..., 1] << 16 | packed[..., 2] << 8 | packed[..., 3]
    colours, index = np.unique(packed, return_inverse=True)
    chunks = []
    if len(colours) <= 256:
        table = np.stack([colours >> 24, colours >> 16, colours >> 8, colours], axis=1)
        table = (table & 255).astype(np.uint8)
        chunks.append(png_chunk(b"PLTE", table[:, :3].tobytes()))
        if (table[:, 3] < 255).any():
            chunks.append(png_chunk(b"tRNS", table[:, 3].tobytes()))
        colour, rows = 3, index.reshape(height, width).astype(np.uint8)
    elif (pixels[..., 3] == 255).all():
        colour, rows = 2, np.ascontiguousarray(pixels[..., :3]).reshape(height, -1)
    else:
        colour, rows = 6, pixels.reshape(height, -1)
    body = np.hstack([np.zeros((height, 1), np.uint8), rows]).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return b"".join(
        [
            PNG_SIGNATURE,
            png_chunk(b"IHDR", header),
            *chunks,
            png_chunk(b"IDAT", zlib.compress(body, 9)),
            png_chunk(b"IEND", b""),
        ]
    )


def recompressed_png(png: bytes) -> bytes:
    """The same PNG with its image data compressed again at level 9, rows untouched."""
    chunks = png_chunks(png)
    data = zlib.compress(zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT")), 9)
    kept = [(kind, body) for kind, body in chunks if kind != b"IDAT"]
    at = next(i for i, (kind, _) in enumerate(kept) if kind == b"IEND")
    kept.insert(at, (b"IDAT", data))
    return PNG_SIGNATURE + b"".join(png_chunk(kind, body) for kind, body in kept)


def smaller_png(png: bytes) -> bytes:
    """The same picture in fewer bytes, pixel for pixel (checked), or the PNG as it came.

    Only the pixels are kept: no text or colour-space chunks, which vl-convert does not write.
    """
    try:
        pixels = png_pixels(png)
        smaller = encode_png(pixels)
        if (png_pixels(smaller) == pixels).all():
            return min(smaller, png, key=len)
    except (ValueError, ImportError, zlib.error, StopIteration):
        pass
    try:
        return min(recompressed_png(png), png, key=len)
    except (ValueError, zlib.error, StopIteration):
        return png
