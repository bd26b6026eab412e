"""Binarized network architectures on larq layers: BinaryNet MLP and conv net, QuickNet-style.

Every architecture is a function ``build(input_shape, n_classes, **structure)``
returning an uncompiled tf-keras model whose output is class probabilities.
They share one set of structural keywords (those :class:`BinaryNetClassifier`
passes): ``hidden_units``, ``filters``, ``input_quantizer``,
``kernel_quantizer``, ``kernel_constraint``, ``batch_norm``,
``first_layer_binary`` and ``normalization`` (per-channel mean and variance of
the training data, folded into the model as its first layer so that an
exported model takes raw inputs).

Conventions the inference engines rely on:

* Dense layers are written as 1x1 :class:`larq.layers.QuantConv2D` on a
  ``(1, 1, units)`` map: Larq Compute Engine turns only convolutions into
  binary kernels, so a ``QuantDense`` would stay a float matrix in the file.
* A binary layer is a ``QuantConv2D`` with both an input and a kernel
  quantizer, no bias, followed by :class:`~tf_keras.layers.BatchNormalization`
  (optionally through a max-pooling layer), whose output the next layer's
  input quantizer binarizes; the bit-packed engine folds that batch norm into a
  per-channel threshold.
* "Same" padding of binary inputs pads with +1 (``pad_values=1.0``), the value
  LCE's binary convolution pads with.
* With ``input_quantizer=None`` the hidden activation is ReLU: with no
  quantizers at all the network is the float32 twin of the binary one.
"""

import numpy as np

from ...compat import keras as compat_keras
from ...utils import Registry

__all__ = ["ARCHITECTURES", "convnet", "mlp", "quicknet"]

# Batch-norm momentum: Keras's default (0.99) leaves the moving variance far
# from converged after a few hundred steps, and the float twins then collapse at
# inference; 0.9 converges within the first epochs of a small data set.
_BN_MOMENTUM = 0.9


class _Parts:
    """The layers of one build, with the quantization settings applied."""

    def __init__(self, input_quantizer, kernel_quantizer, kernel_constraint, batch_norm,
                 first_layer_binary):
        self.tfk = compat_keras.tf_keras(purpose="skbridge.estimators.bnn")
        self.lq = compat_keras.larq(purpose="skbridge.estimators.bnn")
        self.input_quantizer = input_quantizer
        self.kernel_quantizer = kernel_quantizer
        self.kernel_constraint = kernel_constraint if kernel_quantizer is not None else None
        self.batch_norm = batch_norm
        self.first_layer_binary = first_layer_binary
        self.binary_activations = input_quantizer is not None
        self.layers = self.tfk.layers

    def conv(self, x, filters, kernel_size, *, first=False, float_layer=False, strides=1,
             name=None):
        """A (quantized) convolution; the ``first`` layer is float unless asked otherwise."""
        if float_layer or (first and not self.first_layer_binary):
            input_quantizer = kernel_quantizer = constraint = None
        else:
            input_quantizer = self.input_quantizer
            kernel_quantizer, constraint = self.kernel_quantizer, self.kernel_constraint
        same = kernel_size > 1
        binary_padding = same and input_quantizer is not None
        return self.lq.layers.QuantConv2D(
            filters, kernel_size, strides=strides, padding="same" if same else "valid",
            pad_values=1.0 if binary_padding else 0.0,
            input_quantizer=input_quantizer, kernel_quantizer=kernel_quantizer,
            kernel_constraint=constraint, use_bias=not self.batch_norm,
            kernel_initializer="glorot_uniform", name=name,
        )(x)

    def norm(self, x, *, activation=True):
        """Batch norm, then ReLU when the next layer does not binarize its input."""
        if self.batch_norm:
            x = self.layers.BatchNormalization(momentum=_BN_MOMENTUM, scale=False)(x)
        if activation and not self.binary_activations:
            x = self.layers.Activation("relu")(x)
        return x

    def inputs(self, input_shape, normalization, *, image):
        """The input, its normalization layer and the reshape to an image or a 1x1 map."""
        shape = tuple(int(s) for s in input_shape)
        inputs = self.tfk.Input(shape=shape)
        x = inputs
        if image:
            if len(shape) == 2:
                x = self.layers.Reshape(shape + (1,))(x)
            elif len(shape) != 3:
                raise ValueError(
                    f"This architecture takes images (n, h, w) or (n, h, w, c); got samples of "
                    f"shape {shape}. Reshape X (e.g. X.reshape(-1, 8, 8) for 8x8 images) or use "
                    f"architecture='mlp'."
                )
        else:
            x = self.layers.Reshape((1, 1, int(np.prod(shape))))(x)
        if normalization is not None:  # per channel (per feature of a flat sample)
            mean, variance = (np.asarray(v, dtype=np.float32) for v in normalization)
            x = self.layers.Normalization(axis=-1, mean=mean, variance=variance)(x)
        return inputs, x

    def head(self, x, n_classes, *, binary=True):
        """The class layer (binary 1x1 convolution, or float) and the softmax."""
        if x.shape.rank == 4 and (x.shape[1] != 1 or x.shape[2] != 1):
            x = self.layers.Reshape((1, 1, int(np.prod(x.shape[1:]))))(x)
        x = self.conv(x, n_classes, 1, float_layer=not binary, name="classes")
        if self.batch_norm and binary:
            x = self.layers.BatchNormalization(momentum=_BN_MOMENTUM, scale=False)(x)
        x = self.layers.Flatten()(x)
        return self.layers.Activation("softmax", dtype="float32")(x)


