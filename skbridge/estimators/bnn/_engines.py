"""Inference engines of a fitted binarized model: Keras, Larq Compute Engine, bit-packed.

Each engine is built once from the trained tf-keras model and answers
``predict_proba(X)`` with the model's class probabilities:

* ``"keras"``: the tf-keras model itself, called on batches (``model(x)``).
* ``"lce"``: the model converted by Larq Compute Engine to a TF-Lite
  flatbuffer with binary kernels for the binary convolutions, run by LCE's
  interpreter (one sample at a time: converted models take batch 1).
* ``"bitpacked"``: scikit-bridge's own compiled engine (weights and
  sign-activations packed in 64-bit words, XNOR and popcount, batch norm
  folded into thresholds); see :mod:`skbridge.estimators.bnn._bitpacked`.

Engines hold plain data (the flatbuffer's bytes, packed arrays) and pickle;
what cannot (the LCE interpreter) is rebuilt on first use after loading.
"""

import numpy as np

from ...compat import import_optional
from ...compat import keras as compat_keras
from ...utils import Registry

__all__ = ["ENGINES", "KerasEngine", "LCEEngine"]


class KerasEngine:
    """The tf-keras model, called directly on batches (no ``predict`` overhead).

    Parameters
    ----------
    model : tf_keras.Model
    batch_size : int, default=256
        Samples per call.
    """

    def __init__(self, model, batch_size=256):
        self.model = model
        self.batch_size = batch_size

    def predict_proba(self, X):
        """Class probabilities of ``X`` (shaped as the model's input)."""
        out = [np.asarray(self.model(X[i:i + self.batch_size], training=False))
               for i in range(0, len(X), self.batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.model.output_shape[-1]),
                                                        np.float32)


def _lce():
    compat_keras.tf_keras(purpose="Larq Compute Engine")  # tf.keras must be tf-keras first
    return import_optional("larq_compute_engine", extra="bnn", purpose="inference='lce'")


def _unconvertible_layer(model, X, convert):
    """The first layer whose sub-model (input up to it) LCE fails to convert or run."""
    tfk = compat_keras.tf_keras()
    for layer in model.layers:
        if isinstance(layer, tfk.layers.InputLayer):
            continue
        try:
            _run_lce(convert(tfk.Model(model.inputs, layer.output)), X)
        except Exception as exc:  # LCE raises many types; the first failing layer is the news
            return layer, exc
    return None, None


def _probe_inputs(model, n=32, seed=0):
    """Inputs spread like the training data: from the model's normalization layer if any."""
    tfk = compat_keras.tf_keras()
    shape = tuple(model.input_shape[1:])
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, *shape)).astype(np.float32)
    for layer in model.layers:
        if isinstance(layer, tfk.layers.Normalization):
            mean = np.asarray(layer.mean).reshape(-1)
            std = np.sqrt(np.asarray(layer.variance)).reshape(-1)
            if mean.size in (1, X.shape[-1]):
                X = X * std + mean  # flat samples reshape to (1, 1, d): last axis is d
            break
    return X.astype(np.float32)


def _run_lce(flatbuffer, X):
    interpreter = _lce().testing.Interpreter(flatbuffer, num_threads=1)
    return np.asarray(interpreter.predict(X), dtype=np.float32).reshape(len(X), -1)


def _first_differing_layer(model, X, convert):
    """The first layer whose LCE output differs from Keras's on ``X`` (None if none does)."""
    tfk = compat_keras.tf_keras()
    for layer in model.layers:
        if isinstance(layer, tfk.layers.InputLayer) or not layer.weights:
            continue
        sub = tfk.Model(model.inputs, layer.output)
        want = np.asarray(sub(X, training=False)).reshape(len(X), -1)
        got = _run_lce(convert(sub), X)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-3, atol=1e-3):
            return layer
    return None


def _quantizer_name(layer, attribute):
    quantizer = getattr(layer, attribute, None)
    return None if quantizer is None else getattr(quantizer, "__name__",
                                                  type(quantizer).__name__)


