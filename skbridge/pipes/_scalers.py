"""Reversible scalers as pipes: GaussianScaler and MinMaxScaler (DynaML's).

Each learns a per-column shift and scale, has ``inverse_transform`` and an
``inverse`` pipe, ignores NaN when fitting and keeps it, and leaves constant
columns unscaled.
"""

import numpy as np
from sklearn.base import OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from ..compat import fit_context, validate_data
from ._base import _BasePipe
from ._data_pipe import _ReversibleMixin

__all__ = ["GaussianScaler", "MinMaxScaler"]


class _Scaler(_ReversibleMixin, OneToOneFeatureMixin, _BasePipe):
    """``(X - shift_) / scale_`` per column, with its inverse."""

    _parameter_constraints: dict = {}

    def __init__(self):
        pass

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the per-column shift and scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; NaN is ignored.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
        )
        shift, scale = self._statistics(X)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self.shift_ = np.nan_to_num(shift).astype(X.dtype)
        self.scale_ = scale.astype(X.dtype)
        return self

    def transform(self, X):
        """Scale ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to scale.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            Scaled data.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan",
            reset=False,
        )
        return (X - self.shift_.astype(X.dtype)) / self.scale_.astype(X.dtype)

    def inverse_transform(self, X):
        """Undo the scaling.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scaled data.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Data on the original scale.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan",
            reset=False,
        )
        return X * self.scale_.astype(X.dtype) + self.shift_.astype(X.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class GaussianScaler(_Scaler):
    """Standardise each column to mean 0 and standard deviation 1, reversibly.

    DynaML's ``GaussianScaler``: a pipe with ``inverse_transform`` and an
    ``inverse`` pipe, e.g. to bring GP predictions back to the original scale.
    Constant columns are left unscaled; NaN is ignored when fitting and kept.

    Attributes
    ----------
    shift_ : ndarray of shape (n_features,)
        Column means.
    scale_ : ndarray of shape (n_features,)
        Column standard deviations (1 for constant columns).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    MinMaxScaler : Scaling to [0, 1].
    sklearn.preprocessing.StandardScaler : The scikit-learn equivalent.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import GaussianScaler
    >>> X = np.array([[1.0], [3.0]])
    >>> scaler = GaussianScaler().fit(X)
    >>> scaler.transform(X).ravel()
    array([-1.,  1.])
    >>> scaler.inverse(scaler.transform(X)).ravel()
    array([1., 3.])
    """

    def _statistics(self, X):
        return np.nanmean(X, axis=0), np.nanstd(X, axis=0)


class MinMaxScaler(_Scaler):
    """Scale each column to [0, 1], reversibly (DynaML's ``MinMaxScaler``).

    Constant columns are shifted to 0 and not scaled; NaN is ignored when
    fitting and kept.

    Attributes
    ----------
    shift_ : ndarray of shape (n_features,)
        Column minima.
    scale_ : ndarray of shape (n_features,)
        Column ranges (1 for constant columns).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    GaussianScaler : Standardisation.
    sklearn.preprocessing.MinMaxScaler : The scikit-learn equivalent.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import MinMaxScaler
    >>> MinMaxScaler().fit_transform(np.array([[2.0], [4.0], [3.0]])).ravel()
    array([0. , 1. , 0.5])
    """

    def _statistics(self, X):
        low = np.nanmin(X, axis=0) if X.shape[0] else np.zeros(X.shape[1])
        high = np.nanmax(X, axis=0) if X.shape[0] else np.ones(X.shape[1])
        return low, high - low
