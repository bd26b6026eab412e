"""Automunge: tabular preparation fitted on train and replayed on new data.

:class:`AutoMunger` is Automunge's ``automunge``/``postmunge`` as one
scikit-learn transformer: ``fit`` infers and fits a transform and an infill for
every column, ``transform`` replays them. :func:`automunge` and
:func:`postmunge` keep Automunge's two calls for migrating code, returning a
named :class:`MungeResult`; :class:`LabelMunger` prepares the labels. The
transforms and infills are registries of small classes
(:data:`TRANSFORMS`, :data:`INFILLS`), addressed by name or by Automunge's
codes.
"""

from ._functions import MungeResult, automunge, postmunge
from ._infill import INFILLS, Infill
from ._labels import LabelMunger
from ._munger import AutoMunger
from ._transforms import TRANSFORMS, Transform

__all__ = [
    "INFILLS",
    "TRANSFORMS",
    "AutoMunger",
    "Infill",
    "LabelMunger",
    "MungeResult",
    "Transform",
    "automunge",
    "postmunge",
]