class LCEEngine:
    """A model converted by Larq Compute Engine, run by its interpreter.

    Parameters
    ----------
    flatbuffer : bytes
        The TF-Lite flatbuffer written by
        :func:`larq_compute_engine.convert_keras_model`.
    num_threads : int, default=1
        Threads of the interpreter.
    """

    def __init__(self, flatbuffer, num_threads=1):
        self.flatbuffer = bytes(flatbuffer)
        self.num_threads = num_threads
        self._interpreter = None

    @classmethod
    def from_keras(cls, model, num_threads=1):
        """Convert ``model``; a failure names the first layer LCE cannot convert.

        Raises
        ------
        ValueError
            If the conversion fails; the message names the layer and its type.
        """
        lce = _lce()
        X = _probe_inputs(model)
        try:
            engine = cls(lce.convert_keras_model(model), num_threads=num_threads)
            got = np.argmax(engine.predict_proba(X), axis=1)
        except Exception as exc:
            layer, layer_exc = _unconvertible_layer(model, X, lce.convert_keras_model)
            where = (f"layer {layer.name!r} ({type(layer).__name__})" if layer is not None
                     else "the model")
            raise ValueError(
                f"Larq Compute Engine cannot convert this model: {where} fails to convert or run "
                f"({type(layer_exc or exc).__name__}: {str(layer_exc or exc).strip()[:300]}). "
                f"Use inference='keras', or build the model from layers LCE supports "
                f"(larq's QuantConv2D/QuantDense with sign quantizers, batch norm, pooling)."
            ) from exc
        # LCE converts some quantizers without what makes them differ from a sign (the
        # scale of magnitude_aware_sign): its output would be silently wrong. Check.
        want = np.argmax(np.asarray(model(X, training=False)), axis=1)
        if np.mean(got != want) > 1 / len(X):
            layer = _first_differing_layer(model, X, lce.convert_keras_model)
            where = (f"layer {layer.name!r} ({type(layer).__name__}, input quantizer "
                     f"{_quantizer_name(layer, 'input_quantizer')}, kernel quantizer "
                     f"{_quantizer_name(layer, 'kernel_quantizer')})"
                     if layer is not None else "the model")
            raise ValueError(
                f"Larq Compute Engine converts this model, but its output differs from the "
                f"model's ({np.mean(got != want):.0%} of probe predictions): {where} is "
                f"converted differently. Use inference='keras', or sign quantizers "
                f"('ste_sign', 'approx_sign', 'swish_sign') in the binary layers."
            )
        return engine

    @property
    def nbytes(self):
        """Size of the deployable flatbuffer in bytes."""
        return len(self.flatbuffer)

    def _get_interpreter(self):
        if self._interpreter is None:
            self._interpreter = _lce().testing.Interpreter(self.flatbuffer,
                                                           num_threads=self.num_threads)
        return self._interpreter

    def predict_proba(self, X):
        """Class probabilities of ``X``, one sample at a time through the interpreter."""
        X = np.ascontiguousarray(X, dtype=np.float32)
        interpreter = self._get_interpreter()
        if len(X) == 0:
            return np.zeros((0, interpreter.output_shapes[0][-1]), np.float32)
        return np.asarray(interpreter.predict(X), dtype=np.float32).reshape(len(X), -1)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_interpreter"] = None
        return state


def _keras_engine(model):
    return KerasEngine(model)


def _lce_engine(model):
    return LCEEngine.from_keras(model)


def _bitpacked_engine(model):
    from ._bitpacked import BitpackedModel

    return BitpackedModel.from_keras(model)


def _example_model():
    from ._architectures import mlp

    return (mlp((4,), 2, hidden_units=(8,)),)


ENGINES = Registry("inference engine", example_args=_example_model)
"""Registry of inference engines (factories ``make(model)``): ``"keras"``, ``"lce"``,
``"bitpacked"``."""
ENGINES.register(_keras_engine, name="keras")
ENGINES.register(_lce_engine, name="lce")
ENGINES.register(_bitpacked_engine, name="bitpacked")
