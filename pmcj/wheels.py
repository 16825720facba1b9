"""The offline bundle's packages: wheels for Linux, Windows and macOS, for one Python version.

``make student-pack WHEELS=1`` puts in the pack a ``wheels/`` folder from which a classroom
without internet installs everything ``requirements.txt`` asks for, with one line:
``python -m pip install --no-index --find-links wheels -r requirements.txt``. The computers
of a class are rarely the lecturer's own, so the folder serves the four kinds in :data:`PLATFORMS`
(64-bit Linux and Windows PCs, Apple silicon and Intel Macs) for one Python version, by default
the one building the pack; pure-Python wheels are shared, compiled ones are there once per
platform.

``pip download --only-binary=:all: --platform ... --python-version ...`` resolves for another
computer, but pip evaluates environment markers such as ``sys_platform == "win32"`` for the
computer it runs on (pypa/pip#11664, open), so a folder downloaded on Linux for Windows lacks
pywinpty and colorama, which Jupyter's server and IPython need there (measured on 2026-11-30),
and pip's own ``install --dry-run --platform`` cannot notice. :func:`missing` therefore reads
the wheels' own requirements with the markers of the computer they are for, and
:func:`download_platform` downloads whatever is missing until nothing is; the pack's tests run
both that check and pip's for every platform.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

# glibc versions from 2.28 (Debian 10, Ubuntu 20.04, Red Hat 8 and later have it) down, and the
# old names of the manylinux tags: what pip accepts on such a computer.
LINUX_TAGS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)


def mac_tags(version: tuple[int, int], arch: str) -> tuple[str, ...]:
    from packaging.tags import mac_platforms

    return tuple(mac_platforms(version, arch))


@dataclass(frozen=True)
class Platform:
    """A kind of computer a class may have, as pip's platform tags and marker values name it."""

    key: str
    described: str
    tags: tuple[str, ...]
    markers: dict[str, str] = field(hash=False)

    def environment(self, python_version: str) -> dict[str, str]:
        """PEP 508 marker values of such a computer with CPython ``python_version`` ("3.12")."""
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{python_version}.0",
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_version": "",
            "python_full_version": f"{python_version}.0",
            "python_version": python_version,
            **self.markers,
        }


POSIX = {"os_name": "posix"}
PLATFORMS = (
    Platform(
        "linux",
        "Linux on a 64-bit PC (x86-64) with glibc 2.28 or newer: Debian 10, Ubuntu 20.04, "
        "Fedora 29, Red Hat 8 or later",
        LINUX_TAGS,
        {
            **POSIX,
            "sys_platform": "linux",
            "platform_system": "Linux",
            "platform_machine": "x86_64",
        },
    ),
    Platform(
        "windows",
        "Windows 10 or 11 on a 64-bit PC (x86-64)",
        ("win_amd64",),
        {
            "os_name": "nt",
            "sys_platform": "win32",
            "platform_system": "Windows",
            "platform_machine": "AMD64",
        },
    ),
    Platform(
        "macos-arm64",
        "macOS 11 or newer on a Mac with Apple silicon (M1 or later)",
        mac_tags((11, 0), "arm64"),
        {
            **POSIX,
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "platform_machine": "arm64",
        },
    ),
    Platform(
        "macos-x86_64",
        "macOS 10.15 or newer on a Mac with an Intel processor",
        mac_tags((10, 15), "x86_64"),
        {
            **POSIX,
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "platform_machine": "x86_64",
        },
    ),
)
# What ``--platform`` (WHEELS_PLATFORM) accepts besides the keys: pip's names for the same.
ALIASES = {"win_amd64": "windows", "manylinux_2_28_x86_64": "linux", "linux_x86_64": "linux"}


class WheelError(RuntimeError):
    """The wheels could not be had, or a platform would lack one; said in one sentence."""


def platform_named(name: str) -> Platform:
    """The platform a lecturer named (a key such as ``windows``, or pip's ``win_amd64``)."""
    key = ALIASES.get(name, name)
    for platform in PLATFORMS:
        if platform.key == key or key in platform.tags[:1]:
            return platform
    known = ", ".join(platform.key for platform in PLATFORMS)
    raise WheelError(f"unknown platform {name!r}: choose from {known}")


