"""The Keras 3 backend of the neural engine (Keras on TensorFlow).

:class:`KerasBackend` implements the backend interface documented in
:class:`skbridge.estimators.neural._base.Backend` with a compiled
:class:`keras.Model`. Keras and TensorFlow are reached only through
:mod:`skbridge.compat.keras` (which keeps tf-keras usable for larq in the same
process).

An epoch is one pass of ``model.train_on_batch`` over the batches in the order
of the loop's ``rng.permutation``: the model's compiled train step, without
``model.fit``'s fixed cost per call (a new data pipeline and callbacks), which
the loop would pay once per epoch. Dropout's seed generators are reseeded from
the same ``rng`` at the start of each epoch, so an epoch depends only on the
weights, the optimizer state and ``(seed, epoch)``: resuming from a checkpoint
repeats an uninterrupted run exactly on CPU. ``jit_compile="auto"`` is Keras's
default: XLA on a GPU, plain TensorFlow graphs on CPU.

Registries: :data:`KERAS_OPTIMIZERS` and :data:`KERAS_LOSSES`, with the same
names and (torch-style) parameter names as the torch backend's.
"""

import numpy as np

from ...compat.keras import keras3, resolve_device, seeded_keras_rng
from ...utils import Registry
from ._data import iter_batches, iter_eval_batches
from ._keras_dense import centernet, cross_entropy_dice, dice
from ._keras_modules import make_model
from ._nms import nms_keras

__all__ = ["KERAS_LOSSES", "KERAS_OPTIMIZERS", "KerasBackend"]

_PURPOSE = "skbridge.estimators.neural (backend='keras')"


def _keras():
    return keras3(purpose=_PURPOSE)


# -- optimizers: torch's parameter names (and defaults), Keras's accepted too --------------

def _optimizer(cls_name, learning_rate, params, defaults, renames):
    keras = _keras()
    params = dict(params)
    if "betas" in params:
        params["beta_1"], params["beta_2"] = (float(b) for b in params.pop("betas"))
    for torch_name, keras_name in renames.items():
        if torch_name in params:
            params[keras_name] = params.pop(torch_name)
    if not params.get("weight_decay"):
        params.pop("weight_decay", None)
    params = {**defaults, **params}
    cls = getattr(keras.optimizers, cls_name)
    try:
        return cls(learning_rate=float(learning_rate), **params)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Bad optimizer_params {sorted(params)} for the keras optimizer {cls_name}: {exc}"
        ) from exc


def adam(learning_rate, **params):
    """Adam (torch's defaults: ``betas=(0.9, 0.999)``, ``eps=1e-8``).

    ``weight_decay`` is decoupled on Keras (as AdamW), coupled (L2) on torch.
    """
    return _optimizer("Adam", learning_rate, params, {"epsilon": 1e-8}, {"eps": "epsilon"})


def adamw(learning_rate, **params):
    """AdamW (torch's defaults: ``eps=1e-8``, ``weight_decay=0.01``)."""
    params.setdefault("weight_decay", 0.01)
    return _optimizer("AdamW", learning_rate, params, {"epsilon": 1e-8}, {"eps": "epsilon"})


def sgd(learning_rate, **params):
    """SGD (``momentum=0``, ``nesterov=False`` by default, as torch)."""
    return _optimizer("SGD", learning_rate, params, {}, {})


def rmsprop(learning_rate, **params):
    """RMSprop (torch's defaults: ``alpha=0.99`` (Keras's ``rho``), ``eps=1e-8``)."""
    return _optimizer("RMSprop", learning_rate, params, {"rho": 0.99, "epsilon": 1e-8},
                      {"alpha": "rho", "eps": "epsilon"})


def adagrad(learning_rate, **params):
    """Adagrad (torch's defaults: ``initial_accumulator_value=0``, ``eps=1e-10``)."""
    return _optimizer("Adagrad", learning_rate, params,
                      {"initial_accumulator_value": 0.0, "epsilon": 1e-10}, {"eps": "epsilon"})


def make_optimizer(optimizer, learning_rate, optimizer_params=None):
    """A Keras optimizer from a name, a Keras optimizer class or a factory.

    Parameters
    ----------
    optimizer : str or type or callable
        A key of :data:`KERAS_OPTIMIZERS`, a subclass of
        ``keras.optimizers.Optimizer`` (called with ``learning_rate=`` and
        the params), or a function ``(learning_rate, **params)``.
    learning_rate : float
    optimizer_params : dict, default=None

    Returns
    -------
    optimizer : keras.optimizers.Optimizer
    """
    keras = _keras()
    params = dict(optimizer_params or {})
    if isinstance(optimizer, str):
        return KERAS_OPTIMIZERS.make(optimizer, params, learning_rate)
    if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer):
        return optimizer(learning_rate=float(learning_rate), **params)
    if callable(optimizer) and not isinstance(optimizer, type):
        made = optimizer(learning_rate, **params)
        if isinstance(made, keras.optimizers.Optimizer):
            return made
    raise TypeError(
        f"On the Keras backend, optimizer must be a name among {KERAS_OPTIMIZERS.options} or a "
        f"keras.optimizers.Optimizer subclass; got {optimizer!r}."
    )


