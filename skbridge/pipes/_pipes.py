"""DynaML data pipes as scikit-learn transformers.

A :class:`DataPipe` wraps a function (or a fittable scikit-learn step) and is
itself a transformer, so pipes go into :class:`~sklearn.pipeline.Pipeline`,
``GridSearchCV`` and ``clone``. Pipes compose:

* ``p1 > p2`` (or ``p1 >> p2``): run ``p1`` then ``p2`` (:class:`ComposedPipe`);
  ``pipe > estimator`` gives a :class:`~sklearn.pipeline.Pipeline` whose last
  step is the estimator;
* ``p1 * p2``: act on a pair, ``(x1, x2) -> (p1(x1), p2(x2))`` (:class:`ProductPipe`);
* ``branch(p1, p2)``: one input into several pipes (:class:`BranchPipe`);
* :class:`ReversiblePipe`, :class:`GaussianScaler` and :class:`MinMaxScaler`
  have an ``inverse_transform`` and an ``inverse`` pipe.
"""

import dis
import inspect
import sys
import threading
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..compat import HasMethods, StrOptions, fit_context, validate_data

__all__ = [
    "BranchPipe",
    "ComposedPipe",
    "DataPipe",
    "GaussianScaler",
    "MinMaxScaler",
    "ProductPipe",
    "ReversiblePipe",
    "branch",
    "compose",
]


class _PipeMeta(type):
    """Lets ``DataPipe(func)`` pass ``func`` positionally.

    ``__init__`` stays keyword-only, as ``get_params``/``clone`` need; the
    leading positional arguments are mapped to the names in ``_positional``.
    """

    def __init__(cls, name, bases, namespace, **kwargs):
        super().__init__(name, bases, namespace, **kwargs)
        # inspect.signature(cls) reports __init__'s keyword-only parameters
        # rather than this metaclass's (*args, **kwargs).
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        cls.__signature__ = inspect.Signature(params)

    def __call__(cls, *args, **kwargs):
        names = getattr(cls, "_positional", ())
        if len(args) > len(names):
            raise TypeError(
                f"{cls.__name__} takes at most {len(names)} positional argument(s) "
                f"({', '.join(names) or 'none'}); pass the others by keyword."
            )
        for name, value in zip(names, args):
            if name in kwargs:
                raise TypeError(f"{cls.__name__} got {name!r} both by position and by keyword.")
            kwargs[name] = value
        return super().__call__(**kwargs)


# ``a > b > c`` is ``(a > b) and (b > c)`` in Python. The ``and`` asks ``a > b``
# for its truth value right before evaluating ``b > c`` in the same frame, so
# the result of ``a > b`` remembers itself there and ``b > c`` picks it up.
_CHAIN = threading.local()


_CHAIN_JUMPS = {}  # code object -> offsets that test the first link of a chain


def _chain_jumps(code):
    offsets = _CHAIN_JUMPS.get(code)
    if offsets is None:
        ins = list(dis.get_instructions(code))
        offsets = set()
        for i, instr in enumerate(ins):
            # A chained comparison copies its middle operand (COPY 2) before the
            # first COMPARE_OP; the truth test follows within a few instructions.
            if instr.opname == "COMPARE_OP" and i and ins[i - 1].opname == "COPY" and (
                ins[i - 1].arg == 2
            ):
                offsets.update(x.offset for x in ins[i + 1 : i + 4])
        _CHAIN_JUMPS[code] = offsets
    return offsets


def _caller(depth=2):
    frame = sys._getframe(depth)
    return id(frame), frame.f_code, frame.f_lasti


def _is_step(obj):
    """A fittable scikit-learn-style step (anything with ``fit`` and ``transform``)."""
    return (
        obj is not None
        and not isinstance(obj, type)
        and hasattr(obj, "fit")
        and hasattr(obj, "transform")
    )


def _as_pipe(obj):
    if isinstance(obj, _BasePipe):
        return obj
    if callable(obj) or _is_step(obj):
        return DataPipe(obj)
    raise TypeError(
        f"cannot compose {obj!r}: a pipe needs a DataPipe, a function, or a scikit-learn "
        "step with fit/transform (or an estimator as the last stage)."
    )


def _flat(pipe):
    return list(pipe.pipes) if isinstance(pipe, ComposedPipe) else [pipe]


def _is_stream_pipe(obj):
    if isinstance(obj, ComposedPipe):
        return any(getattr(p, "_is_stream", False) for p in obj.pipes or [])
    return getattr(obj, "_is_stream", False)


