"""Lazy, re-iterable stream sources: chunked CSV files, text lines, in-memory arrays.

Each source reads its data again on every ``iter()``, one chunk at a time, so a
stream can be consumed more than once (for several epochs) and a file larger
than memory flows through a :class:`StreamPipe` in chunks.
"""

from numbers import Integral
from pathlib import Path

__all__ = ["iter_chunks", "read_csv_chunks", "read_lines"]


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
    r"""A CSV file as a lazy, re-iterable stream of DataFrame chunks.

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
    >>> _ = open(path, "w").write("a,b\n1,2\n3,4\n5,6\n")
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
    r"""A text file as a lazy, re-iterable stream of lines (newlines stripped).

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
    >>> _ = open(path, "w").write("x\ny\n")
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
        stop = start + chunksize
        return A.iloc[start:stop] if hasattr(A, "iloc") else A[start:stop]

    def make():
        for start in range(0, n, chunksize):
            yield rows(X, start) if y is None else (rows(X, start), rows(y, start))

    return _Source(make, f"iter_chunks(n={n}, chunksize={chunksize})")
