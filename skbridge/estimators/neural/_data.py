"""Input handling shared by both backends: validation, image shapes, batches.

Arrays and frames are validated with scikit-learn's ``validate_data`` and cast
to float32 (what the networks compute in). Images are ``(n, h, w)`` or
``(n, h, w, c)`` (channels last at the API; the torch backend moves channels
first inside). A streaming image dataset (duck-typed: ``load(indices)``,
``targets``, ``image_shape`` and ``__len__``, like
:class:`skbridge.datasets.ImageDataset` with ``lazy=True``) is never loaded
whole: :class:`DatasetView` selects samples and :func:`iter_batches` decodes
one batch at a time.
"""

import math

import numpy as np
from sklearn.utils.validation import check_array, check_X_y

from ...compat import validate_data

__all__ = ["PREDICT_BATCH", "DatasetView", "check_fit_data", "check_predict_data",
           "eval_batch_size", "is_stream", "iter_batches", "iter_eval_batches"]

PREDICT_BATCH = 1024
"""Most samples per forward pass when evaluating or predicting on arrays."""

PREDICT_VALUES = 2**17
"""About how many input values a forward pass of evaluation or prediction takes at most."""


def is_dataset(X):
    """Whether ``X`` is a streaming image dataset (duck-typed)."""
    return all(hasattr(X, attr) for attr in ("load", "targets", "image_shape", "__len__"))


def is_stream(X):
    """Whether ``X`` is a :class:`DatasetView` (batches are decoded on demand)."""
    return isinstance(X, DatasetView)


def _image_shape(shape):
    shape = tuple(int(s) for s in shape)
    if len(shape) == 2:
        return (*shape, 1)
    if len(shape) == 3:
        return shape
    raise ValueError(f"image_shape must be (h, w) or (h, w, c); got {shape}.")


class DatasetView:
    """Some samples of a streaming dataset, with their encoded targets.

    Parameters
    ----------
    dataset : object
        Has ``load(indices) -> (X_batch, y_batch)``.
    indices : ndarray of int
        Which samples of ``dataset`` the view holds.
    image_shape : tuple of int
        ``(h, w, c)``.
    """

    def __init__(self, dataset, indices, image_shape):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)
        self.image_shape = image_shape

    def __len__(self):
        return len(self.indices)

    @property
    def shape(self):
        return (len(self), *self.image_shape)

    def subset(self, positions):
        """The view of ``positions`` (indices into this view)."""
        return DatasetView(self.dataset, self.indices[positions], self.image_shape)

    def load(self, positions):
        """Decoded float32 images ``(b, h, w, c)`` at ``positions`` of the view."""
        X, _ = self.dataset.load(self.indices[np.asarray(positions)])
        X = np.asarray(X, dtype=np.float32)
        return X.reshape(len(X), *self.image_shape)


def batch_slices(n, batch_size):
    """``(start, stop)`` of each batch; a last batch of one sample joins the one before.

    A batch of one sample breaks batch normalization in training mode.
    """
    bounds = list(range(0, n, batch_size)) + [n]
    if len(bounds) > 2 and bounds[-1] - bounds[-2] == 1:
        del bounds[-2]
    return list(zip(bounds[:-1], bounds[1:]))


def iter_batches(X, y, batch_size, shuffle=False, rng=None):
    """``(X_batch, y_batch)`` numpy batches of an array or a :class:`DatasetView`.

    Parameters
    ----------
    X : ndarray or DatasetView
    y : ndarray or None
        Encoded targets aligned with ``X`` (``y_batch`` is None without them).
    batch_size : int
    shuffle : bool, default=False
        Visit the samples in the order of ``rng.permutation``.
    rng : numpy.random.Generator, default=None
        Needed when ``shuffle``.

    Yields
    ------
    X_batch : ndarray of float32
    y_batch : ndarray or None

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural._data import iter_batches
    >>> [len(b) for b, _ in iter_batches(np.zeros((5, 2)), None, 2)]
    [2, 3]
    """
    n = len(X)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start, stop in batch_slices(n, batch_size):
        idx = order[start:stop]
        if not shuffle:
            idx = slice(start, stop)
        Xb = X.load(order[start:stop]) if is_stream(X) else X[idx]
        yield Xb, (None if y is None else y[idx])


