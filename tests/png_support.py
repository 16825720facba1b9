"""A PNG reader and writer of the tests' own, for the tests of the lossless re-encoder.

Pictures made smaller by :mod:`pmcj.png` are read back here byte by byte, every row filter undone
(Paeth and Average too, which :mod:`pmcj.png` does not read), and small PNGs are written here row
filter by row filter, so that the re-encoding is never checked only against its own decoder.

This file has no test functions, so pytest only imports it.
"""

from __future__ import annotations

import random
import struct
import zlib


def paeth(a: int, b: int, c: int) -> int:
    """The PNG standard's Paeth predictor, written out here as the standard gives it."""
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
    pick = random.Random(7)
    table = [(k % 256, (k * 7) % 256, 255 - k // 2 % 256, alpha) for k in range(colours)]
    rows = []
    for _ in range(height):
        # colours scattered at random, so that rows compress poorly, as anti-aliased text does
        rows.append([table[pick.randrange(colours)] for _ in range(width)])
    return rows
