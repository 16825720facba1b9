"""The lossless PNG re-encoder (``pmcj.png``): fewer bytes, the same pixels, any PNG survives.

The re-encoded pictures are read back by the tests' own PNG reader (``tests/png_support.py``),
which undoes every row filter byte by byte, so that the codec is never checked only against its
own decoder. The inputs are small PNGs written there row filter by row filter, and a picture from
the real vl-convert, whose encoding the codec exists to shrink.
"""

from __future__ import annotations

from typing import Any

import pytest

from pmcj.offline_charts import SCALE
from pmcj.png import png_size, smaller_png
from tests.png_support import make_png, picture_rows, read_png

# A chart with a title and axis labels: anti-aliased text, as in the book's charts.
CHART: dict[str, Any] = {
    "title": "Two bars",
    "data": {"values": [{"n": 3, "k": "a"}, {"n": 5, "k": "b"}]},
    "mark": "bar",
    "encoding": {"x": {"field": "n", "type": "quantitative"}, "y": {"field": "k"}},
}


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

    raw = vl_convert.vegalite_to_png(CHART, scale=SCALE)
    smaller = smaller_png(raw)
    assert read_png(smaller)[1] == read_png(raw)[1]
    assert len(smaller) < len(raw) / 2, (len(raw), len(smaller))


def test_the_size_is_read_from_the_header() -> None:
    png = make_png(picture_rows(30, 6, 40), [0] * 6)
    assert png_size(png) == (30, 6)
    assert png_size(smaller_png(png)) == (30, 6)