def eval_batch_size(X, batch_size):
    """Samples per forward pass for evaluation and prediction, shared by the backends.

    ``batch_size`` for a stream (never more than one training batch is decoded
    at a time). For arrays, fewer and larger passes: up to :data:`PREDICT_BATCH`
    samples, but no more than about :data:`PREDICT_VALUES` input values per
    pass, so that images (whose activation maps are large) keep batches that
    stay in cache; never fewer than ``batch_size``.
    """
    if is_stream(X):
        return int(batch_size)
    values = int(np.prod(np.shape(X)[1:])) or 1
    return max(int(batch_size), min(PREDICT_BATCH, PREDICT_VALUES // values))


def iter_eval_batches(X, y, batch_size):
    """``(X_batch, y_batch)`` in order, of :func:`eval_batch_size` samples each."""
    return iter_batches(X, y, eval_batch_size(X, batch_size))


def _as_float32(X):
    X = np.asarray(X, dtype=np.float32, order="C")
    return X if X.flags.writeable else X.copy()


def _with_channels_shape(shape):
    return (*shape, 1) if len(shape) == 2 else tuple(shape)


def _with_channels(X):
    return X[..., np.newaxis] if X.ndim == 3 else X


def _check_dense_fit_data(estimator, X, y, reset):
    """Images and their dense targets (masks, boxes): ``y`` is checked by the task."""
    name = type(estimator).__name__
    if is_dataset(X):
        raise ValueError(
            f"{name} trains on image arrays (n, h, w[, c]); load the images with "
            f"lazy=False (a streaming dataset carries class labels, not masks or boxes)."
        )
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    X = check_array(X, allow_nd=True, dtype=np.float32, estimator=estimator)
    if X.ndim not in (3, 4):
        raise ValueError(
            f"{name} takes images (n, h, w) or (n, h, w, c); got X of shape {X.shape}"
            f"{perfect_square_hint(X.shape[1]) if X.ndim == 2 else ''}."
        )
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} images but y has {len(y)} targets.")
    X = _with_channels(_as_float32(X))
    _forget_features(estimator, reset)
    if reset:
        estimator.n_features_in_ = int(np.prod(X.shape[1:]))
    return X, y, X.shape[1:]


def check_fit_data(estimator, X, y, *, reset, y_numeric, dense_y=False):
    """Validate training data (``dense_y``: masks or boxes, validated by the task).

    Returns
    -------
    X : ndarray of float32 or DatasetView
        ``(n, d)`` tables or ``(n, h, w, c)`` images (all samples of a
        dataset for a stream).
    y : ndarray
        Raw (not yet encoded) targets.
    input_shape : tuple of int
        ``(d,)`` or ``(h, w, c)``.
    """
    if dense_y:
        return _check_dense_fit_data(estimator, X, y, reset)
    name = type(estimator).__name__
    if is_dataset(X):
        if y is None:
            y = X.targets
            if y is None:
                raise ValueError(
                    f"The dataset passed to {name}.fit has no labels (its targets are None). "
                    "Load it with labels (an image folder with one sub-folder per class, or a "
                    "CSV with a label column), or pass y."
                )
        shape = _image_shape(X.image_shape)
        y = check_array(y, ensure_2d=False, dtype="numeric" if y_numeric else None,
                        input_name="y")
        if len(y) != len(X):
            raise ValueError(f"The dataset has {len(X)} images but {len(y)} labels.")
        _forget_features(estimator, reset)
        if reset:
            estimator.n_features_in_ = int(np.prod(shape))
        return DatasetView(X, np.arange(len(X)), shape), y, shape
    if y is None:
        raise ValueError(
            f"{name} requires y to be passed, but the target y is None. (Only a streaming "
            "image dataset carries its own labels.)"
        )
    if getattr(X, "ndim", 2) >= 3:
        X, y = check_X_y(X, y, allow_nd=True, dtype=np.float32, multi_output=y_numeric,
                         y_numeric=y_numeric, estimator=estimator)
        X = _with_channels(_as_float32(X))
        _forget_features(estimator, reset)
        if reset:
            estimator.n_features_in_ = int(np.prod(X.shape[1:]))
        return X, y, X.shape[1:]
    X, y = validate_data(estimator, X, y, reset=reset, dtype=np.float32, multi_output=y_numeric,
                         y_numeric=y_numeric)
    return _as_float32(X), y, (X.shape[1],)


def _forget_features(estimator, reset):
    if reset and hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def check_predict_data(estimator, X):
    """Validate data to predict on, against the fitted ``input_shape_``.

    Returns
    -------
    X : ndarray of float32 or DatasetView
    """
    name = type(estimator).__name__
    fitted = tuple(estimator.input_shape_)
    if is_dataset(X):
        shape = _image_shape(X.image_shape)
        if shape != fitted:
            raise ValueError(
                f"The dataset's images have shape {shape}, but this {name} was fitted on "
                f"{_describe(fitted)}. Load them with the same image_size and color_mode."
            )
        return DatasetView(X, np.arange(len(X)), shape)
    if getattr(X, "ndim", 2) >= 3:
        given = tuple(np.shape(X))
        X = _with_channels(_as_float32(check_array(X, allow_nd=True, dtype=np.float32,
                                                   estimator=estimator)))
        if X.shape[1:] != fitted:
            one = given in (fitted, fitted[:2]) or _with_channels_shape(given) == fitted
            hint = (" It looks like one image without the batch axis: pass X[np.newaxis] "
                    "(a batch of one)." if one else "")
            raise ValueError(
                f"X has shape {X.shape}, i.e. images of shape {X.shape[1:]}, but this {name} "
                f"was fitted on {_describe(fitted)}.{hint}"
            )
        return X
    if len(fitted) > 1 and getattr(X, "ndim", None) == 2:
        raise ValueError(
            f"X has shape {X.shape}, but this {name} was fitted on {_describe(fitted)}. "
            f"Reshape it with X.reshape(-1, {', '.join(map(str, fitted))})."
        )
    return _as_float32(validate_data(estimator, X, reset=False, dtype=np.float32))


def _describe(shape):
    if len(shape) == 1:
        return f"tables of {shape[0]} features"
    return f"images of shape (h, w, c) = {tuple(shape)}"


def perfect_square_hint(d):
    """``", e.g. X.reshape(-1, 8, 8)"`` when ``d`` is a square, else ``""``."""
    side = math.isqrt(int(d))
    return f", e.g. X.reshape(-1, {side}, {side})" if side * side == d and side > 1 else ""
