"""The bit-packed engine: exact binary layers, Keras's predictions, pickling, refusals."""

import pickle

import numpy as np
import pytest

pytest.importorskip("skbridge.estimators.bnn")  # sets TF_USE_LEGACY_KERAS before larq
pytest.importorskip("numba")

from skbridge.compat import keras as compat_keras  # noqa: E402
from skbridge.estimators.bnn._architectures import ARCHITECTURES  # noqa: E402
from skbridge.estimators.bnn._bitpacked import BitpackedModel  # noqa: E402

FLOAT = {"input_quantizer": None, "kernel_quantizer": None, "kernel_constraint": None}
CASES = {  # name: (architecture, images?, structure)
    "mlp": ("mlp", False, {}),
    "mlp_first_binary": ("mlp", False, {"first_layer_binary": True}),
    "mlp_no_batch_norm": ("mlp", False, {"batch_norm": False, "input_quantizer": "approx_sign"}),
    "convnet": ("convnet", True, {"hidden_units": (64,)}),
    "convnet_first_binary": ("convnet", True, {"hidden_units": (64,), "first_layer_binary": True,
                                               "input_quantizer": "swish_sign"}),
    "quicknet": ("quicknet", True, {}),
    "quicknet_first_binary": ("quicknet", True, {"first_layer_binary": True}),
    "mlp_float_twin": ("mlp", False, FLOAT),
}


def _inputs(X, images):
    return X.reshape(-1, 8, 8) if images else X


@pytest.fixture(scope="module")
def trained(digits):
    """``get(case) -> (model, engine, X_test)``: a small model trained 2 epochs, compiled."""
    tfk = compat_keras.tf_keras()
    X_train, X_test, y_train, _ = digits
    cache = {}

    def get(case):
        if case not in cache:
            architecture, images, structure = CASES[case]
            X = _inputs(X_train, images)
            flat = X.reshape(len(X), -1) if not images else X.reshape(-1, 1)
            tfk.utils.set_random_seed(0)
            model = ARCHITECTURES.make(architecture, None, X.shape[1:], 10,
                                       normalization=(flat.mean(0), flat.var(0)), **structure)
            model.compile(optimizer=tfk.optimizers.legacy.Adam(1e-2),
                          loss="sparse_categorical_crossentropy")
            model.fit(X, y_train, epochs=2, batch_size=64, verbose=0)
            cache[case] = model, BitpackedModel.from_keras(model), _inputs(X_test, images)
        return cache[case]

    return get


def _binary_layers(model):
    lq = compat_keras.larq()
    return [layer.name for layer in model.layers
            if isinstance(layer, lq.layers.QuantConv2D) and layer.input_quantizer is not None
            and layer.kernel_quantizer is not None]


# Binary layers fed only by binary layers and elementwise float32 steps of the input: their
# outputs are Keras's bit for bit. Where a float layer (a matrix product or a residual sum)
# feeds a sign, numpy and TensorFlow add in different orders, so a value within float32
# rounding of the threshold may binarize the other way: rare, a whole sample then differs.
EXACT = {"mlp_first_binary", "convnet_first_binary"}


@pytest.mark.parametrize("case", [c for c in CASES if c != "mlp_float_twin"])
def test_binary_layer_outputs_equal_keras(trained, case):
    tfk = compat_keras.tf_keras()
    model, engine, X = trained(case)
    outputs = engine.layer_outputs(X)
    assert list(outputs) == engine.binary_layers == _binary_layers(model)
    for name, value in outputs.items():
        expected = np.asarray(tfk.Model(model.input, model.get_layer(name).output)(X))
        assert value.dtype == np.float32 and value.shape == expected.shape
        if case in EXACT:
            np.testing.assert_array_equal(value, expected, err_msg=name)
        else:
            equal_samples = (value == expected).reshape(len(X), -1).all(axis=1)
            assert equal_samples.mean() >= 0.995, name


@pytest.mark.parametrize("case", list(CASES))
def test_predictions_agree_with_keras(trained, case):
    model, engine, X = trained(case)
    expected = np.asarray(model(X, training=False))
    proba = engine.predict_proba(X)
    assert proba.dtype == np.float32 and proba.shape == expected.shape == (len(X), 10)
    close = np.isclose(proba, expected, atol=1e-4).all(axis=1)
    if case in EXACT or case == "mlp_float_twin":
        assert close.all()
    else:  # a sign flipped by float rounding changes that sample's probabilities (see EXACT)
        assert close.mean() >= 0.995
    assert np.mean(proba.argmax(1) == expected.argmax(1)) >= 0.995
    single = engine.predict_proba(X[:1])  # one sample takes the small-batch kernels
    np.testing.assert_allclose(single, proba[:1], atol=1e-4)


def test_float_twin_has_no_binary_layers(trained):
    _, engine, _ = trained("mlp_float_twin")
    assert engine.binary_layers == []


def test_artefact_is_packed(trained):
    model, engine, _ = trained("mlp_first_binary")
    float_twin, twin_engine, _ = trained("mlp_float_twin")
    # 1 bit per weight and two int32 per threshold, against float32 weights and batch norms
    assert 20 * engine.nbytes <= twin_engine.nbytes
    assert engine.nbytes < 2 * sum(w.size for w in model.get_weights() if w.ndim == 4) / 8
    assert twin_engine.nbytes >= 4 * sum(w.size for w in float_twin.get_weights() if w.ndim == 4)


