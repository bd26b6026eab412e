"""scikit-learn shim: private helpers re-exported under stable names.

scikit-learn keeps parameter-constraint types and ``_fit_context`` private even
though every contrib project relies on them. Tools import them from here so that
a change in scikit-learn is fixed in one file.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import validate_data

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "StrOptions",
    "effective_n_threads",
    "fit_context",
    "validate_data",
    "validate_params",
]

fit_context = _fit_context


def effective_n_threads(n_jobs=None):
    """Number of threads a compiled kernel should use.

    Follows scikit-learn's convention for its own OpenMP code: ``None`` means as
    many threads as OpenMP would use (the cores available to this process,
    limited by ``OMP_NUM_THREADS`` and by :mod:`threadpoolctl` limits, as joblib
    sets them in worker processes); a negative value counts back from the number
    of cores (``-1`` is all of them).

    Parameters
    ----------
    n_jobs : int or None, default=None
        Requested number of threads.

    Returns
    -------
    n_threads : int
        At least 1.

    Examples
    --------
    >>> from skbridge.compat import effective_n_threads
    >>> effective_n_threads(1)
    1
    """
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    if n_jobs is None:
        return max(1, _openmp_effective_n_threads())
    if n_jobs < 0:
        from joblib import cpu_count

        return max(1, cpu_count() + 1 + n_jobs)
    return max(1, int(n_jobs))
