"""The torch networks adapt to the input shape."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.neural._torch_modules import TORCH_MODULES, LeNet5  # noqa: E402

SHAPES = [(8, 8, 1), (28, 28, 1), (32, 32, 3), (5, 7, 2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["mlp", "lenet5", "vgg_small", "resnet_small"])
def test_every_module_takes_every_image_size(name, shape):
    module = TORCH_MODULES.make(name, {}, input_shape=shape, n_outputs=3).eval()
    h, w, c = shape
    with torch.no_grad():
        out = module(torch.zeros(2, c, h, w))
    assert out.shape == (2, 3)


def test_lenet5_features_as_in_the_paper_for_28x28():
    assert LeNet5((28, 28, 1), 10).layers[7].in_features == 16 * 5 * 5
    assert LeNet5((8, 8, 1), 10).layers[7].in_features == 16 * 2 * 2


def test_mlp_on_tables_and_options():
    module = TORCH_MODULES.make("mlp", {"hidden_units": [16, 8], "dropout": 0.1,
                                        "batch_norm": True, "activation": "tanh"},
                                input_shape=(5,), n_outputs=2).eval()
    assert module(torch.zeros(3, 5)).shape == (3, 2)
    with pytest.raises(ValueError, match="Unknown activation 'swish'"):
        TORCH_MODULES.make("mlp", {"activation": "swish"}, input_shape=(5,), n_outputs=2)


def test_conv_modules_need_images():
    for name in ("lenet5", "vgg_small", "resnet_small"):
        with pytest.raises(ValueError, match=f"{name} needs images"):
            TORCH_MODULES.make(name, {}, input_shape=(10,), n_outputs=2)
    with pytest.raises(ValueError, match="at least 4x4"):
        LeNet5((3, 3, 1), 2)
