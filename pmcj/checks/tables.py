"""The data facts several chapters' self-checks read, written once.

Every check accepts the tables it is given (tests pass each seed's tables, read from CSV text) or
loads the book's data (or the class variant named by ``PMCJ_DATA``). Columns then arrive either as
the loader's types (categories, booleans) or as text from a CSV, so labels and flags are
normalised here, in one place, rather than in each chapter's module.
"""

from __future__ import annotations

import pandas as pd

from pmcj.checks.feedback import Tables, shared
from pmcj.data import load_all


def tables_or_loaded(tables: Tables | None) -> Tables:
    """The tables a check was given, or the data loaded now."""
    return tables if tables is not None else load_all()


def as_text(values: pd.Series) -> pd.Series:
    """Labels as plain text, whether the table came from the loader (categories) or a CSV."""
    return values.astype(str)


def as_flag(values: pd.Series) -> pd.Series:
    """True/false values as booleans, whether loaded (bool) or read from a CSV as text."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    return as_text(values).str.strip().str.lower().eq("true")


def funding_models(t: Tables) -> pd.Index:
    """The funding models, in the loader's order (or sorted, for tables read from CSV)."""
    models = t["organisations"].funding_model
    labels = (
        list(models.cat.categories.astype(str))
        if isinstance(models.dtype, pd.CategoricalDtype)
        else sorted(set(as_text(models)))
    )
    return pd.Index(labels, name="funding_model")


def funding_of_person(t: Tables) -> pd.Series:
    """Participant id -> the funding model of their organisation, as text."""

    def make() -> pd.Series:
        model_of = pd.Series(
            as_text(t["organisations"].funding_model).to_numpy(),
            index=t["organisations"].organisation_id.to_numpy(),
        )
        people = t["participants"]
        return pd.Series(
            people.organisation_id.map(model_of).to_numpy(),
            index=people.participant_id.to_numpy(),
        )

    return shared(t, "funding_of_person", make)
