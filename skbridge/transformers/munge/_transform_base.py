"""The base class of the column transforms, and helpers they share.

A transform is stateless between calls: ``fit`` returns the fitted numbers as a
plain, JSON-friendly dict, and ``transform`` / ``inverse`` take that dict back.
This is what lets :meth:`AutoMunger.save_state` write every column's spec as
JSON and replay it without pickle.
"""

from typing import ClassVar

import numpy as np

__all__ = ["Transform"]


class Transform:
    """Base class of the column transforms.

    Subclasses set ``name``, ``input`` ("numeric", "categorical" or
    "datetime"), ``default_infill`` and ``exact_inverse``, take their
    hyper-parameters as keyword arguments, and implement :meth:`fit`,
    :meth:`suffixes`, :meth:`transform` and :meth:`inverse`.
    ``adds_nan_marker = False`` leaves the column without a NaN marker and
    ``ml_features = False`` keeps its output out of the other columns' ML
    infill models and out of PCA (Automunge's ``excl``). A transform with an
    ``inject(block, values, fitted, rng, observed)`` method adds noise to the
    training data only (the ``DP*`` transforms).
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[dict] = {}
    input: ClassVar[str] = "numeric"
    default_infill: ClassVar[str] = "mean"
    exact_inverse: ClassVar[bool] = True
    invertible: ClassVar[bool] = True
    adds_nan_marker: ClassVar[bool] = True
    ml_features: ClassVar[bool] = True

    def get_params(self):
        """Hyper-parameters, as given to ``__init__``."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, x):
        """Learn from the training values; return the fitted numbers (a dict)."""
        return {}

    def suffixes(self, fitted):
        """Suffixes of the output features (``""`` keeps the column name)."""
        return [""]

    def transform(self, x, fitted):  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse(self, Z, fitted):
        """Values (numeric) or category codes (categorical) from the output block."""
        raise NotImplementedError(f"{self.name} has no inverse")


def _observed(x):
    return x[~np.isnan(x)]


def _safe_std(values):
    std = float(np.std(values)) if values.size else 1.0
    return std if std > 0 and np.isfinite(std) else 1.0