# -- losses --------------------------------------------------------------------------------

def cross_entropy(label_smoothing=0.0, ignore_index=None):
    """Softmax cross-entropy on logits and integer labels (torch's ``CrossEntropyLoss``)."""
    keras = _keras()
    if label_smoothing:
        return _SmoothedCrossEntropy(float(label_smoothing))
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ignore_index)


class _SmoothedCrossEntropy:
    """Cross-entropy with torch's label smoothing (uniform mass over the classes)."""

    def __init__(self, smoothing):
        self.smoothing = smoothing
        self._loss = _keras().losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=smoothing)

    def __call__(self, y_true, y_pred):
        ops = _keras().ops
        depth = ops.shape(y_pred)[-1]
        labels = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), depth)
        return self._loss(labels, y_pred)


def mse():
    """Mean squared error."""
    return _keras().losses.MeanSquaredError()


def l1():
    """Mean absolute error (torch's ``L1Loss``)."""
    return _keras().losses.MeanAbsoluteError()


def huber(delta=1.0):
    """Huber loss."""
    return _keras().losses.Huber(delta=float(delta))


def smooth_l1(beta=1.0):
    """The Huber loss with ``delta=beta``, divided by ``beta`` (torch's ``SmoothL1Loss``).

    Notes
    -----
    With ``beta=1`` it is exactly the Huber loss.
    """
    beta = float(beta)
    loss = _keras().losses.Huber(delta=beta)
    return loss if beta == 1.0 else (lambda y_true, y_pred: loss(y_true, y_pred) / beta)


def nll():
    """Negative log-likelihood of log-probability outputs and integer labels."""
    def nll_loss(y_true, y_pred):
        ops = _keras().ops
        labels = ops.cast(ops.reshape(y_true, (-1, 1)), "int32")
        return -ops.mean(ops.take_along_axis(y_pred, labels, axis=1))
    return nll_loss


def bce_with_logits():
    """Binary cross-entropy on logits (torch's ``BCEWithLogitsLoss``)."""
    return _keras().losses.BinaryCrossentropy(from_logits=True)


def make_loss(loss, loss_params=None):
    """A Keras loss from a name, a Keras loss class, or a callable ``(y_true, y_pred)``."""
    keras = _keras()
    params = dict(loss_params or {})
    if isinstance(loss, str):
        return KERAS_LOSSES.make(loss, params)
    if isinstance(loss, type) and issubclass(loss, keras.losses.Loss):
        return loss(**params)
    if callable(loss) and not isinstance(loss, type):
        if params:
            raise ValueError(f"The loss {loss!r} is a function; it takes no loss_params.")
        return loss
    raise TypeError(
        f"On the Keras backend, loss must be a name among {KERAS_LOSSES.options}, a "
        f"keras.losses.Loss subclass or a function (y_true, y_pred); got {loss!r}."
    )


# -- the backend ---------------------------------------------------------------------------

def _key(i, variable):
    return f"{i:04d}.{variable.path.replace('/', '.')}"


