"""Checks of segmentation masks and detection boxes against the images they annotate.

The dense estimators call these at the start of ``fit`` (and ``partial_fit``),
so a target that does not fit its image fails at once, with the index of the
image and the fix, rather than deep inside a loss function.

* :func:`check_masks`: integer masks ``(n, h, w)``, background 0, one per
  image and of the images' height and width.
* :func:`check_boxes`: one dict per image, ``{"boxes": (k, 4), "labels":
  (k,)}``, boxes as ``x1, y1, x2, y2`` in pixels inside the image (torchvision's
  convention); ``k = 0`` (an image without objects) is allowed.

Both need numpy only.
"""

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["BOX_TOLERANCE", "check_boxes", "check_masks"]

BOX_TOLERANCE = 1.0
"""Pixels a box may reach past the far edges of its image (``x2 <= w + 1``, ``y2 <= h + 1``)."""


def as_label_array(values, what):
    """``values`` as an int64 array of non-negative integer labels.

    Integral floats and booleans are accepted; fractional, non-finite or
    negative values raise a ``ValueError`` whose message starts with ``what``.
    """
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int64)
    elif arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what} contains NaN or infinite values; labels are integers.")
        if np.any(arr != np.round(arr)):
            bad = arr[arr != np.round(arr)].ravel()[0]
            raise ValueError(
                f"{what} contains non-integer values (e.g. {bad!r}); labels are integer "
                "class ids (0 = background for masks). Cast them with astype(int) if they "
                "are integers stored as floats, or round a network's output with argmax."
            )
        out = arr.astype(np.int64)
    else:
        raise ValueError(
            f"{what} has dtype {arr.dtype}; labels must be integers (class ids)."
        )
    if out.size and out.min() < 0:
        raise ValueError(
            f"{what} contains negative labels (min {int(out.min())}); class ids are "
            "non-negative integers (0 = background for masks)."
        )
    return out


def _check_classes(labels, classes, what):
    if classes is None or labels.size == 0:
        return
    unseen = np.setdiff1d(np.unique(labels), np.asarray(classes))
    if unseen.size:
        raise ValueError(
            f"{what} contains labels {unseen.tolist()} not among the classes "
            f"{np.asarray(classes).tolist()} learned in fit. Refit (not partial_fit or "
            "warm_start) on targets that include every class."
        )


def _image_hw(image_shape_batch):
    shape = tuple(int(s) for s in image_shape_batch)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"image_shape_batch must be the images' shape (n, h, w) or (n, h, w, c); got "
            f"{shape}."
        )
    return shape[0], shape[1:3]


def check_masks(y, image_shape_batch, *, classes=None):
    """Validate segmentation masks against the images they label.

    Parameters
    ----------
    y : array-like of shape (n, h, w), or a sequence of n arrays of shape (h, w)
        Integer masks, background 0, class ids 1..K. Integral floats and
        booleans are accepted.
    image_shape_batch : tuple of int
        The images' shape, ``X.shape``: ``(n, h, w)`` or ``(n, h, w, c)``.
    classes : array-like of int, default=None
        If given, every label must be one of these (e.g. ``classes_`` in
        ``partial_fit``).

    Returns
    -------
    masks : ndarray of shape (n, h, w), dtype int64
        The masks, validated.

    Raises
    ------
    ValueError
        If the number of masks is not ``n``, a mask's shape is not the
        images' ``(h, w)`` (the message names its index and both shapes),
        or a mask has non-integer, non-finite, negative or unknown labels.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural._targets import check_masks
    >>> check_masks(np.zeros((2, 4, 5)), (2, 4, 5, 3)).dtype
    dtype('int64')
    """
    n, hw = _image_hw(image_shape_batch)
    if isinstance(y, (str, bytes, Mapping)) or not hasattr(y, "__len__"):
        raise ValueError(
            f"y must be integer masks of shape (n, h, w); got {type(y).__name__}."
        )
    if len(y) != n:
        raise ValueError(
            f"y has {len(y)} masks but X has {n} images; pass one (h, w) mask per image."
        )
    arr = y if isinstance(y, np.ndarray) and y.dtype != object else None
    if arr is None:  # a sequence of masks, possibly of different shapes
        for i, mask in enumerate(y):
            shape = np.shape(mask)
            if shape != hw:
                raise ValueError(_mask_shape_message(i, shape, hw))
        arr = np.stack([np.asarray(mask) for mask in y]) if n else np.zeros((0, *hw))
    if arr.ndim != 3 or arr.shape[1:] != hw:
        shape = arr.shape[1:] if arr.ndim >= 1 else arr.shape
        raise ValueError(_mask_shape_message(0, shape, hw))
    masks = as_label_array(arr, "y (the masks)")
    _check_classes(masks, classes, "y (the masks)")
    return masks


def _mask_shape_message(index, shape, hw):
    return (
        f"The mask of image {index} has shape {tuple(shape)}, but the images are "
        f"{tuple(hw)} (h, w). Masks must have their image's height and width: resize them "
        "together (nearest-neighbour for masks) or crop both to one size."
    )


