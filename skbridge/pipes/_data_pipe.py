"""DataPipe: a function (or a fittable step) as a composable transformer.

A :class:`DataPipe` wraps a function (or a fittable scikit-learn step) and is
itself a transformer, so pipes go into :class:`~sklearn.pipeline.Pipeline`,
``GridSearchCV`` and ``clone``. :class:`ReversiblePipe` adds an inverse.
"""

import numpy as np
from sklearn.base import OneToOneFeatureMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..compat import HasMethods, StrOptions, fit_context, validate_data
from ._base import _BasePipe, _FitsThroughHook, _func_name, _is_step

__all__ = ["DataPipe", "ReversiblePipe"]


def _as_pipe(obj):
    """``obj`` as a pipe: pipes as they are, functions and steps wrapped in DataPipe."""
    if isinstance(obj, _BasePipe):
        return obj
    if callable(obj) or _is_step(obj):
        return DataPipe(obj)
    raise TypeError(
        f"cannot compose {obj!r}: a pipe needs a DataPipe, a function, or a scikit-learn "
        "step with fit/transform (or an estimator as the last stage)."
    )


def _fit_step(step, X, y, transform):
    step = clone(step)
    if transform:
        if hasattr(step, "fit_transform"):
            return step, step.fit_transform(X, y)
        step.fit(X, y)
        return step, step.transform(X)
    return step.fit(X, y), None


