"""SCCH training engine: neural-network estimators for PyTorch and Keras 3.

:class:`NeuralNetClassifier` and :class:`NeuralNetRegressor` train a network
(a registry name — ``"mlp"``, ``"lenet5"``, ``"vgg_small"``, ``"resnet_small"``
— or your own module) on arrays, data frames, images ``(n, h, w[, c])`` or a
streaming image dataset, with one parameter set for both backends
(``backend="torch"`` or ``"keras"``): routed ``module__*`` /
``optimizer__*`` / ``loss__*`` parameters, learning-rate schedules,
callbacks (:class:`EarlyStopping`, :class:`Checkpoint`,
:class:`ProgressBar`, :class:`LRScheduler`), checkpoints and
``resume_from``, validation splits, ``warm_start`` and ``partial_fit``.
:class:`NeuralNetSegmenter` (masks in, masks out; ``"unet"``,
``"fcn_small"``) and :class:`NeuralNetDetector` (boxes in, boxes out;
``"centernet_small"``) train on the same loop, with their metrics
(:func:`mean_iou_score`, :func:`detection_map_score` through pycocotools'
COCO evaluation), scorers for model selection, our own non-maximum
suppression in numpy, torch and Keras ops, and plots.

Importing this package loads neither PyTorch nor TensorFlow: a backend is
imported by the first ``fit`` that uses it, and the registries of a
framework's parts (:data:`TORCH_MODULES`, ``TORCH_OPTIMIZERS``,
``TORCH_LOSSES``, :data:`KERAS_MODULES`, ``KERAS_OPTIMIZERS``,
``KERAS_LOSSES``) when first accessed; they are listed by ``dir()`` but left
out of ``__all__``, so a star import loads no framework. The package needs
PyTorch installed (the default backend); the ``nn`` extra installs both
frameworks: ``pip install 'scikit-bridge[nn]'``.
"""

import importlib
import importlib.util

from ...compat import keras as _compat_keras  # noqa: F401  (sets TF_USE_LEGACY_KERAS first)
from ...compat.torch import require_torch

if importlib.util.find_spec("torch") is None:  # checked without importing torch
    require_torch(extra="nn", purpose="skbridge.estimators.neural")

from ._base import BACKENDS  # noqa: E402
from ._callbacks import (  # noqa: E402
    CALLBACKS,
    LR_SCHEDULES,
    Callback,
    Checkpoint,
    EarlyStopping,
    LRScheduler,
    ProgressBar,
)
from ._dense_estimators import NeuralNetDetector, NeuralNetSegmenter  # noqa: E402
from ._estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402
from ._metrics import (  # noqa: E402
    detection_map_score,
    map50_scorer,
    mean_iou_score,
    mean_iou_scorer,
)
from ._nms import box_iou, nms_keras, nms_numpy, nms_torch  # noqa: E402
from ._plotting import plot_detections, plot_segmentation  # noqa: E402
from ._tasks import TASKS  # noqa: E402

# The lazy registries (below) are attributes and in dir(), but not in __all__, so that
# ``from skbridge.estimators.neural import *`` imports neither PyTorch nor TensorFlow.
__all__ = [
    "BACKENDS",
    "CALLBACKS",
    "LR_SCHEDULES",
    "TASKS",
    "Callback",
    "Checkpoint",
    "EarlyStopping",
    "LRScheduler",
    "NeuralNetClassifier",
    "NeuralNetDetector",
    "NeuralNetRegressor",
    "NeuralNetSegmenter",
    "ProgressBar",
    "box_iou",
    "detection_map_score",
    "map50_scorer",
    "mean_iou_score",
    "mean_iou_scorer",
    "nms_keras",
    "nms_numpy",
    "nms_torch",
    "plot_detections",
    "plot_segmentation",
]

# Registries of a framework's parts: {name: (module, framework)}, imported on first access.
_LAZY = {
    "TORCH_MODULES": ("._torch_modules", "torch"),
    "TORCH_OPTIMIZERS": ("._torch_backend", "torch"),
    "TORCH_LOSSES": ("._torch_backend", "torch"),
    "KERAS_MODULES": ("._keras_modules", "keras"),
    "KERAS_OPTIMIZERS": ("._keras_backend", "keras"),
    "KERAS_LOSSES": ("._keras_backend", "keras"),
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name][0], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    # Only the registries whose framework is installed, so that tools listing the
    # members (inspect.getmembers, estimator discovery) load them and never fail.
    lazy = {name for name, (_, framework) in _LAZY.items()
            if importlib.util.find_spec(framework) is not None}
    return sorted({*globals(), *lazy})
