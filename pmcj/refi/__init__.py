"""REFI-QDA exchange: export the coded data for NVivo, ATLAS.ti, MAXQDA and QualCoder; read it.

``write_codebook`` and ``write_project`` write the book's data as a ``.qdc`` codebook and a
``.qdpx`` project; ``read_qdpx`` loads any tool's ``.qdpx`` into DataFrames so that students can
compare their own coding with the notebooks. ``SCHEMA_DIR`` holds the vendored REFI-QDA 1.0
schemas (see its NOTICE.md) that the tests validate the exports against.
"""

from pathlib import Path

from pmcj.refi.export import write_codebook, write_project
from pmcj.refi.reader import read_qdpx

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

__all__ = ["SCHEMA_DIR", "read_qdpx", "write_codebook", "write_project"]
