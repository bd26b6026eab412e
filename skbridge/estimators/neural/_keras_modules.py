"""Keras 3 networks of the neural engine, sized from the data in ``fit``.

Every builder takes ``input_shape`` (channels last: ``(d,)`` for tables,
``(h, w, c)`` for images) and ``n_outputs`` first, then its own keyword
arguments (the estimator's ``module_params`` / ``module__*``), and returns an
uncompiled :class:`keras.Model` whose outputs are raw logits or values. The
builders mirror the torch modules of :mod:`._torch_modules` layer for layer
(same names, parameters and defaults; the input checks, padding and pooling
arithmetic and docstrings are shared, in :mod:`._architectures`), so one
``module_params`` dict means the same network on both backends.

* :func:`mlp` (``"mlp"``): flattens any input.
* :func:`lenet5` (``"lenet5"``): LeCun's two convolutions and three dense
  layers; the padding adapts, so 8x8 digits and 28x28 images both work.
* :func:`vgg_small` (``"vgg_small"``): blocks of 3x3 convolutions and pooling,
  then global average pooling.
* :func:`resnet_small` (``"resnet_small"``): a CIFAR-style residual network.
* ``"unet"``, ``"fcn_small"`` (segmentation) and ``"centernet_small"``
  (detection), from :mod:`._keras_dense`.

Keras is reached only through :mod:`skbridge.compat.keras`. Registry:
:data:`KERAS_MODULES`.
"""

from ...compat.keras import keras3
from ...utils import Registry
from ._architectures import (
    ACTIVATIONS,
    check_activation,
    lenet5_geometry,
    needs_images,
    resnet_strides,
    shared_doc,
    units,
    vgg_pools,
)
from ._keras_dense import centernet_small, fcn_small, unet

__all__ = ["ACTIVATIONS", "KERAS_MODULES", "lenet5", "make_model", "mlp", "resnet_small",
           "vgg_small"]

# torch's BatchNorm (momentum 0.1 there is 0.9 here, eps 1e-5), so both backends agree
_BN = {"momentum": 0.9, "epsilon": 1e-5}


def _keras():
    return keras3(purpose="skbridge.estimators.neural (backend='keras')")


def _activation(keras, name):
    if check_activation(name) == "leaky_relu":  # torch's default slope
        return keras.layers.LeakyReLU(negative_slope=0.01)
    return keras.layers.Activation(name)


def _image_input(keras, name, input_shape):
    shape = needs_images(name, input_shape)
    inputs = keras.Input(tuple(int(s) for s in input_shape))
    x = inputs if len(input_shape) == 3 else keras.layers.Reshape(shape)(inputs)
    return inputs, x, shape


@shared_doc("mlp", returns="keras.Model")
def mlp(input_shape, n_outputs, hidden_units=(100,), activation="relu", dropout=0.0,
        batch_norm=False):
    keras = _keras()
    layers = keras.layers
    inputs = x = keras.Input(tuple(int(s) for s in input_shape))
    if len(input_shape) > 1:
        x = layers.Flatten()(x)
    for n_units in units(hidden_units):
        x = layers.Dense(int(n_units))(x)
        if batch_norm:
            x = layers.BatchNormalization(**_BN)(x)
        x = _activation(keras, activation)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return keras.Model(inputs, layers.Dense(int(n_outputs))(x), name="mlp")


@shared_doc("lenet5", returns="keras.Model")
def lenet5(input_shape, n_outputs, channels=(6, 16), hidden_units=(120, 84),
           activation="relu", dropout=0.0):
    keras = _keras()
    layers = keras.layers
    inputs, x, (h, w, _) = _image_input(keras, "lenet5", input_shape)
    g = lenet5_geometry(h, w)
    c1, c2 = channels
    x = layers.ZeroPadding2D(2)(x)
    x = _activation(keras, activation)(layers.Conv2D(int(c1), 5)(x))
    x = layers.MaxPooling2D(g["p1"])(x)
    if g["pad2"]:
        x = layers.ZeroPadding2D(g["pad2"])(x)
    x = _activation(keras, activation)(layers.Conv2D(int(c2), 5)(x))
    x = layers.Flatten()(layers.MaxPooling2D(g["p2"])(x))
    for n_units in units(hidden_units):
        if dropout:
            x = layers.Dropout(dropout)(x)
        x = _activation(keras, activation)(layers.Dense(int(n_units))(x))
    return keras.Model(inputs, layers.Dense(int(n_outputs))(x), name="lenet5")


