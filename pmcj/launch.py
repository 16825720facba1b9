"""Launch links: open a page's notebook, with the data beside it, on the lecturer's own service.

A lecturer names one service in ``_config.yml`` (``sphinx.config.pmcj_launch``) and the public git
repository where they put the unzipped student pack: every notebook there sits next to ``data/``
and ``pmcj/``, which is what "the data beside it" means. Each chapter and exercise page then links
its notebook on that service:

- ``jupyterhub``: an nbgitpuller link; the hub clones (or updates) the repository into the
  student's home folder and opens the notebook in JupyterLab;
- ``binder``: a BinderHub link (mybinder.org or the university's own), which builds the repository
  with its ``requirements.txt`` and opens the notebook in JupyterLab;
- ``colab``: Google Colab opens the notebook from a GitHub repository; Colab fetches only the
  notebook, so the notebook's first cell (written by :func:`colab_setup_source`) clones the
  repository next to it when, and only when, it runs on Colab.

The theme's own launch buttons (``launch_buttons`` in ``_config.yml``) stay off: they would open
the page's MyST source, which shows raw directives in Jupyter, and not the notebook of the pack.
With ``provider`` empty (the default) no link is made and the pages name no other host.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

PROVIDERS = {"jupyterhub": "your JupyterHub", "binder": "Binder", "colab": "Google Colab"}
WHERE = "_config.yml, sphinx: config: pmcj_launch"
COLAB_URL = "https://colab.research.google.com"


class LaunchConfigError(ValueError):
    """A launch setting that cannot make a working link, said in one sentence naming the key."""


@dataclass(frozen=True)
class Launch:
    provider: str
    hub_url: str
    repository: str
    branch: str

    @property
    def label(self) -> str:
        return PROVIDERS[self.provider]

    @property
    def folder(self) -> str:
        """The folder nbgitpuller clones into: the repository's last path segment."""
        return urlsplit(self.repository).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")

    def github(self) -> tuple[str, str] | None:
        parts = urlsplit(self.repository)
        path = parts.path.strip("/").removesuffix(".git").split("/")
        if parts.netloc.lower() in ("github.com", "www.github.com") and len(path) == 2:
            return path[0], path[1]
        return None

    def url(self, notebook: str) -> str:
        """The link that opens ``notebook`` (a file name at the top of the pack) on the service."""
        if self.provider == "jupyterhub":
            urlpath = f"lab/tree/{self.folder}/{notebook}"
            query = "&".join(
                f"{key}={quote(value, safe='')}"
                for key, value in (
                    ("repo", self.repository),
                    ("branch", self.branch),
                    ("urlpath", urlpath),
                )
            )
            return f"{self.hub_url}/hub/user-redirect/git-pull?{query}"
        if self.provider == "binder":
            github = self.github()
            where = (
                f"gh/{github[0]}/{github[1]}"
                if github
                else f"git/{quote(self.repository, safe='')}"
            )
            return (
                f"{self.hub_url}/v2/{where}/{quote(self.branch, safe='')}?labpath={quote(notebook)}"
            )
        owner, name = self.github() or ("", "")
        return f"{self.hub_url}/github/{owner}/{name}/blob/{quote(self.branch)}/{quote(notebook)}"


def read_launch(settings: Mapping[str, object] | None) -> Launch | None:
    """The configured launch service, None when none is set, or a clear error naming the key."""
    settings = dict(settings or {})
    provider = str(settings.get("provider") or "").strip().lower()
    if not provider:
        return None
    if provider not in PROVIDERS:
        raise LaunchConfigError(
            f"{WHERE}: provider is {provider!r}; use one of {', '.join(PROVIDERS)}, or leave it "
            "empty for no launch buttons"
        )
    repository = str(settings.get("repository") or "").strip().rstrip("/")
    if urlsplit(repository).scheme != "https":
        raise LaunchConfigError(
            f"{WHERE}: repository must be the https address of the public git repository that "
            f"holds the unzipped student pack, not {repository!r}"
        )
    hub_url = str(settings.get("hub_url") or "").strip().rstrip("/")
    if provider == "colab":
        hub_url = hub_url or COLAB_URL
    elif urlsplit(hub_url).scheme not in ("https", "http") or not urlsplit(hub_url).netloc:
        what = "JupyterHub" if provider == "jupyterhub" else "BinderHub (e.g. https://mybinder.org)"
        raise LaunchConfigError(f"{WHERE}: hub_url must be the address of your {what}")
    launch = Launch(provider, hub_url, repository, str(settings.get("branch") or "main").strip())
    if provider == "colab" and launch.github() is None:
        raise LaunchConfigError(
            f"{WHERE}: Colab opens notebooks from GitHub only; repository must be "
            f"https://github.com/OWNER/NAME, not {repository!r}"
        )
    return launch


def colab_setup_source(launch: Launch) -> str:
    """The first cell of each notebook when the service is Colab: fetch the pack beside it."""
    return (
        "# On Google Colab only: fetch the student pack (data and helpers) next to this notebook.\n"
        "import os, subprocess, sys\n"
        "if 'google.colab' in sys.modules and not os.path.isdir('pmcj'):\n"
        f"    subprocess.run(['git', 'clone', '--depth', '1', '--branch', {launch.branch!r}, "
        f"{launch.repository!r}, 'pack'], check=True)\n"
        "    os.chdir('pack')\n"
        "    sys.path.insert(0, os.getcwd())\n"
    )