def python_tags(platform: Platform, python_version: str) -> list[str]:
    """Every wheel tag such a computer accepts, best first (as pip ranks them)."""
    from packaging import tags

    version = tuple(int(part) for part in python_version.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    found = tags.cpython_tags(version, abis=[interpreter], platforms=platform.tags)
    found = [*found, *tags.compatible_tags(version, interpreter, platform.tags)]
    return [str(tag) for tag in found]


def pip_target(platform: Platform, python_version: str) -> list[str]:
    """pip's options for resolving and installing for another computer, binary wheels only."""
    options = ["--only-binary=:all:", "--implementation", "cp"]
    options += ["--python-version", python_version]
    for tag in platform.tags:
        options += ["--platform", tag]
    return options


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: str
    version: object  # packaging.version.Version
    tags: frozenset[str]

    def requires(self) -> list[str]:
        """The wheel's Requires-Dist lines, read from its METADATA."""
        with zipfile.ZipFile(self.path) as archive:
            meta = next(
                n
                for n in archive.namelist()
                if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
            )
            text = archive.read(meta).decode("utf-8")
        return Parser().parsestr(text, headersonly=True).get_all("Requires-Dist") or []


def requirement_lines(text: str) -> list[str]:
    """The requirements of a requirements.txt, without its comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def read_wheels(folder: Path) -> list[Wheel]:
    from packaging.utils import parse_wheel_filename

    wheels = []
    for path in sorted(folder.glob("*.whl")):
        name, version, _, tags = parse_wheel_filename(path.name)
        wheels.append(Wheel(path, name, version, frozenset(str(tag) for tag in tags)))
    return wheels


def missing(
    folder: Path, requirements: Iterable[str], platform: Platform, python_version: str
) -> list[str]:
    """What such a computer would need that no wheel in ``folder`` gives it: [] if complete.

    Follows the requirements through the wheels pip would pick (the newest that fits the
    computer and the version range), evaluating each dependency's markers for that computer,
    extras included.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    accepted = set(python_tags(platform, python_version))
    environment = platform.environment(python_version)
    by_name: dict[str, list[Wheel]] = {}
    for wheel in read_wheels(folder):
        if wheel.tags & accepted:
            by_name.setdefault(wheel.name, []).append(wheel)
    pending = [(Requirement(line), ("",)) for line in requirements]
    seen: set[tuple[str, str, str]] = set()
    absent: list[str] = []
    while pending:
        requirement, extras = pending.pop()
        marker = requirement.marker
        if marker and not any(marker.evaluate({**environment, "extra": e}) for e in extras):
            continue
        fitting = [
            wheel
            for wheel in by_name.get(canonicalize_name(requirement.name), [])
            if requirement.specifier.contains(wheel.version, prereleases=True)
        ]
        if not fitting:
            absent.append(f"{requirement.name}{requirement.specifier}")
            continue
        chosen = max(fitting, key=lambda wheel: wheel.version)
        wanted = ("", *sorted(requirement.extras))
        key = (chosen.name, str(chosen.version), ",".join(wanted))
        if key in seen:
            continue
        seen.add(key)
        pending += [(Requirement(line), wanted) for line in chosen.requires()]
    return sorted(set(absent))


def pip_download(
    dest: Path, requirements: list[str], options: list[str], constraints: str = ""
) -> None:
    """``pip download`` into ``dest``; a failure is told in one sentence with pip's reason."""
    with tempfile.TemporaryDirectory() as folder:
        listed = Path(folder) / "requirements.txt"
        listed.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(dest)]
        command += ["--requirement", str(listed), *options]
        if constraints:
            (Path(folder) / "constraints.txt").write_text(constraints, encoding="utf-8")
            command += ["--constraint", str(Path(folder) / "constraints.txt")]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
        raise WheelError(
            "pip could not download the pack's packages (it needs the package index, usually "
            f"the internet): {' '.join(errors[-2:]) or result.stderr.strip()[-500:]}"
        )


def download_platform(
    dest: Path, requirements: list[str], platform: Platform, python_version: str
) -> None:
    """Every wheel such a computer needs, into ``dest`` (wheels already there are kept).

    pip resolves first; then what pip's markers left out (see the module's note) is downloaded,
    with its own requirements, until :func:`missing` finds nothing. A few rounds at most: each
    adds the platform's own packages (pywinpty and colorama on Windows, appnope on macOS).
    """
    options = pip_target(platform, python_version)
    pip_download(dest, requirements, options)
    for _ in range(5):
        lacking = missing(dest, requirements, platform, python_version)
        if not lacking:
            return
        pip_download(dest, lacking, options)
    raise WheelError(
        f"the wheels for {platform.key} with Python {python_version} are still incomplete "
        f"after five rounds of downloads: {', '.join(lacking)}"
    )


def download_all(
    dest: Path,
    requirements: list[str],
    platforms: Iterable[Platform] = PLATFORMS,
    python_version: str | None = None,
) -> list[Path]:
    """Wheels for every platform (all four by default) with one Python version (the builder's)."""
    python_version = python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
    dest.mkdir(parents=True, exist_ok=True)
    for platform in platforms:
        download_platform(dest, requirements, platform, python_version)
    return sorted(dest.glob("*.whl"))
