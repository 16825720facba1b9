"""Launch buttons: one setting in _config.yml, the right link per service, nothing when unset.

The expected links are written out by hand from each service's documented form (nbgitpuller's
``hub/user-redirect/git-pull``, BinderHub's ``v2/gh/OWNER/NAME/REF?labpath=``, Colab's
``github/OWNER/NAME/blob/REF/PATH``), not computed with the code under test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml

from pmcj.launch import LaunchConfigError, colab_setup_source, read_launch
from pmcj.paths import ROOT
from pmcj.sphinxext.downloads import link_notebook

PACK_REPO = "https://github.com/dr-lee/pm-class-pack"
NOTEBOOK = "07-values-core-conditions.ipynb"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {
                "provider": "jupyterhub",
                "hub_url": "https://hub.uni.ac.uk/",
                "repository": PACK_REPO,
            },
            "https://hub.uni.ac.uk/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F"
            "dr-lee%2Fpm-class-pack&branch=main&urlpath=lab%2Ftree%2Fpm-class-pack%2F"
            "07-values-core-conditions.ipynb",
        ),
        (
            {"provider": "binder", "hub_url": "https://mybinder.org", "repository": PACK_REPO},
            "https://mybinder.org/v2/gh/dr-lee/pm-class-pack/main?labpath="
            "07-values-core-conditions.ipynb",
        ),
        (
            {
                "provider": "binder",
                "hub_url": "https://binder.uni.ac.uk",
                "repository": "https://git.uni.ac.uk/teaching/pack.git",
                "branch": "autumn",
            },
            "https://binder.uni.ac.uk/v2/git/https%3A%2F%2Fgit.uni.ac.uk%2Fteaching%2Fpack.git/"
            "autumn?labpath=07-values-core-conditions.ipynb",
        ),
        (
            {"provider": "Colab", "repository": PACK_REPO + ".git"},
            "https://colab.research.google.com/github/dr-lee/pm-class-pack/blob/main/"
            "07-values-core-conditions.ipynb",
        ),
    ],
    ids=["jupyterhub", "binder-github", "binder-other-git", "colab"],
)
def test_each_service_gets_the_link_it_documents(settings: dict, expected: str) -> None:
    launch = read_launch(settings)
    assert launch is not None
    assert launch.url(NOTEBOOK) == expected


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"provider": "kaggle", "repository": PACK_REPO}, "provider"),
        ({"provider": "binder", "repository": PACK_REPO}, "hub_url"),
        (
            {"provider": "jupyterhub", "hub_url": "hub.uni.ac.uk", "repository": PACK_REPO},
            "hub_url",
        ),
        ({"provider": "binder", "hub_url": "https://mybinder.org", "repository": ""}, "repository"),
        ({"provider": "colab", "repository": "https://gitlab.com/a/b"}, "GitHub"),
    ],
)
def test_a_setting_that_cannot_work_is_named_in_one_sentence(settings: dict, named: str) -> None:
    with pytest.raises(LaunchConfigError, match=named) as raised:
        read_launch(settings)
    assert "_config.yml" in str(raised.value) and "pmcj_launch" in str(raised.value)


def test_the_book_as_published_sets_no_launch_service() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert read_launch(config["sphinx"]["config"]["pmcj_launch"]) is None
    assert not any(config["launch_buttons"].get(key) for key in ("binderhub_url", "jupyterhub_url"))


@pytest.mark.build
@pytest.mark.parametrize("site", ["_build/html", "_build/instructor/_build/html"])
def test_with_nothing_set_no_page_has_a_launch_link(site: str) -> None:
    pages = sorted((ROOT / site).rglob("*.html"))
    assert len(pages) > 20, f"build {site} first (make test does)"
    offenders = [p.name for p in pages if "pmcj-launch" in p.read_text(encoding="utf-8")]
    assert not offenders
    download = (ROOT / site / "chapters" / "07-values-core-conditions.html").read_text("utf-8")
    assert "pmcj-notebook-download" in download  # the paragraph a launch link would join


def page_with_link(launch: object) -> str:
    """The download paragraph link_notebook writes under a chapter's title, for ``launch``."""
    app = SimpleNamespace(
        srcdir=str(ROOT),
        config=SimpleNamespace(pmcj_edition="student"),
        pmcj_launch=launch,
    )
    context = {"body": "<h1>7. Values</h1><p>Text</p>", "pathto": lambda path, _: "../" + path}
    link_notebook(app, "chapters/07-values-core-conditions", "page.html", context, object())
    return context["body"]


def test_a_set_service_puts_its_link_beside_the_notebook_download() -> None:
    launch = read_launch(
        {"provider": "binder", "hub_url": "https://mybinder.org", "repository": PACK_REPO}
    )
    body = page_with_link(launch)
    assert (
        'class="pmcj-launch" href="https://mybinder.org/v2/gh/dr-lee/pm-class-pack/main?labpath='
        '07-values-core-conditions.ipynb">run it on Binder</a>' in body
    )
    assert "pmcj-launch" not in page_with_link(None)


def test_colab_fetches_the_pack_beside_the_notebook_only_on_colab(tmp_path: Path) -> None:
    launch = read_launch({"provider": "colab", "repository": PACK_REPO})
    assert launch is not None
    source = colab_setup_source(launch)
    assert f"'{PACK_REPO}'" in source and "'--branch', 'main'" in source
    # Off Colab (here) the cell does nothing: no clone, no change of folder.
    script = tmp_path / "cell.py"
    script.write_text(source + "\nimport os; print(os.getcwd())\n", encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == str(tmp_path)
    assert not (tmp_path / "pack").exists()


def test_with_colab_every_notebook_starts_by_fetching_the_pack(tmp_path: Path) -> None:
    from dataclasses import replace

    from pmcj.myst import Book
    from pmcj.notebooks import for_download

    book = Book.read(ROOT)
    launch = read_launch({"provider": "colab", "repository": PACK_REPO})
    colab_book = replace(book, launch_cell=colab_setup_source(launch))
    source = ROOT / "chapters" / "07-values-core-conditions.md"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    first_code = [
        c for c in for_download(source, notebook, False, colab_book).cells if c.cell_type == "code"
    ]
    assert first_code[0].source == colab_setup_source(launch)
    plain = [c for c in for_download(source, notebook, False, book).cells if c.cell_type == "code"]
    assert "google.colab" not in plain[0].source
