"""StreamLearner: train a ``partial_fit`` estimator on a stream, one chunk at a time.

What ``stream_pipe >> estimator`` builds when the estimator has ``partial_fit``.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.validation import check_is_fitted

from ..compat import HasMethods, Interval, fit_context
from ._base import _refuse_truth_test
from ._sources import iter_chunks

__all__ = ["StreamLearner"]


class StreamLearner(BaseEstimator):
    """Train a ``partial_fit`` estimator on a stream, one chunk at a time.

    What ``stream_pipe >> estimator`` builds when the estimator has
    ``partial_fit``. ``fit(stream)`` runs the stream through ``pipe`` and calls
    ``partial_fit(X_chunk, y_chunk)`` on every ``(X_chunk, y_chunk)`` item it
    yields, so memory holds one chunk at a time; ``predict(stream)`` runs the
    stream through the pipe and concatenates the predictions.

    Parameters
    ----------
    pipe : pipe or None, default=None
        Turns the raw stream into ``(X_chunk, y_chunk)`` items (for ``fit``)
        or ``X_chunk`` / ``(X_chunk, y_chunk)`` items (for ``predict``).
        ``None`` takes the stream as it is.
    estimator : estimator with partial_fit, default=None
        The learner; ``None`` is :class:`~sklearn.linear_model.SGDRegressor`.
    classes : array-like, default=None
        All class labels, passed to a classifier's first ``partial_fit``.
    n_epochs : int, default=1
        Passes over the stream (the stream must be re-iterable, as
        :func:`read_csv_chunks`, :func:`read_lines` and :func:`iter_chunks`
        are, for more than one).

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of ``estimator``.
    n_chunks_ : int
        Chunks seen by the last ``fit``.
    n_samples_seen_ : int
        Rows seen by the last ``fit`` (all epochs).

    See Also
    --------
    StreamPipe : The lazy pipe in front.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import SGDRegressor
    >>> from skbridge.pipes import iter_chunks, stream_map
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(600, 3)); y = X @ [1.0, -2.0, 0.5]
    >>> learner = stream_map(tuple) >> SGDRegressor(random_state=0)
    >>> learner = learner.set_params(n_epochs=3).fit(iter_chunks(X, y, chunksize=100))
    >>> learner.n_chunks_
    18
    >>> bool(np.abs(learner.predict(iter_chunks(X, y, chunksize=100)) - y).mean() < 0.1)
    True
    """

    _parameter_constraints: dict = {
        "pipe": [HasMethods(["transform"]), None],
        "estimator": [HasMethods(["partial_fit"]), None],
        "classes": ["array-like", None],
        "n_epochs": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, pipe=None, estimator=None, classes=None, n_epochs=1):
        self.pipe = pipe
        self.estimator = estimator
        self.classes = classes
        self.n_epochs = n_epochs

    def _items(self, stream):
        return self.pipe.transform(stream) if self.pipe is not None else iter(stream)

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Train on every chunk of the stream.

        Parameters
        ----------
        X : iterable
            The stream. With ``y`` given, ``X`` and ``y`` are arrays, taken in
            chunks of 1,000 rows.
        y : array-like, default=None
            Targets, when ``X`` is an array.

        Returns
        -------
        self : object
            The fitted learner.
        """
        if self.estimator is None:
            from sklearn.linear_model import SGDRegressor

            estimator = SGDRegressor()
        else:
            estimator = clone(self.estimator)
        self.estimator_ = estimator
        self.n_chunks_ = 0
        self.n_samples_seen_ = 0
        self._train(X, y, first=True)
        return self

    @fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y=None):
        """Train further on one more stream.

        Parameters
        ----------
        X : iterable
            The stream (or an array with ``y``).
        y : array-like, default=None
            Targets, when ``X`` is an array.

        Returns
        -------
        self : object
            The learner.
        """
        if not hasattr(self, "estimator_"):
            return self.fit(X, y)
        self._train(X, y, first=False)
        return self

    def _train(self, X, y, first):
        stream = iter_chunks(X, y) if y is not None else X
        for _ in range(self.n_epochs):
            for i, item in enumerate(self._items(stream)):
                if not (isinstance(item, tuple) and len(item) == 2):
                    raise ValueError(
                        "StreamLearner.fit needs a stream of (X_chunk, y_chunk) pairs after "
                        f"the pipe; item {i} is a {type(item).__name__}. End the pipe with "
                        "a stream_map that returns (X, y)."
                    )
                X_chunk, y_chunk = item
                kwargs = {}
                if first and is_classifier(self.estimator_):
                    if self.classes is None:
                        raise ValueError(
                            "StreamLearner with a classifier needs classes=[...]: the first "
                            "chunk may not contain every label."
                        )
                    kwargs["classes"] = np.asarray(self.classes)
                self.estimator_.partial_fit(X_chunk, y_chunk, **kwargs)
                first = False
                self.n_chunks_ += 1
                self.n_samples_seen_ += len(y_chunk)
        if self.n_chunks_ == 0:
            raise ValueError("StreamLearner.fit got an empty stream: no chunk to train on.")

    def _predict(self, X, method):
        check_is_fitted(self)
        outputs = []
        for item in self._items(X):
            X_chunk = item[0] if isinstance(item, tuple) else item
            outputs.append(getattr(self.estimator_, method)(X_chunk))
        if not outputs:
            raise ValueError("StreamLearner got an empty stream: nothing to predict.")
        return np.concatenate(outputs)

    def predict(self, X):
        """Predict every chunk of the stream.

        Parameters
        ----------
        X : iterable
            The stream (items ``X_chunk`` or ``(X_chunk, y_chunk)`` after the
            pipe), or an array (one chunk).

        Returns
        -------
        y_pred : ndarray
            Predictions of all chunks, in order.
        """
        if hasattr(X, "shape"):
            X = [X]
        return self._predict(X, "predict")

    def score(self, X, y=None, sample_weight=None):
        """Accuracy (classifier) or R² (regressor) of the predictions of a stream.

        Parameters
        ----------
        X : iterable
            The stream, giving ``(X_chunk, y_chunk)`` items after the pipe; or
            an array with ``y`` (taken in chunks, as in :meth:`fit`), which is
            how ``cross_val_score`` calls it.
        y : array-like, default=None
            Targets, when ``X`` is an array.
        sample_weight : array-like, default=None
            Weights of the samples, in stream order.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        stream = iter_chunks(X, y) if y is not None else X
        truth, predictions = [], []
        for i, item in enumerate(self._items(stream)):
            if not (isinstance(item, tuple) and len(item) == 2):
                raise ValueError(
                    "StreamLearner.score needs a stream of (X_chunk, y_chunk) pairs after the "
                    f"pipe; item {i} is a {type(item).__name__}."
                )
            truth.append(np.asarray(item[1]))
            predictions.append(self.estimator_.predict(item[0]))
        if not truth:
            raise ValueError("StreamLearner.score got an empty stream: nothing to score.")
        metric = accuracy_score if is_classifier(self.estimator_) else r2_score
        return float(metric(np.concatenate(truth), np.concatenate(predictions),
                            sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags

    def __bool__(self):
        # ``stream_pipe > estimator > x`` is ``(...) and (estimator > x)``: refuse.
        _refuse_truth_test(self)
        return True
