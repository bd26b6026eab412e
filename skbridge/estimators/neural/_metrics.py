"""Scores of segmentation masks and detected boxes, the way the field computes them.

* :func:`mean_iou_score`: mean intersection over union of integer masks,
  over the classes present (plain numpy).
* :func:`detection_map_score`: mean average precision of detected boxes at
  one IoU threshold, computed by the reference COCO evaluation
  (``pycocotools``' ``COCOeval``, imported when first called; it comes with
  the ``nn`` extra).
* :data:`mean_iou_scorer` and :data:`map50_scorer`: the two as scikit-learn
  scorers, for ``GridSearchCV(scoring=...)`` and ``cross_validate`` with
  estimators whose ``predict`` returns masks or lists of dicts.

Importing this module loads neither PyTorch nor TensorFlow nor pycocotools.
"""

import contextlib
import io
import math
import warnings
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import make_scorer

from ...compat import import_optional
from ._targets import as_label_array

__all__ = ["detection_map_score", "map50_scorer", "mean_iou_score", "mean_iou_scorer"]


def mean_iou_score(y_true, y_pred, *, labels=None, ignore_background=False):
    """Mean intersection over union of integer masks, over the classes present.

    For each class, IoU = ``|T ∩ P| / |T ∪ P|``, where T and P are the pixels of
    that class in ``y_true`` and ``y_pred``, counted over all the images
    together (not averaged per image); the score is the mean over the classes
    that occur in ``y_true`` or ``y_pred``.

    Parameters
    ----------
    y_true : array-like of shape (n, h, w) or (h, w)
        True masks, integer class ids, background 0.
    y_pred : array-like of the same shape as ``y_true``
        Predicted masks.
    labels : array-like of int, default=None
        Classes to average over (those of them present); all present classes
        when None.
    ignore_background : bool, default=False
        Leave class 0 out of the mean.

    Returns
    -------
    score : float
        In [0, 1]; ``nan`` (with an ``UndefinedMetricWarning``) when no class
        is left to average over (e.g. all background with
        ``ignore_background=True``).

    Raises
    ------
    ValueError
        If the shapes differ (the message names both), or the masks hold
        non-integer or negative values.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural import mean_iou_score
    >>> y_true = np.array([[0, 0], [1, 1]])
    >>> y_pred = np.array([[0, 1], [1, 1]])
    >>> round(mean_iou_score(y_true, y_pred), 4)  # background 1/2, class 1 2/3
    0.5833
    """
    t = as_label_array(y_true, "y_true")
    p = as_label_array(y_pred, "y_pred")
    if t.shape != p.shape or t.ndim not in (2, 3):
        raise ValueError(
            f"y_true has shape {t.shape} and y_pred has shape {p.shape}; both must be masks "
            "of one shape, (n, h, w) or (h, w)."
        )
    present, inverse = np.unique(np.concatenate([t.ravel(), p.ravel()]), return_inverse=True)
    k = len(present)
    t_idx, p_idx = inverse[: t.size], inverse[t.size:]
    confusion = np.bincount(t_idx * k + p_idx, minlength=k * k).reshape(k, k)
    intersection = np.diag(confusion).astype(np.float64)
    union = confusion.sum(axis=0) + confusion.sum(axis=1) - intersection
    keep = np.ones(k, dtype=bool)
    if labels is not None:
        keep &= np.isin(present, as_label_array(np.ravel(labels), "labels"))
    if ignore_background:
        keep &= present != 0
    if not keep.any():
        warnings.warn(
            "mean_iou_score is undefined: no class (after `labels` and `ignore_background`) "
            "occurs in y_true or y_pred; returning nan.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return float("nan")
    return float(np.mean(intersection[keep] / union[keep]))


def _as_detections(y, name, *, with_scores):
    keys = ("boxes", "labels", "scores") if with_scores else ("boxes", "labels")
    if isinstance(y, (str, bytes, Mapping, np.ndarray)) or not isinstance(y, Sequence):
        raise ValueError(
            f"{name} must be a list with one dict per image, with keys {list(keys)}; got "
            f"{type(y).__name__}."
        )
    out = []
    for i, target in enumerate(y):
        if not isinstance(target, Mapping) or any(key not in target for key in keys):
            got = list(target) if isinstance(target, Mapping) else type(target).__name__
            raise ValueError(
                f"{name}[{i}] must be a dict with keys {list(keys)} (boxes as x1, y1, x2, y2 "
                f"in pixels); got {got}."
            )
        boxes = np.asarray(target["boxes"], dtype=np.float64)
        boxes = boxes.reshape(0, 4) if boxes.size == 0 else boxes
        k = len(boxes)
        if boxes.ndim != 2 or boxes.shape[1] != 4 or not np.all(np.isfinite(boxes)):
            raise ValueError(
                f"{name}[{i}]['boxes'] must be a finite (k, 4) array of x1, y1, x2, y2; got "
                f"shape {boxes.shape}."
            )
        if np.any(boxes[:, 2] < boxes[:, 0]) or np.any(boxes[:, 3] < boxes[:, 1]):
            raise ValueError(
                f"{name}[{i}]['boxes'] has a box with x2 < x1 or y2 < y1; boxes are x1, y1, "
                "x2, y2 (corners), not x, y, w, h."
            )
        labels = as_label_array(np.ravel(target["labels"]), f"{name}[{i}]['labels']")
        entry = {"boxes": boxes, "labels": labels}
        if with_scores:
            entry["scores"] = np.asarray(target["scores"], dtype=np.float64).ravel()
            if not np.all(np.isfinite(entry["scores"])):
                raise ValueError(f"{name}[{i}]['scores'] contains NaN or infinite values.")
        for key, value in entry.items():
            if len(value) != k:
                raise ValueError(
                    f"{name}[{i}] has {k} boxes but {len(value)} {key}; give one per box."
                )
        out.append(entry)
    return out


def detection_map_score(y_true, y_pred, *, iou_threshold=0.5):
    """Mean average precision of detected boxes at one IoU threshold (COCO evaluation).

    The targets and predictions are converted to COCO's format in memory
    (boxes to ``x, y, w, h``) and scored by ``pycocotools``' ``COCOeval``
    (``iouType="bbox"``) with the single IoU threshold, the area range
    "all" and no cap on detections per image: per class, precision is
    interpolated at COCO's 101 recall points and averaged; the score is the
    mean over the classes that have ground truth (a class only predicted is
    ignored, as COCO does). With ``iou_threshold=0.5`` this is mAP@0.5
    (PASCAL VOC's threshold, COCO's interpolation).

    Parameters
    ----------
    y_true : list of dict
        One dict per image: ``"boxes"`` (k, 4) as x1, y1, x2, y2 in pixels
        and ``"labels"`` (k,) integer class ids; k may be 0.
    y_pred : list of dict
        One dict per image, in the same order: ``"boxes"``, ``"labels"`` and
        ``"scores"`` (k,).
    iou_threshold : float, default=0.5
        IoU at or above which a detection matches a ground-truth box, in
        (0, 1].

    Returns
    -------
    score : float
        In [0, 1], rounded to 12 decimals (so that a perfect prediction scores
        exactly 1.0); 0.0 when there are no predictions at all, ``nan`` (with
        an ``UndefinedMetricWarning``) when there is no ground-truth box at
        all.

    Raises
    ------
    ValueError
        If the lists differ in length, a dict lacks a key, or boxes, labels
        and scores are malformed (the message names the image).

    Examples
    --------
    >>> from skbridge.estimators.neural import detection_map_score
    >>> y_true = [{"boxes": [[0, 0, 10, 10]], "labels": [1]}]
    >>> y_pred = [{"boxes": [[0, 0, 10, 10]], "labels": [1], "scores": [0.9]}]
    >>> detection_map_score(y_true, y_pred)
    1.0
    """
    if (not isinstance(iou_threshold, Real) or isinstance(iou_threshold, bool)
            or not 0 < iou_threshold <= 1):
        raise ValueError(f"iou_threshold must be a number in (0, 1]; got {iou_threshold!r}.")
    truth = _as_detections(y_true, "y_true", with_scores=False)
    preds = _as_detections(y_pred, "y_pred", with_scores=True)
    if len(truth) != len(preds):
        raise ValueError(
            f"y_true has {len(truth)} images but y_pred has {len(preds)}; give one dict per "
            "image in both, in the same order."
        )
    if sum(len(t["labels"]) for t in truth) == 0:
        warnings.warn(
            "detection_map_score is undefined without ground-truth boxes; returning nan.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return float("nan")
    n_max = max(len(p["labels"]) for p in preds)
    if n_max == 0:
        return 0.0
    coco_mod = import_optional("pycocotools.coco", extra="nn", purpose="detection_map_score")
    eval_mod = import_optional("pycocotools.cocoeval", extra="nn",
                               purpose="detection_map_score")
    categories = sorted({int(c) for d in truth + preds for c in d["labels"]})
    dataset = {
        "images": [{"id": i + 1} for i in range(len(truth))],
        "categories": [{"id": c} for c in categories],
        "annotations": [
            {"id": a + 1, **ann} for a, ann in enumerate(_coco_annotations(truth))
        ],
    }
    detections = list(_coco_annotations(preds))
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its progress
        gt = coco_mod.COCO()
        gt.dataset = dataset
        gt.createIndex()
        dt = gt.loadRes(detections)
        evaluation = eval_mod.COCOeval(gt, dt, iouType="bbox")
        params = evaluation.params
        params.iouThrs = np.array([float(iou_threshold)])
        params.areaRng = [[0.0, 1e10]]
        params.areaRngLbl = ["all"]
        params.maxDets = [1, 10, max(1000, n_max)]
        evaluation.evaluate()
        evaluation.accumulate()
    # COCO's summary AP (``stats[0]`` of ``summarize``, whose maxDets is fixed at 100) at
    # our maxDets: the mean of the interpolated precisions [threshold, recall, class, area
    # "all", maxDets[-1]] that are defined (-1 marks a class without ground truth). Rounded
    # to 12 decimals: COCO divides by tp + fp + eps, so a perfect score would be 1 - 2e-16.
    precision = evaluation.eval["precision"][:, :, :, 0, -1]
    defined = precision[precision > -1]
    return round(float(np.mean(defined)), 12) if defined.size else math.nan


def _coco_annotations(targets):
    """COCO annotation dicts (bbox as x, y, w, h) of per-image dicts; image ids from 1."""
    for i, target in enumerate(targets):
        boxes = target["boxes"]
        xywh = np.column_stack([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]])
        scores = target.get("scores")
        for j, (box, label) in enumerate(zip(xywh.tolist(), target["labels"].tolist())):
            ann = {"image_id": i + 1, "category_id": int(label), "bbox": box,
                   "area": box[2] * box[3], "iscrowd": 0}
            if scores is not None:
                ann["score"] = float(scores[j])
            yield ann


mean_iou_scorer = make_scorer(mean_iou_score)
"""Scorer of :func:`mean_iou_score` (greater is better), for ``scoring=``."""

map50_scorer = make_scorer(detection_map_score)
"""Scorer of :func:`detection_map_score` at IoU 0.5 (greater is better), for ``scoring=``."""