def _pool(parts, x):
    """2x2 max pooling while the map is at least 8x8: small maps keep 4x4 of detail.

    (On 8x8 digits, pooling down to 2x2 costs the binary conv net points of accuracy.)
    """
    if x.shape[1] >= 8 and x.shape[2] >= 8:
        return parts.layers.MaxPooling2D(2)(x)
    return x


def mlp(input_shape, n_classes, *, hidden_units=(512, 512), filters=(32, 64),
        input_quantizer="ste_sign", kernel_quantizer="ste_sign",
        kernel_constraint="weight_clip", batch_norm=True, first_layer_binary=False,
        normalization=None, name="binary_mlp"):
    """BinaryNet-style multilayer perceptron, dense layers as 1x1 binary convolutions.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample: ``(d,)``, ``(h, w)`` or ``(h, w, c)`` (flattened).
    n_classes : int
        Number of outputs of the softmax.
    hidden_units : tuple of int, default=(512, 512)
        Width of each hidden layer.
    filters : tuple of int, default=(32, 64)
        Not used by this architecture (the conv nets' widths).
    input_quantizer, kernel_quantizer, kernel_constraint : str, larq object or None
        larq quantizers and constraint of the quantized layers.
    batch_norm : bool, default=True
        Batch normalization after each layer (else the layers have biases).
    first_layer_binary : bool, default=False
        Whether the first layer is binary too (binary weights on the binarized
        input). By default it is a float32 layer, as in most binarized
        networks since XNOR-Net: on small inputs a binary first layer loses
        much of the information.
    normalization : (mean, variance) or None, default=None
        Per-feature statistics of the training data for a first normalization layer.
    name : str, default="binary_mlp"
        The model's name.

    Returns
    -------
    model : tf_keras.Model
    """
    del filters
    parts = _Parts(input_quantizer, kernel_quantizer, kernel_constraint, batch_norm,
                   first_layer_binary)
    inputs, x = parts.inputs(input_shape, normalization, image=False)
    for i, units in enumerate(hidden_units):
        x = parts.conv(x, units, 1, first=i == 0, name=f"dense_{i}")
        x = parts.norm(x)
    if not hidden_units:
        x = parts.conv(x, n_classes, 1, first=True, name="classes")
        x = parts.layers.Flatten()(parts.norm(x, activation=False))
        x = parts.layers.Activation("softmax", dtype="float32")(x)
    else:
        x = parts.head(x, n_classes)
    return parts.tfk.Model(inputs, x, name=name)


