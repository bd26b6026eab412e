"""Larq: binarized neural networks as scikit-learn classifiers.

:class:`BinaryNetClassifier` trains a binarized network (one-bit weights and
activations, larq's quantizers on tf-keras) from an architecture of
:data:`ARCHITECTURES` (``"mlp"``, ``"convnet"``, ``"quicknet"``) or your own
builder, reports its memory as larq's summary does (:func:`memory_report`),
and predicts through one of three engines of :data:`ENGINES`: the tf-keras
model, Larq Compute Engine, or scikit-bridge's bit-packed XNOR-popcount engine.

larq works only on tf-keras, so TensorFlow must be imported with
``TF_USE_LEGACY_KERAS=1``. Importing this package sets the variable when
TensorFlow is not imported yet (it imports neither TensorFlow nor larq), and
raises :class:`~skbridge.compat.keras.KerasSetupError` saying what to set when
TensorFlow was already imported under Keras 3. Install with
``pip install 'scikit-bridge[bnn]'``.
"""

import importlib.util

from ...compat import import_optional
from ...compat import keras as _compat_keras

_compat_keras.require_legacy_keras(extra="bnn", purpose="skbridge.estimators.bnn")
for _module in ("tensorflow", "larq"):
    if importlib.util.find_spec(_module) is None:  # looked up, not imported
        import_optional(_module, extra="bnn", purpose="skbridge.estimators.bnn")

from ._architectures import ARCHITECTURES  # noqa: E402
from ._engines import ENGINES  # noqa: E402
from ._estimator import BinaryNetClassifier  # noqa: E402
from ._optimizers import OPTIMIZERS  # noqa: E402
from ._report import memory_report  # noqa: E402

__all__ = ["ARCHITECTURES", "ENGINES", "OPTIMIZERS", "BinaryNetClassifier", "memory_report"]
