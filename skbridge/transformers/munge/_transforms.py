"""The transform registry: small classes that encode one column each.

Every class has a registry ``name`` and may list Automunge's own category codes
in ``aliases`` (code -> default keyword arguments), so that
``assigncat={'mnmx': [...], 'text': [...]}`` works as written. The numeric,
categorical and datetime transforms live in a module each; the transforms that
read no values (drop, constant, NaN marker) live here, before
:data:`TRANSFORMS`. Resolve a name, code, class or instance with
:func:`resolve_transform`.
"""

import numpy as np

from ...utils import Registry
from ._categorical_transforms import BinaryEncoding, Flag, Hashing, OneHot, Ordinal
from ._datetime_transforms import Cyclic, Epoch
from ._external import class_key, import_class, is_external
from ._noise_transforms import (
    NoisyBinary,
    NoisyFlag,
    NoisyMinMax,
    NoisyOneHot,
    NoisyOrdinal,
    NoisyRetain,
    NoisyZScore,
)
from ._numeric_transforms import (
    BoxCox,
    EqualFrequencyBins,
    EqualWidthBins,
    Excl,
    Log,
    MinMax,
    PassThrough,
    Quantile,
    Robust,
    YeoJohnson,
    ZScore,
)
from ._transform_base import Transform

__all__ = ["TRANSFORMS", "Transform", "resolve_transform"]


class Drop(Transform):
    """No output: the column is left out (identifiers, or on request)."""

    name = "drop"
    aliases = {"null": {}}
    input = "none"
    default_infill = "none"
    exact_inverse = False
    invertible = False

    def suffixes(self, f):
        return []

    def transform(self, x, f):
        return np.zeros((len(x), 0))


class Constant(Transform):
    """One column of zeros for a column with a single value (or none)."""

    name = "constant"
    input = "none"
    default_infill = "none"

    def transform(self, x, f):
        return np.zeros((len(x), 1))


class NaNMarker(Transform):
    """Only the 0/1 missing-value indicator of the column (Automunge's ``NArw``).

    ``nan_markers=True`` adds this indicator next to every column that had
    missing values in training; assigning ``"nan_marker"`` keeps the
    indicator alone.
    """

    name = "nan_marker"
    aliases = {"NArw": {}}
    input = "missing"
    default_infill = "none"
    exact_inverse = False
    invertible = False

    def suffixes(self, f):
        return ["nan"]

    def transform(self, x, f):
        return np.asarray(x, dtype=np.float64).reshape(-1, 1)


# --------------------------------------------------------------------------- registry

#: Column transforms by name; Automunge's codes are aliases (case matters:
#: ``"NArw"``), some with default parameters (``"log0"`` is ``Log(base=10)``,
#: ``"DLnb"`` the Laplace-noise ``NoisyZScore``).
TRANSFORMS = Registry("transform", base=Transform, normalize=False)
for _cls in (
    ZScore, MinMax, Robust, BoxCox, YeoJohnson, Log, Quantile, EqualWidthBins,
    EqualFrequencyBins, PassThrough, Drop, Constant, NaNMarker, OneHot, Ordinal,
    BinaryEncoding, Flag, Hashing, Epoch, Cyclic, Excl, NoisyZScore, NoisyMinMax, NoisyRetain,
    NoisyFlag, NoisyOrdinal, NoisyOneHot, NoisyBinary,
):
    TRANSFORMS.register(_cls)
del _cls


def resolve_transform(spec, kwargs=None):
    """Turn a name, Automunge code, class or instance (plus kwargs) into an instance.

    :meth:`TRANSFORMS.make <skbridge.utils.Registry.make>` with two additions:
    an instance given with ``kwargs`` is rebuilt with its parameters updated,
    and a ``"module:Class"`` path is imported. Only pass paths you wrote
    yourself: saved states are checked against ``trusted_modules`` first
    (:meth:`AutoMunger.load_state`).

    Returns
    -------
    transform : Transform
    key : str
        The registry name, or ``"module:QualName"`` of a class outside it.
    """
    kwargs = dict(kwargs or {})
    if isinstance(spec, Transform) and kwargs:
        spec, kwargs = type(spec), {**spec.get_params(), **kwargs}
    elif is_external(TRANSFORMS, spec):
        spec = import_class(spec, TRANSFORMS)
    transform = TRANSFORMS.make(spec, kwargs)
    return transform, class_key(TRANSFORMS, type(transform))
