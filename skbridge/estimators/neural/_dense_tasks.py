"""The dense tasks: semantic segmentation and object detection, on the same loop.

Both encode their targets into arrays once per ``fit``, so the backends train
on ``(X, y)`` arrays exactly as for classification:

* :class:`SegmentationTask`: masks ``(n, h, w)`` of class labels become class
  indices; the network outputs logits ``(n, h, w, n_classes)``.
* :class:`DetectionTask`: boxes become CenterNet targets ``(n, h/4, w/4,
  n_classes + 5)``: a Gaussian heat map of object centres per class, the box
  size and the sub-pixel offset of the centre at each centre pixel, and a mask
  of the centre pixels. Raw outputs ``(n, h/4, w/4, n_classes + 4)`` decode
  into boxes by peak finding, then class-wise non-maximum suppression (the
  backend's own, in torch or Keras ops).

Raw outputs reach the tasks channels last, from either backend.
"""

import numpy as np
from scipy.ndimage import maximum_filter

from ._architectures import DETECTION_STRIDE
from ._metrics import detection_map_score, mean_iou_score
from ._nms import nms_numpy
from ._targets import check_boxes, check_masks
from ._task_base import Task, softmax

__all__ = ["DetectionTask", "SegmentationTask"]


class SegmentationTask(Task):
    """Per-pixel classification of masks ``(n, h, w)``; classes learned from the masks.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural._dense_tasks import SegmentationTask
    >>> task = SegmentationTask()
    >>> task.input_shape = (2, 2, 1)
    >>> codes, info = task.prepare_y(np.array([[[0, 3], [3, 0]]]))
    >>> info["classes"].tolist(), codes.tolist()
    ([0, 3], [[[0, 1], [1, 0]]])
    """

    name = "segmentation"
    default_loss = "cross_entropy"
    metric_name = "mean_iou"
    dense = True

    def _check(self, y):
        h, w = self.input_shape[:2]
        return check_masks(y, (len(y), h, w))

    def prepare_y(self, y, classes=None):
        """Learn the classes from the masks (or ``classes``) and encode them."""
        masks = self._check(y)
        found = np.unique(masks)
        self.classes_ = found if classes is None else np.unique(np.asarray(classes))
        if len(self.classes_) < 2:
            raise ValueError(
                f"The masks hold a single class ({self.classes_.tolist()}): segmentation needs "
                "at least two (e.g. background 0 and one object class)."
            )
        return self._encode(masks), {"classes": self.classes_}

    def encode_y(self, y):
        return self._encode(self._check(y))

    def _encode(self, masks):
        unseen = np.setdiff1d(np.unique(masks), self.classes_)
        if len(unseen):
            raise ValueError(
                f"The masks hold labels {unseen[:5].tolist()} that the first fit did not see; "
                f"the classes are {self.classes_.tolist()}. Pass classes=[...] to the first "
                f"partial_fit, or refit."
            )
        return np.searchsorted(self.classes_, masks).astype(np.int64)

    def n_outputs(self, info):
        return len(info["classes"])

    def output_to_proba(self, raw):
        return softmax(raw)

    def output_to_prediction(self, raw):
        return self.classes_[np.asarray(raw).argmax(axis=-1)]

    def metric(self, y_encoded, raw):
        return float(mean_iou_score(np.asarray(y_encoded), np.asarray(raw).argmax(axis=-1)))


def _radius(width, height, min_overlap=0.7):
    """Largest shift ``r`` (both axes) keeping a ``width x height`` box's IoU >= min_overlap.

    From ``(w - r)(h - r) >= c w h`` with ``c = 2 t / (1 + t)``: the Gaussian's
    extent, as CenterNet sizes it, so nearby peaks still make good boxes.
    """
    c = 2 * min_overlap / (1 + min_overlap)
    s = width + height
    disc = max(s * s - 4 * width * height * (1 - c), 0.0)
    return max((s - np.sqrt(disc)) / 2, 0.0)


class DetectionTask(Task):
    """Boxes per image as CenterNet targets; decoding with peak finding and NMS.

    Attributes
    ----------
    classes_ : ndarray
        The labels seen in ``fit`` (sorted); heat-map channel ``i`` is
        ``classes_[i]``.
    stride : int
        Output stride of the detection modules (4).
    """

    name = "detection"
    default_loss = "centernet"
    metric_name = "map50"
    dense = True
    stride = DETECTION_STRIDE

    # What output_to_prediction uses in the validation metric; the detector sets them.
    score_threshold, iou_threshold, max_detections, nms = 0.3, 0.5, 100, None

    def _check(self, y):
        if not isinstance(y, (list, tuple)) and hasattr(y, "__len__") and not hasattr(y, "keys"):
            y = list(y)  # an object array or a Series of dicts, as scikit-learn may index y
        return check_boxes(y, len(y), tuple(self.input_shape[:2]))

    def _grid(self):
        h, w = self.input_shape[:2]
        return -(-h // self.stride), -(-w // self.stride)

    def prepare_y(self, y, classes=None):
        """Learn the classes from the labels (or ``classes``) and encode the boxes."""
        targets = self._check(y)
        labels = [t["labels"] for t in targets]
        found = np.unique(np.concatenate(labels)) if labels else np.array([], np.int64)
        self.classes_ = found if classes is None else np.unique(np.asarray(classes))
        if len(self.classes_) == 0:
            raise ValueError("y holds no boxes at all: detection needs some annotated objects.")
        return self._encode(targets), {"classes": self.classes_}

    def encode_y(self, y):
        return self._encode(self._check(y))

    def _encode(self, targets):
        k = len(self.classes_)
        gh, gw = self._grid()
        out = np.zeros((len(targets), gh, gw, k + 5), dtype=np.float32)
        rows, cols = np.arange(gh)[:, None], np.arange(gw)[None, :]
        for i, target in enumerate(targets):
            unseen = np.setdiff1d(target["labels"], self.classes_)
            if len(unseen):
                raise ValueError(
                    f"Image {i} has labels {unseen.tolist()} that the first fit did not see; "
                    f"the classes are {self.classes_.tolist()}. Pass classes=[...] to the "
                    f"first partial_fit, or refit."
                )
            channels = np.searchsorted(self.classes_, target["labels"])
            for (x1, y1, x2, y2), ch in zip(target["boxes"] / self.stride, channels):
                cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
                ix, iy = min(int(cx), gw - 1), min(int(cy), gh - 1)
                sigma = (2 * int(_radius(x2 - x1, y2 - y1)) + 1) / 6
                blob = np.exp(-((cols - ix) ** 2 + (rows - iy) ** 2) / (2 * sigma * sigma))
                np.maximum(out[i, :, :, ch], blob, out=out[i, :, :, ch])
                out[i, iy, ix, k:k + 5] = (x2 - x1, y2 - y1, cx - ix, cy - iy, 1.0)
        return out

    def n_outputs(self, info):
        return len(info["classes"]) + 4

    def output_to_prediction(self, raw, *, score_threshold=0.3, iou_threshold=0.5,
                             max_detections=100, nms=None):
        """Boxes from raw outputs: peaks of the heat maps, then class-wise NMS.

        Parameters
        ----------
        raw : ndarray of shape (n, h/4, w/4, n_classes + 4)
        score_threshold : float
            Peaks below this centre score are dropped.
        iou_threshold : float
            Boxes of one class overlapping a better one by more are suppressed.
        max_detections : int
            At most this many boxes per image, the best first.
        nms : callable, default=None
            ``nms(boxes, scores, labels, iou_threshold) -> kept indices``
            (the backend's); plain numpy when None.

        Returns
        -------
        predictions : list of dict
            ``{"boxes", "labels", "scores"}`` per image.
        """
        raw = np.asarray(raw, dtype=np.float32)
        k = len(self.classes_)
        heat = 1.0 / (1.0 + np.exp(-raw[..., :k]))
        peaks = (heat == maximum_filter(heat, size=(1, 3, 3, 1), mode="constant"))
        peaks &= heat >= score_threshold
        h, w = self.input_shape[:2]
        results = []
        for i in range(len(raw)):
            iy, ix, ch = np.nonzero(peaks[i])
            scores = heat[i, iy, ix, ch]
            order = np.argsort(-scores, kind="stable")[:max(4 * max_detections, 100)]
            iy, ix, ch, scores = iy[order], ix[order], ch[order], scores[order]
            size = np.maximum(raw[i, iy, ix, k:k + 2], 0.0) * self.stride  # never inverted
            cx = (ix + raw[i, iy, ix, k + 2]) * self.stride
            cy = (iy + raw[i, iy, ix, k + 3]) * self.stride
            boxes = np.stack([cx - size[:, 0] / 2, cy - size[:, 1] / 2,
                              cx + size[:, 0] / 2, cy + size[:, 1] / 2], axis=1)
            boxes = np.clip(boxes, 0, [w, h, w, h]).astype(np.float32).reshape(-1, 4)
            if len(boxes):
                keep = (nms or _numpy_nms)(boxes, scores, ch, iou_threshold)
                keep = np.asarray(keep, dtype=np.int64)[:max_detections]
            else:
                keep = np.zeros(0, dtype=np.int64)
            results.append({"boxes": boxes[keep], "labels": self.classes_[ch[keep]],
                            "scores": scores[keep].astype(np.float32)})
        return results

    def decode_targets(self, y_encoded):
        """The boxes an encoded target holds (for the validation metric)."""
        y_encoded = np.asarray(y_encoded)
        k = len(self.classes_)
        targets = []
        for t in y_encoded:
            iy, ix = np.nonzero(t[..., k + 4] > 0.5)
            ch = t[iy, ix, :k].argmax(axis=-1)
            bw, bh, ox, oy = (t[iy, ix, k + j] for j in range(4))
            cx, cy = ix + ox, iy + oy
            boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
            targets.append({"boxes": (boxes * self.stride).astype(np.float32).reshape(-1, 4),
                            "labels": self.classes_[ch]})
        return targets

    def metric(self, y_encoded, raw):
        truth = self.decode_targets(y_encoded)
        if not any(len(t["labels"]) for t in truth):
            return float("nan")
        predictions = self.output_to_prediction(
            raw, score_threshold=self.score_threshold, iou_threshold=self.iou_threshold,
            max_detections=self.max_detections, nms=self.nms)
        return float(detection_map_score(truth, predictions))


def _numpy_nms(boxes, scores, labels, iou_threshold):
    """Class-wise NMS in numpy: boxes of one label only suppress each other."""
    return nms_numpy(boxes, scores, iou_threshold, labels=labels)
