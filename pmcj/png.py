"""A lossless PNG re-encoder, so that the student pack's chart pictures are small.

Every chart in the pack carries a PNG picture for the classic Notebook (:mod:`pmcj.offline_charts`),
drawn by vl-convert at twice the chart's size. vl-convert's own PNG encoding is large: 8-bit
RGBA, every row Sub-filtered and lightly compressed, 160 kB per chart on average. A chart has few
colours (white background, a palette, anti-aliased text: 41 to 460 measured), so the same pixels
as an indexed-colour PNG, or RGB when opaque, compressed at zlib's level 9, take about a seventh of
that: 0.87 MB for the pack's 39 charts instead of 6.3 MB, in every download and in the pack.

The module is copied into the student pack with :mod:`pmcj.offline_charts` (the pack follows
imports), where a re-run chart is re-encoded too, so it needs nothing beyond the standard library
and numpy, which pandas brings; no image library is added to the pack's requirements. A PNG unlike
vl-convert's is only compressed again, with its rows as they are; a file that is not a PNG is
returned as it came.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG as (kind, body) pairs, in order; ValueError if it is not a PNG."""
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
    """One chunk as a PNG file holds it: length, kind, body and the checksum readers verify."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the header chunk, which a PNG must put first."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def png_pixels(png: bytes) -> Any:
    """The pixels of an 8-bit RGB, RGBA or indexed PNG whose rows use filters None, Sub or Up,
    as an array of RGBA bytes (height, width, 4); ValueError for any other PNG.

    Only the filters vl-convert and :func:`encode_png` write are undone, so that the decoder stays
    small; :func:`smaller_png` falls back to recompressing any other PNG.
    """
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

    A PNG this module cannot decode is only compressed again, or returned as it came: a smaller
    picture is a saving, not a condition for showing the chart. Only the pixels are kept: no text
    or colour-space chunks, which vl-convert does not write.
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
