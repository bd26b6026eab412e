"""Optimizers of binarized networks: tf-keras's legacy ones and larq's Bop.

Each entry is a factory ``make(learning_rate) -> optimizer``. The optimizers
are tf-keras's *legacy* classes: larq's :class:`~larq.optimizers.CaseOptimizer`
(what ``"bop"`` builds) only works with those, and the others follow for one
behaviour across the family.
"""

from ...compat import keras as compat_keras
from ...utils import Registry

__all__ = ["OPTIMIZERS", "cosine_schedule"]


def _legacy():
    return compat_keras.tf_keras(purpose="skbridge.estimators.bnn").optimizers.legacy


def adam(learning_rate):
    """Adam (``tf_keras.optimizers.legacy.Adam``) for every weight."""
    return _legacy().Adam(learning_rate=learning_rate)


def sgd(learning_rate):
    """SGD with Nesterov momentum 0.9."""
    return _legacy().SGD(learning_rate=learning_rate, momentum=0.9, nesterov=True)


def rmsprop(learning_rate):
    """RMSprop."""
    return _legacy().RMSprop(learning_rate=learning_rate)


def bop(learning_rate, *, threshold=1e-6, gamma=1e-3):
    """Larq's Bop for the binary weights, Adam at ``learning_rate`` for the others.

    Bop (Helwegen et al., 2019) flips a binary weight's sign when the
    exponential moving average of its gradient (rate ``gamma``) exceeds
    ``threshold`` in the direction of the flip; it keeps no latent real-valued
    weights in the sense of Adam's updates.
    """
    lq = compat_keras.larq(purpose="skbridge.estimators.bnn")
    return lq.optimizers.CaseOptimizer(
        (lq.optimizers.Bop.is_binary_variable,
         lq.optimizers.Bop(threshold=threshold, gamma=gamma)),
        default_optimizer=_legacy().Adam(learning_rate=learning_rate),
    )


OPTIMIZERS = Registry("optimizer", example_args=(1e-3,))
"""Registry of optimizer factories: ``"adam"``, ``"sgd"``, ``"rmsprop"``, ``"bop"``."""
for _factory in (adam, sgd, rmsprop, bop):
    OPTIMIZERS.register(_factory)


def _schedulable(optimizer):
    """The optimizers whose learning rate a schedule sets (not Bop, which has none)."""
    lq = compat_keras.larq(purpose="skbridge.estimators.bnn")
    inner = getattr(optimizer, "optimizers", None)  # larq's CaseOptimizer
    candidates = inner if inner is not None else [optimizer]
    return [opt for opt in candidates if not isinstance(opt, lq.optimizers.Bop)]


def cosine_schedule(learning_rate, start, epochs):
    """A tf-keras callback decaying the learning rate to 0 along a half cosine.

    Epoch ``start + i`` of the fit trains at
    ``learning_rate * (1 + cos(pi * i / epochs)) / 2``; the rate is written to
    the epoch's logs as ``lr``. With larq's ``CaseOptimizer`` (``"bop"``) the
    schedule drives the optimizer of the non-binary weights.

    Parameters
    ----------
    learning_rate : float
        The rate of the first epoch.
    start : int
        Index of the fit's first epoch (epochs trained before it).
    epochs : int
        Epochs of the fit.

    Returns
    -------
    callback : tf_keras.callbacks.Callback
    """
    import math

    tfk = compat_keras.tf_keras(purpose="skbridge.estimators.bnn")

    class CosineSchedule(tfk.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            progress = (epoch - start) / max(epochs, 1)
            self.rate = learning_rate * 0.5 * (1.0 + math.cos(math.pi * progress))
            for optimizer in _schedulable(self.model.optimizer):
                tfk.backend.set_value(optimizer.learning_rate, self.rate)

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs["lr"] = self.rate

    return CosineSchedule()
