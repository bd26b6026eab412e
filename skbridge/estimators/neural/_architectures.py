"""The registry networks, framework-free: shapes, sizes and docstrings.

The torch modules (:mod:`._torch_modules`) and the Keras builders
(:mod:`._keras_modules`) build the same four networks layer for layer; what does
not depend on the framework lives here once, so the two cannot drift: the
input checks, the activation names, the padding and pooling arithmetic
(:func:`lenet5_geometry`, :func:`vgg_pools`, :func:`resnet_strides`) and the
docstrings (:func:`shared_doc`).
"""

from ._data import perfect_square_hint

__all__ = [
    "ACTIVATIONS",
    "DETECTION_STRIDE",
    "check_activation",
    "lenet5_geometry",
    "needs_images",
    "padding_to",
    "resnet_strides",
    "shared_doc",
    "units",
    "vgg_pools",
]

ACTIVATIONS = ("elu", "gelu", "leaky_relu", "relu", "sigmoid", "silu", "tanh")
"""Activation names both frameworks build (``leaky_relu`` with torch's slope 0.01)."""


def check_activation(name):
    """``name`` if it is one of :data:`ACTIVATIONS`, else a ValueError listing them."""
    if name not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}; choose one of {list(ACTIVATIONS)}.")
    return name


def needs_images(name, input_shape):
    """``(h, w, c)`` of an image input (``(h, w)`` is one channel), or the error naming the fix."""
    shape = tuple(int(s) for s in input_shape)
    if len(shape) == 2:
        return (*shape, 1)
    if len(shape) != 3:
        d = shape[0] if len(shape) == 1 else shape
        raise ValueError(
            f"{name} needs images (n, h, w[, c]); got shape (n, {d}). Reshape with "
            f"X.reshape(-1, h, w){perfect_square_hint(d) if len(shape) == 1 else ''} "
            f"or use module='mlp'."
        )
    return shape


DETECTION_STRIDE = 4
"""Detection modules output maps at 1/4 of the (padded) input size, as CenterNet does."""


def padding_to(size, multiple):
    """Pixels to add at the end of an axis of ``size`` to reach a multiple of ``multiple``.

    The dense modules pad their input with zeros (bottom and right) to a size
    their down- and up-sampling divides, and crop their output back.
    """
    return (-int(size)) % int(multiple)


def units(hidden_units):
    """``hidden_units`` as a tuple (an int is one layer)."""
    return (hidden_units,) if isinstance(hidden_units, int) else tuple(hidden_units)


def _pool_size(size):
    return 2 if size >= 2 else 1


def lenet5_geometry(h, w):
    """LeNet-5's padding and pooling for an ``h x w`` image.

    Returns
    -------
    geometry : dict
        ``p1`` and ``p2``, the two pooling sizes; ``pad2``, the padding of the
        second convolution (the first always pads 2); ``h2`` and ``w2``, the
        feature map after the second pooling.
    """
    if min(h, w) < 4:
        raise ValueError(f"lenet5 needs images of at least 4x4 pixels; got {h}x{w}.")
    p1 = _pool_size(min(h, w))
    h1, w1 = h // p1, w // p1
    pad2 = 0 if min(h1, w1) >= 10 else 2
    p2 = _pool_size(min(h1, w1) + 2 * pad2 - 4)
    h2, w2 = (h1 + 2 * pad2 - 4) // p2, (w1 + 2 * pad2 - 4) // p2
    return {"p1": p1, "pad2": pad2, "p2": p2, "h2": h2, "w2": w2}


def vgg_pools(size, n_blocks):
    """For each VGG block, whether it ends in 2x2 pooling (while the map is >= 2 wide)."""
    pools = []
    for _ in range(n_blocks):
        pools.append(size >= 2)
        if size >= 2:
            size //= 2
    return pools


def resnet_strides(size, n_stages, blocks_per_stage):
    """Stride of each residual block, stage by stage.

    The first block of every stage after the first strides 2 while the feature
    map is at least 2 wide; all others stride 1.
    """
    strides = []
    for i in range(n_stages):
        stage = []
        for j in range(int(blocks_per_stage)):
            stride = 2 if (i > 0 and j == 0 and size >= 2) else 1
            size = (size + 1) // stride if stride == 2 else size
            stage.append(stride)
        strides.append(stage)
    return strides


