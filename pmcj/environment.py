"""What a downloaded notebook needs, checked in its first cell, in one plain sentence per problem.

A student's computer may already have older packages: with altair 5.4.1 installed, ``pip install
altair`` keeps it, and the first chart cell then fails with an AttributeError deep inside altair.
The versions the notebooks are tested with live here, once: the student pack's
``requirements.txt`` is written from :data:`REQUIREMENTS` (and CI installs the oldest and the newest
versions it allows), and :func:`prepare` tells a student which package to update and how, instead
of a traceback. It uses only the standard library, so it works before anything is installed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata

MIN_PYTHON = (3, 11)


@dataclass(frozen=True)
class Requirement:
    """A package the notebooks import or run in, with the versions they were tested with."""

    name: str
    floor: str
    ceiling: str
    why: str

    def line(self) -> str:
        """Its line in the pack's requirements.txt."""
        return f"{self.name}>={self.floor},<{self.ceiling}"


# Floors and ceilings tested by tests/test_pack_install.py: the pack's notebooks run top to bottom,
# their worked solutions pass their checks, and their charts draw offline in JupyterLab,
# Notebook 7 and the classic Notebook (nbclassic, as pictures), on the oldest versions these
# allow and on the newest. Measured below the floors: altair 5.4.1 lacks ``alt.theme`` (the
# book's chart style fails); pandas 2.0.3 installs beside numpy 2 and cannot be imported
# ("numpy.dtype size changed"). vl-convert-python's floor is the one altair 5.5's own ``save``
# extra asks for.
REQUIREMENTS = (
    Requirement("pandas", "2.1.4", "4", "the data tables"),
    Requirement("altair", "5.5.0", "7", "the charts"),
    Requirement(
        "vl-convert-python", "1.7.0", "2", "the charts as pictures, for the classic Notebook"
    ),
    Requirement("jupyterlab", "4.0.2", "5", "JupyterLab, to open and run the notebooks"),
    Requirement("notebook", "7.0.0", "8", "Jupyter Notebook, if you prefer it to JupyterLab"),
)
# The front ends are checked by opening them, not by the notebooks' first cell: a notebook can
# also run in VS Code or a course's own server.
FRONT_ENDS = ("jupyterlab", "notebook")
# Only the classic Notebook needs the charts' pictures: JupyterLab and Notebook 7 draw the charts
# without them, so a student who lacks vl-convert-python is not stopped; each chart they draw
# says in its text what to install for the classic Notebook (pmcj.offline_charts).
COURTESIES = ("vl-convert-python",)
INSTALL = "python -m pip install -r requirements.txt"


class SetupProblem(Exception):
    """Something a notebook needs is missing; Jupyter shows the message alone, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def version_tuple(version: str) -> tuple[int, ...]:
    """The leading numbers of a version ("2.2.2" -> (2, 2, 2); "5.5.0rc1" -> (5, 5, 0))."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if not match:
            break
        numbers.append(int(match.group()))
        if match.group() != part:
            break
    return tuple(numbers)


def problems(installed: dict[str, str | None] | None = None) -> list[str]:
    """One sentence per unmet requirement (``installed`` maps names to versions, for tests)."""
    found = []
    if sys.version_info[:2] < MIN_PYTHON and installed is None:
        found.append(
            f"These notebooks need Python {'.'.join(map(str, MIN_PYTHON))} or newer, and this "
            f"is Python {sys.version.split()[0]}: install a newer Python, then the packages in "
            "requirements.txt."
        )
    for requirement in REQUIREMENTS:
        if requirement.name in FRONT_ENDS + COURTESIES:
            continue
        if installed is not None:
            version = installed.get(requirement.name)
        else:
            try:
                version = metadata.version(requirement.name)
            except metadata.PackageNotFoundError:
                version = None
        if version is None:
            found.append(f"{requirement.name} is not installed")
        elif version_tuple(version) < version_tuple(requirement.floor):
            found.append(
                f"{requirement.name} {version} is older than these notebooks need "
                f"({requirement.floor} or newer)"
            )
        elif version_tuple(version) >= version_tuple(requirement.ceiling):
            found.append(
                f"{requirement.name} {version} is newer than these notebooks were tested with "
                f"(older than {requirement.ceiling})"
            )
    return found


def oldest_allowed() -> str:
    """Constraints that pin every requirement to its floor (CI installs them to test the floors)."""
    return "".join(f"{requirement.name}=={requirement.floor}\n" for requirement in REQUIREMENTS)


def check_packages() -> None:
    """Stop with one sentence if a package is missing, too old or too new."""
    found = problems()
    if found:
        raise SetupProblem(
            f"{'; '.join(found)}: in the student pack's folder run `{INSTALL}`, then restart the "
            "kernel (Kernel > Restart Kernel) and run this cell again."
        )


def check_data() -> None:
    from pmcj.paths import ACTIVE_DATA_DIR

    if not (ACTIVE_DATA_DIR / "datapackage.json").exists():
        raise SetupProblem(
            f"The data are not in {ACTIVE_DATA_DIR}: keep this notebook in the student pack's "
            "folder, next to its data folder (or unzip the pack again)."
        )


def prepare() -> None:
    """The first cell of every downloaded notebook: check packages and data, draw charts offline
    (and as pictures for the classic Notebook, where vl-convert-python is installed)."""
    check_packages()
    check_data()
    from pmcj import offline_charts

    offline_charts.enable()
