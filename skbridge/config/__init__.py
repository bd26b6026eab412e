"""Hydra configs: experiments composed from YAML, and the ``skbridge`` command.

The config groups ship in :mod:`skbridge.config.conf` (``data``, ``model``,
``preprocess``, ``experiment``, ``search``, ``hydra/launcher``); the ``model``
and ``preprocess`` options are generated from the estimators themselves. From
Python::

    from skbridge.config import compose, instantiate, to_config
    cfg = compose(["experiment=fastfood_digits", "model.C=0.5"])
    estimator = instantiate(cfg)        # Pipeline(fastfood_sampler, model)
    to_config(estimator)                # back to a config

Importing this package is cheap: Hydra, scikit-learn and the tools load when
a function needs them.
"""

import importlib
import importlib.util

try:
    _HYDRA = importlib.util.find_spec("hydra") is not None
except ImportError:
    _HYDRA = False
if not _HYDRA:  # the error names the extra to install
    from ..compat import import_optional

    import_optional("hydra", extra="config", purpose="skbridge.config")

from ._api import ConfigError, compose  # noqa: E402
from ._convert import get_object, instantiate, to_config  # noqa: E402
from ._experiment import load_table, run_experiment, save_model  # noqa: E402
from ._predict import load_model  # noqa: E402
from ._security import ALLOWED_PREFIXES, ForbiddenTargetError  # noqa: E402

__all__ = [
    "ALLOWED_PREFIXES",
    "BACKENDS",
    "BackendInfo",
    "ConfigError",
    "ForbiddenTargetError",
    "compose",
    "get_object",
    "instantiate",
    "load_model",
    "load_table",
    "run_experiment",
    "save_model",
    "search_backend",
    "to_config",
]

# joblib and skbridge.compat (which imports scikit-learn) load on first use, so that
# `skbridge --help` and `skbridge run --cfg job` start in a fraction of a second.
_LAZY = {"BACKENDS": "._backends", "BackendInfo": "._backends", "search_backend": "._backends"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
