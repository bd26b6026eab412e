"""Keras 3 networks and losses of the dense tasks: segmentation and detection.

Builders mirror the torch modules of :mod:`._torch_dense` layer for layer (the
same names, parameters and defaults; padding arithmetic and docstrings shared
in :mod:`._architectures`) and return maps of logits, channels last:

* :func:`unet` (``"unet"``) and :func:`fcn_small` (``"fcn_small"``):
  ``(n, h, w, n_classes)``.
* :func:`centernet_small` (``"centernet_small"``): ``(n, h/4, w/4,
  n_classes + 4)``.

Losses (registered in the Keras backend's ``KERAS_LOSSES``): :func:`dice`,
:func:`cross_entropy_dice` and :func:`centernet`, functions
``(y_true, y_pred)`` in Keras ops. Keras is reached only through
:mod:`skbridge.compat.keras`.
"""

from ...compat.keras import keras3
from ._architectures import DETECTION_STRIDE, needs_images, padding_to, shared_doc

__all__ = ["centernet", "centernet_small", "cross_entropy_dice", "dice", "fcn_small", "unet"]

_BN = {"momentum": 0.9, "epsilon": 1e-5}  # torch's BatchNorm defaults
HEAT_BIAS = -2.19


def _keras():
    return keras3(purpose="skbridge.estimators.neural (backend='keras')")


def _conv_block(keras, x, width, dilation=1):
    for _ in range(2):
        x = keras.layers.Conv2D(width, 3, padding="same", dilation_rate=dilation,
                                use_bias=False)(x)
        x = keras.layers.BatchNormalization(**_BN)(x)
        x = keras.layers.ReLU()(x)
    return x


def _padded_input(keras, name, input_shape, multiple):
    """The input, zero-padded (bottom, right) to ``multiple``; ``(inputs, x, crop)``."""
    h, w, c = needs_images(name, input_shape)
    inputs = keras.Input(tuple(int(s) for s in input_shape))
    x = inputs if len(input_shape) == 3 else keras.layers.Reshape((h, w, c))(inputs)
    pad_h, pad_w = padding_to(h, multiple), padding_to(w, multiple)
    if pad_h or pad_w:
        x = keras.layers.ZeroPadding2D(((0, pad_h), (0, pad_w)))(x)
    return inputs, x, (h, w)


