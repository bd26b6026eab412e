"""The bit-packed inference engine: binarized tf-keras/larq models compiled to XNOR-popcount.

:meth:`BitpackedModel.from_keras` walks a functional (or sequential) model's
graph once into a flat plan of array operations holding only numpy arrays and
Python values (so it pickles), which :meth:`BitpackedModel.predict_proba` runs
with the compiled kernels of :mod:`._bitpacked_kernels`.

* A *binary* layer (larq ``QuantConv2D`` or ``QuantDense`` with sign input and
  kernel quantizers: ``ste_sign``, ``approx_sign``, ``swish_sign``, all ``sign``
  with ``sign(0) = +1`` in the forward pass) runs on bits packed 64 channels to
  a ``uint64``: a ±1 dot product is ``n - 2 * popcount(x ^ w)``, an exact integer.
* What follows a layer elementwise per channel (bias, batch norm,
  normalization, ReLU, the next sign) stays a pending *chain*. Where a binary
  layer binarizes it, the chain becomes one threshold per channel: every step
  is monotone, so ``sign(chain(y)) = +1`` exactly where ``y >= t`` (``y <= t``
  under a negative batch-norm scale), ``t`` found by bisection over the values
  ``y`` takes with the chain computed in float32 as TensorFlow computes it, so
  Keras's rounding is reproduced. Max pooling before a batch norm pools the
  integers; between binary layers the activations stay packed.
* Float layers (a float-input first layer, QuickNet's stem, transitions and
  head, float twins) are float32 matrix products; softmax, addition and average
  pooling are numpy.

A layer or quantizer the engine does not implement raises a :class:`ValueError`
naming the layer; such models run with ``inference="keras"`` (or ``"lce"``).
"""

import numpy as np

from ...compat import keras as compat_keras

__all__ = ["BitpackedModel"]

_F32 = np.float32


def _unsupported(layer, why):
    return ValueError(
        f"Layer {layer.name!r} ({type(layer).__name__}) cannot be compiled by the bit-packed "
        f"engine: {why}. Use inference='keras' (or inference='lce') for this model."
    )


def _tile_step(step, reps):
    return tuple(np.tile(p, reps) if isinstance(p, np.ndarray) else p for p in step)


def _increasing(chain):
    """Whether every step is non-decreasing (then it commutes with max pooling)."""
    for step in chain:
        if step[0] == "bn" and step[3] is not None and (step[3] < 0).any():
            return False
        if step[0] == "bnu" and (step[1] < 0).any():
            return False
    return True


class _Val:
    """A tensor during compilation: a slot of the plan, plus a pending chain of steps."""

    __slots__ = ("cache", "chain", "kind", "n_in", "shape", "slot")

    def __init__(self, kind, slot, shape, chain=(), n_in=0):
        self.kind, self.slot, self.shape = kind, slot, tuple(int(s) for s in shape)
        self.chain, self.n_in, self.cache = tuple(chain), n_in, {}

    def then(self, *steps):
        return _Val(self.kind, self.slot, self.shape, self.chain + steps, self.n_in)


def _graph(model):
    """``(layer, input keys, output key)`` per call of a layer, inputs before their users."""
    tfk = compat_keras.tf_keras(purpose="The bit-packed engine")
    if not getattr(model, "_is_graph_network", False):
        raise ValueError(
            f"Model {model.name!r} is not a functional or sequential tf-keras model; the "
            f"bit-packed engine cannot walk its layers. Use inference='keras'."
        )
    graph = tfk.Model(model.inputs, model.outputs)  # a sequential model as a functional one
    config = graph.get_config()
    if len(config["input_layers"]) != 1 or len(config["output_layers"]) != 1:
        raise ValueError("The bit-packed engine compiles models with one input and one output.")
    pending = []
    for entry in config["layers"]:
        layer = graph.get_layer(entry["name"])
        if not entry["inbound_nodes"]:
            pending.append((layer, [], (entry["name"], 0, 0)))
        for i, node in enumerate(entry["inbound_nodes"]):
            if not isinstance(node, list):
                raise _unsupported(layer, "its graph node is in an unknown format")
            pending.append((layer, [tuple(ref[:3]) for ref in node], (entry["name"], i, 0)))
    ordered, known = [], set()
    while pending:
        ready = [item for item in pending if all(key in known for key in item[1])]
        if not ready:
            raise ValueError("The model's graph has a cycle or an unreachable input.")
        for item in ready:
            ordered.append(item)
            known.add(item[2])
        pending = [item for item in pending if item[2] not in known]
    return ordered, tuple(config["input_layers"][0]), tuple(config["output_layers"][0])