def test_pickle_round_trip_gives_identical_predictions(trained):
    _, engine, X = trained("convnet")
    before = engine.predict_proba(X)
    data = pickle.dumps(engine)
    assert b"numba" not in data  # plain numpy arrays and Python values only
    again = pickle.loads(data)
    np.testing.assert_array_equal(again.predict_proba(X), before)
    assert again.nbytes == engine.nbytes


def test_wrong_input_shape_is_refused(trained):
    _, engine, X = trained("mlp")
    with pytest.raises(ValueError, match=r"shape \(64,\)"):
        engine.predict_proba(X.reshape(-1, 8, 8))


def _randomize_batch_norms(model, rng):
    tfk = compat_keras.tf_keras()
    for layer in model.layers:
        if isinstance(layer, tfk.layers.BatchNormalization):
            c = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.normal(0, 3, c).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 20, c).astype(np.float32))
            if layer.scale:  # negative scales turn thresholds around
                layer.gamma.assign(rng.normal(0, 1, c).astype(np.float32))
            if layer.center:
                layer.beta.assign(rng.normal(0, 1, c).astype(np.float32))


def test_strides_paddings_and_negative_scales_are_exact():
    tfk, lq = compat_keras.tf_keras(), compat_keras.larq()
    layers, quant = tfk.layers, lq.layers.QuantConv2D
    binary = {"input_quantizer": "ste_sign", "kernel_quantizer": "ste_sign",
              "kernel_constraint": "weight_clip"}
    tfk.utils.set_random_seed(1)
    inputs = tfk.Input((8, 8, 1))
    x = quant(16, 3, padding="same", kernel_quantizer="ste_sign", name="float_in")(inputs)
    x = layers.BatchNormalization()(x)
    x = quant(24, 3, strides=2, padding="same", pad_values=1.0, use_bias=False,
              name="stride_2", **binary)(x)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D(2, strides=1)(x)  # after a batch norm with negative scales
    x = quant(70, 3, padding="same", activation="relu", name="zero_padded", **binary)(x)
    x = lq.quantizers.SteSign()(x)
    x = quant(40, 2, padding="same", pad_values=-1.0, use_bias=False, name="minus_padded",
              **binary)(x)
    x = layers.BatchNormalization(center=False)(x)
    x = layers.Add()([x, quant(40, 1, name="one_by_one", **binary)(x)])
    x = lq.layers.QuantDense(33, name="binary_dense", **binary)(layers.Flatten()(x))
    x = layers.BatchNormalization()(x)  # unfused: rank 2
    outputs = layers.Activation("softmax")(layers.Dense(10)(x))
    model = tfk.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    _randomize_batch_norms(model, rng)
    X = rng.normal(size=(200, 8, 8, 1)).astype(np.float32)

    engine = BitpackedModel.from_keras(model)
    assert engine.binary_layers == ["stride_2", "zero_padded", "minus_padded", "one_by_one",
                                    "binary_dense"]
    for name, value in engine.layer_outputs(X).items():
        expected = tfk.Model(model.input, model.get_layer(name).output)(X, training=False)
        np.testing.assert_array_equal(value, np.asarray(expected), err_msg=name)
    np.testing.assert_allclose(engine.predict_proba(X), np.asarray(model(X, training=False)),
                               atol=1e-5)


def test_sequential_model_compiles():
    tfk = compat_keras.tf_keras()
    binary = {"input_quantizer": "ste_sign", "kernel_quantizer": "ste_sign",
              "kernel_constraint": "weight_clip"}
    quant = compat_keras.larq().layers.QuantConv2D
    tfk.utils.set_random_seed(2)
    model = tfk.Sequential([
        tfk.Input((64,)), tfk.layers.Reshape((1, 1, 64)), quant(100, 1, **binary),
        tfk.layers.BatchNormalization(), quant(10, 1, **binary), tfk.layers.Flatten(),
        tfk.layers.Softmax(),
    ])
    _randomize_batch_norms(model, np.random.default_rng(2))
    X = np.random.default_rng(3).normal(size=(50, 64)).astype(np.float32)
    np.testing.assert_allclose(BitpackedModel.from_keras(model).predict_proba(X),
                               np.asarray(model(X, training=False)), atol=1e-6)


def test_unsupported_quantizer_names_the_layer():
    lq = compat_keras.larq()
    model = ARCHITECTURES.make("mlp", None, (16,), 3, hidden_units=(8,),
                               input_quantizer=lq.quantizers.DoReFa(k_bit=2, mode="activations"))
    with pytest.raises(ValueError, match=r"'classes'.*DoReFa.*inference='keras'"):
        BitpackedModel.from_keras(model)
    model = ARCHITECTURES.make("mlp", None, (16,), 3, hidden_units=(8,),
                               kernel_quantizer="magnitude_aware_sign")
    with pytest.raises(ValueError, match=r"Layer '\w+' \(QuantConv2D\).*MagnitudeAwareSign"):
        BitpackedModel.from_keras(model)


def test_unsupported_layer_names_the_layer():
    tfk = compat_keras.tf_keras()
    model = tfk.Sequential([tfk.Input((4, 4, 1)), tfk.layers.AveragePooling2D(2, name="avg")])
    with pytest.raises(ValueError, match=r"'avg' \(AveragePooling2D\).*inference='keras'"):
        BitpackedModel.from_keras(model)