def compose(first, second):
    """Compose two stages: ``first`` then ``second``.

    This is what ``first > second`` and ``first >> second`` do.

    Parameters
    ----------
    first, second : DataPipe, callable, scikit-learn step or Pipeline
        The stages. Plain functions are wrapped in :class:`DataPipe`.

    Returns
    -------
    composed : ComposedPipe or Pipeline
        A :class:`ComposedPipe` when both are pipes (or functions); a
        :class:`~sklearn.pipeline.Pipeline` when either is a scikit-learn
        estimator or Pipeline, whose last step is then ``second``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skbridge.pipes import DataPipe, compose
    >>> compose(DataPipe(np.log1p), DataPipe(np.sqrt))
    DataPipe(log1p) > DataPipe(sqrt)
    >>> compose(DataPipe(np.log1p), Ridge()).steps[-1]
    ('ridge', Ridge())
    """
    left_pipeline = isinstance(first, Pipeline)
    right_pipeline = isinstance(second, Pipeline)
    # A final estimator (something that predicts, or fits without transforming)
    # ends the pipe as a Pipeline; scikit-learn transformers become stages.
    right_estimator = (
        not isinstance(second, _BasePipe)
        and not right_pipeline
        and hasattr(second, "fit")
        and (hasattr(second, "predict") or not hasattr(second, "transform"))
    )
    if right_estimator and hasattr(second, "partial_fit") and _is_stream_pipe(first):
        from ._stream import StreamLearner

        return StreamLearner(pipe=_as_pipe(first), estimator=second)
    if left_pipeline or right_pipeline or right_estimator:
        left = [s for _, s in first.steps] if left_pipeline else _flat(_as_pipe(first))
        right = [s for _, s in second.steps] if right_pipeline else [second]
        if not left_pipeline and len(left) == 1 and isinstance(left[0], ComposedPipe):
            left = list(left[0].pipes)
        return make_pipeline(*left, *right)
    return ComposedPipe(pipes=_flat(_as_pipe(first)) + _flat(_as_pipe(second)))


class _BasePipe(TransformerMixin, BaseEstimator, metaclass=_PipeMeta):
    """Operators and calling convention shared by every pipe."""

    _positional = ()

    def __call__(self, X):
        """Run the pipe: ``pipe(X)`` is ``pipe.transform(X)``."""
        return self.transform(X)

    # ----- composition -------------------------------------------------
    def _chained_left(self):
        pending = getattr(_CHAIN, "pending", None)
        _CHAIN.pending = None
        if pending is None:
            return self
        composed, right, frame_id, code, lasti = pending
        here_id, here_code, here_lasti = _caller(3)
        if right is self and frame_id == here_id and code is here_code and here_lasti > lasti:
            return composed
        return self

    def _compose_right(self, other, left):
        result = compose(left, other)
        _CHAIN.last = (result, other)
        return result

    def __gt__(self, other):
        return self._compose_right(other, self._chained_left())

    def __lt__(self, other):
        # ``other > self`` where ``other`` (a function or scikit-learn object)
        # has no ``>`` of its own: Python asks ``self < other``.
        pending = getattr(_CHAIN, "pending", None)
        left = other
        if pending is not None:
            composed, right, frame_id, code, lasti = pending
            here_id, here_code, here_lasti = _caller(2)
            if right is other and frame_id == here_id and code is here_code and here_lasti > lasti:
                left = composed
        _CHAIN.pending = None
        result = compose(left, self)
        _CHAIN.last = (result, self)
        return result

    def __rshift__(self, other):
        return compose(self, other)

    def __rrshift__(self, other):
        return compose(other, self)

    def __mul__(self, other):
        if isinstance(other, (Integral, float, np.number)):
            return NotImplemented
        return ProductPipe(pipes=_flat_product(self) + _flat_product(_as_pipe(other)))

    def __rmul__(self, other):
        if isinstance(other, (Integral, float, np.number)):
            return NotImplemented
        return ProductPipe(pipes=_flat_product(_as_pipe(other)) + _flat_product(self))

    def __bool__(self):
        last = getattr(_CHAIN, "last", None)
        if last is not None and last[0] is self:
            _CHAIN.last = None
            frame_id, code, lasti = _caller(2)
            if lasti in _chain_jumps(code):
                _CHAIN.pending = (self, last[1], frame_id, code, lasti)
        return True

    __hash__ = BaseEstimator.__hash__


def _flat_product(pipe):
    return list(pipe.pipes) if isinstance(pipe, ProductPipe) else [pipe]


