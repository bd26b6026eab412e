"""Architectures: binary layers laid out for LCE, float twins, first layer, image shapes."""

import numpy as np
import pytest

bnn = pytest.importorskip("skbridge.estimators.bnn")
larq = pytest.importorskip("larq")

QuantConv2D = larq.layers.QuantConv2D


def _convs(model):
    return [layer for layer in model.layers if isinstance(layer, larq.layers.QuantConv2D)]


@pytest.mark.parametrize("name, shape", [("mlp", (64,)), ("mlp", (8, 8)), ("convnet", (8, 8)),
                                         ("convnet", (12, 10, 3)), ("quicknet", (8, 8, 1))])
def test_builds_and_outputs_probabilities(name, shape):
    model = bnn.ARCHITECTURES.make(name, None, shape, 4, hidden_units=(16,), filters=(8, 16))
    X = np.random.default_rng(0).normal(size=(3, *shape)).astype(np.float32)
    proba = np.asarray(model(X, training=False))
    assert proba.shape == (3, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_dense_layers_are_binary_1x1_convolutions():
    model = bnn.ARCHITECTURES.make("mlp", None, (64,), 10, hidden_units=(32, 32))
    assert not any(isinstance(layer, larq.layers.QuantDense) for layer in model.layers)
    convs = _convs(model)
    assert [c.kernel_size for c in convs] == [(1, 1)] * 3
    first, *binary = convs
    assert first.input_quantizer is None and first.kernel_quantizer is None  # float first
    for layer in binary:
        assert layer.input_quantizer is not None and layer.kernel_quantizer is not None
        assert not layer.use_bias  # followed by batch norm


def test_first_layer_binary_makes_every_layer_binary():
    model = bnn.ARCHITECTURES.make("convnet", None, (8, 8), 10, first_layer_binary=True)
    assert all(c.input_quantizer is not None and c.kernel_quantizer is not None
               for c in _convs(model))
    padded = [c for c in _convs(model) if c.padding == "same"]
    assert padded and all(c.pad_values == 1.0 for c in padded)  # LCE pads binary maps with +1


def test_float_twin_has_relu_and_no_quantizers():
    model = bnn.ARCHITECTURES.make("mlp", None, (64,), 10, input_quantizer=None,
                                   kernel_quantizer=None, kernel_constraint=None)
    assert all(c.input_quantizer is None and c.kernel_quantizer is None for c in _convs(model))
    activations = [layer.get_config()["activation"] for layer in model.layers
                   if type(layer).__name__ == "Activation"]
    assert activations.count("relu") == 2 and activations[-1] == "softmax"


def test_quicknet_keeps_stem_and_head_float_and_blocks_binary():
    model = bnn.ARCHITECTURES.make("quicknet", None, (8, 8), 10, filters=(8, 16))
    convs = {c.name: c for c in _convs(model)}
    assert convs["stem"].kernel_quantizer is None and convs["classes"].kernel_quantizer is None
    blocks = [c for name, c in convs.items() if name.startswith("block_")]
    assert len(blocks) == 4 and all(c.input_quantizer is not None for c in blocks)
    assert sum(type(layer).__name__ == "Add" for layer in model.layers) == 4


def test_normalization_is_the_first_computation():
    mean, var = np.full(64, 3.0), np.full(64, 4.0)
    model = bnn.ARCHITECTURES.make("mlp", None, (64,), 2, normalization=(mean, var))
    norm = next(layer for layer in model.layers if type(layer).__name__ == "Normalization")
    np.testing.assert_allclose(np.asarray(norm.mean).ravel(), mean)


def test_flat_samples_for_a_conv_architecture_get_a_reshape_hint():
    with pytest.raises(ValueError, match=r"images \(n, h, w\).*architecture='mlp'"):
        bnn.ARCHITECTURES.make("convnet", None, (64,), 10)
