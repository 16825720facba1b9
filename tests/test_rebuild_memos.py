"""What a rebuild keeps between builds, or reads once, so that it runs less of the toolchain
again: compiled page templates, highlighted code, navigation sidebars, inline icons, nbformat's
compiled validator, entry points, YAML read with libyaml, and the collector's settings.

Issue 11 asks for a prose-edit rebuild no slower than the bare template's. Each test checks that
the kept copy gives what the long way gives, that it is not used when what it was made from has
changed, and, where it keeps a warning from being seen, that it is not kept at all.
"""

from __future__ import annotations

import gc
import io
import shutil
from pathlib import Path
from typing import Any

import fastjsonschema
import jinja2
import nbformat
import pytest
import sphinx.highlighting
from nbformat import json_compat, validator
from nbformat.v4 import new_code_cell, new_notebook, new_output

from pmcj import collector
from pmcj.sphinxext import highlight_memo, notebook_schema
from pmcj.sphinxext.template_cache import FOLDER as TEMPLATE_FOLDER
from tests.build_support import FIXTURES, sphinx_build

LOOSE_WARNING = "resulted in an error at token"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "highlighting"
    shutil.copytree(FIXTURES / "highlighting", copy)
    return copy


def edit_prose(project: Path) -> None:
    """A one-word prose edit of the code page: Sphinx writes it again, its code unchanged."""
    page = project / "code.rst"
    page.write_text(page.read_text().replace("Two blocks", "Two short blocks"))