def check_boxes(y, n_images, image_hw, *, classes=None):
    """Validate detection targets, one dict of boxes and labels per image.

    Parameters
    ----------
    y : sequence of dict
        One dict per image with ``"boxes"``: array-like of shape (k, 4), as
        ``x1, y1, x2, y2`` in pixels inside the ``(h, w)`` image, and
        ``"labels"``: array-like of shape (k,) of non-negative integer class
        ids. ``k = 0`` (an image without objects) is allowed. Other keys are
        ignored.
    n_images : int
        Number of images, ``len(X)``.
    image_hw : tuple of int
        ``(h, w)`` of the images. Boxes may reach :data:`BOX_TOLERANCE` (1)
        pixel past the far edges (``x2 <= w + 1``, ``y2 <= h + 1``), for
        annotations that count the last pixel inclusively; ``x1`` and ``y1``
        must be at least 0.
    classes : array-like of int, default=None
        If given, every label must be one of these.

    Returns
    -------
    targets : list of dict
        ``{"boxes": float32 (k, 4), "labels": int64 (k,)}`` per image.

    Raises
    ------
    ValueError
        Naming the image index: a missing key, boxes not of shape (k, 4),
        non-finite coordinates, ``x2 < x1`` or ``y2 < y1``, a box outside the
        image, labels of the wrong length, non-integer, negative or unknown
        labels; or ``len(y) != n_images``.

    Examples
    --------
    >>> from skbridge.estimators.neural._targets import check_boxes
    >>> out = check_boxes([{"boxes": [[1, 2, 5, 6]], "labels": [3]}], 1, (8, 8))
    >>> out[0]["boxes"].dtype, out[0]["labels"].tolist()
    (dtype('float32'), [3])
    """
    h, w = (float(v) for v in image_hw)
    if isinstance(y, (str, bytes, Mapping, np.ndarray)) or not isinstance(y, Sequence):
        raise ValueError(
            "y must be a list with one dict per image, {'boxes': (k, 4) array of x1, y1, "
            f"x2, y2, 'labels': (k,) array}}; got {type(y).__name__}."
        )
    if len(y) != n_images:
        raise ValueError(
            f"y has {len(y)} targets but X has {n_images} images; pass one dict per image "
            "(an image without objects gets {'boxes': np.zeros((0, 4)), 'labels': []})."
        )
    return [_check_one_target(i, target, h, w, classes) for i, target in enumerate(y)]


def _check_one_target(i, target, h, w, classes):
    if not isinstance(target, Mapping):
        raise ValueError(
            f"The target of image {i} is a {type(target).__name__}; it must be a dict "
            "{'boxes': (k, 4) array, 'labels': (k,) array}."
        )
    missing = [key for key in ("boxes", "labels") if key not in target]
    if missing:
        raise ValueError(
            f"The target of image {i} lacks the key(s) {missing}; each dict needs 'boxes' "
            "(k, 4) as x1, y1, x2, y2 in pixels and 'labels' (k,)."
        )
    boxes = np.asarray(target["boxes"], dtype=np.float64)
    if boxes.size == 0:
        boxes = boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(
            f"The boxes of image {i} have shape {boxes.shape}; they must be (k, 4): x1, y1, "
            "x2, y2 in pixels."
        )
    if not np.all(np.isfinite(boxes)):
        raise ValueError(f"The boxes of image {i} contain NaN or infinite coordinates.")
    x1, y1, x2, y2 = boxes.T
    bad = np.flatnonzero((x2 < x1) | (y2 < y1))
    if bad.size:
        raise ValueError(
            f"Box {bad[0]} of image {i} is {boxes[bad[0]].tolist()}, with x2 < x1 or y2 < y1; "
            "boxes are x1, y1, x2, y2 (top-left, then bottom-right corner), not x, y, w, h."
        )
    tol = BOX_TOLERANCE
    bad = np.flatnonzero((x1 < 0) | (y1 < 0) | (x2 > w + tol) | (y2 > h + tol))
    if bad.size:
        raise ValueError(
            f"Box {bad[0]} of image {i} is {boxes[bad[0]].tolist()}, outside the image: boxes "
            f"are x1, y1, x2, y2 in pixels, inside the ({h:g}, {w:g}) image (h, w) (0 <= x1, "
            f"x2 <= w, 0 <= y1, y2 <= h, with {tol:g} pixel of tolerance past the far edges)."
        )
    labels = np.asarray(target["labels"])
    if labels.size == 0:
        labels = labels.reshape(0)
    if labels.ndim != 1 or len(labels) != len(boxes):
        raise ValueError(
            f"The labels of image {i} have shape {labels.shape} for {len(boxes)} boxes; give "
            "one integer label per box, shape (k,)."
        )
    labels = as_label_array(labels, f"The labels of image {i}")
    _check_classes(labels, classes, f"The labels of image {i}")
    return {"boxes": boxes.astype(np.float32), "labels": labels}
