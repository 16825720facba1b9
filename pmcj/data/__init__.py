"""The synthetic data set: generator inputs, the generator, and validated loaders.

Notebooks need only ``load_all`` or ``load_table``; both read the committed data (or a class
variant named by the ``PMCJ_DATA`` environment variable) and check it before returning it.
"""

from pmcj.data.errors import DataError
from pmcj.data.package import load_all, load_table

__all__ = ["DataError", "load_all", "load_table"]