def _func_name(func):
    if func is None:
        return ""
    if _is_step(func):
        return repr(func)
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    return name if name else repr(func)


def _fit_step(step, X, y, transform):
    step = clone(step)
    if transform:
        if hasattr(step, "fit_transform"):
            return step, step.fit_transform(X, y)
        step.fit(X, y)
        return step, step.transform(X)
    return step.fit(X, y), None


class _FitsThroughHook:
    """``fit`` of the pipes that implement ``_fit(X, y, transform)``.

    Their ``fit_transform`` stays on each class: scikit-learn's ``set_output``
    wraps only the ``fit_transform`` a transformer class defines itself.
    """

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the pipe's fittable steps, in the order the pipe runs them.

        Parameters
        ----------
        X : object
            The pipe's input (what its first step or its function takes; for
            a product, one input per pipe).
        y : array-like, default=None
            Passed to every step's ``fit``.

        Returns
        -------
        self : object
            The fitted pipe.
        """
        self._fit(X, y, transform=False)
        return self


class DataPipe(_FitsThroughHook, _BasePipe):
    """A function (or a fittable step) as a composable transformer.

    ``DataPipe(func)`` runs ``func(X, **kw_args)`` on ``transform`` (and on
    ``pipe(X)``). ``fit`` is a no-op for a function; when ``func`` is a
    scikit-learn step (anything with ``fit`` and ``transform``), ``fit`` fits a
    clone of it and ``transform`` applies the fitted clone. ``get_params`` and
    ``set_params`` reach the wrapped parameters: ``kw_args__name`` for the
    function's keyword arguments, ``func__name`` for a wrapped step's.

    Compose pipes with ``>`` (or ``>>``), pair them with ``*``, fan out with
    :func:`branch`; ``pipe > estimator`` is a scikit-learn ``Pipeline``.

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
    ComposedPipe : What ``p1 > p2`` builds.
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
    >>> model = DataPipe(np.abs) > DataPipe(power, kw_args={"p": 0.5}) > Ridge()
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


def _pipe_list(pipes):
    return list(pipes) if isinstance(pipes, (list, tuple)) else []


class _CompositePipe(_FitsThroughHook, _BasePipe):
    """Shared handling of a list of sub-pipes in ``pipes``."""

    _parameter_constraints: dict = {"pipes": [list, tuple, None]}

    def _sub_pipes(self):
        pipes = list(_pipe_list(self.pipes))
        for i, pipe in enumerate(pipes):
            if not isinstance(pipe, _BasePipe) and not (callable(pipe) or _is_step(pipe)):
                raise TypeError(
                    f"{type(self).__name__}: stage {i} ({pipe!r}) is not a pipe, a function "
                    "or a scikit-learn step with fit/transform."
                )
        return [_as_pipe(p) for p in pipes]

    def _fitted_pipes(self):
        if hasattr(self, "pipes_"):
            return self.pipes_
        pipes = self._sub_pipes()
        for pipe in pipes:
            if get_tags(pipe).requires_fit:
                raise NotFittedError(
                    f"This {type(self).__name__} contains {pipe!r}, which needs fitting: "
                    "call 'fit' first."
                )
        return pipes

    def __sklearn_is_fitted__(self):
        return hasattr(self, "pipes_") or not any(
            get_tags(p).requires_fit for p in self._sub_pipes()
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            pipes = self._sub_pipes()
        except TypeError:  # invalid ``pipes``: fit's parameter validation says so
            pipes = []
        inner = [get_tags(p) for p in pipes]
        tags.requires_fit = any(t.requires_fit for t in inner)
        tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in inner)
        if inner:
            tags.input_tags.sparse = inner[0].input_tags.sparse
        tags.transformer_tags.preserves_dtype = (
            inner[-1].transformer_tags.preserves_dtype if inner else ["float64", "float32"]
        )
        return tags

    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        if deep:
            for i, pipe in enumerate(_pipe_list(self.pipes)):
                if hasattr(pipe, "get_params"):
                    params[f"pipe{i}"] = pipe
                    params.update(
                        {f"pipe{i}__{k}": v for k, v in pipe.get_params(deep=True).items()}
                    )
        return params

    def set_params(self, **params):
        own = {k: v for k, v in params.items() if not k.startswith("pipe") or k == "pipes"}
        super().set_params(**own)
        pipes = list(_pipe_list(self.pipes))
        for key, value in params.items():
            if key in own:
                continue
            head, _, rest = key.partition("__")
            index = int(head[4:]) if head[4:].isdigit() else -1
            if not 0 <= index < len(pipes):
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}: it has "
                    f"{len(pipes)} pipes, named pipe0..pipe{len(pipes) - 1}."
                )
            if rest:
                pipes[index].set_params(**{rest: value})
            else:
                pipes[index] = value
        if len(own) != len(params):
            self.pipes = pipes
        return self


