"""The base of the tasks: what the loop asks of a kind of target."""

import numpy as np

__all__ = ["Task", "softmax"]


def softmax(raw):
    """Softmax over the last axis (classes), in float64.

    Parameters
    ----------
    raw : array-like of shape (..., n_classes)
        Logits: ``(n, n_classes)`` for classifiers, ``(n, h, w, n_classes)`` per pixel.

    Returns
    -------
    proba : ndarray of the same shape
    """
    z = np.asarray(raw, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


class Task:
    """Base of the tasks: encode targets, decode raw network outputs.

    A task is created per ``fit`` and keeps what it learned from ``y``
    (e.g. ``classes_``); it is plain Python and pickles with the estimator.

    Attributes
    ----------
    name : str
        Registry key.
    default_loss : str
        Loss used when the estimator's ``loss`` is None (a name both backends
        know: ``"cross_entropy"``, ``"mse"``, ...).
    metric_name : str
        Name of :meth:`metric` in ``history_`` (``"valid_<metric_name>"``).
    stratify : bool
        Whether validation splits are stratified by the encoded target.
    dense : bool
        Whether targets are images themselves (masks, boxes): ``y`` is then
        validated by the task against ``input_shape``, not as a table.
    input_shape : tuple of int
        Shape of one sample, set by the estimator before :meth:`prepare_y`.
    """

    name = None
    default_loss = None
    metric_name = None
    stratify = False
    dense = False
    input_shape = None

    def prepare_y(self, y):
        """Learn the encoding from ``y`` and encode it.

        Returns
        -------
        y_encoded : ndarray
        info : dict
            What was learned, e.g. ``{"classes": ...}``.
        """
        raise NotImplementedError

    def encode_y(self, y):
        """Encode ``y`` with the encoding learned by :meth:`prepare_y`."""
        raise NotImplementedError

    def n_outputs(self, info):
        """Width of the network's output layer."""
        raise NotImplementedError

    def output_to_prediction(self, raw):
        """Predictions from raw outputs of shape (n, n_outputs)."""
        raise NotImplementedError

    def output_to_proba(self, raw):
        """Probabilities from raw outputs (classification tasks only)."""
        raise AttributeError(f"The {self.name} task has no probabilities.")

    def output_to_log_proba(self, raw):
        """Log-probabilities from raw outputs (classification tasks only)."""
        raise AttributeError(f"The {self.name} task has no probabilities.")

    def metric(self, y_encoded, raw):
        """Validation metric (higher is better) of raw outputs against encoded ``y``."""
        raise NotImplementedError
