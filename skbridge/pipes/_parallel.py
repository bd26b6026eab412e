"""Pipes side by side: ProductPipe (``p1 * p2``) and BranchPipe (:func:`branch`).

A product applies one pipe to each part of a tuple (DynaML's ``ParallelPipe``);
a branch sends one input into several pipes (DynaML's ``BifurcationPipe``).
"""

import numpy as np
from sklearn.base import clone
from sklearn.utils.metaestimators import available_if

from ..compat import StrOptions, fit_context, validate_data
from ._base import register_operator
from ._composite import _CompositePipe, _pipe_list
from ._data_pipe import _as_pipe

__all__ = ["BranchPipe", "ProductPipe", "branch"]


def _flat_product(pipe):
    return list(pipe.pipes) if isinstance(pipe, ProductPipe) else [pipe]


def _product(first, second):
    """``first * second``: a flat :class:`ProductPipe`."""
    return ProductPipe(pipes=_flat_product(_as_pipe(first)) + _flat_product(_as_pipe(second)))


class ProductPipe(_CompositePipe):
    """Pipes applied side by side to the parts of a tuple: ``p1 * p2``.

    ``(p1 * p2)((x1, x2))`` is ``(p1(x1), p2(x2))`` (DynaML's ``ParallelPipe``).
    ``*`` flattens, so ``p1 * p2 * p3`` acts on triples.

    Parameters
    ----------
    pipes : list of pipes, default=None
        One pipe per part of the input tuple.

    Attributes
    ----------
    pipes_ : list of pipes
        The fitted pipes.

    See Also
    --------
    BranchPipe : One input into several pipes.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import DataPipe
    >>> pair = DataPipe(np.negative) * DataPipe(np.sqrt)
    >>> pair((np.array([1.0]), np.array([4.0])))
    (array([-1.]), array([2.]))
    """

    _infix = " * "  # how the repr joins the pipes

    def __init__(self, *, pipes=None):
        self.pipes = pipes

    def _check_parts(self, X, n):
        if not isinstance(X, (tuple, list)) or len(X) != n:
            got = f"a {type(X).__name__} of length {len(X)}" if hasattr(X, "__len__") else repr(X)
            raise ValueError(
                f"ProductPipe of {n} pipes needs a tuple of {n} inputs, one per pipe; got {got}."
            )

    def _fit(self, X, y, transform):
        pipes = self._sub_pipes()
        self._check_parts(X, len(pipes))
        fitted, out = [], []
        for pipe, part in zip(pipes, X):
            pipe = clone(pipe)
            out.append(pipe.fit_transform(part, y) if transform else None)
            if not transform:
                pipe.fit(part, y)
            fitted.append(pipe)
        self.pipes_ = fitted
        return tuple(out) if transform else None

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit each pipe on its part of ``X`` and return the outputs.

        Parameters
        ----------
        X : tuple
            One input per pipe.
        y : array-like, default=None
            Passed to every pipe's ``fit``.

        Returns
        -------
        X_new : tuple
            One output per pipe.
        """
        return self._fit(X, y, transform=True)

    def transform(self, X):
        """Apply each pipe to its part of ``X``.

        Parameters
        ----------
        X : tuple
            One input per pipe.

        Returns
        -------
        X_new : tuple
            One output per pipe.
        """
        pipes = self._fitted_pipes()
        self._check_parts(X, len(pipes))
        return tuple(pipe.transform(part) for pipe, part in zip(pipes, X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags

    def __repr__(self, N_CHAR_MAX=700):
        return " * ".join(
            f"({p!r})" if getattr(p, "_infix", None) == " > " else repr(p)
            for p in _pipe_list(self.pipes)
        ) or "ProductPipe()"


class BranchPipe(_CompositePipe):
    """One input into several pipes: what :func:`branch` builds.

    DynaML's ``BifurcationPipe``. The outputs come back as a tuple, or side by
    side in one array with ``combine="hstack"`` (as
    :class:`~sklearn.pipeline.FeatureUnion`).

    Parameters
    ----------
    pipes : list of pipes, default=None
        The branches.
    combine : {"tuple", "hstack"}, default="tuple"
        Return the branch outputs as a tuple or stacked column-wise.

    Attributes
    ----------
    pipes_ : list of pipes
        The fitted branches.
    n_features_in_ : int
        Number of features seen during ``fit``, when the input is 2-D.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    branch : The constructor function.
    ProductPipe : Pipes side by side on a tuple.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import DataPipe, branch
    >>> both = branch(DataPipe(np.sqrt), DataPipe(np.square))
    >>> both(np.array([4.0]))
    (array([2.]), array([16.]))
    """

    _parameter_constraints: dict = {
        **_CompositePipe._parameter_constraints,
        "combine": [StrOptions({"tuple", "hstack"})],
    }

    def __init__(self, *, pipes=None, combine="tuple"):
        self.pipes = pipes
        self.combine = combine

    def _combine(self, outputs):
        if self.combine == "hstack":
            arrays = [np.asarray(o) for o in outputs]
            return np.hstack([a.reshape(a.shape[0], -1) for a in arrays])
        return tuple(outputs)

    def _fit(self, X, y, transform):
        if hasattr(X, "shape") and len(X.shape) == 2:
            validate_data(self, X, skip_check_array=True)
        pipes = [clone(p) for p in self._sub_pipes()]
        if not pipes:
            raise ValueError("BranchPipe needs at least one pipe.")
        out = [p.fit_transform(X, y) if transform else p.fit(X, y) for p in pipes]
        self.pipes_ = pipes
        return self._combine(out) if transform else None

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit every branch on ``X`` and return their outputs.

        Parameters
        ----------
        X : object
            Input of every branch.
        y : array-like, default=None
            Passed to every branch's ``fit``.

        Returns
        -------
        X_new : tuple or ndarray
            The branch outputs, combined as ``combine`` says.
        """
        return self._fit(X, y, transform=True)

    def transform(self, X):
        """Run every branch on ``X``.

        Parameters
        ----------
        X : object
            Input of every branch.

        Returns
        -------
        X_new : tuple or ndarray
            The branch outputs, combined as ``combine`` says.
        """
        pipes = self._fitted_pipes()
        if not pipes:
            raise ValueError("BranchPipe needs at least one pipe.")
        if hasattr(X, "shape") and len(X.shape) == 2:
            validate_data(self, X, reset=False, skip_check_array=True)
        return self._combine([p.transform(X) for p in pipes])

    def _can_name(self):
        return self.combine == "hstack" and all(
            hasattr(p, "get_feature_names_out") for p in self._sub_pipes()
        )

    @available_if(_can_name)
    def get_feature_names_out(self, input_features=None):
        """Output names ``branch<i>__<name>`` (``combine="hstack"`` only).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names.

        Returns
        -------
        feature_names_out : ndarray of str
            Output names.
        """
        names = input_features
        if names is None and hasattr(self, "feature_names_in_"):
            names = self.feature_names_in_
        out = [
            f"branch{i}__{name}"
            for i, pipe in enumerate(self._fitted_pipes())
            for name in pipe.get_feature_names_out(names)
        ]
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = self.combine == "hstack"
        return tags

    def __repr__(self, N_CHAR_MAX=700):
        inner = ", ".join(repr(p) for p in _pipe_list(self.pipes))
        extra = ", combine='hstack'" if self.combine == "hstack" else ""
        return f"branch({inner}{extra})"


def branch(*pipes, combine="tuple"):
    """One input into several pipes (DynaML's bifurcation).

    Parameters
    ----------
    *pipes : pipes, functions or scikit-learn steps
        The branches.
    combine : {"tuple", "hstack"}, default="tuple"
        Return the outputs as a tuple or stacked column-wise.

    Returns
    -------
    pipe : BranchPipe
        The branching pipe.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import branch
    >>> branch(np.sqrt, np.square, combine="hstack")(np.array([[4.0]]))
    array([[ 2., 16.]])
    """
    return BranchPipe(pipes=[_as_pipe(p) for p in pipes], combine=combine)


register_operator("*", _product)