class _Compiler:
    """Turns the layers of a model into a flat plan of ``(op, in_slots, out_slot, params)``."""

    def __init__(self, kernels):
        self.k = kernels
        self.ops, self.n_slots, self.binary = [], 1, {}
        self.tfk = compat_keras.tf_keras(purpose="The bit-packed engine")
        self.lq = compat_keras.larq(purpose="The bit-packed engine")
        layers, lql, q = self.tfk.layers, self.lq.layers, self.lq.quantizers
        self.sign_quantizers = (q.SteSign, q.ApproxSign, q.SwishSign)
        self.sign_functions = (q.ste_sign, q.approx_sign, q.swish_sign, self.lq.math.sign)
        identity = (layers.InputLayer, layers.Dropout, layers.SpatialDropout1D,
                    layers.SpatialDropout2D, layers.GaussianNoise, layers.GaussianDropout,
                    layers.ActivityRegularization, q.NoOp)
        self.handlers = {
            **dict.fromkeys(identity, lambda layer, vals: vals[0]),
            **dict.fromkeys(self.sign_quantizers, lambda layer, vals: vals[0].then(("sign",))),
            **dict.fromkeys((lql.QuantConv2D, layers.Conv2D, lql.QuantDense, layers.Dense),
                            self.conv),
            layers.BatchNormalization: self.batch_norm,
            layers.Normalization: self.normalization,
            layers.Reshape: self.reshape_layer,
            layers.Flatten: self.flatten,
            layers.MaxPooling2D: self.max_pool,
            layers.Activation: lambda layer, vals: self.activate(layer, vals[0], layer.activation),
            layers.ReLU: self.relu_layer,
            layers.Softmax: self.softmax_layer,
            layers.Add: self.add,
            layers.GlobalAveragePooling2D: self.global_average,
        }

    # -- plan building ------------------------------------------------------------------
    def emit(self, op, ins, *params):
        slot, self.n_slots = self.n_slots, self.n_slots + 1
        self.ops.append((op, tuple(ins), slot, params))
        return slot

    def as_float(self, val):
        """The value as a float32 array (its chain applied)."""
        if val.kind == "float" and not val.chain:
            return val
        if "float" not in val.cache:
            slot = self.emit("chain", [val.slot], *self.k.encode_chain(val.chain, val.shape[-1]))
            val.cache["float"] = _Val("float", slot, val.shape)
        return val.cache["float"]

    def as_bits(self, val):
        """The slot of the value's signs, packed (its chain folded into thresholds)."""
        if "bits" not in val.cache:
            val.cache["bits"] = self.emit("pack", [val.slot], *self.k.thresholds(
                val.chain, val.shape[-1], val.n_in if val.kind == "int" else None))
        return val.cache["bits"]

    def reshape(self, val, shape):
        c_old, c_new = val.shape[-1], shape[-1]
        if c_new == c_old:  # the same rows: nothing to do
            return _Val(val.kind, val.slot, shape, val.chain, val.n_in)
        if val.chain and c_new % c_old:
            val = self.as_float(val)
        chain = tuple(_tile_step(step, c_new // c_old) for step in val.chain)
        return _Val(val.kind, self.emit("reshape", [val.slot], c_new), shape, chain, val.n_in)

    def quantizer(self, layer, attr):
        q = getattr(layer, attr, None)
        if q is None or type(q) is self.lq.quantizers.NoOp:
            return None
        if type(q) in self.sign_quantizers or any(q is f for f in self.sign_functions):
            return "sign"
        name = getattr(q, "__name__", type(q).__name__)
        raise _unsupported(layer, f"its {attr} {name} is not a sign quantizer (ste_sign, "
                                  f"approx_sign, swish_sign)")

    def compile(self, model):
        nodes, input_key, output_key = _graph(model)
        values = {}
        for layer, in_keys, out_key in nodes:
            if out_key == input_key:
                if None in model.input_shape[1:]:
                    raise _unsupported(layer, f"its shape {model.input_shape} is not fixed")
                values[out_key] = _Val("float", 0, model.input_shape[1:])
                continue
            handler = self.handlers.get(type(layer))
            if handler is None:
                raise _unsupported(layer, "this layer type is not implemented")
            if getattr(layer, "compute_dtype", None) not in (None, "float32"):
                raise _unsupported(layer, f"it computes in {layer.compute_dtype}, not float32")
            values[out_key] = handler(layer, [values[key] for key in in_keys])
        return self.as_float(values[output_key])

    # -- layers ---------------------------------------------------------------------------
    def conv(self, layer, vals):
        (val,) = vals
        input_q = self.quantizer(layer, "input_quantizer")
        kernel_q = self.quantizer(layer, "kernel_quantizer")
        kernel = getattr(layer.kernel, "latent_variable", layer.kernel).numpy().astype(_F32)
        dense = kernel.ndim == 2
        if dense:
            kernel, strides, shape, pads = kernel[None, None], (1, 1), val.shape[:-1], (0,) * 4
        else:
            if layer.data_format != "channels_last" or tuple(layer.dilation_rate) != (1, 1) \
                    or getattr(layer, "groups", 1) != 1 or layer.padding not in ("valid", "same"):
                raise _unsupported(layer, "only channels-last, undilated, ungrouped "
                                          "convolutions with 'valid' or 'same' padding run")
            if len(val.shape) != 3:
                raise _unsupported(layer, f"its input has shape {val.shape}")
            strides = tuple(int(s) for s in layer.strides)
            shape, pads = [], []
            for size, k, s in zip(val.shape[:2], kernel.shape[:2], strides):
                out = -(-size // s) if layer.padding == "same" else (size - k) // s + 1
                total = max((out - 1) * s + k - size, 0) if layer.padding == "same" else 0
                shape.append(out)
                pads += [total // 2, total - total // 2]
            pads = tuple(pads)
        kh, kw, cin, cout = kernel.shape
        shape = tuple(shape) + (cout,)
        weights = np.where(kernel >= 0, _F32(1), _F32(-1)) if kernel_q else kernel
        pad_value = float(np.asarray(getattr(layer, "pad_values", 0.0)))
        if input_q:
            val = val.then(("sign",))
        if input_q and kernel_q:
            bits = self.as_bits(val)
            packed = np.ascontiguousarray(
                self.k.pack_bits(weights.transpose(0, 1, 3, 2) < 0).transpose(0, 1, 3, 2))
            if (kh, kw) == (1, 1) and strides == (1, 1):
                slot = self.emit("bdense", [bits], packed[0, 0], cin)
            else:
                if any(pads) and pad_value not in (0.0, 1.0, -1.0):
                    raise _unsupported(layer, f"binary padding with pad_values={pad_value}")
                pad_word = self.k.pack_bits(np.full(cin, pad_value < 0))
                bits_shape = val.shape[:-1] + (packed.shape[2],)
                slot = self.emit("bconv", [bits], bits_shape, packed, cin, strides,
                                 (pads[0], pads[2]), shape[:2], int(pad_value != 0.0), pad_word)
            out = _Val("int", slot, shape, n_in=kh * kw * cin)
        else:
            x = self.as_float(val)
            matrix = weights.reshape(-1, cout)
            slot = self.emit("fconv", [x.slot], x.shape,
                             self.k.PackedSigns(matrix) if kernel_q else matrix, (kh, kw),
                             strides, pads, pad_value)
            out = _Val("float", slot, shape)
        if layer.use_bias:
            out = out.then(("add", layer.bias.numpy().astype(_F32)))
        binary = out.kind == "int"
        out = self.activate(layer, out, layer.activation)
        if binary:  # what Keras outputs: the dot products, plus bias and activation
            self.binary.setdefault(
                layer.name, (out.slot, self.k.encode_chain(out.chain, cout), shape))
        return out

    def activate(self, layer, val, fn):
        name = getattr(fn, "__name__", fn)
        if name in (None, "linear"):
            return val
        if name == "relu":
            return val.then(("relu",))
        if name in ("softmax", "sigmoid", "tanh"):
            x = self.as_float(val)
            return _Val("float", self.emit(name, [x.slot]), val.shape)
        raise _unsupported(layer, f"activation {name!r} is not implemented")

    def relu_layer(self, layer, vals):
        if layer.max_value is not None or float(layer.negative_slope) or float(layer.threshold):
            raise _unsupported(layer, "only the plain ReLU is implemented")
        return vals[0].then(("relu",))

    def softmax_layer(self, layer, vals):
        if layer.axis not in (-1, len(vals[0].shape)):
            raise _unsupported(layer, "softmax runs over the last axis only")
        return self.activate(layer, vals[0], "softmax")

    def batch_norm(self, layer, vals):
        (val,) = vals
        axis = list(np.atleast_1d(layer.axis))
        if axis not in ([-1], [len(val.shape)]) or layer.renorm or layer.virtual_batch_size \
                or layer.adjustment is not None:
            raise _unsupported(layer, "only batch norm over the last axis, without renorm, "
                                      "virtual batches or adjustment, is implemented")
        mean = layer.moving_mean.numpy().astype(_F32)
        var = layer.moving_variance.numpy().astype(_F32)
        gamma = layer.gamma.numpy().astype(_F32) if layer.scale else None
        beta = layer.beta.numpy().astype(_F32) if layer.center else np.zeros_like(mean)
        inv = _F32(1) / np.sqrt(var + _F32(layer.epsilon))
        if getattr(layer, "fused", False):  # TensorFlow's fused kernel: (x - m) * inv, fma
            return val.then(("bn", mean, inv, gamma, beta))
        if gamma is not None:  # tf.nn.batch_normalization
            inv = inv * gamma
        return val.then(("bnu", inv, (beta - mean * inv).astype(_F32)))

    def normalization(self, layer, vals):
        (val,) = vals
        if layer.invert:
            raise _unsupported(layer, "invert=True is not implemented")
        mean = np.asarray(layer.mean, dtype=_F32)
        den = np.maximum(np.sqrt(np.asarray(layer.variance, dtype=_F32)),
                         _F32(self.tfk.backend.epsilon()))
        c = val.shape[-1]
        if mean.ndim <= len(val.shape) + 1 and all(d == 1 for d in mean.shape[:-1]):
            return val.then(("norm", np.broadcast_to(mean.reshape(-1), (c,)).copy(),
                             np.broadcast_to(den.reshape(-1), (c,)).copy()))
        x = self.as_float(val)
        return _Val("float", self.emit("normalize", [x.slot], x.shape, mean, den), val.shape)

    def reshape_layer(self, layer, vals):
        size = int(np.prod(vals[0].shape))
        shape = np.empty(size, dtype=np.uint8).reshape(layer.target_shape).shape
        return self.reshape(vals[0], tuple(shape))

    def flatten(self, layer, vals):
        if getattr(layer, "data_format", "channels_last") != "channels_last":
            raise _unsupported(layer, "only channels-last flattening is implemented")
        return self.reshape(vals[0], (int(np.prod(vals[0].shape)),))

    def max_pool(self, layer, vals):
        (val,) = vals
        if layer.padding != "valid" or layer.data_format != "channels_last":
            raise _unsupported(layer, "only channels-last max pooling with 'valid' padding "
                                      "is implemented")
        if not _increasing(val.chain):
            val = self.as_float(val)
        pool, strides = tuple(layer.pool_size), tuple(layer.strides)
        h, w, c = val.shape
        shape = ((h - pool[0]) // strides[0] + 1, (w - pool[1]) // strides[1] + 1, c)
        slot = self.emit("maxpool", [val.slot], val.shape, pool, strides)
        return _Val(val.kind, slot, shape, val.chain, val.n_in)

    def add(self, layer, vals):
        xs = [self.as_float(val) for val in vals]
        if len({x.shape for x in xs}) != 1:
            raise _unsupported(layer, "broadcasting addition is not implemented")
        return _Val("float", self.emit("add", [x.slot for x in xs], xs[0].shape), xs[0].shape)

    def global_average(self, layer, vals):
        if layer.data_format != "channels_last":
            raise _unsupported(layer, "only channels-last pooling is implemented")
        x = self.as_float(vals[0])
        keepdims = bool(getattr(layer, "keepdims", False))
        shape = (1, 1, x.shape[-1]) if keepdims else (x.shape[-1],)
        return _Val("float", self.emit("gap", [x.slot], x.shape), shape)


def _arrays(obj):
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, _kernels().PackedSigns):
        yield obj.bits
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _arrays(item)


def _kernels():
    from . import _bitpacked_kernels  # numba compiles (or loads its cache) on first use

    return _bitpacked_kernels


class BitpackedModel:
    """A binarized tf-keras/larq model compiled to bit-packed XNOR-popcount inference.

    Build it with :meth:`from_keras`; it keeps only numpy arrays (packed
    weights, per-channel thresholds, float parameters), pickles, and needs
    neither TensorFlow nor larq to predict.

    Attributes
    ----------
    input_shape : tuple of int
        Shape of one sample.
    output_shape : tuple of int
        Shape of one output (``(n_classes,)`` for a classifier).
    binary_layers : list of str
        Names of the layers run on packed bits.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.bnn._architectures import ARCHITECTURES
    >>> model = ARCHITECTURES.make("mlp", None, (16,), 3, hidden_units=(32,))
    >>> engine = BitpackedModel.from_keras(model)
    >>> engine.binary_layers
    ['classes']
    >>> proba = engine.predict_proba(np.random.default_rng(0).normal(size=(4, 16)))
    >>> proba.shape
    (4, 3)
    """

    def __init__(self, ops, n_slots, output_slot, binary, input_shape, output_shape):
        self._ops, self._n_slots, self._output_slot = ops, n_slots, output_slot
        self._binary = binary
        self.input_shape, self.output_shape = tuple(input_shape), tuple(output_shape)
        self._plan = _kernels().fuse(ops, keep={output_slot})
        self._bound = None

    @classmethod
    def from_keras(cls, model):
        """Compile a functional or sequential tf-keras model.

        Parameters
        ----------
        model : tf_keras.Model
            A model of larq and tf-keras layers, e.g. built by an architecture
            of :data:`ARCHITECTURES`.

        Returns
        -------
        BitpackedModel

        Raises
        ------
        ValueError
            If a layer or quantizer cannot be compiled; the message names the layer.
        """
        compiler = _Compiler(_kernels())
        out = compiler.compile(model)
        return cls(compiler.ops, compiler.n_slots, out.slot, compiler.binary,
                   model.input_shape[1:], out.shape)

    binary_layers = property(lambda self: list(self._binary))

    @property
    def nbytes(self):
        """Bytes of the deployable arrays: packed weights, thresholds and float parameters."""
        unique = {id(a): a for op in self._plan for a in _arrays(op[3])}
        return int(sum(a.nbytes for a in unique.values()))

    def _check(self, X):
        X = np.ascontiguousarray(X, dtype=_F32)
        if X.shape[1:] != self.input_shape:
            raise ValueError(f"Expected X of shape (n_samples, *{self.input_shape}): samples of "
                             f"shape {self.input_shape}; got X of shape {X.shape}.")
        return X

    def _run(self, plan, X):
        slots = [None] * self._n_slots
        slots[0] = X
        for fn, ins, out, params in plan:
            slots[out] = fn(*[slots[i] for i in ins], *params)
        return slots

    def _bind(self, ops):
        """The plan with its functions: compiled kernels called directly where inputs are rows."""
        k = _kernels()
        rows = {0} if len(self.input_shape) == 1 else set()
        bound = []
        for name, ins, out, params in ops:
            params = tuple(p.unpack() if isinstance(p, k.PackedSigns) else p for p in params)
            if name in k.ROW_KERNELS and ins[0] in rows:
                bound.append((k.ROW_KERNELS[name], ins, out, params))
            else:
                bound.append((k.OPS[name], ins, out, params))
            if name in k.ROW_KERNELS or name in ("reshape", "gap", "fdense_pack") \
                    or (name == "fconv" and k.is_1x1(*params[2:5])) \
                    or (name in ("softmax", "sigmoid", "tanh") and ins[0] in rows):
                rows.add(out)
        return bound

    def predict_proba(self, X):
        """The model's output (class probabilities for a classifier), as ``model(X)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, *input_shape)

        Returns
        -------
        ndarray of shape (n_samples, *output_shape), float32
        """
        if self._bound is None:
            self._bound = self._bind(self._plan)
        out = self._run(self._bound, self._check(X))[self._output_slot]
        return out.reshape((-1,) + self.output_shape)

    def layer_outputs(self, X):
        """Outputs of the binary layers, as Keras computes them (float32).

        Parameters
        ----------
        X : array-like of shape (n_samples, *input_shape)

        Returns
        -------
        dict
            ``{layer name: array of shape (n_samples, h, w, channels)}``: the ±1
            dot products of every binary layer (plus its bias and activation, if
            any), computed from the packed bits, not by Keras.
        """
        slots = self._run(self._bind(self._ops), self._check(X))
        apply_chain = _kernels().apply_chain
        return {name: apply_chain(slots[slot], *chain).reshape((-1,) + shape)
                for name, (slot, chain, shape) in self._binary.items()}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_bound"] = None
        return state