_DOCS = {
    "mlp": """Multi-layer perceptron: flatten, then dense layers.

    Parameters
    ----------
    input_shape : tuple of int
    n_outputs : int
    hidden_units : int or sequence of int, default=(100,)
        Width of each hidden layer.
    activation : str, default="relu"
    dropout : float, default=0.0
        Dropout after each hidden layer.
    batch_norm : bool, default=False
        Batch normalization before each activation.
""",
    "lenet5": """LeNet-5 (LeCun et al. 1998), with padding adapted to the image size.

    The first 5x5 convolution keeps the size (padding 2, as for 28x28 MNIST
    in a 32x32 frame); the second has no padding when the image is large
    enough (>= 10 after the first pooling, as in the original) and padding 2
    otherwise, so 8x8 digits give 2x2x16 features and 28x28 images 5x5x16.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
    channels : tuple of int, default=(6, 16)
    hidden_units : tuple of int, default=(120, 84)
    activation : str, default="relu"
        ``"tanh"`` for the original.
    dropout : float, default=0.0
        Dropout before each dense layer.
""",
    "vgg_small": """A small VGG: blocks of 3x3 convolutions, each block ending in 2x2 pooling.

    Pooling is skipped once the feature map is 1 pixel wide, and global
    average pooling ends the convolutions, so any image size works.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
    channels : tuple of int, default=(32, 64, 128)
        Output channels of each block.
    convs_per_block : int, default=2
    batch_norm : bool, default=True
    hidden_units : int, default=128
        Width of the dense layer before the output (0 for none).
    dropout : float, default=0.0
        Dropout before the dense layers.
""",
    "resnet_small": """A small residual network (He et al.'s CIFAR design).

    A 3x3 stem, then one stage per entry of ``channels``; every stage after
    the first halves the feature map (while it is wider than 1 pixel);
    global average pooling and a dense output layer end it.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
    channels : tuple of int, default=(16, 32, 64)
    blocks_per_stage : int, default=1
""",
    "unet": """U-Net: an encoder-decoder of 3x3 convolutions with skip connections.

    ``depth`` encoder blocks (two 3x3 convolutions, batch norm, ReLU; then
    2x2 max pooling), a bottleneck block, and ``depth`` decoder blocks (a 2x2
    transposed convolution, concatenation with the encoder block of the same
    size, two 3x3 convolutions); a 1x1 convolution gives ``n_outputs`` logits
    per pixel. Inputs are zero-padded to a multiple of ``2 ** depth`` and the
    output cropped back, so any image size works.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
        Classes (logits per pixel).
    depth : int, default=3
        Number of poolings.
    width : int, default=16
        Channels of the first block; each level doubles them.
""",
    "fcn_small": """A small fully convolutional network: three blocks, two poolings, upsampling.

    Blocks of two 3x3 convolutions (batch norm, ReLU) of ``width``,
    ``2 * width`` and ``4 * width`` channels with 2x2 max pooling between
    them, a 1x1 convolution to ``n_outputs`` logits, and bilinear upsampling
    by 4 back to the input size.

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
        Classes (logits per pixel).
    width : int, default=32
""",
    "centernet_small": """A small CenterNet: single-stage, anchor-free detection by object centres.

    A backbone of 3x3 convolution blocks (``width``, ``2 * width`` and two
    of ``4 * width`` channels, the last dilated) with two 2x2 poolings, so its
    map is 1/4 of the input, and three heads on it: a heat map of object
    centres per class (``n_outputs - 4`` channels, logits), the box size and
    the sub-pixel offset of the centre (two channels each).

    Parameters
    ----------
    input_shape : tuple of int
        ``(h, w, c)``.
    n_outputs : int
        Classes + 4.
    width : int, default=32
""",
}

_REFERENCES = {
    "lenet5": """.. [1] Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
       learning applied to document recognition", Proc. IEEE 86(11), 1998.""",
    "vgg_small": """.. [1] K. Simonyan and A. Zisserman, "Very deep convolutional networks
       for large-scale image recognition", ICLR 2015.""",
    "resnet_small": """.. [1] K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for
       image recognition", CVPR 2016.""",
    "unet": """.. [1] O. Ronneberger, P. Fischer and T. Brox, "U-Net: convolutional networks
       for biomedical image segmentation", MICCAI 2015.""",
    "fcn_small": """.. [1] J. Long, E. Shelhamer and T. Darrell, "Fully convolutional networks for
       semantic segmentation", CVPR 2015.""",
    "centernet_small": """.. [1] X. Zhou, D. Wang and P. Krähenbühl, "Objects as points", 2019,
       arXiv:1904.07850.""",
}


def shared_doc(name, returns=None):
    """Decorator: give a torch module or Keras builder the shared docstring of ``name``.

    Parameters
    ----------
    name : str
        ``"mlp"``, ``"lenet5"``, ``"vgg_small"`` or ``"resnet_small"``.
    returns : str, default=None
        Type of what a builder function returns (a Returns section), e.g.
        ``"keras.Model"``; None for a class.
    """
    doc = _DOCS[name]
    if returns is not None:
        doc += f"\n    Returns\n    -------\n    model : {returns}\n"
    if name in _REFERENCES:
        doc += f"\n    References\n    ----------\n    {_REFERENCES[name]}\n"
    doc += "    "

    def decorate(obj):
        obj.__doc__ = doc
        return obj

    return decorate
