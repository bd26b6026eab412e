"""Input checks: a table in, a DataFrame with the fitted column names out."""

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_array

from ...compat import validate_data

__all__ = ["validate_frame"]


def validate_frame(estimator, X, *, reset, policy):
    """Check ``X`` and return it as a DataFrame with the fitted column names.

    ``policy`` is the munger's ``column_policy``: ``"align"`` matches DataFrame
    columns by name at transform time (see :func:`_align`).
    """
    name = type(estimator).__name__
    if sp.issparse(X):
        raise TypeError(
            f"{name} needs dense input: sparse data is not supported. Pass a DataFrame "
            f"or a dense array (X.toarray())."
        )
    if isinstance(X, pd.Series):
        raise ValueError(
            f"{name} expects a 2-D table (DataFrame or 2-D array), got a Series. Use "
            f"series.to_frame() for a single column."
        )
    if isinstance(X, pd.DataFrame):
        if X.columns.has_duplicates:
            dup = sorted({str(c) for c in X.columns[X.columns.duplicated()]})
            raise ValueError(f"Column names must be unique; duplicated: {dup}.")
        if not reset and policy == "align" and hasattr(estimator, "feature_names_in_"):
            X = _align(X, [str(c) for c in estimator.feature_names_in_])
        n, m = X.shape
        if m == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape=({n}, 0)) while a minimum of 1 is "
                f"required by {name}."
            )
        if n == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape=(0, {m})) while a minimum of 1 is "
                f"required by {name}."
            )
        frame = X
    else:
        X = check_array(
            X, dtype=None, ensure_all_finite=False, estimator=estimator, input_name="X"
        )
        if np.iscomplexobj(X):
            raise ValueError("Complex data not supported.")
        frame = pd.DataFrame(X)
    try:
        validate_data(estimator, frame, reset=reset, skip_check_array=True)
    except ValueError as exc:
        if "feature names should match" in str(exc):
            raise ValueError(
                f"{exc}\nPass the columns seen in fit, in the same order, or set "
                f"column_policy='align' to match DataFrame columns by name."
            ) from exc
        raise
    if reset:
        if hasattr(estimator, "feature_names_in_"):
            names = [str(c) for c in estimator.feature_names_in_]
        else:
            names = [f"x{i}" for i in range(frame.shape[1])]
    else:
        names = list(estimator.column_specs_)
    if list(frame.columns) != names:
        frame = frame.set_axis(names, axis=1)
    return frame


def _align(X, expected):
    """Columns reordered by name; extra ones dropped, missing ones all missing."""
    present = set(map(str, X.columns))
    extra = [str(c) for c in X.columns if str(c) not in set(expected)]
    missing = [c for c in expected if c not in present]
    if extra:
        warnings.warn(f"Ignoring columns not seen in fit: {extra}.", UserWarning, stacklevel=5)
    if missing:
        warnings.warn(
            f"Columns seen in fit are missing and read as all missing: {missing}.",
            UserWarning,
            stacklevel=5,
        )
    X = X.set_axis([str(c) for c in X.columns], axis=1)
    return X.reindex(columns=expected)
