"""The offline bundle's completeness check, on small made-up wheels (no network, seconds).

``pmcj.wheels.missing`` is what makes a wheelhouse downloaded on Linux complete for Windows and
macOS (pip evaluates markers for the computer it runs on), so it is tested here on every path
that matters: a dependency for one operating system only, an extra's dependencies, a compiled
wheel missing for one platform or one Python version. The real bundle is checked the same way
by ``tests/test_pack_install.py`` (``make pack-test``), with pip's own dry run beside it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pmcj.pack import main as pack_main
from pmcj.wheels import PLATFORMS, WheelError, missing, platform_named, requirement_lines

LINUX, WINDOWS, MAC_ARM, MAC_INTEL = PLATFORMS
LINUX_TAG = "manylinux_2_17_x86_64.manylinux2014_x86_64"


def wheel(folder: Path, filename: str, *requires: str) -> None:
    name, version = filename.split("-")[:2]
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {line}\n" for line in requires)
    with zipfile.ZipFile(folder / filename, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)


@pytest.fixture()
def house(tmp_path: Path) -> Path:
    wheel(
        tmp_path,
        "app-1.0-py3-none-any.whl",
        'bar; sys_platform == "win32"',
        "baz[fmt]",
        "qux>=2",
    )
    wheel(tmp_path, "bar-1.0-cp311-cp311-win_amd64.whl")
    wheel(tmp_path, "baz-1.0-py3-none-any.whl", 'zed; extra == "fmt"', 'never; extra == "other"')
    wheel(tmp_path, "zed-1.0-py3-none-any.whl")
    wheel(tmp_path, "qux-1.0-py3-none-any.whl")
    for tag in (LINUX_TAG, "win_amd64", "macosx_11_0_arm64"):
        wheel(tmp_path, f"qux-2.0-cp311-cp311-{tag}.whl")
    return tmp_path


def test_a_complete_wheelhouse_lacks_nothing_on_the_platforms_it_serves(house: Path) -> None:
    for platform in (LINUX, WINDOWS, MAC_ARM):
        assert missing(house, ["app"], platform, "3.11") == [], platform.key


def test_a_dependency_for_one_operating_system_is_needed_there_only(house: Path) -> None:
    (house / "bar-1.0-cp311-cp311-win_amd64.whl").unlink()
    assert missing(house, ["app"], WINDOWS, "3.11") == ["bar"]
    assert missing(house, ["app"], LINUX, "3.11") == []


def test_an_extras_dependencies_are_followed_and_no_others(house: Path) -> None:
    (house / "zed-1.0-py3-none-any.whl").unlink()
    assert missing(house, ["app"], LINUX, "3.11") == ["zed"]


def test_a_compiled_wheel_counts_only_for_its_platform_and_python(house: Path) -> None:
    # qux 2 has no wheel for Intel Macs, and qux 1, which has, is too old for app.
    assert missing(house, ["app"], MAC_INTEL, "3.11") == ["qux>=2"]
    assert missing(house, ["app"], LINUX, "3.12") == ["qux>=2"]
    assert missing(house, ["qux"], MAC_INTEL, "3.11") == []


def test_requirements_txt_lines_lose_their_comments() -> None:
    text = "# a comment\npandas>=2.1.4,<4            # the data tables\n\naltair>=5.5.0,<7\n"
    assert requirement_lines(text) == ["pandas>=2.1.4,<4", "altair>=5.5.0,<7"]


def test_platforms_are_named_by_key_or_by_pips_tag_and_others_refused() -> None:
    assert platform_named("win_amd64") is WINDOWS
    assert platform_named("macosx_11_0_arm64") is MAC_ARM
    assert platform_named("linux") is LINUX
    with pytest.raises(WheelError, match=r"^unknown platform 'solaris': choose from linux, "):
        platform_named("solaris")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--python-version", "3.10"], "the notebooks need Python 3.11 or newer, so a pack for"),
        (["--python-version", "three"], "the Python version should look like 3.12, not 'three'"),
        (["--platform", "amiga"], "unknown platform 'amiga': choose from"),
    ],
)
def test_a_bad_bundle_request_is_refused_in_one_sentence_before_anything_is_built(
    option: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.zip"
    assert pack_main(["--out", str(out), "--wheels", *option]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"pack: {message}"), error
    assert error.count("\n") == 1, error
    assert not out.exists()