class ComposedPipe(_CompositePipe):
    """Pipes run one after the other: what ``p1 > p2 > p3`` builds.

    ``>`` flattens, so ``(p1 > p2) > p3`` and ``p1 > (p2 > p3)`` are the same
    ``ComposedPipe`` (composition is associative) and the identity
    ``DataPipe()`` changes nothing. ``fit`` fits clones of the stages in order
    (each on the output of the one before); stages that need no fitting run as
    they are. Sub-pipe parameters are reached as ``pipe0__kw_args__p``.

    Parameters
    ----------
    pipes : list of pipes, default=None
        The stages, in order (functions and scikit-learn steps are wrapped in
        :class:`DataPipe`). ``None`` or empty is the identity.

    Attributes
    ----------
    pipes_ : list of pipes
        The fitted stages.
    n_features_in_ : int
        Number of features seen during ``fit``, when the input is 2-D.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    DataPipe : A single stage.
    sklearn.pipeline.Pipeline : What ``pipe > estimator`` gives.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import ComposedPipe, DataPipe
    >>> p = ComposedPipe(pipes=[DataPipe(np.square), DataPipe(np.sqrt)])
    >>> p
    DataPipe(square) > DataPipe(sqrt)
    >>> p(np.array([-3.0]))
    array([3.])
    """

    def __init__(self, *, pipes=None):
        self.pipes = pipes

    def _fit(self, X, y, transform):
        if hasattr(X, "shape") and len(X.shape) == 2:
            validate_data(self, X, skip_check_array=True)
        pipes = self._sub_pipes()
        fitted = []
        for i, pipe in enumerate(pipes):
            last = i == len(pipes) - 1
            pipe = clone(pipe)
            if last and not transform:
                pipe.fit(X, y)
            else:
                X = pipe.fit_transform(X, y)
            fitted.append(pipe)
        self.pipes_ = fitted
        return X if transform else None

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit the stages in order and return the last one's output.

        Parameters
        ----------
        X : object
            Whatever the first stage takes.
        y : array-like, default=None
            Passed to every stage's ``fit``.

        Returns
        -------
        X_new : object
            Whatever the last stage returns.
        """
        return self._fit(X, y, transform=True)

    def transform(self, X):
        """Run the stages in order.

        Parameters
        ----------
        X : object
            Whatever the first stage takes.

        Returns
        -------
        X_new : object
            Whatever the last stage returns.
        """
        pipes = self._fitted_pipes()
        if hasattr(X, "shape") and len(X.shape) == 2:
            validate_data(self, X, reset=False, skip_check_array=True)
        for pipe in pipes:
            X = pipe.transform(X)
        return X

    def inverse_transform(self, X):
        """Undo the stages in reverse order (each must be reversible).

        Parameters
        ----------
        X : object
            An output of ``transform``.

        Returns
        -------
        X_original : object
            The input it came from.
        """
        for pipe in reversed(self._fitted_pipes()):
            if not hasattr(pipe, "inverse_transform"):
                raise TypeError(f"{pipe!r} has no inverse_transform; the pipe cannot be inverted.")
            X = pipe.inverse_transform(X)
        return X

    def _can_name(self):
        return all(hasattr(p, "get_feature_names_out") for p in self._sub_pipes())

    @available_if(_can_name)
    def get_feature_names_out(self, input_features=None):
        """Output names, passed through the stages.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names.

        Returns
        -------
        feature_names_out : ndarray of str
            Output names of the last stage.
        """
        names = input_features
        if names is None and hasattr(self, "feature_names_in_"):
            names = self.feature_names_in_
        for pipe in self._fitted_pipes():
            names = pipe.get_feature_names_out(names)
        return names

    def __repr__(self, N_CHAR_MAX=700):
        pipes = list(_pipe_list(self.pipes))
        if not pipes:
            return "ComposedPipe()"
        return " > ".join(
            f"({p!r})" if isinstance(p, (ComposedPipe, ProductPipe)) else repr(p) for p in pipes
        )


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
            f"({p!r})" if isinstance(p, ComposedPipe) else repr(p) for p in _pipe_list(self.pipes)
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
