"""The framework-free parts of the registry networks, shared by torch and Keras."""

import inspect

import pytest

from skbridge.estimators.neural._architectures import (
    ACTIVATIONS,
    check_activation,
    lenet5_geometry,
    needs_images,
    resnet_strides,
    units,
    vgg_pools,
)

NAMES = ("mlp", "lenet5", "vgg_small", "resnet_small")


def test_shapes_and_sizes():
    assert needs_images("lenet5", (8, 8)) == (8, 8, 1)  # (h, w) is one channel
    assert needs_images("lenet5", (8, 8, 3)) == (8, 8, 3)
    with pytest.raises(ValueError, match=r"needs images .*X\.reshape\(-1, 8, 8\)"):
        needs_images("lenet5", (64,))
    assert units(5) == (5,) and units([4, 2]) == (4, 2)
    assert lenet5_geometry(28, 28) == {"p1": 2, "pad2": 0, "p2": 2, "h2": 5, "w2": 5}
    assert lenet5_geometry(8, 8) == {"p1": 2, "pad2": 2, "p2": 2, "h2": 2, "w2": 2}
    with pytest.raises(ValueError, match="at least 4x4"):
        lenet5_geometry(3, 9)
    assert vgg_pools(8, 5) == [True, True, True, False, False]
    assert resnet_strides(9, 3, 2) == [[1, 1], [2, 1], [2, 1]]
    assert check_activation("gelu") == "gelu"
    with pytest.raises(ValueError, match=f"Unknown activation 'swish'; choose one of "
                                         f"{list(ACTIVATIONS)}".replace("[", r"\[")):
        check_activation("swish")


def test_torch_modules_take_two_dimensional_image_shapes():
    torch = pytest.importorskip("torch")
    from skbridge.estimators.neural._torch_modules import TORCH_MODULES

    for name in NAMES:
        module = TORCH_MODULES.make(name, {}, input_shape=(8, 8), n_outputs=3).eval()
        assert module(torch.zeros(2, 1, 8, 8)).shape == (2, 3), name


def test_torch_and_keras_networks_share_signatures_and_docstrings():
    pytest.importorskip("torch")
    pytest.importorskip("keras")
    from skbridge.estimators.neural._keras_modules import KERAS_MODULES
    from skbridge.estimators.neural._torch_modules import TORCH_MODULES

    for name in NAMES:
        torch_cls, builder = TORCH_MODULES.lookup(name), KERAS_MODULES.lookup(name)
        theirs = inspect.signature(torch_cls).parameters
        ours = inspect.signature(builder).parameters
        assert [(p.name, p.default) for p in theirs.values()] == \
               [(p.name, p.default) for p in ours.values()], name
        assert builder.__doc__.startswith(torch_cls.__doc__.split("\n")[0]), name
        assert "Returns" in builder.__doc__ and "Returns" not in torch_cls.__doc__
