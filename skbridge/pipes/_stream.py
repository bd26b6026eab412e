"""Stream pipes: the same composition over iterators and chunked files.

A :class:`StreamPipe` maps, filters, batches or windows the items of an
iterable, lazily: ``transform`` returns a generator and nothing is read until
the result is consumed, so data larger than memory flows through in chunks.
Stream pipes compose with ``>`` like every pipe; ending a stream pipe with an
estimator that has ``partial_fit`` gives a :class:`StreamLearner`, which trains
on the stream one chunk at a time.
"""

import itertools
from collections import deque
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.utils.validation import check_is_fitted

from ..compat import HasMethods, Interval, StrOptions, fit_context
from ._pipes import _BasePipe, _func_name

__all__ = [
    "StreamLearner",
    "StreamPipe",
    "iter_chunks",
    "read_csv_chunks",
    "read_lines",
    "stream_batch",
    "stream_filter",
    "stream_map",
    "stream_window",
]


def _collate(items, collate):
    if collate == "list":
        return list(items)
    if collate == "stack":
        return np.stack([np.asarray(item) for item in items])
    first = items[0]
    if hasattr(first, "iloc"):  # pandas objects
        import pandas as pd

        return pd.concat(items, ignore_index=True)
    return np.concatenate([np.asarray(item) for item in items])


