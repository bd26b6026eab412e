"""Non-maximum suppression in numpy, PyTorch and Keras 3, written here.

torchvision's ``nms`` is not an option on these machines (its wheels for the
installed torch are CUDA builds whose operator fails to load beside the CPU
torch), so the detector's post-processing uses these. All three give the same
result, that of the greedy reference :func:`nms_numpy`:

1. order the boxes by descending score (equal scores keep their index order);
2. keep the first box left, and drop every later box whose IoU with it is
   *greater than* ``iou_threshold`` (torchvision's rule); repeat.

With ``labels``, suppression is class-wise: boxes of different labels never
suppress each other (the pairwise IoU is masked by label equality, which is
exact, unlike the coordinate-offset trick in float32).

* :func:`box_iou`: pairwise IoU of two sets of ``x1, y1, x2, y2`` boxes.
* :func:`nms_numpy`: the reference.
* :func:`nms_torch`: tensors in (CPU or CUDA), kept indices out, as a tensor
  on the same device; the IoU matrix and the greedy pass stay on the device.
* :func:`nms_keras`: the IoU matrix with ``keras.ops`` (Keras 3 on
  TensorFlow), the greedy pass in numpy; a numpy array out.

Importing this module loads neither framework: :func:`nms_torch` and
:func:`nms_keras` import theirs when called.
"""

from numbers import Real

import numpy as np

from ...compat.keras import keras3
from ...compat.torch import require_torch

__all__ = ["box_iou", "nms_keras", "nms_numpy", "nms_torch"]


def _check_threshold(iou_threshold):
    if (not isinstance(iou_threshold, Real) or isinstance(iou_threshold, bool)
            or not np.isfinite(iou_threshold)):
        raise ValueError(f"iou_threshold must be a finite number; got {iou_threshold!r}.")
    return float(iou_threshold)


def _check_shapes(boxes_shape, scores_shape, labels_shape=None):
    boxes_shape, scores_shape = tuple(boxes_shape), tuple(scores_shape)
    if len(boxes_shape) != 2 or boxes_shape[1] != 4:
        raise ValueError(f"boxes must have shape (n, 4) as x1, y1, x2, y2; got {boxes_shape}.")
    if scores_shape != boxes_shape[:1]:
        raise ValueError(
            f"scores must have shape (n,) = {boxes_shape[:1]}, one per box; got {scores_shape}."
        )
    if labels_shape is not None and tuple(labels_shape) != boxes_shape[:1]:
        raise ValueError(
            f"labels must have shape (n,) = {boxes_shape[:1]}, one per box; got "
            f"{tuple(labels_shape)}."
        )


