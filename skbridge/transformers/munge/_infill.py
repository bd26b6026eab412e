"""The infill registry: how missing values are replaced, per column.

Input-stage infills (mean, median, mode, constant, adjacent, ML) put a value in
the column before it is encoded, so the encoded row looks like a real one.
Output-stage infills (zero, nan) encode the row and then overwrite its output
block with zeros or NaN. ML infill (one model per column, iterated like
``IterativeImputer``) is run by the munger's ML infiller (``_ml_infill.py``);
here it only provides the initial fill.
"""

from typing import ClassVar

import numpy as np
import pandas as pd

from ...utils import Registry
from ._external import class_key, import_class, is_external
from ._values import CategoricalValues, key_of

__all__ = ["INFILLS", "Infill", "resolve_infill"]


def _mode_key(values):
    observed = values.idx[values.idx >= 0]
    if not observed.size:
        return None
    counts = np.bincount(observed, minlength=len(values.keys))
    best = np.flatnonzero(counts == counts.max())
    return min((values.keys[i] for i in best))  # ties: the smallest key, for determinism


def _numeric_mode(x):
    obs = x[~np.isnan(x)]
    if not obs.size:
        return 0.0
    uniq, counts = np.unique(obs, return_counts=True)
    return float(uniq[np.argmax(counts)])


class Infill:
    """Base class of the infill methods.

    ``fit(values)`` returns a JSON-friendly dict, ``fill(values, missing, fitted)``
    returns the values with the rows of ``missing`` replaced (input stage), and
    ``stage`` says when the infill acts.
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[dict] = {}
    stage: ClassVar[str] = "input"

    def get_params(self):
        """Hyper-parameters, as given to ``__init__``."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, values):
        return {"value": self._fallback(values)}

    @staticmethod
    def _fallback(values):
        if isinstance(values, CategoricalValues):
            return _mode_key(values)
        obs = values[~np.isnan(values)]
        return float(obs.mean()) if obs.size else 0.0

    def fill(self, values, missing, fitted):
        """Replace the rows of ``missing`` (a bool mask) and return the values."""
        value = fitted.get("value")
        if isinstance(values, CategoricalValues):
            if value is not None and missing.any():
                values.fill_key(missing, value)
            return values
        values[missing] = value if value is not None else 0.0
        return values


class MeanInfill(Infill):
    """Training mean (categories: most frequent value)."""

    name = "mean"
    aliases = {"meaninfill": {}}


class MedianInfill(Infill):
    """Training median (categories: most frequent value)."""

    name = "median"
    aliases = {"medianinfill": {}}

    def fit(self, values):
        if isinstance(values, CategoricalValues):
            return {"value": _mode_key(values)}
        obs = values[~np.isnan(values)]
        return {"value": float(np.median(obs)) if obs.size else 0.0}


class ModeInfill(Infill):
    """Most frequent training value."""

    name = "mode"
    aliases = {"modeinfill": {}}

    def fit(self, values):
        if isinstance(values, CategoricalValues):
            return {"value": _mode_key(values)}
        return {"value": _numeric_mode(values)}


class ConstantInfill(Infill):
    """A fixed value (``value``, 0 by default); for categories, the category ``value``."""

    name = "constant"
    aliases = {"oneinfill": {"value": 1}}

    def __init__(self, value=0):
        self.value = value

    def fit(self, values):
        if isinstance(values, CategoricalValues):
            return {"value": key_of(self.value)}
        return {"value": float(self.value)}


class AdjacentInfill(Infill):
    """The previous row's value (the next row's for leading gaps).

    Depends on row order: the same row can be infilled differently in another
    batch. Where a whole column is missing, the training mean (or mode) is used.
    """

    name = "adjacent"
    aliases = {"adjinfill": {}}

    def fill(self, values, missing, fitted):
        if not missing.any():
            return values
        if isinstance(values, CategoricalValues):
            idx = pd.Series(np.where(values.idx >= 0, values.idx, np.nan))
            idx = idx.ffill().bfill()
            if idx.isna().all():
                return super().fill(values, missing, fitted)
            values.idx = idx.to_numpy().astype(np.int64)
            return values
        filled = pd.Series(values).ffill().bfill().to_numpy()
        if np.isnan(filled).all():
            return super().fill(values, missing, fitted)
        values[:] = filled
        return values


class ZeroInfill(Infill):
    """Zeros in every output column of the missing rows (one-hot: no category active)."""

    name = "zero"
    aliases = {"zeroinfill": {}}
    stage = "output"


class NaNInfill(Infill):
    """NaN in every output column of the missing rows, for models that handle NaN."""

    name = "nan"
    aliases = {"naninfill": {}}
    stage = "output"


class NoInfill(Infill):
    """Nothing to infill (dropped and constant columns)."""

    name = "none"


class MLInfill(Infill):
    """A model per column predicts the missing values from the other columns.

    Trained by :class:`AutoMunger` (see ``ml_infill_estimator``); the initial
    fill before the first model is the training mean (or most frequent value).
    """

    name = "ml"
    aliases = {"MLinfill": {}, "mlinfill": {}}


#: Infill methods by name; Automunge's codes are aliases (``"oneinfill"`` is
#: ``ConstantInfill(value=1)``). ``"auto"`` (Automunge's ``"stdrdinfill"``) is
#: not an entry: :func:`resolve_infill` turns it into the transform's default.
INFILLS = Registry("infill", base=Infill, normalize=False)
for _cls in (
    MeanInfill, MedianInfill, ModeInfill, ConstantInfill, AdjacentInfill, ZeroInfill,
    NaNInfill, MLInfill, NoInfill,
):
    INFILLS.register(_cls)
del _cls

_AUTO = ("auto", "stdrdinfill")


def resolve_infill(spec, kwargs=None, *, default):
    """Turn a name, Automunge code, class or instance into an :class:`Infill`.

    :meth:`INFILLS.make <skbridge.utils.Registry.make>` with three additions:
    ``"auto"`` (or ``"stdrdinfill"``) becomes ``default``, the transform's own
    default infill; an instance given with ``kwargs`` is rebuilt with its
    parameters updated; and a ``"module:Class"`` path is imported (only pass
    paths you wrote yourself).

    Returns
    -------
    infill : Infill
    key : str
        The registry name, or ``"module:QualName"`` of a class outside it.
    """
    kwargs = dict(kwargs or {})
    if isinstance(spec, str) and spec in _AUTO:
        spec = default
    if isinstance(spec, Infill) and kwargs:
        spec, kwargs = type(spec), {**spec.get_params(), **kwargs}
    elif is_external(INFILLS, spec):
        spec = import_class(spec, INFILLS)
    try:
        infill = INFILLS.make(spec, kwargs)
    except ValueError as exc:
        if isinstance(spec, str) and spec not in INFILLS:
            message = str(exc).rstrip(".")
            raise ValueError(f"{message}, or 'auto' (the transform's default).") from None
        raise
    return infill, class_key(INFILLS, type(infill))