class DataPipe(_FitsThroughHook, _BasePipe):
    """A function (or a fittable step) as a composable transformer.

    ``DataPipe(func)`` runs ``func(X, **kw_args)`` on ``transform`` (and on
    ``pipe(X)``). ``fit`` is a no-op for a function; when ``func`` is a
    scikit-learn step (anything with ``fit`` and ``transform``), ``fit`` fits a
    clone of it and ``transform`` applies the fitted clone. ``get_params`` and
    ``set_params`` reach the wrapped parameters: ``kw_args__name`` for the
    function's keyword arguments, ``func__name`` for a wrapped step's.

    Compose pipes with ``>>`` (or, between two operands, ``>``: ``(a > b) > c``),
    pair them with ``*``, fan out with :func:`branch`; ``pipe >> estimator`` is a
    scikit-learn ``Pipeline``.

    Parameters
    ----------
    func : callable, scikit-learn transformer or None, default=None
        What to run. ``None`` is the identity pipe. The first positional
        argument of ``DataPipe``. Use named functions (not lambdas) for pipes
        that must pickle.
    kw_args : dict, default=None
        Keyword arguments passed to ``func`` (ignored for a wrapped step).
    feature_names_out : "one-to-one", callable or None, default=None
        Names of the output columns for ``get_feature_names_out`` when ``func``
        is a function: ``"one-to-one"`` keeps the input names, a callable is
        called as ``feature_names_out(pipe, input_features)``. ``None`` (only
        for a function) leaves ``get_feature_names_out`` unavailable.

    Attributes
    ----------
    step_ : estimator
        The fitted clone of ``func``, when ``func`` is a fittable step.
    n_features_in_ : int
        Number of features seen during ``fit``, when the input is 2-D.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    ComposedPipe : What ``p1 >> p2`` builds.
    ReversiblePipe : A pipe with an inverse.
    StreamPipe : Pipes over iterators and chunked files.
    sklearn.preprocessing.FunctionTransformer : scikit-learn's function wrapper.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skbridge.pipes import DataPipe
    >>> def power(X, p=2.0):
    ...     return X ** p
    >>> model = DataPipe(np.abs) >> DataPipe(power, kw_args={"p": 0.5}) >> Ridge()
    >>> [name for name, _ in model.steps]
    ['datapipe-1', 'datapipe-2', 'ridge']
    >>> model.get_params()["datapipe-2__kw_args__p"]
    0.5
    >>> DataPipe(np.abs) > DataPipe(power)
    DataPipe(absolute) > DataPipe(power)
    >>> DataPipe(power, kw_args={"p": 3})(np.array([2.0]))
    array([8.])
    """

    _positional = ("func",)

    _parameter_constraints: dict = {
        "func": [callable, HasMethods(["fit", "transform"]), None],
        "kw_args": [dict, None],
        "feature_names_out": [StrOptions({"one-to-one"}), callable, None],
    }

    def __init__(self, *, func=None, kw_args=None, feature_names_out=None):
        self.func = func
        self.kw_args = kw_args
        self.feature_names_out = feature_names_out

    # ----- parameters ----------------------------------------------------
    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        if deep and isinstance(self.kw_args, dict):
            params.update({f"kw_args__{k}": v for k, v in self.kw_args.items()})
        return params

    def set_params(self, **params):
        nested = {
            key.split("__", 1)[1]: params.pop(key)
            for key in list(params)
            if key.startswith("kw_args__")
        }
        super().set_params(**params)
        if nested:
            self.kw_args = {**(self.kw_args or {}), **nested}
        return self

    # ----- fitting and running -------------------------------------------
    def _record_input(self, X, reset):
        if hasattr(X, "shape") and len(getattr(X, "shape", ())) == 2:
            validate_data(self, X, reset=reset, skip_check_array=True)

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit, then transform ``X`` (one pass through a wrapped step).

        Parameters
        ----------
        X : object
            Whatever ``func`` takes.
        y : array-like, default=None
            Passed on to a wrapped step.

        Returns
        -------
        X_new : object
            Whatever ``func`` returns.
        """
        return self._fit(X, y, transform=True)

    def _fit(self, X, y, transform):
        self._record_input(X, reset=True)
        if _is_step(self.func):
            self.step_, Xt = _fit_step(self.func, X, y, transform)
            return Xt
        self.fitted_ = True
        return self._apply(X) if transform else None

    def _apply(self, X):
        if self.func is None:
            return X
        if _is_step(self.func):
            check_is_fitted(self, "step_")
            return self.step_.transform(X)
        return self.func(X, **(self.kw_args or {}))

    def transform(self, X):
        """Run the pipe on ``X``.

        Parameters
        ----------
        X : object
            Whatever ``func`` takes.

        Returns
        -------
        X_new : object
            Whatever ``func`` returns.
        """
        if _is_step(self.func):
            check_is_fitted(self, "step_")
        self._record_input(X, reset=False)
        return self._apply(X)

    def __sklearn_is_fitted__(self):
        return not _is_step(self.func) or hasattr(self, "step_")

    # ----- feature names -------------------------------------------------
    def _can_name(self):
        if _is_step(self.func):
            return hasattr(self.func, "get_feature_names_out")
        return self.func is None or self.feature_names_out is not None

    @available_if(_can_name)
    def get_feature_names_out(self, input_features=None):
        """Names of the output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            Output names.
        """
        if _is_step(self.func):
            check_is_fitted(self, "step_")
            return self.step_.get_feature_names_out(input_features)
        if callable(self.feature_names_out):
            return np.asarray(self.feature_names_out(self, input_features), dtype=object)
        return OneToOneFeatureMixin.get_feature_names_out(self, input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if _is_step(self.func):
            inner = get_tags(self.func)
            tags.input_tags = inner.input_tags
            tags.requires_fit = inner.requires_fit
            tags.transformer_tags = inner.transformer_tags
        else:
            tags.requires_fit = False
            tags.input_tags.allow_nan = True
            tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def __repr__(self, N_CHAR_MAX=700):
        args = [_func_name(self.func)] if self.func is not None else []
        if self.kw_args:
            args.append(f"kw_args={self.kw_args!r}")
        if self.feature_names_out is not None:
            args.append(f"feature_names_out={_func_name(self.feature_names_out)!r}")
        return f"{type(self).__name__}({', '.join(args)})"


class _ReversibleMixin:
    @property
    def inverse(self):
        """The inverse as a pipe (runs this pipe's ``inverse_transform``)."""
        return DataPipe(self.inverse_transform)


class ReversiblePipe(_ReversibleMixin, DataPipe):
    """A :class:`DataPipe` with an inverse (DynaML's ``ReversibleScaler``).

    Parameters
    ----------
    func : callable, scikit-learn transformer or None, default=None
        Forward map (first positional argument). A wrapped step must have an
        ``inverse_transform``.
    inverse_func : callable or None, default=None
        Inverse of a function ``func`` (second positional argument). ``None``
        with ``func=None`` is the identity.
    kw_args : dict, default=None
        Keyword arguments of ``func``.
    inverse_kw_args : dict, default=None
        Keyword arguments of ``inverse_func``.
    feature_names_out : "one-to-one", callable or None, default=None
        As in :class:`DataPipe`.

    Attributes
    ----------
    step_ : estimator
        The fitted clone of ``func``, when ``func`` is a fittable step.
    n_features_in_ : int
        Number of features seen during ``fit``, when the input is 2-D.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    GaussianScaler : Standardisation with an inverse.
    MinMaxScaler : Scaling to [0, 1] with an inverse.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import ReversiblePipe
    >>> log = ReversiblePipe(np.log, np.exp)
    >>> x = np.array([1.0, 10.0])
    >>> np.allclose(log.inverse(log(x)), x)
    True
    """

    _positional = ("func", "inverse_func")

    _parameter_constraints: dict = {
        **DataPipe._parameter_constraints,
        "inverse_func": [callable, None],
        "inverse_kw_args": [dict, None],
    }

    def __init__(
        self, *, func=None, inverse_func=None, kw_args=None, inverse_kw_args=None,
        feature_names_out=None,
    ):
        self.func = func
        self.inverse_func = inverse_func
        self.kw_args = kw_args
        self.inverse_kw_args = inverse_kw_args
        self.feature_names_out = feature_names_out

    def inverse_transform(self, X):
        """Undo ``transform``.

        Parameters
        ----------
        X : object
            An output of ``transform``.

        Returns
        -------
        X_original : object
            The input it came from.
        """
        if _is_step(self.func):
            check_is_fitted(self, "step_")
            if not hasattr(self.step_, "inverse_transform"):
                raise TypeError(
                    f"{type(self.func).__name__} has no inverse_transform, so this "
                    "ReversiblePipe cannot be inverted."
                )
            return self.step_.inverse_transform(X)
        if self.inverse_func is None:
            if self.func is None:
                return X
            raise ValueError(
                f"ReversiblePipe({_func_name(self.func)}) has no inverse_func; pass one "
                "to invert it."
            )
        return self.inverse_func(X, **(self.inverse_kw_args or {}))

    def __repr__(self, N_CHAR_MAX=700):
        args = [_func_name(f) for f in (self.func, self.inverse_func) if f is not None]
        return f"{type(self).__name__}({', '.join(args)})"
