"""Charts in downloaded notebooks: Vega-Lite 5 for JupyterLab and Notebook 7, a picture for the
classic Notebook, and a renderer that never breaks a cell for the picture's sake.

The renderer's fallbacks (vl-convert missing, vl-convert failing) are tested with stand-ins for
the package; the pictures with the real vl-convert the book's build uses, and with small PNGs
made here row filter by row filter, read back by a decoder of this file's own, so that the
lossless re-encoding is not checked only against itself. The tests marked ``build`` read the
student pack ``make test`` built: every saved chart carries its picture, at the chart's size.
"""

from __future__ import annotations

import base64
import json
import struct
import sys
import types
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from pmcj import offline_charts
from pmcj.environment import problems
from pmcj.offline_charts import (
    PNG_MIME,
    SCALE,
    VEGALITE5_MIME,
    PictureError,
    mimebundle,
    offline_output,
    saved_picture,
    smaller_png,
)
from tests.build_support import built_pack

SPEC: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
    "title": "Segments by role",
    "data": {"values": [{"role": "mentor", "n": 3}, {"role": "mentee", "n": 5}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "n", "type": "quantitative"},
        "y": {"field": "role", "type": "nominal"},
    },
}


# --- a PNG reader of the test's own ----------------------------------------------------------


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def read_png(png: bytes) -> tuple[int, list[list[tuple[int, ...]]]]:
    """(colour type, rows of RGBA pixels) of an 8-bit PNG, every filter undone byte by byte."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", png[position + 8 + length :][:4])[0]
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8
    channels = {2: 3, 3: 1, 6: 4}[colour]
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    previous = [0] * stride
    rows = []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], list(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            line[x] = (line[x] + [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]) % 256
        previous = line
        pixels = [tuple(line[i : i + channels]) for i in range(0, stride, channels)]
        if colour == 3:
            palette = chunks[b"PLTE"]
            alpha = chunks.get(b"tRNS", b"")
            pixels = [
                (*palette[3 * i : 3 * i + 3], alpha[i] if i < len(alpha) else 255)
                for (i,) in pixels
            ]
        elif colour == 2:
            pixels = [(*p, 255) for p in pixels]
        rows.append(pixels)
    return colour, rows


def make_png(rows: list[list[tuple[int, int, int, int]]], filters: list[int]) -> bytes:
    """An RGBA PNG of ``rows``, each filtered as ``filters`` says (as vl-convert does: Sub)."""
    width = len(rows[0])
    body = b""
    previous = [0] * (width * 4)
    for row, kind in zip(rows, filters, strict=True):
        line = [value for pixel in row for value in pixel]
        out = []
        for x, value in enumerate(line):
            a = line[x - 4] if x >= 4 else 0
            b = previous[x]
            c = previous[x - 4] if x >= 4 else 0
            out.append((value - [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]) % 256)
        body += bytes([kind, *out])
        previous = line

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 6, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(body, 1)),
            chunk(b"IEND", b""),
        ]
    )


def picture_rows(width: int, height: int, colours: int, alpha: int = 255) -> list[list[tuple]]:
    """Rows of pixels with ``colours`` colours at most (one per pixel, if there are enough)."""
    import random

    pick = random.Random(7)
    table = [(k % 256, (k * 7) % 256, 255 - k // 2 % 256, alpha) for k in range(colours)]
    rows = []
    for _ in range(height):
        # colours scattered at random, so that rows compress poorly, as anti-aliased text does
        rows.append([table[pick.randrange(colours)] for _ in range(width)])
    return rows


# --- the renderer's fallbacks ----------------------------------------------------------------


def test_without_vl_convert_the_chart_stays_and_its_text_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # `import vl_convert` raises ImportError
    data, metadata = mimebundle(SPEC)
    assert data[VEGALITE5_MIME]["$schema"].endswith("/v5.json")
    assert PNG_MIME not in data and metadata == {}
    text = data["text/plain"]
    assert text.startswith("<Vega-Lite chart: Segments by role>"), text
    assert "classic Notebook" in text and "vl-convert-python" in text, text
    assert "python -m pip install -r requirements.txt" in text, text


def test_a_failing_conversion_leaves_the_chart_and_says_why_in_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_: Any, **__: Any) -> bytes:
        raise ValueError(
            "Vega-Lite to PNG conversion failed:\nError: something deep\n    at ext:<anon>:15:15"
        )

    monkeypatch.setitem(sys.modules, "vl_convert", types.SimpleNamespace(vegalite_to_png=fail))
    data, metadata = mimebundle(SPEC)
    assert VEGALITE5_MIME in data and PNG_MIME not in data and metadata == {}
    text = data["text/plain"]
    assert "could not draw this chart as a picture" in text, text
    assert "(ValueError: Vega-Lite to PNG conversion failed: Error: something deep)" in text, text
    assert "ext:<anon>" not in text, "the engine's stack does not belong in a label"
    assert "JupyterLab and Notebook 7 still draw it" in text, text


def test_with_vl_convert_a_chart_carries_its_picture_at_the_charts_size() -> None:
    data, metadata = mimebundle(SPEC)
    png = base64.b64decode(data[PNG_MIME])
    colour, rows = read_png(png)
    assert colour in (2, 3), "the picture was not made smaller"
    assert metadata[PNG_MIME] == {
        "width": round(len(rows[0]) / SCALE),
        "height": round(len(rows) / SCALE),
    }
    assert 100 < metadata[PNG_MIME]["width"] < 400, metadata
    assert data["text/plain"] == "<Vega-Lite chart: Segments by role>"


def test_altair_charts_drawn_again_in_a_pack_notebook_carry_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import altair as alt
    import pandas as pd

    previous = alt.renderers.active
    offline_charts.enable()
    try:
        chart = alt.Chart(pd.DataFrame({"role": ["mentor"], "n": [2]}), title="One bar")
        bundle = chart.mark_bar().encode(x="n:Q", y="role:N")._repr_mimebundle_()
    finally:
        alt.renderers.enable(previous)
    data, metadata = bundle
    assert {VEGALITE5_MIME, PNG_MIME, "text/plain"} <= set(data)
    assert set(metadata[PNG_MIME]) == {"width", "height"}


def test_a_chart_that_fetches_data_is_not_drawn_from_the_network() -> None:
    """vl-convert may fetch a chart's data by URL; the renderer forbids it (no notebook may use
    the network), so such a chart gets no picture, and says so, rather than a request."""
    spec = {**SPEC, "data": {"url": "http://127.0.0.1:9/never.csv"}}
    data, _ = mimebundle(spec)
    assert PNG_MIME not in data
    assert "not allowed" in data["text/plain"], data["text/plain"]


def test_the_setup_check_does_not_insist_on_vl_convert() -> None:
    """JupyterLab users lose nothing without it; only the classic Notebook wants the pictures."""
    assert problems({"pandas": "3.1.1", "altair": "6.3.0"}) == []


# --- the saved outputs and their pictures -----------------------------------------------------


def test_saved_charts_are_relabelled_and_given_a_picture_remembered_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    real = offline_charts.picture

    def counting(spec: dict[str, Any]) -> bytes:
        drawn.append(spec["title"])
        return real(spec)

    monkeypatch.setattr(offline_charts, "picture", counting)
    output = {
        "output_type": "display_data",
        "data": {"application/vnd.vegalite.v6+json": SPEC, "text/plain": "<chart>"},
        "metadata": {},
    }
    offline_output(output, tmp_path)
    assert set(output["data"]) == {VEGALITE5_MIME, PNG_MIME, "text/plain"}
    assert output["metadata"][PNG_MIME]["width"] > 0
    again = {**output, "data": {"application/vnd.vegalite.v6+json": SPEC}, "metadata": {}}
    offline_output(again, tmp_path)
    assert drawn == ["Segments by role"], "the remembered picture was drawn again"
    assert again["data"][PNG_MIME] == output["data"][PNG_MIME]
    other = {**SPEC, "title": "Another"}
    saved_picture(other, tmp_path)
    assert drawn == ["Segments by role", "Another"]
    assert len(list(tmp_path.glob("*.png"))) == 2
    table = {"output_type": "display_data", "data": {"text/plain": "a table"}, "metadata": {}}
    offline_output(table, tmp_path)
    assert table["data"] == {"text/plain": "a table"}


def test_a_chart_the_build_cannot_draw_stops_it_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: Any, **__: Any) -> bytes:
        raise ValueError('Unrecognized signal name: "brush"\n  at line 3')

    monkeypatch.setitem(sys.modules, "vl_convert", types.SimpleNamespace(vegalite_to_png=fail))
    with pytest.raises(PictureError) as raised:
        saved_picture({**SPEC, "title": "Broken"}, tmp_path)
    message = str(raised.value)
    assert message.startswith("vl-convert-python could not draw the chart 'Broken'"), message
    assert "\n" not in message, message
    assert not list(tmp_path.glob("*")), "a failed picture left a file behind"


# --- smaller pictures, pixel for pixel --------------------------------------------------------


@pytest.mark.parametrize(
    ("colours", "alpha", "expected"),
    [(40, 255, 3), (40, 128, 3), (480, 255, 2), (480, 128, 6)],
    ids=["few colours", "few translucent colours", "many colours", "many translucent colours"],
)
def test_smaller_pngs_keep_every_pixel(colours: int, alpha: int, expected: int) -> None:
    rows = picture_rows(40, 12, colours, alpha)
    for filters in ([1] * 12, [0, 2] * 6, [1, 2, 0] * 4):
        png = make_png(rows, filters)
        smaller = smaller_png(png)
        colour, back = read_png(smaller)
        assert back == rows, f"pixels changed (filters {filters[:3]})"
        assert colour == expected
        assert len(smaller) < len(png)


def test_a_png_unlike_vl_converts_is_only_compressed_again() -> None:
    rows = picture_rows(30, 6, 40)
    png = make_png(rows, [4] * 6)  # Paeth rows, which the fast path does not undo
    smaller = smaller_png(png)
    colour, back = read_png(smaller)
    assert colour == 6 and back == rows
    assert len(smaller) <= len(png)
    assert smaller_png(b"not a picture") == b"not a picture"


def test_vl_converts_own_pictures_shrink_losslessly() -> None:
    import vl_convert

    raw = vl_convert.vegalite_to_png(SPEC, scale=SCALE)
    smaller = smaller_png(raw)
    assert read_png(smaller)[1] == read_png(raw)[1]
    assert len(smaller) < len(raw) / 2, (len(raw), len(smaller))


# --- the built pack ---------------------------------------------------------------------------


@pytest.mark.build
def test_every_saved_chart_in_the_pack_carries_its_picture_at_its_size() -> None:
    charts = pictures = 0
    with zipfile.ZipFile(built_pack()) as pack:
        for name in pack.namelist():
            if not name.endswith(".ipynb"):
                continue
            notebook = json.loads(pack.read(name))
            for cell in notebook["cells"]:
                for output in cell.get("outputs", []):
                    data = output.get("data", {})
                    if VEGALITE5_MIME not in data:
                        continue
                    charts += 1
                    assert PNG_MIME in data, f"{name}: a chart without its picture"
                    png = base64.b64decode(data[PNG_MIME])
                    width, height = struct.unpack(">II", png[16:24])
                    assert png[25] in (2, 3), f"{name}: a picture that was not made smaller"
                    shown = output["metadata"][PNG_MIME]
                    assert shown == {"width": round(width / SCALE), "height": round(height / SCALE)}
                    pictures += len(png)
    assert charts > 0
    # 39 charts took 0.87 MB on 2026-11-30; far more means the pictures stopped shrinking.
    assert pictures / charts < 50_000, f"{pictures / charts:.0f} bytes a picture"