def _crop(keras, x, size, stride=1):
    h, w = -(-size[0] // stride), -(-size[1] // stride)
    extra_h, extra_w = int(x.shape[1]) - h, int(x.shape[2]) - w
    if extra_h or extra_w:
        x = keras.layers.Cropping2D(((0, extra_h), (0, extra_w)))(x)
    return x


@shared_doc("unet", returns="keras.Model")
def unet(input_shape, n_outputs, depth=3, width=16):
    keras = _keras()
    depth = int(depth)
    inputs, x, size = _padded_input(keras, "unet", input_shape, 2**depth)
    widths = [int(width) * 2**i for i in range(depth + 1)]
    skips = []
    for out in widths[:-1]:
        x = _conv_block(keras, x, out)
        skips.append(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = _conv_block(keras, x, widths[-1])
    for out, skip in zip(reversed(widths[:-1]), reversed(skips)):
        x = keras.layers.Conv2DTranspose(out, 2, strides=2)(x)
        x = keras.layers.Concatenate()([x, skip])
        x = _conv_block(keras, x, out)
    x = keras.layers.Conv2D(int(n_outputs), 1)(x)
    return keras.Model(inputs, _crop(keras, x, size), name="unet")


@shared_doc("fcn_small", returns="keras.Model")
def fcn_small(input_shape, n_outputs, width=32):
    keras = _keras()
    inputs, x, size = _padded_input(keras, "fcn_small", input_shape, 4)
    w = int(width)
    x = _conv_block(keras, x, w)
    x = keras.layers.MaxPooling2D(2)(x)
    x = _conv_block(keras, x, 2 * w)
    x = keras.layers.MaxPooling2D(2)(x)
    x = _conv_block(keras, x, 4 * w)
    x = keras.layers.Conv2D(int(n_outputs), 1)(x)
    x = keras.layers.UpSampling2D(4, interpolation="bilinear")(x)
    return keras.Model(inputs, _crop(keras, x, size), name="fcn_small")


def _head(keras, x, width, out, bias=0.0):
    x = keras.layers.Conv2D(width, 3, padding="same", activation="relu")(x)
    return keras.layers.Conv2D(out, 1, bias_initializer=keras.initializers.Constant(bias))(x)


@shared_doc("centernet_small", returns="keras.Model")
def centernet_small(input_shape, n_outputs, width=32):
    keras = _keras()
    if int(n_outputs) < 5:
        raise ValueError(f"centernet_small needs n_outputs = classes + 4 >= 5; got {n_outputs}.")
    inputs, x, size = _padded_input(keras, "centernet_small", input_shape, DETECTION_STRIDE)
    w = int(width)
    x = _conv_block(keras, x, w)
    x = keras.layers.MaxPooling2D(2)(x)
    x = _conv_block(keras, x, 2 * w)
    x = keras.layers.MaxPooling2D(2)(x)
    x = _conv_block(keras, x, 4 * w)
    x = _conv_block(keras, x, 4 * w, dilation=2)
    out = keras.layers.Concatenate()([
        _head(keras, x, w, int(n_outputs) - 4, bias=HEAT_BIAS), _head(keras, x, w, 2),
        _head(keras, x, w, 2),
    ])
    return keras.Model(inputs, _crop(keras, out, size, DETECTION_STRIDE), name="centernet_small")


# -- losses --------------------------------------------------------------------------------

def _dice_term(ops, y_true, logits, eps):
    probs = ops.softmax(logits, axis=-1)
    onehot = ops.one_hot(ops.cast(y_true, "int32"), ops.shape(logits)[-1], dtype=probs.dtype)
    axes = (0, 1, 2)
    inter = ops.sum(probs * onehot, axis=axes)
    total = ops.sum(probs, axis=axes) + ops.sum(onehot, axis=axes)
    return 1.0 - ops.mean((2.0 * inter + eps) / (total + eps))


def dice(eps=1.0):
    """Soft Dice loss of per-pixel logits against class maps (torch's ``DiceLoss``)."""
    eps = float(eps)

    def dice_loss(y_true, y_pred):
        return _dice_term(_keras().ops, y_true, y_pred, eps)

    return dice_loss


def cross_entropy_dice(dice_weight=1.0, eps=1.0):
    """Cross-entropy plus Dice loss (torch's ``CrossEntropyDiceLoss``)."""
    dice_weight, eps = float(dice_weight), float(eps)

    def cross_entropy_dice_loss(y_true, y_pred):
        ops = _keras().ops
        labels = ops.cast(y_true, "int32")
        ce = ops.mean(ops.sparse_categorical_crossentropy(labels, y_pred, from_logits=True))
        return ce + dice_weight * _dice_term(ops, y_true, y_pred, eps)

    return cross_entropy_dice_loss


def centernet(size_weight=0.1, offset_weight=1.0, alpha=2.0, beta=4.0):
    """CenterNet's loss on channels-last maps (torch's ``CenterNetLoss``)."""
    size_weight, offset_weight = float(size_weight), float(offset_weight)
    alpha, beta = float(alpha), float(beta)

    def centernet_loss(y_true, y_pred):
        ops = _keras().ops
        y_true = ops.cast(y_true, y_pred.dtype)
        k = ops.shape(y_pred)[-1] - 4
        logits, heat = y_pred[..., :k], y_true[..., :k]
        pos = ops.cast(heat >= 1.0 - 1e-4, y_pred.dtype)
        p = ops.sigmoid(logits)
        pos_term = ops.log_sigmoid(logits) * (1 - p) ** alpha * pos
        neg_term = ops.log_sigmoid(-logits) * p**alpha * (1 - heat) ** beta * (1 - pos)
        n_pos = ops.maximum(ops.sum(pos), 1.0)
        focal = -(ops.sum(pos_term) + ops.sum(neg_term)) / n_pos
        mask = y_true[..., k + 4:k + 5]
        n_mask = ops.maximum(ops.sum(mask) * 2, 1.0)
        size = ops.sum(ops.abs(y_pred[..., k:k + 2] - y_true[..., k:k + 2]) * mask) / n_mask
        offset = ops.sum(ops.abs(y_pred[..., k + 2:k + 4] - y_true[..., k + 2:k + 4]) * mask)
        return focal + size_weight * size + offset_weight * offset / n_mask

    return centernet_loss
