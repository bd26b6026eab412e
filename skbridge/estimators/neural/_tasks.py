"""What a network learns: one small task object per kind of target.

The training loop (:mod:`~skbridge.estimators.neural._base`) and the backends
know nothing of labels or targets. A :class:`Task` encodes ``y`` for the
network, says how many outputs the network needs and which loss it trains
with by default, and turns the network's raw outputs back into predictions,
probabilities and a validation metric. Segmentation and detection are tasks
too (:mod:`._dense_tasks`), on the same loop.

Registry: :data:`TASKS` (``"classification"``, ``"regression"``,
``"segmentation"``, ``"detection"``).
"""

import numpy as np
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from ...utils import Registry
from ._dense_tasks import DetectionTask, SegmentationTask
from ._task_base import Task, softmax

__all__ = ["TASKS", "ClassificationTask", "DetectionTask", "RegressionTask", "SegmentationTask",
           "Task"]


class ClassificationTask(Task):
    """Single-label classification: softmax over one logit per class.

    Labels of any type are encoded to ``0 .. n_classes - 1`` (int64); the
    network outputs logits, :meth:`output_to_proba` applies the softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural._tasks import ClassificationTask
    >>> task = ClassificationTask()
    >>> codes, info = task.prepare_y(["cat", "dog", "cat"])
    >>> codes.tolist(), info["classes"].tolist()
    ([0, 1, 0], ['cat', 'dog'])
    >>> task.output_to_prediction(np.array([[0.1, 2.0]], dtype=np.float32)).tolist()
    ['dog']
    """

    name = "classification"
    default_loss = "cross_entropy"
    metric_name = "accuracy"
    stratify = True

    def prepare_y(self, y, classes=None):
        """Encode labels; ``classes`` fixes the label set (``partial_fit``)."""
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self._encoder = LabelEncoder().fit(y if classes is None else np.asarray(classes))
        self.classes_ = self._encoder.classes_
        return self.encode_y(y), {"classes": self.classes_}

    def encode_y(self, y):
        y = column_or_1d(y, warn=True)
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y has labels not seen in the first fit: {unseen[:5].tolist()}; the classes are "
                f"{self.classes_.tolist()[:10]}. Pass classes=[...] to the first partial_fit."
            )
        return self._encoder.transform(y).astype(np.int64)

    def n_outputs(self, info):
        return len(info["classes"])

    def output_to_proba(self, raw):
        return softmax(raw)

    def output_to_log_proba(self, raw):
        z = np.asarray(raw, dtype=np.float64)
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def output_to_prediction(self, raw):
        return self.classes_[np.asarray(raw).argmax(axis=1)]

    def metric(self, y_encoded, raw):
        return float(np.mean(np.asarray(raw).argmax(axis=1) == np.asarray(y_encoded)))


class RegressionTask(Task):
    """Regression with one or more real targets (float32, shape (n, n_outputs)).

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural._tasks import RegressionTask
    >>> task = RegressionTask()
    >>> codes, info = task.prepare_y([1.0, 2.0])
    >>> codes.shape, task.n_outputs(info)
    ((2, 1), 1)
    >>> task.output_to_prediction(codes).tolist()
    [1.0, 2.0]
    """

    name = "regression"
    default_loss = "mse"
    metric_name = "r2"

    def prepare_y(self, y):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        self._one_d = y.ndim == 1
        return self.encode_y(y), {"n_outputs": 1 if y.ndim == 1 else y.shape[1]}

    def encode_y(self, y):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        return np.asarray(y.reshape(len(y), -1), dtype=np.float32)

    def n_outputs(self, info):
        return info["n_outputs"]

    def output_to_prediction(self, raw):
        raw = np.asarray(raw, dtype=np.float64)
        return raw[:, 0] if self._one_d else raw

    def metric(self, y_encoded, raw):
        if len(y_encoded) < 2:
            return float("nan")
        return float(r2_score(y_encoded, raw))


TASKS = Registry("task", base=Task, suffix="Task")
"""Registry of tasks: ``"classification"``, ``"regression"``, ``"segmentation"``,
``"detection"``."""
for _cls in (ClassificationTask, RegressionTask, SegmentationTask, DetectionTask):
    TASKS.register(_cls)
del _cls