class StreamPipe(_BasePipe):
    """A lazy pipe over the items of an iterable (DynaML's ``StreamDataPipe``).

    ``transform(stream)`` returns a generator; composing stream pipes with
    ``>`` chains the generators, so a file is read chunk by chunk only as the
    end of the pipe consumes it. The operations:

    * ``"map"``: ``func(item, **kw_args)`` for each item;
    * ``"filter"``: the items for which ``func(item, **kw_args)`` is true;
    * ``"flat_map"``: the items of each ``func(item, **kw_args)``;
    * ``"batch"``: groups of ``size`` consecutive items;
    * ``"window"``: sliding windows of ``size`` items, moving by ``step``.

    Parameters
    ----------
    func : callable or None, default=None
        Function of ``"map"``, ``"filter"`` and ``"flat_map"`` (first positional
        argument); ``None`` with ``"map"`` is the identity.
    op : {"map", "filter", "flat_map", "batch", "window"}, default="map"
        The operation.
    kw_args : dict, default=None
        Keyword arguments of ``func``.
    size : int, default=None
        Batch or window size (required for ``"batch"`` and ``"window"``).
    step : int, default=1
        Window step.
    collate : {"list", "stack", "concat"}, default="list"
        How a batch or window is returned: a list, ``np.stack`` of its items
        (records to an array), or the items concatenated along rows (chunks,
        arrays or DataFrames, to one).
    drop_last : bool, default=False
        Drop a last batch shorter than ``size``.

    See Also
    --------
    stream_map, stream_filter, stream_batch, stream_window : Constructors.
    read_csv_chunks : A lazy, re-iterable CSV source.
    StreamLearner : Train a ``partial_fit`` estimator on a stream.

    Examples
    --------
    >>> from skbridge.pipes import stream_batch, stream_filter, stream_map
    >>> pipe = stream_map(abs) > stream_filter(lambda v: v % 2 == 0) > stream_batch(2)
    >>> list(pipe(range(-6, 3)))
    [[6, 4], [2, 0], [2]]
    """

    _positional = ("func",)
    _is_stream = True

    _parameter_constraints: dict = {
        "func": [callable, None],
        "op": [StrOptions({"map", "filter", "flat_map", "batch", "window"})],
        "kw_args": [dict, None],
        "size": [Interval(Integral, 1, None, closed="left"), None],
        "step": [Interval(Integral, 1, None, closed="left")],
        "collate": [StrOptions({"list", "stack", "concat"})],
        "drop_last": ["boolean"],
    }

    def __init__(
        self, *, func=None, op="map", kw_args=None, size=None, step=1, collate="list",
        drop_last=False,
    ):
        self.func = func
        self.op = op
        self.kw_args = kw_args
        self.size = size
        self.step = step
        self.collate = collate
        self.drop_last = drop_last

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Check the parameters (a stream pipe learns nothing).

        Parameters
        ----------
        X : iterable, default=None
            Ignored; not consumed.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The pipe.
        """
        self._check()
        return self

    def fit_transform(self, X, y=None):
        """Same as ``transform`` (nothing to fit).

        Parameters
        ----------
        X : iterable
            The stream.
        y : None
            Ignored.

        Returns
        -------
        stream : iterator
            The lazy result.
        """
        self.fit(None)
        return self.transform(X)

    def _check(self):
        if self.op in {"filter", "flat_map"} and self.func is None:
            raise ValueError(f"StreamPipe(op={self.op!r}) needs a func.")
        if self.op in {"batch", "window"} and self.size is None:
            raise ValueError(f"StreamPipe(op={self.op!r}) needs a size.")

    def transform(self, X):
        """Apply the operation lazily to the items of ``X``.

        Parameters
        ----------
        X : iterable
            The stream: any iterable (a list, a generator, a chunked file).

        Returns
        -------
        stream : iterator
            A generator over the result; nothing is computed until it is
            consumed.
        """
        self._check()
        try:
            items = iter(X)
        except TypeError:
            raise TypeError(
                f"StreamPipe needs an iterable (a list, a generator, a chunked file); "
                f"got {type(X).__name__}."
            ) from None
        return getattr(self, f"_{self.op}")(items)

    def _call(self, item):
        return self.func(item, **(self.kw_args or {})) if self.func is not None else item

    def _map(self, items):
        for item in items:
            yield self._call(item)

    def _filter(self, items):
        for item in items:
            if self._call(item):
                yield item

    def _flat_map(self, items):
        for item in items:
            yield from self._call(item)

    def _batch(self, items):
        while True:
            chunk = list(itertools.islice(items, self.size))
            if not chunk or (self.drop_last and len(chunk) < self.size):
                return
            yield _collate(chunk, self.collate)

    def _window(self, items):
        window = deque(maxlen=self.size)
        skip = 0
        for item in items:
            window.append(item)
            if skip:
                skip -= 1
                continue
            if len(window) == self.size:
                yield _collate(list(window), self.collate)
                skip = self.step - 1

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        return tags

    def __repr__(self, N_CHAR_MAX=700):
        if self.op in {"batch", "window"}:
            args = [f"size={self.size}"]
            if self.op == "window" and self.step != 1:
                args.append(f"step={self.step}")
            if self.collate != "list":
                args.append(f"collate={self.collate!r}")
            return f"stream_{self.op}({', '.join(args)})"
        return f"stream_{self.op}({_func_name(self.func)})"


def stream_map(func, kw_args=None):
    """A stream pipe applying ``func`` to every item.

    Parameters
    ----------
    func : callable
        Applied to each item.
    kw_args : dict, default=None
        Keyword arguments of ``func``.

    Returns
    -------
    pipe : StreamPipe

    Examples
    --------
    >>> from skbridge.pipes import stream_map
    >>> list(stream_map(str.upper)(["a", "b"]))
    ['A', 'B']
    """
    return StreamPipe(func=func, op="map", kw_args=kw_args)


def stream_filter(func, kw_args=None):
    """A stream pipe keeping the items for which ``func`` is true.

    Parameters
    ----------
    func : callable
        The predicate.
    kw_args : dict, default=None
        Keyword arguments of ``func``.

    Returns
    -------
    pipe : StreamPipe

    Examples
    --------
    >>> from skbridge.pipes import stream_filter
    >>> list(stream_filter(str.isdigit)(["1", "x", "2"]))
    ['1', '2']
    """
    return StreamPipe(func=func, op="filter", kw_args=kw_args)


def stream_batch(size, collate="list", drop_last=False):
    """A stream pipe grouping ``size`` consecutive items.

    Parameters
    ----------
    size : int
        Items per batch.
    collate : {"list", "stack", "concat"}, default="list"
        A list, a stacked array, or the items concatenated along rows.
    drop_last : bool, default=False
        Drop a short last batch.

    Returns
    -------
    pipe : StreamPipe

    Examples
    --------
    >>> from skbridge.pipes import stream_batch
    >>> [b.tolist() for b in stream_batch(2, collate="stack")([[1, 2], [3, 4], [5, 6]])]
    [[[1, 2], [3, 4]], [[5, 6]]]
    """
    return StreamPipe(op="batch", size=size, collate=collate, drop_last=drop_last)


def stream_window(size, step=1, collate="list"):
    """A stream pipe yielding sliding windows of ``size`` items.

    Parameters
    ----------
    size : int
        Items per window.
    step : int, default=1
        How far the window moves.
    collate : {"list", "stack", "concat"}, default="list"
        As in :func:`stream_batch`.

    Returns
    -------
    pipe : StreamPipe

    Examples
    --------
    >>> from skbridge.pipes import stream_window
    >>> list(stream_window(3)(range(5)))
    [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    """
    return StreamPipe(op="window", size=size, step=step, collate=collate)


class _Source:
    """A lazy, re-iterable source: each ``iter()`` starts from the beginning."""

    def __init__(self, make, description):
        self._make = make
        self._description = description

    def __iter__(self):
        return iter(self._make())

    def __repr__(self):
        return self._description


def read_csv_chunks(path, chunksize=10_000, **read_csv_kwargs):
    """A CSV file as a lazy, re-iterable stream of DataFrame chunks.

    Parameters
    ----------
    path : str or path-like
        The file.
    chunksize : int, default=10_000
        Rows per chunk.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    source : iterable of DataFrame
        Each iteration reads the file again, one chunk at a time.

    Examples
    --------
    >>> import tempfile, os
    >>> from skbridge.pipes import read_csv_chunks
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(path, "w").write("a,b\\n1,2\\n3,4\\n5,6\\n")
    >>> [len(chunk) for chunk in read_csv_chunks(path, chunksize=2)]
    [2, 1]
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_csv_chunks: no such file: {path}")
    if not isinstance(chunksize, Integral) or chunksize < 1:
        raise ValueError(f"chunksize must be a positive integer, got {chunksize!r}.")

    def make():
        with pd.read_csv(path, chunksize=chunksize, **read_csv_kwargs) as reader:
            yield from reader

    return _Source(make, f"read_csv_chunks({str(path)!r}, chunksize={chunksize})")


def read_lines(path, encoding="utf-8"):
    """A text file as a lazy, re-iterable stream of lines (newlines stripped).

    Parameters
    ----------
    path : str or path-like
        The file.
    encoding : str, default="utf-8"
        Text encoding.

    Returns
    -------
    source : iterable of str

    Examples
    --------
    >>> import tempfile, os
    >>> from skbridge.pipes import read_lines
    >>> path = os.path.join(tempfile.mkdtemp(), "d.txt")
    >>> _ = open(path, "w").write("x\\ny\\n")
    >>> list(read_lines(path))
    ['x', 'y']
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_lines: no such file: {path}")

    def make():
        with open(path, encoding=encoding) as handle:
            for line in handle:
                yield line.rstrip("\r\n")

    return _Source(make, f"read_lines({str(path)!r})")


def iter_chunks(X, y=None, chunksize=1_000):
    """In-memory arrays as a re-iterable stream of row chunks.

    Parameters
    ----------
    X : array-like or DataFrame
        Data, chunked along rows.
    y : array-like, default=None
        Targets; when given, the items are ``(X_chunk, y_chunk)`` pairs.
    chunksize : int, default=1_000
        Rows per chunk.

    Returns
    -------
    source : iterable

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import iter_chunks
    >>> [c.shape for c in iter_chunks(np.zeros((5, 2)), chunksize=2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    if not isinstance(chunksize, Integral) or chunksize < 1:
        raise ValueError(f"chunksize must be a positive integer, got {chunksize!r}.")
    n = len(X)
    if y is not None and len(y) != n:
        raise ValueError(f"X and y have different lengths: {n} and {len(y)}.")

    def rows(A, start):
        return A.iloc[start : start + chunksize] if hasattr(A, "iloc") else A[start : start + chunksize]

    def make():
        for start in range(0, n, chunksize):
            yield rows(X, start) if y is None else (rows(X, start), rows(y, start))

    return _Source(make, f"iter_chunks(n={n}, chunksize={chunksize})")


class StreamLearner(BaseEstimator):
    """Train a ``partial_fit`` estimator on a stream, one chunk at a time.

    What ``stream_pipe > estimator`` builds when the estimator has
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
        Passes over the stream (the stream must be re-iterable, as the
        sources of this module are, for more than one).

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
    >>> learner = stream_map(tuple) > SGDRegressor(random_state=0)
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags
