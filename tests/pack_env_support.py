"""Fresh Python environments made from the student pack's requirements.txt, and Jupyter in them.

A student installs the pack with ``pip install -r requirements.txt`` and nothing else, so the tests
do the same: a new virtual environment (no ``pmcj``, nothing from the project's ``.venv``),
installed from a local folder of wheels with ``--no-index``, once with every requirement at its
newest allowed version and once pinned to its floor (``pmcj.environment.oldest_allowed``).

A student who prefers the classic Notebook installs nbclassic too; the test of the charts in the
classic Notebook does the same, in environments of their own (``make_env(..., extra=CLASSIC)``),
so that every other test still runs in what ``requirements.txt`` alone installs.

The wheels are downloaded into ``_build/wheelhouse`` the first time (this needs the package
index, as CI has); after that the tests run offline. Locally an environment is kept in
``_build/pack-envs`` and reused while the requirements and the wheels are unchanged, which makes
a second ``make test`` faster; in CI (``CI`` set, as ``.ci/run`` sets it) or with
``PMCJ_FRESH_ENVS=1`` each run builds its environments from scratch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmcj.environment import REQUIREMENTS, oldest_allowed
from pmcj.pack import download_wheels, requirements_txt
from pmcj.paths import BUILD_DIR
from pmcj.wheels import pip_download

WHEELHOUSE = BUILD_DIR / "wheelhouse"
ENVS = BUILD_DIR / "pack-envs"
KINDS = {"newest": "", "oldest": oldest_allowed()}
# The classic Notebook, for the test that opens the pack there: test-only, not in requirements.txt
# (nbclassic 1.3.3, the newest on 2026-11-30; it serves beside Notebook 7 under /nbclassic/).
CLASSIC = ("nbclassic==1.3.3",)


def fresh_envs_wanted() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("PMCJ_FRESH_ENVS") == "1"


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def wheelhouse() -> Path:
    """The wheels for the newest and the oldest allowed versions (downloaded once)."""
    stamp = WHEELHOUSE / ".complete"
    key = digest(requirements_txt(), *KINDS.values(), *CLASSIC)
    if stamp.exists() and stamp.read_text() == key:
        return WHEELHOUSE
    for constraints in KINDS.values():
        download_wheels(WHEELHOUSE, constraints)
        pip_download(WHEELHOUSE, list(CLASSIC), [], constraints)
    stamp.write_text(key)
    return WHEELHOUSE


@dataclass(frozen=True)
class PackEnv:
    """A virtual environment made from the pack's requirements.txt alone."""

    kind: str
    prefix: Path

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def versions(self) -> dict[str, str]:
        names = [requirement.name for requirement in REQUIREMENTS]
        code = (
            "import importlib.metadata as m, json, sys; "
            "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))"
        )
        result = subprocess.run(
            [str(self.python), "-c", code, *names], capture_output=True, text=True, check=True
        )
        return json.loads(result.stdout)


def make_env(kind: str, requirements: Path, scratch: Path, extra: tuple[str, ...] = ()) -> PackEnv:
    """Create (or, locally, reuse) the environment for ``kind``: "newest" or "oldest"; with
    ``extra`` (:data:`CLASSIC`), an environment of its own, ``<kind>-classic``, with it too."""
    wheels = wheelhouse()
    constraints = KINDS[kind]
    names = sorted(path.name for path in wheels.glob("*.whl"))
    key = digest(requirements.read_text(), constraints, *names, *extra, sys.version)
    name = f"{kind}-classic" if extra else kind
    prefix = (scratch if fresh_envs_wanted() else ENVS) / f"{name}-{key}"
    stamp = prefix / ".complete"
    if stamp.exists():
        return PackEnv(kind, prefix)
    for stale in prefix.parent.glob(f"{name}-*"):  # made from older requirements or wheels
        if stale.name.count("-") == name.count("-") + 1:  # not newest-classic-* for newest
            shutil.rmtree(stale, ignore_errors=True)
    # The project's own Python makes the environment and its pip installs into it: the new
    # environment holds exactly what requirements.txt (and ``extra``) pull in, and nothing else.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    command = [sys.executable, "-m", "pip", "--python", str(prefix / "bin" / "python")]
    command += ["install", "--quiet", "--no-index", "--find-links", str(wheels)]
    command += ["--requirement", str(requirements), *extra]
    if constraints:
        (prefix / "constraints.txt").write_text(constraints)
        command += ["--constraint", str(prefix / "constraints.txt")]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"requirements.txt does not install ({kind}):\n{result.stderr}")
    stamp.write_text(key)
    return PackEnv(kind, prefix)


def student_environ(home: Path) -> dict[str, str]:
    """The environment of a student's shell: no PYTHONPATH into the repository, own Jupyter dirs."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / ".local" / "share" / "jupyter" / "runtime"),
        IPYTHONDIR=str(home / ".ipython"),
    )
    return env


RUN = """\
import json, sys, nbformat, nbclient
from nbclient.exceptions import CellExecutionError
report = {}
for name in sys.argv[1:]:
    nb = nbformat.read(name, 4)
    try:
        nbclient.NotebookClient(nb, timeout=180, resources={"metadata": {"path": "."}}).execute()
        error = None
    except CellExecutionError as raised:
        error = str(raised)[-1500:]
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                texts.append({"error": output.ename, "traceback": output.traceback})
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            texts.append({"tags": cell.metadata.get("tags", []), "source": cell.source,
                          "text": text if isinstance(text, str) else "".join(text)})
    report[name] = {"error": error, "outputs": texts}
print(json.dumps(report))
"""


def run_notebooks(env: PackEnv, folder: Path, names: list[str], home: Path) -> dict:
    """Run notebooks top to bottom with nbclient in the environment, in ``folder``."""
    result = subprocess.run(
        [str(env.python), "-c", RUN, *names],
        cwd=folder,
        env=student_environ(home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"nbclient failed in the {env.kind} environment:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(env: PackEnv, folder: Path, home: Path) -> Iterator[str]:
    """JupyterLab's server (which also serves Notebook 7) on 127.0.0.1, serving ``folder``.

    Nothing on the server side reaches out either: no news, no extension listing from PyPI. The
    notebook opens without windowing, so every output is drawn without scrolling.
    """
    port, token = free_port(), "pmcj-test"
    settings = home / "lab-settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    (settings / "overrides.json").write_text(json.dumps(overrides))
    log = (home / "jupyter.log").open("w")
    command = [
        str(env.prefix / "bin" / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.app_settings_dir={settings}",
        f"--JupyterNotebookApp.app_settings_dir={settings}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--JupyterNotebookApp.expose_app_in_browser=True",
    ]
    server = subprocess.Popen(
        command, cwd=folder, env=student_environ(home), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    raise AssertionError(
                        "the Jupyter server did not start:\n"
                        + (home / "jupyter.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.2)
        yield f"{base}|{token}"
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