class KerasBackend:
    """Train, evaluate and predict with a Keras 3 model (see ``_base.Backend``).

    Parameters
    ----------
    params : dict
        The estimator's ``get_params(deep=False)``.
    """

    name = "keras"

    def __init__(self, params):
        self.params = dict(params)

    # -- building ----------------------------------------------------------------------

    def build(self, input_shape, n_outputs, task, seed):
        keras = _keras()
        p = self.params
        self.task = task
        self.device = resolve_device(p["device"])
        with keras.device(self.device), seeded_keras_rng(int(seed)):
            self.model = make_model(p["module"], input_shape, n_outputs, p["module_params"])
            self.loss_fn = make_loss(p["loss"] or task.default_loss, p["loss_params"])
            self.optimizer = make_optimizer(p["optimizer"], p["learning_rate"],
                                            p["optimizer_params"])
            self.model.compile(optimizer=self.optimizer, loss=self.loss_fn, jit_compile="auto")
            self.optimizer.build(self.model.trainable_variables)
        weights = {id(v) for v in self.model.weights}
        self._seed_states = [v for v in self.model.variables if id(v) not in weights]
        return self

    @property
    def module(self):
        """The network (alias of ``model``)."""
        return self.model

    # -- training ----------------------------------------------------------------------

    def _reseed(self, rng):
        """Seed every seed generator (dropout, noise layers) from ``rng``."""
        for state in self._seed_states:
            seed = int(rng.integers(1, 2**31 - 1))
            state.assign(np.array([seed, 0], dtype=state.dtype))

    def train_epoch(self, X, y, batch_size, rng):
        keras = _keras()
        model = self.model
        n = len(X)
        total = 0.0
        with keras.device(self.device):
            self._reseed(rng)
            for Xb, yb in iter_batches(X, y, batch_size, shuffle=True, rng=rng):
                total += float(model.train_on_batch(Xb, yb)) * len(Xb)
        return {"loss": total / max(n, 1)}

    def end_fit(self):
        """Nothing to drop: batches are sliced from the arrays the loop holds."""

    def _forward(self, X, y, batch_size):
        """``(raw outputs, loss sum)`` batch by batch (the loss only with ``y``)."""
        ops = _keras().ops
        outputs, total = [], 0.0
        with _keras().device(self.device):
            for Xb, yb in iter_eval_batches(X, y, batch_size):
                out = np.asarray(self.model.predict_on_batch(Xb))
                outputs.append(out)
                if yb is not None:  # a user's loss may return one value per sample
                    total += float(np.mean(ops.convert_to_numpy(self.loss_fn(yb, out)))) * len(Xb)
        if not outputs:
            return np.empty((0, self.model.output_shape[-1]), dtype=np.float32), total
        return np.concatenate(outputs).astype(np.float32, copy=False), total

    def evaluate(self, X, y, batch_size):
        raw, total = self._forward(X, y, batch_size)
        return {"loss": total / max(len(X), 1), self.task.metric_name: self.task.metric(y, raw)}

    def predict_raw(self, X, batch_size):
        return self._forward(X, None, batch_size)[0]

    def nms(self, boxes, scores, labels, iou_threshold):
        """Class-wise non-maximum suppression in Keras ops."""
        with _keras().device(self.device):
            return nms_keras(boxes, scores, iou_threshold, labels=labels)

    # -- state -------------------------------------------------------------------------

    def current_lr(self):
        return float(np.asarray(self.optimizer.learning_rate))

    def set_lr(self, lr):
        self.optimizer.learning_rate.assign(float(lr))

    def get_state(self):
        weights = {_key(i, v): np.array(v.numpy()) for i, v in enumerate(self.model.weights)}
        variables = {_key(i, v): np.array(v.numpy())
                     for i, v in enumerate(self.optimizer.variables)}
        return {"weights": weights,
                "optimizer": {"class": type(self.optimizer).__name__, "variables": variables}}

    def set_state(self, state):
        _assign(self.model.weights, state["weights"], "weights")
        optimizer = state.get("optimizer")
        if optimizer:
            _assign(self.optimizer.variables, optimizer["variables"], "optimizer variables")


def _assign(variables, saved, what):
    """Assign saved arrays (keyed ``"NNNN.path"``) to ``variables`` in order."""
    keys = sorted(saved, key=lambda k: int(str(k).split(".", 1)[0]))
    if len(keys) != len(variables):
        raise ValueError(
            f"The saved state has {len(keys)} {what} but the model has {len(variables)}: it "
            f"was saved from another network (module, module_params or optimizer differ)."
        )
    for key, variable in zip(keys, variables):
        value = np.asarray(saved[key])
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"The saved {what} {key!r} has shape {value.shape}, but the model's "
                f"{variable.path!r} has shape {tuple(variable.shape)}: it was saved from "
                f"another network."
            )
        variable.assign(value.astype(variable.dtype, copy=False))


def _example_optimizer_args():
    return (1e-3,)


KERAS_OPTIMIZERS = Registry("keras optimizer", example_args=_example_optimizer_args)
"""Registry of Keras optimizers: ``adam``, ``adamw``, ``sgd``, ``rmsprop``, ``adagrad``."""
for _factory in (adam, adamw, sgd, rmsprop, adagrad):
    KERAS_OPTIMIZERS.register(_factory)

KERAS_LOSSES = Registry("keras loss")
"""Registry of Keras losses: ``cross_entropy``, ``mse``, ``mae`` (``l1``), ``huber``,
``smooth_l1``, ``nll``, ``bce_with_logits``; ``dice``, ``cross_entropy_dice`` and
``centernet`` for the dense tasks."""
for _factory in (cross_entropy, mse, huber, smooth_l1, nll, bce_with_logits):
    KERAS_LOSSES.register(_factory)
KERAS_LOSSES.register(l1, synonyms=("mae",))
for _factory in (dice, cross_entropy_dice, centernet):
    KERAS_LOSSES.register(_factory)
del _factory
