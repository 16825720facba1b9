"""What the build needs to know about the data without loading it: a hash of its files.

Kept apart from :mod:`pmcj.data.package`, which imports pandas: the build driver and the Sphinx
extension read the fingerprint on every build, and importing pandas for it cost about half a
second of every prose rebuild.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pmcj.paths import ACTIVE_DATA_DIR

DESCRIPTOR = "datapackage.json"


def data_fingerprint(data_dir: Path | str = ACTIVE_DATA_DIR) -> str:
    """A hash of the data files' bytes: what notebook outputs depend on besides their code.

    The build keys its execution cache and Sphinx's environment on it, so regenerating the data
    (or pointing ``PMCJ_DATA`` at a variant) re-runs the notebooks instead of showing old numbers.
    """
    digest = hashlib.sha256()
    folder = Path(data_dir)
    for path in sorted([*folder.glob("*.csv"), folder / DESCRIPTOR]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
