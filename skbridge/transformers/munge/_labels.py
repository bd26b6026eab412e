"""LabelMunger: the label side of automunge (classes to codes, or scaled targets)."""

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ...compat import StrOptions, fit_context

__all__ = ["LabelMunger"]


def _as_series(y, what):
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"{what} expects one label column, got a DataFrame with {y.shape[1]}.")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        return y.reset_index(drop=True)
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{what} expects a 1-D array of labels, got shape {arr.shape}.")
    return pd.Series(arr)


class LabelMunger(BaseEstimator):
    """Encode a label column the way :func:`automunge` prepares its labels.

    Parameters
    ----------
    encoding : {"auto", "ordinal", "onehot", "zscore", "passthrough"}, default="auto"
        ``"ordinal"``: classes to codes 0..k-1 (sorted), for classifiers.
        ``"onehot"``: one 0/1 column per class. ``"zscore"``: standardised
        numbers, for regressors. ``"passthrough"``: numbers as they are.
        ``"auto"``: ``"passthrough"`` for numbers with more than 20 distinct
        values or with fractions, ``"ordinal"`` otherwise.

    Attributes
    ----------
    encoding_ : str
        The encoding used (``"auto"`` resolved).
    classes_ : ndarray
        The sorted classes (ordinal and one-hot encodings).
    mean_, scale_ : float
        Mean and standard deviation of the labels (z-score encoding).
    name_ : str
        Name of the label column (``"y"`` for unnamed labels).

    See Also
    --------
    AutoMunger : The feature side.
    sklearn.preprocessing.LabelEncoder : Ordinal codes only.

    Examples
    --------
    >>> from skbridge.transformers.munge import LabelMunger
    >>> lm = LabelMunger().fit(["yes", "no", "yes"])
    >>> lm.encoding_, lm.transform(["no", "yes"])
    ('ordinal', array([0, 1]))
    >>> lm.inverse_transform([1, 0]).tolist()
    ['yes', 'no']
    """

    _parameter_constraints: dict = {
        "encoding": [StrOptions({"auto", "ordinal", "onehot", "zscore", "passthrough"})],
    }

    def __init__(self, *, encoding="auto"):
        self.encoding = encoding

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, y):
        """Learn the classes (or the scale) of the labels.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Labels, without missing values.

        Returns
        -------
        self : object
            The fitted label munger.
        """
        s = _as_series(y, "LabelMunger.fit")
        if len(s) == 0:
            raise ValueError("LabelMunger.fit needs at least one label, got none.")
        n_missing = int(s.isna().sum())
        if n_missing:
            raise ValueError(
                f"The labels contain {n_missing} missing value(s); drop those rows or "
                f"infill the labels before fitting."
            )
        self.name_ = str(s.name) if s.name is not None else "y"
        numeric = is_numeric_dtype(s.dtype) and not is_bool_dtype(s.dtype)
        encoding = self.encoding
        if encoding == "auto":
            if numeric:
                x = s.to_numpy(dtype=np.float64)
                fractional = not np.all(x == np.round(x))
                encoding = "passthrough" if fractional or s.nunique() > 20 else "ordinal"
            else:
                encoding = "ordinal"
        if encoding in ("zscore", "passthrough") and not numeric:
            raise ValueError(
                f"encoding={encoding!r} needs numeric labels, got dtype {s.dtype}; use "
                f"'ordinal' or 'onehot' for classes."
            )
        self.encoding_ = encoding
        if encoding in ("ordinal", "onehot"):
            values = s.to_numpy()
            try:
                self.classes_ = np.unique(values)
            except TypeError:
                self.classes_ = np.unique(values.astype(str))
        else:
            x = s.to_numpy(dtype=np.float64)
            self.mean_ = float(x.mean())
            std = float(x.std())
            self.scale_ = std if std > 0 else 1.0
        return self

    def transform(self, y):
        """Encode labels.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        y_new : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Codes (int), one-hot rows, or numbers (float).
        """
        check_is_fitted(self)
        s = _as_series(y, "LabelMunger.transform")
        if s.isna().any():
            raise ValueError(f"The labels contain {int(s.isna().sum())} missing value(s).")
        if self.encoding_ in ("zscore", "passthrough"):
            x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64)
            if np.isnan(x).any():
                raise ValueError("Some labels are not numbers, but the labels were numeric in fit.")
            return (x - self.mean_) / self.scale_ if self.encoding_ == "zscore" else x
        values = s.to_numpy()
        if self.classes_.dtype.kind in "US" and values.dtype == object:
            values = values.astype(str)
        codes = np.searchsorted(self.classes_, values)
        codes = np.clip(codes, 0, len(self.classes_) - 1)
        unseen = self.classes_[codes] != values
        if np.any(unseen):
            raise ValueError(
                f"Labels not seen in fit: {sorted(map(str, set(values[unseen])))[:10]}; seen: "
                f"{list(self.classes_)[:10]}."
            )
        if self.encoding_ == "onehot":
            out = np.zeros((len(codes), len(self.classes_)))
            out[np.arange(len(codes)), codes] = 1.0
            return out
        return codes

    def fit_transform(self, y):
        """Fit and encode the labels."""
        return self.fit(y).transform(y)

    def inverse_transform(self, y):
        """Labels back from their encoding.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Output of :meth:`transform`, or a model's predictions of it.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        y = np.asarray(y)
        if self.encoding_ == "zscore":
            return y.astype(np.float64) * self.scale_ + self.mean_
        if self.encoding_ == "passthrough":
            return y.astype(np.float64)
        if self.encoding_ == "onehot":
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"Expected one-hot rows of {len(self.classes_)} columns, got shape {y.shape}."
                )
            y = y.argmax(axis=1)
        codes = np.asarray(y).astype(np.int64)
        if codes.size and (codes.min() < 0 or codes.max() >= len(self.classes_)):
            raise ValueError(f"Codes must lie in 0..{len(self.classes_) - 1}.")
        return self.classes_[codes]

    def get_feature_names_out(self, input_features=None):
        """Output names: the label name, or ``<name>_<class>`` for one-hot."""
        check_is_fitted(self)
        if self.encoding_ == "onehot":
            return np.asarray([f"{self.name_}_{c}" for c in self.classes_], dtype=object)
        return np.asarray([self.name_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags
