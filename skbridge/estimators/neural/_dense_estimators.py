"""The dense estimators: :class:`NeuralNetSegmenter` and :class:`NeuralNetDetector`.

They share the parameters, the training loop, checkpoints, callbacks and
backends of :class:`~skbridge.estimators.neural.NeuralNetClassifier`; only
their task (:mod:`._dense_tasks`), their defaults (a dense module, smaller
batches) and their outputs differ: masks, or boxes with labels and scores.
"""

from numbers import Integral, Real

import numpy as np

from ...compat import Interval, fit_context
from ._base import BaseNeuralNet
from ._estimators import _PARAMS_DOC
from ._metrics import detection_map_score, mean_iou_score

__all__ = ["NeuralNetDetector", "NeuralNetSegmenter"]

_COMMON = dict(
    module_params=None, backend="torch", loss=None, loss_params=None, optimizer="adam",
    optimizer_params=None, learning_rate=1e-3, lr_schedule=None, lr_schedule_params=None,
    epochs=10, batch_size=16, validation_fraction=0.0, callbacks=None, early_stopping=False,
    early_stopping_patience=5, checkpoint=None, checkpoint_every=None, checkpoint_best=False,
    resume_from=None, device="cpu", verbose=0, warm_start=False, random_state=None,
)


def _doc(module_line, loss_line):
    """The shared parameter documentation with this estimator's defaults."""
    doc = _PARAMS_DOC.replace(
        '    module : str, torch.nn.Module class or instance, or callable, default="mlp"',
        f"    module : str, torch.nn.Module class or instance, or callable, {module_line}",
    ).replace("    batch_size : int, default=128", "    batch_size : int, default=16")
    return doc.replace(
        '        None uses the task\'s loss (``"cross_entropy"`` for classifiers,\n'
        '        ``"mse"`` for regressors); also ``"mae"``, ``"huber"``, or a loss class\n'
        "        of the backend's framework.",
        loss_line,
    )


class _DenseNet(BaseNeuralNet):
    """Shared ``__init__`` body of the dense estimators."""

    def _set_common(self, **params):
        for name, value in params.items():
            setattr(self, name, value)

    def _fit(self, X, y, **kwargs):
        if isinstance(y, np.ndarray) and y.dtype != object and y.ndim == 1 and self._task_name \
                == "segmentation":
            raise ValueError(
                f"{type(self).__name__} needs one mask (h, w) per image as y; got a 1-D y of "
                f"shape {y.shape} (class labels belong to NeuralNetClassifier)."
            )
        return super()._fit(X, y, **kwargs)

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train one more epoch (the first call builds the network).

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c])
        y : masks or list of dict
            As in :meth:`fit`.
        classes : array-like, default=None
            Every class, for the first call when ``y`` may lack some.

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, classes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


class NeuralNetSegmenter(_DenseNet):
    """Semantic segmentation network on PyTorch or Keras 3: images in, masks out.

    ``X`` holds images ``(n, h, w)`` or ``(n, h, w, c)``; ``y`` integer masks
    ``(n, h, w)`` (background 0). The classes are learned from the masks in
    ``fit`` (``classes_``); the network outputs logits per pixel and class
    (``"fcn_small"`` by default, or ``"unet"``). ``score`` is the mean IoU
    over the classes present.

    Examples
    --------
    >>> from skbridge.datasets import make_shapes
    >>> from skbridge.estimators.neural import NeuralNetSegmenter
    >>> X, masks = make_shapes(48, 32, task="segmentation", return_X_y=True, random_state=0)
    >>> seg = NeuralNetSegmenter(module_params={"width": 8}, epochs=2,
    ...                          random_state=0).fit(X, masks)
    >>> seg.predict(X[:2]).shape, seg.classes_.tolist()
    ((2, 32, 32), [0, 1, 2, 3])
    """

    _task_name = "segmentation"

    def __init__(self, *, module="fcn_small", module_params=None, backend="torch", loss=None,
                 loss_params=None, optimizer="adam", optimizer_params=None, learning_rate=1e-3,
                 lr_schedule=None, lr_schedule_params=None, epochs=10, batch_size=16,
                 validation_fraction=0.0, callbacks=None, early_stopping=False,
                 early_stopping_patience=5, checkpoint=None, checkpoint_every=None,
                 checkpoint_best=False, resume_from=None, device="cpu", verbose=0,
                 warm_start=False, random_state=None):
        params = dict(locals())
        del params["self"]
        self._set_common(**params)

    def predict_proba(self, X):
        """Per-pixel class probabilities, the last axis in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c])

        Returns
        -------
        proba : ndarray of shape (n_samples, h, w, n_classes)
        """
        return self._task.output_to_proba(self._predict_raw(X))

    def score(self, X, y, sample_weight=None):
        """Mean IoU of the predicted masks over the classes present.

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c])
        y : array-like of shape (n_samples, h, w)
        sample_weight : None
            Not supported (per-pixel scores have no sample weights).

        Returns
        -------
        score : float
        """
        if sample_weight is not None:
            raise ValueError("NeuralNetSegmenter.score takes no sample_weight.")
        return mean_iou_score(np.asarray(y), self.predict(X))


