"""Automunge: tabular preparation fitted on train and replayed on new data.

:class:`AutoMunger` is Automunge's ``automunge``/``postmunge`` as one
scikit-learn transformer: ``fit`` infers and fits a transform and an infill for
every column, ``transform`` replays them; its methods ``automunge`` and
``postmunge`` are Automunge's calls. :func:`automunge` and :func:`postmunge`
keep those calls as functions for migrating code, returning a named
:class:`MungeResult` (ten outputs) and :class:`PostmungeResult` (four), and
:class:`AutoMunge` is Automunge's own object; :class:`LabelMunger` prepares
the labels. The transforms and infills are registries of small classes
(:data:`TRANSFORMS`, :data:`INFILLS`), addressed by name or by Automunge's
codes.
"""

from ._functions import AutoMunge, automunge, postmunge
from ._infill import INFILLS, Infill
from ._labels import LabelMunger
from ._munger import AutoMunger
from ._results import MungeResult, PostmungeResult
from ._transforms import TRANSFORMS, Transform

__all__ = [
    "INFILLS",
    "TRANSFORMS",
    "AutoMunge",
    "AutoMunger",
    "Infill",
    "LabelMunger",
    "MungeResult",
    "PostmungeResult",
    "Transform",
    "automunge",
    "postmunge",
]
