"""What every pipe shares: the calling convention, the operators, positional arguments.

Every pipe (:class:`DataPipe`, the scalers, the composite pipes, the stream
pipes) derives from :class:`_BasePipe`, which gives it ``pipe(X)`` and the
composition operators:

* ``a >> b`` composes (:func:`compose`); ``(a > b) > c`` is the same, DynaML's
  operator between two operands;
* ``a * b`` pairs two pipes (:class:`ProductPipe`).

Python runs a chained comparison ``a > b > c`` as ``(a > b) and (b > c)``:
``c`` is composed with ``b`` alone and ``a`` is dropped. The ``and`` first asks
the result of ``a > b`` for its truth value, and that result refuses to give
one (:func:`_refuse_truth_test`), so the chain fails with an error naming
``>>`` rather than silently losing a stage. Nothing here inspects frames or
bytecode.

The composite pipes build on this module. The operators reach them through
:func:`register_operator`, which their modules call when the package imports
them, so this module imports none of them and the package has no import
circle (the stream pipes, in particular, depend on this module alone).
"""

import inspect
import weakref
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..compat import fit_context

__all__ = []

CHAINED_COMPARISON_MESSAGE = (
    "chained comparison `a > b > c` is not supported: Python runs it as "
    "`(a > b) and (b > c)`, which would drop `a`. Write `a >> b >> c` (or `(a > b) > c`). "
    "The object `a > b` returns has no truth value for the same reason; test it with "
    "`is not None`."
)

# The objects that ``>`` (or its reflection ``<``) returned, held weakly: only
# those refuse a truth test, so pipes built any other way stay truthy.
_COMPARISON_RESULTS = weakref.WeakSet()


def _from_comparison(result):
    """Mark ``result`` as returned by ``>``, so that a chain through it fails."""
    _COMPARISON_RESULTS.add(result)
    return result


def _refuse_truth_test(obj):
    """Raise for an object ``>`` returned (the first link of ``a > b > c``)."""
    if obj in _COMPARISON_RESULTS:
        raise TypeError(CHAINED_COMPARISON_MESSAGE)


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


def _is_step(obj):
    """A fittable scikit-learn-style step (anything with ``fit`` and ``transform``)."""
    return (
        obj is not None
        and not isinstance(obj, type)
        and hasattr(obj, "fit")
        and hasattr(obj, "transform")
    )


def _func_name(func):
    """How a wrapped function (or step) appears in a pipe's repr."""
    if func is None:
        return ""
    if _is_step(func):
        return repr(func)
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    return name if name else repr(func)


# What ``>>`` (and ``>``) and ``*`` build: filled by register_operator.
_OPERATORS = {}


def register_operator(symbol, builder):
    """Make ``builder(first, second)`` what the operator ``symbol`` builds.

    Parameters
    ----------
    symbol : {">>", "*"}
        The operator: ``">>"`` composes (``>`` too), ``"*"`` pairs.
    builder : callable
        Called with the two operands; returns the combined pipe.
    """
    _OPERATORS[symbol] = builder


def _compose(first, second):
    return _OPERATORS[">>"](first, second)


def _pair(first, second):
    return _OPERATORS["*"](first, second)


def _is_number(obj):
    return isinstance(obj, (Integral, float, np.number))


class _BasePipe(TransformerMixin, BaseEstimator, metaclass=_PipeMeta):
    """Operators and calling convention shared by every pipe."""

    _positional = ()

    def __call__(self, X):
        """Run the pipe: ``pipe(X)`` is ``pipe.transform(X)``."""
        return self.transform(X)

    # ----- composition -------------------------------------------------
    def __rshift__(self, other):
        return _compose(self, other)

    def __rrshift__(self, other):
        return _compose(other, self)

    def __gt__(self, other):
        return _from_comparison(_compose(self, other))

    def __lt__(self, other):
        # ``other > self`` where ``other`` (a function or scikit-learn object)
        # has no ``>`` of its own: Python asks ``self < other``.
        return _from_comparison(_compose(other, self))

    def __mul__(self, other):
        if _is_number(other):
            return NotImplemented
        return _pair(self, other)

    def __rmul__(self, other):
        if _is_number(other):
            return NotImplemented
        return _pair(other, self)

    def __bool__(self):
        _refuse_truth_test(self)
        return True

    __hash__ = BaseEstimator.__hash__


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