def clean_copy(project: Path, tmp_path: Path) -> Path:
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_build"))
    sphinx_build(clean, fresh=True)
    return clean


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append((*args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# --- highlighted code ---------------------------------------------------------------------------


def test_remembered_code_equals_code_highlighted_afresh(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sphinx_build(project, fresh=True)
    edit_prose(project)
    highlighted = count_calls(monkeypatch, sphinx.highlighting, "highlight")
    warnings = io.StringIO()
    sphinx_build(project, warning=warnings)
    # Only the block Pygments could not lex is highlighted again (twice: strictly, then loosely).
    assert [call[0] for call in highlighted] == ["total = 1 $ 2"] * 2
    assert LOOSE_WARNING in warnings.getvalue(), "a remembered block hid Sphinx's warning"
    monkeypatch.undo()
    clean = clean_copy(project, tmp_path)
    page = "_build/html/code.html"
    assert (project / page).read_text() == (clean / page).read_text()
    assert 'class="highlight-python' in (project / page).read_text()


def test_a_page_keeps_only_the_blocks_it_uses_and_a_deleted_page_none(project: Path) -> None:
    sphinx_build(project, fresh=True)
    memo = highlight_memo.HighlightMemo(sphinx_build(project))
    assert {name for name in memo.pages} == {"index", "code"}
    sources = {key[0] for key in memo.pages["code"]}
    assert sources == {
        "def share(themes):\n    return {theme: 1 for theme in themes}",
        "plain output, as a notebook prints it",
    }  # not the block that warned
    page = project / "code.rst"
    page.write_text(page.read_text().replace("def share(themes)", "def shared(themes)"))
    memo = highlight_memo.HighlightMemo(sphinx_build(project))
    assert not any(key[0].startswith("def share(") for key in memo.pages["code"])
    assert any(key[0].startswith("def shared(") for key in memo.pages["code"])
    (project / "index.rst").write_text((project / "index.rst").read_text().replace("   code\n", ""))
    page.unlink()
    memo = highlight_memo.HighlightMemo(sphinx_build(project))
    assert set(memo.pages) == {"index"}


def test_a_memo_made_by_other_versions_or_a_damaged_one_is_not_used(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sphinx_build(project, fresh=True)
    memo_file = project / "_build" / "doctrees" / highlight_memo.MEMO_FILE
    monkeypatch.setattr(highlight_memo, "VERSION", highlight_memo.VERSION + 1)
    edit_prose(project)
    highlighted = count_calls(monkeypatch, sphinx.highlighting, "highlight")
    sphinx_build(project)
    assert len(highlighted) == 5  # both pages' blocks, and the one that warned twice
    memo_file.write_bytes(b"not a pickle")
    edit_prose(project)
    highlighted.clear()
    sphinx_build(project)
    assert len(highlighted) == 5


# --- compiled templates -------------------------------------------------------------------------


def test_templates_compiled_once_are_not_compiled_again_and_render_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sphinx_build(project, fresh=True)
    assert list((project / "_build" / "doctrees" / TEMPLATE_FOLDER).glob("__jinja2_*.cache"))
    edit_prose(project)
    compiled = count_calls(monkeypatch, jinja2.Environment, "compile")
    sphinx_build(project)
    # compile(self, source, name=None, ...); static files' templates have no name and no cache
    named = [call for call in compiled if (call[2] if len(call) > 3 else call[-1].get("name"))]
    assert named == []  # every page template came compiled from the cache
    monkeypatch.undo()
    clean = clean_copy(project, tmp_path)
    for page in ("index.html", "code.html", "genindex.html", "search.html"):
        ours = (project / "_build" / "html" / page).read_text()
        assert ours == (clean / "_build" / "html" / page).read_text(), page


def test_an_edited_template_is_compiled_again(project: Path) -> None:
    (project / "_templates").mkdir()
    (project / "conf.py").write_text(
        (project / "conf.py").read_text() + '\ntemplates_path = ["_templates"]\n'
    )
    layout = project / "_templates" / "layout.html"
    layout.write_text('{% extends "!layout.html" %}{% block footer %}FIRST{% endblock %}')
    sphinx_build(project, fresh=True)
    assert "FIRST" in (project / "_build" / "html" / "index.html").read_text()
    layout.write_text('{% extends "!layout.html" %}{% block footer %}SECOND{% endblock %}')
    sphinx_build(project, fresh=True)
    index = (project / "_build" / "html" / "index.html").read_text()
    assert "SECOND" in index and "FIRST" not in index


# --- nbformat's validator -----------------------------------------------------------------------


def notebooks() -> dict[str, Any]:
    good = new_notebook(cells=[new_code_cell("print(1)", outputs=[new_output("stream", text="1")])])
    no_source = new_notebook(cells=[new_code_cell("x")])
    del no_source.cells[0]["source"]
    bad_output = new_notebook(cells=[new_code_cell("x")])
    bad_output.cells[0]["outputs"] = [{"output_type": "picture"}]
    extra = new_notebook(cells=[new_code_cell("x")])
    extra.cells[0]["colour"] = "red"
    return {"good": good, "no source": no_source, "bad output": bad_output, "extra": extra}


def outcome(validate: Any, notebook: Any) -> str:
    try:
        validate(notebook)
    except fastjsonschema.JsonSchemaException as error:
        return f"{type(error).__name__}: {error}"
    return "valid"


def v4_schema() -> dict[str, Any]:
    return validator._get_schema_json(nbformat.v4, version=4, version_minor=5)


def test_the_remembered_validator_passes_and_fails_notebooks_as_fastjsonschema_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = v4_schema()
    stock = fastjsonschema.compile(schema)
    made = notebook_schema.compiled_validation(schema, tmp_path)  # compiles and keeps the code
    assert len(list(tmp_path.glob("*.marshal"))) == 1
    monkeypatch.setattr(fastjsonschema, "compile_to_code", lambda *a, **k: 1 / 0)
    read = notebook_schema.compiled_validation(schema, tmp_path)  # from the kept code only
    outcomes = {name: outcome(stock, nb) for name, nb in notebooks().items()}
    assert outcomes["good"] == "valid"
    assert sum(result != "valid" for result in outcomes.values()) == 3
    for name, notebook in notebooks().items():
        assert outcome(made, notebook) == outcomes[name], name
        assert outcome(read, notebook) == outcomes[name], name


def test_a_damaged_or_other_schemas_kept_code_is_not_used(tmp_path: Path) -> None:
    schema = v4_schema()
    notebook_schema.compiled_validation(schema, tmp_path)
    (kept,) = tmp_path.glob("*.marshal")
    kept.write_bytes(b"\x00 damaged")
    again = notebook_schema.compiled_validation(schema, tmp_path)
    assert outcome(again, notebooks()["no source"]) != "valid"
    relaxed = validator._relax_additional_properties(v4_schema())
    assert notebook_schema.schema_key(relaxed) != notebook_schema.schema_key(schema)
    loose = notebook_schema.compiled_validation(relaxed, tmp_path)
    assert outcome(loose, notebooks()["extra"]) == "valid"  # not the strict schema's code


def test_nbformat_validates_with_the_remembered_validator_once_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_compat, "_VALIDATOR_MAP", list(json_compat._VALIDATOR_MAP))
    monkeypatch.setattr(validator, "validators", {})
    monkeypatch.setattr(notebook_schema, "_folder", None)
    monkeypatch.delenv("NBFORMAT_VALIDATOR", raising=False)
    notebook_schema.remember_the_validator(tmp_path)
    assert isinstance(
        validator.get_validator(4, 5), notebook_schema.RememberedFastJsonSchemaValidator
    )
    assert list(tmp_path.glob("*.marshal"))
    nbformat.validate(notebooks()["good"])
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(notebooks()["bad output"])


# --- the garbage collector ----------------------------------------------------------------------


def test_the_collector_is_tuned_during_a_build_and_put_back_after_it(project: Path) -> None:
    before = gc.get_threshold()
    app = sphinx_build(project, fresh=True)
    assert app.pmcj_thresholds_seen == collector.BUILD_THRESHOLDS
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_put_back_after_a_failed_build(project: Path) -> None:
    before = gc.get_threshold()
    (project / "conf.py").write_text(
        (project / "conf.py").read_text()
        + "\n\ndef fail(app, env):  # noqa: ANN001, ANN201\n    raise RuntimeError('stop')\n"
        + "\n\n_setup = setup\n\n\ndef setup(app):  # noqa: ANN001, ANN201\n"
        + "    _setup(app)\n    app.connect('env-updated', fail)\n"
    )
    with pytest.raises(Exception, match="stop"):
        sphinx_build(project, fresh=True)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


# --- the installed packages' entry points -------------------------------------------------------


def listed(found: Any) -> list[tuple[str, str, str]]:
    points = found if not hasattr(found, "values") else [p for g in found.values() for p in g]
    return sorted((point.group, point.name, point.value) for point in points)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # SelectableGroups' dict interface
def test_entry_points_read_once_are_those_read_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from pmcj.entry_points import remembering

    original = importlib.metadata.entry_points
    scans = count_calls(monkeypatch, importlib.metadata, "distributions")
    once = remembering(original)
    asks = (
        {},
        {"group": "sphinx.html_themes"},
        {"group": "pygments.lexers"},
        {"group": "myst_nb.mime_renderers", "name": "pmcj_vegalite"},
        {"group": "no.such.group"},
    )
    for params in asks:
        fresh, remembered = original(**params), once(**params)
        assert type(remembered) is type(fresh), params
        assert listed(remembered) == listed(fresh), params
    scans.clear()
    for params in asks:
        once(**params)
    assert scans == []  # every later question is answered from the one reading
    assert listed(once(group="myst_nb.mime_renderers", name="pmcj_vegalite"))  # not empty
    assert remembering(once) is once


# --- PyYAML's C reader --------------------------------------------------------------------------


def test_the_c_yaml_reader_reads_the_books_and_the_toolchains_yaml_as_the_python_one() -> None:
    import jupyter_book
    import yaml

    from pmcj import libyaml
    from pmcj.paths import ROOT

    assert libyaml.SAFE_LOADER is not yaml.SafeLoader, "PyYAML without libyaml: make venv"
    files = [
        ROOT / "_config.yml",
        ROOT / "_toc.yml",
        Path(jupyter_book.__file__).parent / "default_config.yml",
        *sorted((ROOT / "teaching").rglob("*.yml")),
        *sorted((ROOT / "data").glob("*.yml")),
    ]
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert libyaml.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader), path


# --- the navigation sidebar ---------------------------------------------------------------------

SIDEBAR_PAGES = ("index.html", "one.html", "two.html", "three.html", "genindex.html", "search.html")


@pytest.fixture
def themed(tmp_path: Path) -> Path:
    copy = tmp_path / "sidebar"
    shutil.copytree(FIXTURES / "sidebar", copy)
    return copy


def without_memo(project: Path, tmp_path: Path) -> Path:
    """A clean build of the same pages with the theme's own sidebars (no memo)."""
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_build"))
    conf = clean / "conf.py"
    conf.write_text(
        conf.read_text().replace("REMEMBER_SIDEBARS = True", "REMEMBER_SIDEBARS = False")
    )
    sphinx_build(clean, fresh=True)
    return clean


def assert_same_pages(ours: Path, theirs: Path) -> None:
    for page in SIDEBAR_PAGES:
        mine = (ours / "_build" / "html" / page).read_text()
        assert mine == (theirs / "_build" / "html" / page).read_text(), page
        assert 'class="bd-links bd-docs-nav"' in mine, page


def test_remembered_sidebars_equal_the_themes_and_are_not_made_again(
    themed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx.builders.html import StandaloneHTMLBuilder

    sphinx_build(themed, fresh=True)
    one = themed / "one.rst"
    one.write_text(one.read_text().replace("A page of prose.", "A page of edited prose."))
    resolved = count_calls(monkeypatch, StandaloneHTMLBuilder, "_get_local_toctree")
    sphinx_build(themed)
    assert resolved == []  # every page written again took its sidebar from the memo
    monkeypatch.undo()
    assert_same_pages(themed, without_memo(themed, tmp_path))


def test_a_changed_title_or_contents_makes_every_sidebar_again(
    themed: Path, tmp_path: Path
) -> None:
    sphinx_build(themed, fresh=True)
    three = themed / "three.rst"
    three.write_text(
        three.read_text().replace("Three\n=====", "Page three, renamed\n===================")
    )
    sphinx_build(themed)
    sidebar = (themed / "_build" / "html" / "one.html").read_text()
    assert "Page three, renamed" in sidebar  # a page whose own text did not change
    assert_same_pages(themed, without_memo(themed, tmp_path))
    (themed / "index.rst").write_text((themed / "index.rst").read_text().replace("   two\n", ""))
    sphinx_build(themed)
    assert "Page three, renamed" not in (themed / "_build" / "html" / "one.html").read_text()


# --- the icons drawn inline -----------------------------------------------------------------------

ICON_PAGE = (
    '<p><i class="fa-solid fa-download"></i> <span class="fa-brands fa-github" title="x"></span>'
    ' <i class="fa-regular fa-copy"></i> <i class="fa-solid fa-no-such-icon-here"></i></p>'
)


def fontawesome_script(tmp_path: Path) -> Path:
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    script = tmp_path / "fontawesome.js"
    shutil.copy2(theme / "static" / "scripts" / "fontawesome.js", script)
    return script


def test_icons_from_the_remembered_table_are_drawn_as_from_the_whole_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmcj.sphinxext import performance

    script = fontawesome_script(tmp_path)
    whole, complete = performance.inline_icons(ICON_PAGE, performance.icon_paths(script))
    assert not complete and whole.count("<svg") == 3  # the made-up icon is left as it was
    table = performance.IconTable(script, tmp_path)
    assert performance.inline_icons(ICON_PAGE, table) == (whole, complete)
    table.save()
    monkeypatch.setattr(performance, "icon_paths", lambda path: 1 / 0)  # no reading the script
    remembered = performance.IconTable(script, tmp_path)
    assert performance.inline_icons(ICON_PAGE, remembered) == (whole, complete)
    assert not remembered.changed


def test_a_changed_script_or_a_new_icon_is_read_from_the_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmcj.sphinxext import performance

    script = fontawesome_script(tmp_path)
    table = performance.IconTable(script, tmp_path)
    performance.inline_icons(ICON_PAGE, table)
    table.save()
    read: list[Path] = []
    original = performance.icon_paths
    monkeypatch.setattr(performance, "icon_paths", lambda path: read.append(path) or original(path))
    new_icon = '<i class="fa-solid fa-house"></i>'
    page, complete = performance.inline_icons(new_icon, performance.IconTable(script, tmp_path))
    assert complete and "<svg" in page and set(read) == {script}
    script.write_text(script.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a new theme
    read.clear()
    performance.inline_icons(ICON_PAGE, performance.IconTable(script, tmp_path))
    assert set(read) == {script}
