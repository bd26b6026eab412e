"""PyTorch networks of the neural engine, sized from the data in ``fit``.

Every module takes ``input_shape`` (channels last: ``(d,)`` for tables,
``(h, w, c)`` for images) and ``n_outputs`` first, then its own keyword
arguments (the estimator's ``module_params`` / ``module__*``). Convolutional
modules take channels-first batches ``(n, c, h, w)``: the torch backend moves
the channels once, when it converts the data.

* :class:`MLP` (``"mlp"``): flattens any input.
* :class:`LeNet5` (``"lenet5"``): LeCun's two convolutions and three dense
  layers; the padding adapts, so 8x8 digits and 28x28 images both work.
* :class:`VGGSmall` (``"vgg_small"``): blocks of 3x3 convolutions and pooling,
  then global average pooling.
* :class:`ResNetSmall` (``"resnet_small"``): a CIFAR-style residual network.
* ``"unet"``, ``"fcn_small"`` (segmentation) and ``"centernet_small"``
  (detection), from :mod:`._torch_dense`.

Shapes, padding and pooling arithmetic and the docstrings are shared with the
Keras builders (:mod:`._architectures`).

Registry: :data:`TORCH_MODULES`.
"""

from ...compat.torch import require_torch
from ...utils import Registry
from ._architectures import (
    check_activation,
    lenet5_geometry,
    needs_images,
    resnet_strides,
    shared_doc,
    units,
    vgg_pools,
)
from ._torch_dense import CenterNetSmall, FCNSmall, UNet

torch = require_torch(extra="nn", purpose="skbridge.estimators.neural (backend='torch')")
nn = torch.nn

__all__ = ["TORCH_MODULES", "LeNet5", "MLP", "ResNetSmall", "VGGSmall"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid,
                "elu": nn.ELU, "leaky_relu": nn.LeakyReLU, "silu": nn.SiLU}


def _activation(name):
    return _ACTIVATIONS[check_activation(name)]()


@shared_doc("mlp")
class MLP(nn.Module):
    name = "mlp"

    def __init__(self, input_shape, n_outputs, hidden_units=(100,), activation="relu",
                 dropout=0.0, batch_norm=False):
        super().__init__()
        width = 1
        for size in input_shape:
            width *= int(size)
        layers = [nn.Flatten()]
        for n_units in units(hidden_units):
            layers.append(nn.Linear(width, n_units))
            if batch_norm:
                layers.append(nn.BatchNorm1d(n_units))
            layers.append(_activation(activation))
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = n_units
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


@shared_doc("lenet5")
class LeNet5(nn.Module):
    name = "lenet5"

    def __init__(self, input_shape, n_outputs, channels=(6, 16), hidden_units=(120, 84),
                 activation="relu", dropout=0.0):
        super().__init__()
        h, w, c = needs_images("lenet5", input_shape)
        g = lenet5_geometry(h, w)
        c1, c2 = channels
        layers = [
            nn.Conv2d(c, c1, 5, padding=2), _activation(activation), nn.MaxPool2d(g["p1"]),
            nn.Conv2d(c1, c2, 5, padding=g["pad2"]), _activation(activation),
            nn.MaxPool2d(g["p2"]), nn.Flatten(),
        ]
        width = c2 * g["h2"] * g["w2"]
        for n_units in units(hidden_units):
            if dropout:
                layers.append(nn.Dropout(dropout))
            layers += [nn.Linear(width, n_units), _activation(activation)]
            width = n_units
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def _conv_bn(c_in, c_out, stride=1, batch_norm=True):
    layers = [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out))
    return layers


@shared_doc("vgg_small")
class VGGSmall(nn.Module):
    name = "vgg_small"

    def __init__(self, input_shape, n_outputs, channels=(32, 64, 128), convs_per_block=2,
                 batch_norm=True, hidden_units=128, dropout=0.0):
        super().__init__()
        h, w, c = needs_images("vgg_small", input_shape)
        layers = []
        for out, pool in zip(channels, vgg_pools(min(h, w), len(channels))):
            for _ in range(convs_per_block):
                layers += [*_conv_bn(c, out, batch_norm=batch_norm), nn.ReLU()]
                c = out
            if pool:
                layers.append(nn.MaxPool2d(2))
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        if hidden_units:
            layers += [nn.Linear(c, hidden_units), nn.ReLU()]
            c = hidden_units
        layers.append(nn.Linear(c, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with an identity (or 1x1 projection) shortcut."""

    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.body = nn.Sequential(*_conv_bn(c_in, c_out, stride), nn.ReLU(),
                                  *_conv_bn(c_out, c_out))
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(c_out))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


@shared_doc("resnet_small")
class ResNetSmall(nn.Module):
    name = "resnet_small"

    def __init__(self, input_shape, n_outputs, channels=(16, 32, 64), blocks_per_stage=1):
        super().__init__()
        h, w, c = needs_images("resnet_small", input_shape)
        layers = [*_conv_bn(c, channels[0]), nn.ReLU()]
        c = channels[0]
        strides = resnet_strides(min(h, w), len(channels), blocks_per_stage)
        for out, stage in zip(channels, strides):
            for stride in stage:
                layers.append(BasicBlock(c, out, stride))
                c = out
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, n_outputs)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


TORCH_MODULES = Registry(
    "torch module", base=nn.Module,
    example_kwargs=lambda: {"input_shape": (8, 8, 1), "n_outputs": 5},
)
"""Registry of torch networks: ``"mlp"``, ``"lenet5"``, ``"vgg_small"``, ``"resnet_small"``;
``"unet"``, ``"fcn_small"`` (segmentation) and ``"centernet_small"`` (detection)."""
for _cls in (MLP, LeNet5, VGGSmall, ResNetSmall, UNet, FCNSmall, CenterNetSmall):
    TORCH_MODULES.register(_cls)