def convnet(input_shape, n_classes, *, hidden_units=(512, 512), filters=(32, 64),
            input_quantizer="ste_sign", kernel_quantizer="ste_sign",
            kernel_constraint="weight_clip", batch_norm=True, first_layer_binary=False,
            normalization=None, name="binary_convnet"):
    """BinaryNet-style convolutional network for small images.

    Two 3x3 convolutions of ``filters[0]`` channels, then one 3x3 convolution per
    further entry of ``filters``, each block ending in 2x2 max pooling (while
    the map is at least 8x8) and batch norm; then the dense layers of
    ``hidden_units`` and the class layer, all binary 1x1 convolutions.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w)`` or ``(h, w, c)``.
    n_classes : int
        Number of outputs of the softmax.
    hidden_units : tuple of int, default=(512, 512)
        Width of each dense layer after the convolutions.
    filters : tuple of int, default=(32, 64)
        Channels of each convolution block.
    input_quantizer, kernel_quantizer, kernel_constraint : str, larq object or None
        As for :func:`mlp`.
    batch_norm, first_layer_binary : bool
        As for :func:`mlp`.
    normalization : (mean, variance) or None
        As for :func:`mlp` (per channel).
    name : str, default="binary_convnet"
        The model's name.

    Returns
    -------
    model : tf_keras.Model
    """
    parts = _Parts(input_quantizer, kernel_quantizer, kernel_constraint, batch_norm,
                   first_layer_binary)
    inputs, x = parts.inputs(input_shape, normalization, image=True)
    filters = tuple(filters) or (32,)
    x = parts.norm(parts.conv(x, filters[0], 3, first=True, name="conv_0"))
    for i, width in enumerate(filters):
        x = parts.conv(x, width, 3, name=f"conv_{i + 1}")
        x = parts.norm(_pool(parts, x))
    x = parts.layers.Reshape((1, 1, int(np.prod(x.shape[1:]))))(x)
    for i, units in enumerate(hidden_units):
        x = parts.norm(parts.conv(x, units, 1, name=f"dense_{i}"))
    return parts.tfk.Model(inputs, parts.head(x, n_classes), name=name)


def quicknet(input_shape, n_classes, *, hidden_units=(512, 512), filters=(32, 64),
             input_quantizer="ste_sign", kernel_quantizer="ste_sign",
             kernel_constraint="weight_clip", batch_norm=True, first_layer_binary=False,
             normalization=None, name="binary_quicknet"):
    """QuickNet-style residual network: float stem and head, binary residual blocks.

    After Bannink et al. (2021), scaled to small images: a 3x3 float stem of
    ``filters[0]`` channels; per entry of ``filters`` two residual blocks
    ``x + BN(binary 3x3 conv(x))``, each stage after the first entered through
    2x2 max pooling (while the map is at least 8x8) and a float 1x1
    convolution to the new width; global
    average pooling and a float class layer.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w)`` or ``(h, w, c)``.
    n_classes : int
        Number of outputs of the softmax.
    hidden_units : tuple of int, default=(512, 512)
        Not used by this architecture.
    filters : tuple of int, default=(32, 64)
        Channels of each stage.
    input_quantizer, kernel_quantizer, kernel_constraint : str, larq object or None
        As for :func:`mlp`.
    batch_norm : bool
        As for :func:`mlp`.
    normalization : (mean, variance) or None
        As for :func:`mlp` (per channel).
    first_layer_binary : bool, default=False
        Whether the stem is a binary convolution too.
    name : str, default="binary_quicknet"
        The model's name.

    Returns
    -------
    model : tf_keras.Model
    """
    del hidden_units
    parts = _Parts(input_quantizer, kernel_quantizer, kernel_constraint, batch_norm,
                   first_layer_binary)
    inputs, x = parts.inputs(input_shape, normalization, image=True)
    filters = tuple(filters) or (32,)
    x = parts.conv(x, filters[0], 3, first=True, float_layer=not first_layer_binary,
                   name="stem")
    x = parts.layers.BatchNormalization(momentum=_BN_MOMENTUM)(x)
    if not parts.binary_activations:  # a ReLU output would binarize to all +1
        x = parts.layers.Activation("relu")(x)
    for stage, width in enumerate(filters):
        if stage:
            x = _pool(parts, x)
            x = parts.conv(x, width, 1, float_layer=True, name=f"transition_{stage}")
            x = parts.layers.BatchNormalization(momentum=_BN_MOMENTUM)(x)
        for block in range(2):
            y = parts.conv(x, width, 3, name=f"block_{stage}_{block}")
            y = parts.norm(y)
            x = parts.layers.Add()([x, y])
    x = parts.layers.GlobalAveragePooling2D()(x)
    x = parts.layers.Reshape((1, 1, int(x.shape[-1])))(x)
    return parts.tfk.Model(inputs, parts.head(x, n_classes, binary=False), name=name)


ARCHITECTURES = Registry(
    "architecture", example_kwargs=lambda: {"input_shape": (8, 8), "n_classes": 3},
)
"""Registry of binarized architectures: ``"mlp"``, ``"convnet"``, ``"quicknet"``."""
ARCHITECTURES.register(mlp, synonyms=("binarynet_mlp",))
ARCHITECTURES.register(convnet, synonyms=("binarynet",))
ARCHITECTURES.register(quicknet)
