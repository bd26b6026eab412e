"""Stream pipes: the same composition over iterators and chunked files.

A :class:`StreamPipe` maps, filters, batches or windows the items of an
iterable, lazily: ``transform`` returns a generator and nothing is read until
the result is consumed, so data larger than memory flows through in chunks.
Stream pipes compose with ``>>`` like every pipe; ending a stream pipe with an
estimator that has ``partial_fit`` gives a :class:`StreamLearner`, which trains
on the stream one chunk at a time. The sources live in ``_sources``.
"""

import itertools
from collections import deque
from numbers import Integral

import numpy as np

from ..compat import Interval, StrOptions, fit_context
from ._base import _BasePipe, _func_name
from ._stream_learner import StreamLearner

__all__ = [
    "StreamPipe",
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
    ``>>`` chains the generators, so a file is read chunk by chunk only as the
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
    >>> pipe = stream_map(abs) >> stream_filter(lambda v: v % 2 == 0) >> stream_batch(2)
    >>> list(pipe(range(-6, 3)))
    [[6, 4], [2, 0], [2]]
    """

    _positional = ("func",)
    _learner_class = StreamLearner  # what ``stream_pipe >> partial_fit_estimator`` builds

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


def _check_size(size, name="size"):
    """Refuse a batch or window size that would yield nothing or loop forever."""
    if isinstance(size, bool) or not isinstance(size, Integral) or size < 1:
        raise ValueError(
            f"{name} must be a positive integer (items per batch or window); got {size!r}."
        )


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
    _check_size(size)
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
    _check_size(size)
    _check_size(step, "step")
    return StreamPipe(op="window", size=size, step=step, collate=collate)
