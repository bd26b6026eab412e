"""Inference engines: Keras batches, LCE conversion and its refusals (naming the layer)."""

import numpy as np
import pytest

bnn = pytest.importorskip("skbridge.estimators.bnn")
pytest.importorskip("larq_compute_engine")

from skbridge.compat import keras as compat_keras  # noqa: E402
from skbridge.estimators.bnn._engines import KerasEngine, LCEEngine  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return bnn.ARCHITECTURES.make("mlp", None, (16,), 3, hidden_units=(32,))


def test_keras_engine_batches_like_one_call(model):
    X = np.random.default_rng(0).normal(size=(70, 16)).astype(np.float32)
    np.testing.assert_allclose(KerasEngine(model, batch_size=32).predict_proba(X),
                               np.asarray(model(X, training=False)), rtol=1e-6)
    assert KerasEngine(model).predict_proba(X[:0]).shape == (0, 3)


def test_lce_engine_matches_keras_and_pickles(model):
    import pickle

    engine = LCEEngine.from_keras(model)
    X = np.random.default_rng(1).normal(size=(20, 16)).astype(np.float32)
    np.testing.assert_allclose(engine.predict_proba(X), np.asarray(model(X, training=False)),
                               atol=1e-5)
    again = pickle.loads(pickle.dumps(engine))
    np.testing.assert_array_equal(again.predict_proba(X), engine.predict_proba(X))
    assert engine.nbytes == len(engine.flatbuffer)


def test_lce_refuses_a_quantizer_it_converts_wrongly_naming_the_layer():
    model = bnn.ARCHITECTURES.make("mlp", None, (16,), 3, hidden_units=(32,),
                                   input_quantizer="magnitude_aware_sign")
    tfk = compat_keras.tf_keras()
    layer = model.get_layer("classes")  # give the binary layer weights LCE would mis-scale
    layer.set_weights([np.random.default_rng(0).normal(size=w.shape) for w in
                       layer.get_weights()])
    del tfk
    with pytest.raises(ValueError, match=r"differs from the model's.*layer '\w+'.*MagnitudeAware"):
        LCEEngine.from_keras(model)


def test_lce_names_the_layer_it_cannot_convert():
    tf = compat_keras.tensorflow()
    tfk = compat_keras.tf_keras()
    inputs = tfk.Input((4,))
    hidden = tfk.layers.Dense(8)(inputs)
    odd = tfk.layers.Lambda(lambda x: tf.ensure_shape(tf.numpy_function(np.sin, [x], tf.float32),
                                                      (None, 8)), name="numpy_sine")(hidden)
    outputs = tfk.layers.Dense(2, activation="softmax")(odd)
    with pytest.raises(ValueError, match="layer 'numpy_sine' \\(Lambda\\)"):
        LCEEngine.from_keras(tfk.Model(inputs, outputs))