class NeuralNetDetector(_DenseNet):
    """Object detection network on PyTorch or Keras 3: images in, boxes out.

    ``X`` holds images ``(n, h, w)`` or ``(n, h, w, c)``; ``y`` one dict per
    image, ``{"boxes": (k, 4) float array of x1, y1, x2, y2 in pixels,
    "labels": (k,) int array}`` (torchvision's convention; ``k`` may be 0).
    The default module, ``"centernet_small"``, is a single-stage anchor-free
    detector: a heat map of object centres per class plus box sizes.
    ``predict`` returns the same dicts with ``"scores"``, after class-wise
    non-maximum suppression; ``score`` is the mAP at IoU 0.5 computed by
    pycocotools' COCO evaluation.

    Examples
    --------
    >>> from skbridge.datasets import make_shapes
    >>> from skbridge.estimators.neural import NeuralNetDetector
    >>> X, boxes = make_shapes(48, 32, task="detection", return_X_y=True, random_state=0)
    >>> det = NeuralNetDetector(module_params={"width": 8}, epochs=2, random_state=0)
    >>> sorted(det.fit(X, boxes).predict(X[:1])[0])
    ['boxes', 'labels', 'scores']
    """

    _task_name = "detection"

    _parameter_constraints: dict = {
        **BaseNeuralNet._parameter_constraints,
        "score_threshold": [Interval(Real, 0, 1, closed="both")],
        "iou_threshold": [Interval(Real, 0, 1, closed="both")],
        "max_detections": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, module="centernet_small", module_params=None, backend="torch",
                 loss=None, loss_params=None, optimizer="adam", optimizer_params=None,
                 learning_rate=1e-3, lr_schedule=None, lr_schedule_params=None, epochs=10,
                 batch_size=16, validation_fraction=0.0, callbacks=None, early_stopping=False,
                 early_stopping_patience=5, checkpoint=None, checkpoint_every=None,
                 checkpoint_best=False, resume_from=None, device="cpu", verbose=0,
                 warm_start=False, random_state=None, score_threshold=0.3, iou_threshold=0.5,
                 max_detections=100):
        params = dict(locals())
        del params["self"]
        self._set_common(**params)

    def _run_epochs(self, *args, **kwargs):
        # The validation metric decodes as predict does: this estimator's settings.
        task = self._task
        task.score_threshold, task.iou_threshold = self.score_threshold, self.iou_threshold
        task.max_detections = self.max_detections
        task.nms = self._get_backend().nms  # validation decodes with the backend's NMS
        try:
            return super()._run_epochs(*args, **kwargs)
        finally:
            task.nms = None  # the backend's NMS is not part of the pickled task

    def predict(self, X):
        """Boxes per image: ``{"boxes", "labels", "scores"}``, best first.

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c])

        Returns
        -------
        predictions : list of dict
            ``boxes`` float32 (k, 4) as x1, y1, x2, y2 in pixels, ``labels``
            (k,) from ``classes_``, ``scores`` float32 (k,) in [0, 1].
        """
        raw = self._predict_raw(X)
        return self._task.output_to_prediction(
            raw, score_threshold=self.score_threshold, iou_threshold=self.iou_threshold,
            max_detections=self.max_detections, nms=self._get_backend().nms,
        )

    def score(self, X, y, sample_weight=None):
        """Mean average precision at IoU 0.5 (pycocotools' COCO evaluation).

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c])
        y : list of dict
            The true boxes and labels.
        sample_weight : None
            Not supported.

        Returns
        -------
        score : float
        """
        if sample_weight is not None:
            raise ValueError("NeuralNetDetector.score takes no sample_weight.")
        return detection_map_score(list(y), self.predict(X), iou_threshold=0.5)


NeuralNetSegmenter.__doc__ = NeuralNetSegmenter.__doc__.replace(
    "    Examples\n",
    _doc('default="fcn_small"',
         "        None uses cross-entropy per pixel; ``\"dice\"`` and\n"
         "        ``\"cross_entropy_dice\"`` (their sum) are the alternatives.").rstrip()
    + "\n\n    Examples\n", 1)
NeuralNetDetector.__doc__ = NeuralNetDetector.__doc__.replace(
    "    Examples\n",
    _doc('default="centernet_small"',
         "        None uses CenterNet's loss (``\"centernet\"``: focal loss on the\n"
         "        centre heat maps, L1 on sizes and offsets).").rstrip()
    + """
    score_threshold : float in [0, 1], default=0.3
        Detections whose centre score is below it are dropped.
    iou_threshold : float in [0, 1], default=0.5
        Non-maximum suppression: a box overlapping a better box of the same
        class by more than this IoU is dropped.
    max_detections : int, default=100
        At most this many boxes per image.

    Examples
""", 1)