def _conv_bn(keras, x, c_out, stride=1, batch_norm=True):
    """3x3 convolution with torch's symmetric padding 1 (-> batch norm)."""
    x = keras.layers.ZeroPadding2D(1)(x)
    x = keras.layers.Conv2D(int(c_out), 3, strides=stride, use_bias=not batch_norm)(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(**_BN)(x)
    return x


@shared_doc("vgg_small", returns="keras.Model")
def vgg_small(input_shape, n_outputs, channels=(32, 64, 128), convs_per_block=2,
              batch_norm=True, hidden_units=128, dropout=0.0):
    keras = _keras()
    layers = keras.layers
    inputs, x, (h, w, _) = _image_input(keras, "vgg_small", input_shape)
    for out, pool in zip(channels, vgg_pools(min(h, w), len(channels))):
        for _ in range(int(convs_per_block)):
            x = layers.Activation("relu")(_conv_bn(keras, x, out, batch_norm=batch_norm))
        if pool:
            x = layers.MaxPooling2D(2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    if hidden_units:
        x = layers.Dense(int(hidden_units), activation="relu")(x)
    return keras.Model(inputs, layers.Dense(int(n_outputs))(x), name="vgg_small")


def _basic_block(keras, x, c_out, stride):
    """Two 3x3 convolutions with an identity (or 1x1 projection) shortcut."""
    layers = keras.layers
    body = layers.Activation("relu")(_conv_bn(keras, x, c_out, stride))
    body = _conv_bn(keras, body, c_out)
    shortcut = x
    if stride != 1 or x.shape[-1] != c_out:
        shortcut = layers.Conv2D(int(c_out), 1, strides=stride, use_bias=False)(x)
        shortcut = layers.BatchNormalization(**_BN)(shortcut)
    return layers.Activation("relu")(layers.Add()([body, shortcut]))


@shared_doc("resnet_small", returns="keras.Model")
def resnet_small(input_shape, n_outputs, channels=(16, 32, 64), blocks_per_stage=1):
    keras = _keras()
    layers = keras.layers
    inputs, x, (h, w, _) = _image_input(keras, "resnet_small", input_shape)
    x = layers.Activation("relu")(_conv_bn(keras, x, channels[0]))
    strides = resnet_strides(min(h, w), len(channels), blocks_per_stage)
    for out, stage in zip(channels, strides):
        for stride in stage:
            x = _basic_block(keras, x, out, stride)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(int(n_outputs))(x), name="resnet_small")


def make_model(module, input_shape, n_outputs, module_params=None):
    """Build the network: a registry name, a model-building function or a model.

    Parameters
    ----------
    module : str, callable or keras.Model
        A key of :data:`KERAS_MODULES`; a function called as
        ``module(input_shape, n_outputs, **module_params)`` that returns a
        :class:`keras.Model`; or a model, which is cloned with its weights
        (the parameter is never trained in place).
    input_shape : tuple of int
        Channels-last input shape without the batch axis.
    n_outputs : int
    module_params : dict, default=None

    Returns
    -------
    model : keras.Model

    Raises
    ------
    ValueError
        For an unknown name (listing the known ones) or parameters the
        builder does not take.
    TypeError
        For anything else, or a function that does not return a Keras 3 model.
    """
    keras = _keras()
    input_shape = tuple(int(s) for s in input_shape)
    params = dict(module_params or {})
    if isinstance(module, keras.Model):
        if params:
            raise ValueError(
                f"The module {module.name!r} is already a model; it takes no module_params "
                f"({sorted(params)}). Pass a model-building function to use them."
            )
        model = keras.models.clone_model(module)
        model.set_weights(module.get_weights())
        return model
    if isinstance(module, str):
        return KERAS_MODULES.make(module, params, input_shape, int(n_outputs))
    if not callable(module):
        raise TypeError(
            f"On the Keras backend, module must be a name among {KERAS_MODULES.options}, a "
            f"function (input_shape, n_outputs, **module_params) -> keras.Model, or a "
            f"keras.Model; got {module!r}."
        )
    model = module(input_shape, int(n_outputs), **params)
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"The module function {getattr(module, '__name__', module)!r} returned "
            f"{type(model).__name__}, not a keras.Model (Keras 3; tf.keras / tf-keras "
            f"models do not run on the Keras backend)."
        )
    if not model.built:
        model.build((None, *input_shape))
    return model


def _example_args():
    return ((8, 8, 1), 5)


KERAS_MODULES = Registry("keras module", example_args=_example_args)
"""Registry of Keras networks: ``"mlp"``, ``"lenet5"``, ``"vgg_small"``, ``"resnet_small"``;
``"unet"``, ``"fcn_small"`` (segmentation) and ``"centernet_small"`` (detection)."""
for _builder in (mlp, lenet5, vgg_small, resnet_small, unet, fcn_small, centernet_small):
    KERAS_MODULES.register(_builder)
del _builder