def box_iou(a, b):
    """Pairwise intersection over union of two sets of boxes.

    Parameters
    ----------
    a : array-like of shape (n, 4)
        Boxes as ``x1, y1, x2, y2``.
    b : array-like of shape (m, 4)
        Boxes as ``x1, y1, x2, y2``.

    Returns
    -------
    iou : ndarray of shape (n, m), dtype float64
        0 where both boxes are empty (zero union).

    Examples
    --------
    >>> from skbridge.estimators.neural import box_iou
    >>> box_iou([[0, 0, 2, 2]], [[1, 0, 3, 2], [5, 5, 6, 6]]).round(4).tolist()
    [[0.3333, 0.0]]
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2])
                - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3])
                - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _greedy_keep(over):
    """Greedy pass on ``over[i, j]`` = "box i (ranked earlier) suppresses box j", j > i."""
    removed = np.zeros(len(over), dtype=bool)
    for i in range(len(over)):
        if not removed[i]:
            removed |= over[i]
    return ~removed


def nms_numpy(boxes, scores, iou_threshold, *, labels=None):
    """Greedy non-maximum suppression (the reference implementation).

    Parameters
    ----------
    boxes : array-like of shape (n, 4)
        Boxes as ``x1, y1, x2, y2``.
    scores : array-like of shape (n,)
        Their scores (finite).
    iou_threshold : float
        A box is dropped when its IoU with a kept, higher-ranked box is
        greater than this.
    labels : array-like of shape (n,), default=None
        Class of each box; boxes of different classes never suppress each
        other. All boxes compete when None.

    Returns
    -------
    keep : ndarray of shape (n_kept,), dtype int64
        Indices of the kept boxes, by descending score (ties by index).

    Examples
    --------
    >>> from skbridge.estimators.neural import nms_numpy
    >>> boxes = [[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]]
    >>> nms_numpy(boxes, [0.5, 0.9, 0.7], 0.5).tolist()
    [1, 2]
    """
    threshold = _check_threshold(iou_threshold)
    boxes = np.asarray(boxes, dtype=np.float64)
    boxes = boxes.reshape(0, 4) if boxes.size == 0 else boxes
    scores = np.asarray(scores, dtype=np.float64)
    _check_shapes(boxes.shape, scores.shape, None if labels is None else np.shape(labels))
    if not (np.all(np.isfinite(boxes)) and np.all(np.isfinite(scores))):
        raise ValueError("boxes and scores must be finite (no NaN or infinity).")
    order = np.argsort(-scores, kind="stable")
    boxes = boxes[order]
    over = box_iou(boxes, boxes) > threshold
    if labels is not None:
        labels = np.asarray(labels)[order]
        over &= labels[:, None] == labels[None, :]
    over = np.triu(over, k=1)
    return order[_greedy_keep(over)].astype(np.int64)


def _pairwise_iou(ops, boxes, clip0):
    """IoU matrix of (n, 4) boxes with an array namespace offering minimum/maximum/where.

    ``clip0`` clips at 0 from below (``clamp(min=0)`` in torch, ``relu`` in Keras).
    """
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    area = (x2 - x1) * (y2 - y1)
    w = clip0(ops.minimum(x2[:, None], x2[None, :]) - ops.maximum(x1[:, None], x1[None, :]))
    h = clip0(ops.minimum(y2[:, None], y2[None, :]) - ops.maximum(y1[:, None], y1[None, :]))
    inter = w * h
    union = area[:, None] + area[None, :] - inter
    safe = ops.where(union > 0, union, ops.ones_like(union))
    return ops.where(union > 0, inter / safe, ops.zeros_like(inter))


def nms_torch(boxes, scores, iou_threshold, *, labels=None):
    """Greedy non-maximum suppression on torch tensors (CPU or CUDA).

    Same result as :func:`nms_numpy`. The pairwise IoU matrix is computed in
    one vectorised step and the greedy pass runs on the tensors' device
    without synchronising with the host (one small update per box).

    Parameters
    ----------
    boxes : torch.Tensor of shape (n, 4)
        Boxes as ``x1, y1, x2, y2`` (floating point).
    scores : torch.Tensor of shape (n,)
        Their scores, on the same device.
    iou_threshold : float
        A box is dropped when its IoU with a kept, higher-ranked box is
        greater than this.
    labels : torch.Tensor of shape (n,), default=None
        Class of each box; boxes of different classes never suppress each
        other.

    Returns
    -------
    keep : torch.Tensor of shape (n_kept,), dtype int64
        Indices of the kept boxes by descending score (ties by index), on the
        device of ``boxes``.

    Examples
    --------
    >>> import torch
    >>> from skbridge.estimators.neural import nms_torch
    >>> boxes = torch.tensor([[0., 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]])
    >>> nms_torch(boxes, torch.tensor([0.5, 0.9, 0.7]), 0.5).tolist()
    [1, 2]
    """
    torch = require_torch(extra="nn", purpose="nms_torch")
    threshold = _check_threshold(iou_threshold)
    if not (torch.is_tensor(boxes) and torch.is_tensor(scores)):
        raise TypeError(
            "nms_torch takes torch tensors; use nms_numpy for arrays (or torch.as_tensor)."
        )
    if boxes.numel() == 0:
        boxes = boxes.reshape(0, 4)
    _check_shapes(boxes.shape, scores.shape, None if labels is None else labels.shape)
    if not boxes.is_floating_point():
        boxes = boxes.float()
    n = boxes.shape[0]
    if n == 0:
        return torch.zeros(0, dtype=torch.int64, device=boxes.device)
    order = torch.argsort(scores, descending=True, stable=True)
    sorted_boxes = boxes[order]
    over = _pairwise_iou(torch, sorted_boxes, lambda t: t.clamp(min=0)) > threshold
    if labels is not None:
        sorted_labels = labels.to(boxes.device)[order]
        over &= sorted_labels[:, None] == sorted_labels[None, :]
    over = torch.triu(over, diagonal=1)
    removed = torch.zeros(n, dtype=torch.bool, device=boxes.device)
    for i in range(n):  # stays on the device: no .item(), no host synchronisation
        removed |= over[i] & ~removed[i]
    return order[~removed]


def nms_keras(boxes, scores, iou_threshold, *, labels=None):
    """Greedy non-maximum suppression with Keras 3 operations.

    Same result as :func:`nms_numpy`. The pairwise IoU matrix is computed
    with ``keras.ops`` (on the TensorFlow backend, where Keras places it); the
    ranking and the greedy pass, sequential by nature, run in numpy.

    Parameters
    ----------
    boxes : array-like or tensor of shape (n, 4)
        Boxes as ``x1, y1, x2, y2``.
    scores : array-like or tensor of shape (n,)
        Their scores.
    iou_threshold : float
        A box is dropped when its IoU with a kept, higher-ranked box is
        greater than this.
    labels : array-like or tensor of shape (n,), default=None
        Class of each box; boxes of different classes never suppress each
        other.

    Returns
    -------
    keep : ndarray of shape (n_kept,), dtype int64
        Indices of the kept boxes by descending score (ties by index).

    Examples
    --------
    >>> from skbridge.estimators.neural import nms_keras
    >>> boxes = [[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]]
    >>> nms_keras(boxes, [0.5, 0.9, 0.7], 0.5).tolist()
    [1, 2]
    """
    keras = keras3(purpose="nms_keras")
    ops = keras.ops
    threshold = _check_threshold(iou_threshold)
    scores_np = np.asarray(ops.convert_to_numpy(scores), dtype=np.float64)
    boxes = ops.convert_to_tensor(boxes)
    if int(np.prod(boxes.shape)) == 0:
        boxes = ops.reshape(boxes, (0, 4))
    labels_np = None if labels is None else ops.convert_to_numpy(labels)
    _check_shapes(boxes.shape, scores_np.shape, None if labels is None else labels_np.shape)
    if not np.all(np.isfinite(scores_np)):
        raise ValueError("scores must be finite (no NaN or infinity).")
    if scores_np.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    if not keras.backend.is_float_dtype(boxes.dtype):
        boxes = ops.cast(boxes, "float32")
    order = np.argsort(-scores_np, kind="stable")
    sorted_boxes = ops.take(boxes, ops.convert_to_tensor(order), axis=0)
    over = ops.convert_to_numpy(_pairwise_iou(ops, sorted_boxes, ops.relu) > threshold)
    if labels_np is not None:
        sorted_labels = labels_np[order]
        over &= sorted_labels[:, None] == sorted_labels[None, :]
    over = np.triu(over, k=1)
    return order[_greedy_keep(over)].astype(np.int64)
