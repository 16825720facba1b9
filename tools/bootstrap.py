"""Create the project's virtual environment from the lock file, with plain messages on failure.

Run by the Makefile before any other target; it uses only the standard library because it runs
before anything is installed. It exists so that a new contributor (or CI) gets the exact toolchain
with one command, and so that each way of failing says what is wrong and what to run.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".installed"
# The oldest Python the lock is made with and CI tests on (Debian 12's python3); see README.
MIN_PYTHON = (3, 11, 2)
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!_-]+$")


def fail(message: str) -> None:
    print(f"\nbootstrap: {message}\n", file=sys.stderr)
    sys.exit(2)


def check_python() -> None:
    """Refuse, before anything is installed, a Python the lock was not made for."""
    wanted = ".".join(map(str, MIN_PYTHON))
    if tuple(sys.version_info[:3]) < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        fail(
            f"Python {wanted} or newer is needed, but {sys.executable} is {found}. "
            "Install a newer Python (Debian 12 and Ubuntu 24.04: `apt-get install python3 "
            "python3-venv`; elsewhere python.org or your package manager), then run, for "
            "example: make PYTHON=/usr/bin/python3 book"
        )
    try:
        import ensurepip  # noqa: F401 (Debian ships it separately, in python3-venv)
    except ImportError:
        fail(
            f"{sys.executable} cannot create virtual environments (no ensurepip). On Debian or "
            "Ubuntu run `apt-get install python3-venv`, then the same make command again."
        )


def read_lock() -> list[str]:
    if not LOCK.exists():
        fail(f"{LOCK.name} is missing. Restore it with: git checkout -- {LOCK.name}")
    pins = []
    for number, raw in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not PIN.match(line):
            fail(
                f"{LOCK.name} line {number} is not an exact pin ('name==version'): {raw!r}. "
                f"Restore the file with: git checkout -- {LOCK.name}  (or regenerate it: make lock)"
            )
        pins.append(line)
    if not pins:
        fail(f"{LOCK.name} pins nothing. Restore it with: git checkout -- {LOCK.name}")
    return pins


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        fail(
            f"{what} failed (exit {result.returncode}); the messages above say why. "
            "Check the network can reach the package index, then run: make clean-venv && make book"
        )


def main() -> None:
    check_python()
    read_lock()
    wanted = fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        version = ".".join(map(str, sys.version_info[:3]))
        print(
            f"bootstrap: creating {VENV.relative_to(ROOT)} with {sys.executable} (Python {version})"
        )
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip==26.3"], "Upgrading pip")
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-r", str(LOCK)],
        f"Installing the pinned packages from {LOCK.name}",
    )
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-e",
            ".",
        ],
        "Installing the project package",
    )
    run([str(python), "-m", "pip", "check"], f"Checking that {LOCK.name} is complete")
    STAMP.write_text(wanted + "\n")
    print("bootstrap: environment ready")


if __name__ == "__main__":
    main()
