"""Charts in downloaded notebooks: Vega-Lite 5 for JupyterLab and Notebook 7, a picture for the
classic Notebook, and a renderer that never breaks a cell for the picture's sake.

The renderer's fallbacks (vl-convert missing, vl-convert failing) are tested with stand-ins for
the package; the pictures with the real vl-convert the book's build uses, read back by the tests'
own PNG reader (``tests/png_support.py``; the re-encoder itself, ``pmcj.png``, is tested in
``tests/test_png.py``). The tests marked ``build`` read the student pack ``make test`` built:
every saved chart carries its picture, at the chart's size, and the pack carries the re-encoder.
"""

from __future__ import annotations

import base64
import json
import struct
import sys
import types
import zipfile
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
)
from tests.build_support import built_pack
from tests.png_support import read_png

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


def test_a_change_to_the_png_re_encoder_draws_the_remembered_pictures_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pictures are remembered by a hash of the chart and of the code that made them, which
    lives in two modules: a change to ``pmcj/png.py`` alone must not reuse stale pictures."""
    recipe = offline_charts.picture_recipe.__wrapped__  # not the cached answer
    before = recipe()
    changed = tmp_path / "png.py"
    changed.write_bytes(Path(offline_charts.codec.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(offline_charts.codec, "__file__", str(changed))
    assert recipe() != before


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


@pytest.mark.build
def test_the_pack_carries_the_png_re_encoder_beside_the_chart_renderer() -> None:
    """Every pack notebook's first cell enables the renderer, which imports ``pmcj.png``: a pack
    without it would fail that cell for every student."""
    with zipfile.ZipFile(built_pack()) as pack:
        names = set(pack.namelist())
    assert "peer-mentoring-student-pack/pmcj/offline_charts.py" in names
    assert "peer-mentoring-student-pack/pmcj/png.py" in names
