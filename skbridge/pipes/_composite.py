"""Pipes in sequence: ComposedPipe, and compose(), what ``>>`` and ``>`` do.

``a >> b`` (or ``a > b``) runs ``a`` then ``b`` as a :class:`ComposedPipe`;
composition flattens, so it is associative. A final scikit-learn estimator ends
the composition as a :class:`~sklearn.pipeline.Pipeline`, and a stream pipe
followed by an estimator with ``partial_fit`` as a :class:`StreamLearner`.
:class:`_CompositePipe` is the list-of-sub-pipes machinery that the parallel
pipes (:class:`ProductPipe`, :class:`BranchPipe`) share.
"""

from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline as _SkPipeline
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

from ..compat import fit_context, validate_data
from ._base import (
    _BasePipe,
    _FitsThroughHook,
    _is_step,
    _refuse_truth_test,
    register_operator,
)
from ._data_pipe import _as_pipe

__all__ = ["ComposedPipe", "compose"]


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
    """Pipes run one after the other: what ``p1 >> p2 >> p3`` builds.

    ``>>`` (and ``>`` between two operands) flattens, so ``(p1 >> p2) >> p3``,
    ``p1 >> (p2 >> p3)`` and ``(p1 > p2) > p3`` are the same ``ComposedPipe``
    (composition is associative) and the identity
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
    sklearn.pipeline.Pipeline : What ``pipe >> estimator`` gives.

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

    _infix = " > "  # how the repr joins the stages

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
        return " > ".join(f"({p!r})" if getattr(p, "_infix", None) else repr(p) for p in pipes)


def _flat(pipe):
    return list(pipe.pipes) if isinstance(pipe, ComposedPipe) else [pipe]


def _stream_stage(obj):
    """The first stream pipe of ``obj`` (a pipe or a composed pipe), else None."""
    stages = _pipe_list(obj.pipes) if isinstance(obj, ComposedPipe) else [obj]
    return next((p for p in stages if getattr(p, "_learner_class", None) is not None), None)


class Pipeline(_SkPipeline):
    """scikit-learn's :class:`~sklearn.pipeline.Pipeline`, as ``pipe >> estimator`` builds it.

    The same class in every respect but one: the very object that a ``>``
    returned has no truth value, so that ``a > b > estimator`` (Python's
    ``(a > b) and (b > estimator)``) raises instead of dropping ``a``.
    """

    def __bool__(self):
        _refuse_truth_test(self)
        return len(self) > 0


def compose(first, second):
    """Compose two stages: ``first`` then ``second``.

    This is what ``first >> second`` and ``(first > second)`` do.

    Parameters
    ----------
    first, second : DataPipe, callable, scikit-learn step or Pipeline
        The stages. Plain functions are wrapped in :class:`DataPipe`.

    Returns
    -------
    composed : ComposedPipe, Pipeline or StreamLearner
        A :class:`ComposedPipe` when both are pipes (or functions); a
        :class:`~sklearn.pipeline.Pipeline` when either is a scikit-learn
        estimator or Pipeline, whose last step is then ``second``; a
        :class:`StreamLearner` when ``first`` holds a stream pipe and
        ``second`` is an estimator with ``partial_fit``.

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
    left_pipeline = isinstance(first, _SkPipeline)
    right_pipeline = isinstance(second, _SkPipeline)
    # A final estimator (something that predicts, or fits without transforming)
    # ends the pipe as a Pipeline; scikit-learn transformers become stages.
    right_estimator = (
        not isinstance(second, _BasePipe)
        and not right_pipeline
        and hasattr(second, "fit")
        and (hasattr(second, "predict") or not hasattr(second, "transform"))
    )
    if right_estimator and hasattr(second, "partial_fit"):
        stream = _stream_stage(first)
        if stream is not None:
            return stream._learner_class(pipe=_as_pipe(first), estimator=second)
    if left_pipeline or right_pipeline or right_estimator:
        left = [s for _, s in first.steps] if left_pipeline else _flat(_as_pipe(first))
        right = [s for _, s in second.steps] if right_pipeline else [second]
        if not left_pipeline and len(left) == 1 and isinstance(left[0], ComposedPipe):
            left = list(left[0].pipes)
        return Pipeline(make_pipeline(*left, *right).steps)
    return ComposedPipe(pipes=_flat(_as_pipe(first)) + _flat(_as_pipe(second)))


register_operator(">>", compose)
