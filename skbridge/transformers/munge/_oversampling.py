"""Label-frequency levelling: Automunge's ``TrainLabelFreqLevel`` oversampling."""

import numpy as np
import pandas as pd

__all__ = ["levelize"]


def levelize(labels, rng):
    """Row indices that oversample the rarer classes up to the most frequent one's count.

    Every row is kept once, in order; then each class with fewer rows than
    the most frequent gets copies of its rows appended: whole copies first,
    then a seeded sample without replacement for the remainder, so that every
    class ends with exactly as many rows as the most frequent.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Class labels (no missing values).
    rng : numpy.random.Generator or RandomState
        Source of the remainder samples.

    Returns
    -------
    rows : ndarray of int
        Indices into the rows, the original ``0..n-1`` first.

    Examples
    --------
    >>> import numpy as np
    >>> rows = levelize(["a", "a", "a", "b"], np.random.default_rng(0))
    >>> rows.tolist()
    [0, 1, 2, 3, 3, 3]
    """
    series = pd.Series(np.asarray(labels, dtype=object))
    if series.isna().any():
        raise ValueError(
            "TrainLabelFreqLevel needs a label for every row; the labels contain "
            f"{int(series.isna().sum())} missing value(s)."
        )
    codes, uniques = pd.factorize(series)
    counts = np.bincount(codes, minlength=len(uniques))
    target = counts.max() if counts.size else 0
    extra = []
    for code, count in enumerate(counts):
        rows = np.flatnonzero(codes == code)
        need = target - count
        whole, rest = divmod(need, count)
        extra.extend([rows] * whole)
        if rest:
            extra.append(np.sort(rng.choice(rows, rest, replace=False)))
    return np.concatenate([np.arange(len(series)), *extra]).astype(np.intp)
