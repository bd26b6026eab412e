"""Generated images of shapes, with their masks or boxes: :func:`make_shapes`.

Circles, squares and triangles of random colour on a textured, noisy
background, for training and testing segmentation and detection networks.
Plain numpy: no optional framework is needed.

Each shape is rasterised once, as a boolean stencil; the same stencil paints
the image and the mask and gives the box, so image, mask and box agree pixel
for pixel. The random draws do not depend on ``task``: one seed gives the same
images for segmentation and for detection, and the boxes of one are the
bounding boxes of the mask regions of the other.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..compat import Interval, StrOptions, validate_params

__all__ = ["make_shapes"]

_SHAPES = ("circle", "square", "triangle")
"""The shapes :func:`make_shapes` draws."""

_MAX_IOU = 0.1  # a placement whose box overlaps a placed one by more is drawn again
_MAX_TRIES = 100  # placements tried per shape before the image is declared full
_N_COLOURS = 16  # colour candidates drawn per shape; the first that contrasts is kept
_CONTRAST = 0.3  # least max-channel difference from every background pixel under the shape


def _pair(value, name, *, low):
    """An int or a pair of ints -> ``(a, b)`` with ``low <= a``, ``a <= b``, or a ValueError."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        pair = tuple(value)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= low for v in pair
    ):
        raise ValueError(f"{name} must be an int or a pair of ints >= {low}; got {value!r}.")
    return int(pair[0]), int(pair[1])


def _check_shapes(shapes):
    names = [shapes] if isinstance(shapes, str) else list(shapes)
    unknown = [s for s in names if s not in _SHAPES]
    if not names or unknown or len(set(names)) != len(names):
        raise ValueError(
            f"shapes must be distinct names among {list(_SHAPES)}, at least one; got "
            f"{shapes!r}."
        )
    return names


def _stencil(shape, size, turn):
    """Boolean ``(size, size)`` stencil of one shape; ``turn`` quarter-turns a triangle."""
    centre = (np.arange(size) + 0.5)  # pixel centres
    y, x = centre[:, None], centre[None, :]
    half = size / 2
    if shape == "circle":
        return (y - half) ** 2 + (x - half) ** 2 <= half**2
    if shape == "square":
        return np.ones((size, size), dtype=bool)
    # isosceles triangle, apex at the middle of the top edge, base along the bottom
    return np.rot90(np.abs(x - half) <= (y + 0.5) / 2, turn).copy()


def _tight_box(stencil):
    """``(x1, y1, x2, y2)`` of the stencil's pixels, x2/y2 exclusive."""
    rows = np.flatnonzero(stencil.any(axis=1))
    cols = np.flatnonzero(stencil.any(axis=0))
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


def _box_iou(box, boxes):
    """IoU of one box with each of ``boxes`` (k, 4)."""
    if not len(boxes):
        return np.zeros(0)
    boxes = np.asarray(boxes, dtype=float)
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / (area + areas - inter)


def _dilate(stencil):
    """The stencil grown by one pixel on every side (3x3, so diagonal neighbours too)."""
    padded = np.pad(stencil, 2)
    out = np.zeros_like(padded)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            out |= np.roll(np.roll(padded, dy, axis=0), dx, axis=1)
    return out[1:-1, 1:-1]  # (size + 2, size + 2): one pixel of margin


def _upsample_matrix(n_out, n_grid):
    """(n_out, n_grid) linear interpolation weights from a coarse grid to pixels."""
    positions = np.linspace(0, n_grid - 1, n_out)
    return np.stack(
        [np.interp(positions, np.arange(n_grid), np.eye(n_grid)[i]) for i in range(n_grid)],
        axis=1,
    )


def _textures(rng, n, h, w):
    """Smooth random backgrounds: a base colour plus two octaves of low-frequency texture."""
    out = np.broadcast_to(rng.uniform(0.25, 0.75, (n, 1, 1, 3)), (n, h, w, 3)).copy()
    for cells, amplitude in ((4, 0.18), (9, 0.07)):
        coarse = rng.uniform(-amplitude, amplitude, (n, cells + 1, cells + 1, 3))
        rows, cols = _upsample_matrix(h, cells + 1), _upsample_matrix(w, cells + 1)
        out += np.einsum("hi,nijc,wj->nhwc", rows, coarse, cols, optimize=True)
    return out


def _colour(rng, background):
    """A colour that differs from each background pixel under the shape by >= _CONTRAST."""
    candidates = rng.uniform(0.0, 1.0, (_N_COLOURS, 3))
    contrast = np.abs(candidates[:, None, :] - background[None]).max(axis=-1).min(axis=-1)
    good = np.flatnonzero(contrast >= _CONTRAST)
    return candidates[good[0] if good.size else np.argmax(contrast)]


class _Layout:
    """The shapes placed on one image: stencils, positions, boxes, classes, colours."""

    def __init__(self, h, w):
        self.occupied = np.zeros((h + 2, w + 2), dtype=bool)  # grown stencils, 1-pixel margin
        self.placed = []  # (y0, x0, stencil, class id, colour)
        self.boxes = []

    def fits(self, stencil, y0, x0, box):
        if (_box_iou(box, self.boxes) > _MAX_IOU).any():
            return False
        size = stencil.shape[0]
        return not (self.occupied[y0 + 1:y0 + 1 + size, x0 + 1:x0 + 1 + size] & stencil).any()

    def add(self, stencil, y0, x0, box, label, colour):
        size = stencil.shape[0]
        self.occupied[y0:y0 + size + 2, x0:x0 + size + 2] |= _dilate(stencil)
        self.placed.append((y0, x0, stencil, label, colour))
        self.boxes.append(box)


def _place(rng, layout, names, sizes, background, stencils):
    """Try to place one random shape; True if it was placed."""
    h, w = background.shape[:2]
    for _ in range(_MAX_TRIES):
        label = rng.randint(len(names)) + 1
        size = rng.randint(sizes[0], sizes[1] + 1)
        turn = rng.randint(4)
        y0, x0 = rng.randint(h - size + 1), rng.randint(w - size + 1)
        key = (names[label - 1], size, turn if names[label - 1] == "triangle" else 0)
        if key not in stencils:
            stencils[key] = _stencil(*key)
        stencil = stencils[key]
        bx1, by1, bx2, by2 = _tight_box(stencil)
        box = (x0 + bx1, y0 + by1, x0 + bx2, y0 + by2)
        if layout.fits(stencil, y0, x0, box):
            under = background[y0:y0 + size, x0:x0 + size][stencil]
            layout.add(stencil, y0, x0, box, label, _colour(rng, under))
            return True
    return False


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "image_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "task": [StrOptions({"segmentation", "detection"})],
        "n_shapes": [Interval(Integral, 0, None, closed="left"), tuple, list],
        "shapes": [str, tuple, list],
        "size_range": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "noise": [Interval(Real, 0, None, closed="left")],
        "return_X_y": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_shapes(n_samples=200, image_size=64, task="segmentation", *, n_shapes=(1, 3),
                shapes=_SHAPES, size_range=(10, 24), noise=0.08, return_X_y=False,
                random_state=None):
    """Generate images of shapes with their segmentation masks or bounding boxes.

    Each image shows a few circles, squares and triangles (triangles point up,
    down, left or right), each of one random colour chosen to stand out from
    the background beneath it, on a smooth random texture with per-pixel
    Gaussian noise. Shapes lie fully inside the image and never overlap or
    touch (not even diagonally), so each shape is one connected region of its
    mask.

    Parameters
    ----------
    n_samples : int, default=200
        Number of images.
    image_size : int or tuple of (int, int), default=64
        ``(height, width)`` of the images; an int for a square.
    task : {"segmentation", "detection"}, default="segmentation"
        What ``target`` holds: a mask per image, or boxes and labels per image.
    n_shapes : int or tuple of (int, int), default=(1, 3)
        Least and most shapes per image (both included); an int for a fixed count.
    shapes : sequence of {"circle", "square", "triangle"}, default=("circle", "square", "triangle")
        The shapes to draw. A shape's class id is its position here plus one
        (0 is the background): by default circle 1, square 2, triangle 3.
    size_range : int or tuple of (int, int), default=(10, 24)
        Least and most side, in pixels, of the square a shape is drawn in (its
        box; both included). At least 3, and at most the image's smaller side.
    noise : float, default=0.08
        Standard deviation of the Gaussian noise added to every pixel (values
        are then clipped to [0, 1]).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw. The draws do not depend on ``task``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of float32 of shape (n_samples, height, width, 3)
            The images, channels last, values in [0, 1].
        target : ndarray of int64 of shape (n_samples, height, width), or list of dict
            For ``"segmentation"``, the masks: each pixel holds the class id of
            the shape drawn there, 0 for the background. For ``"detection"``, one
            dict per image with ``"boxes"``, float32 of shape (k, 4) as
            ``x1, y1, x2, y2`` in pixels, the tight box of each shape (``x2`` and
            ``y2`` one past its last column and row), and ``"labels"``, int64 of
            shape (k,), the class ids.
        target_names : list of str
            For ``"segmentation"``, ``["background", *shapes]``, indexed by
            class id; for ``"detection"``, ``shapes``: class id ``i`` is
            ``target_names[i - 1]``.
        DESCR : str
            What was generated.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ValueError
        If a parameter is out of range (the message says which and why), or an
        image cannot hold the least number of shapes without overlap (use larger
        images, smaller shapes or fewer of them).

    See Also
    --------
    load_segmentation_folder : Images and their mask files.
    load_coco : Images and the boxes of a COCO-style JSON file.

    Examples
    --------
    >>> from skbridge.datasets import make_shapes
    >>> shapes = make_shapes(4, image_size=32, size_range=(8, 12), random_state=0)
    >>> shapes.data.shape, shapes.data.dtype, shapes.target.shape, shapes.target_names
    ((4, 32, 32, 3), dtype('float32'), (4, 32, 32), ['background', 'circle', 'square', 'triangle'])
    >>> X, y = make_shapes(4, image_size=32, task="detection", size_range=(8, 12),
    ...                    return_X_y=True, random_state=0)
    >>> sorted(y[0]), y[0]["boxes"].dtype, y[0]["labels"].dtype
    (['boxes', 'labels'], dtype('float32'), dtype('int64'))
    """
    h, w = _pair(image_size, "image_size", low=1)
    counts = _pair(n_shapes, "n_shapes", low=0)
    sizes = _pair(size_range, "size_range", low=3)
    names = _check_shapes(shapes)
    if counts[0] > counts[1]:
        raise ValueError(f"n_shapes must be (least, most) with least <= most; got {n_shapes!r}.")
    if sizes[0] > sizes[1] or sizes[1] > min(h, w):
        raise ValueError(
            f"size_range must be (least, most) with 3 <= least <= most <= the image's "
            f"smaller side ({min(h, w)}); got {size_range!r}. Pass a smaller size_range or "
            f"a larger image_size."
        )
    if counts[0] * (sizes[0] + 1) ** 2 > h * w:
        raise ValueError(
            f"{counts[0]} shapes of at least {sizes[0]}x{sizes[0]} pixels do not fit in a "
            f"{h}x{w} image; pass fewer n_shapes, a smaller size_range or a larger image_size."
        )
    rng = check_random_state(random_state)
    images = _textures(rng, n_samples, h, w)
    masks = np.zeros((n_samples, h, w), dtype=np.int64)
    boxes, labels, stencils = [], [], {}
    for i in range(n_samples):
        wanted = rng.randint(counts[0], counts[1] + 1)
        layout = _Layout(h, w)
        while len(layout.placed) < wanted:
            if not _place(rng, layout, names, sizes, images[i], stencils):
                break
        if len(layout.placed) < counts[0]:
            raise ValueError(
                f"Could not place {counts[0]} non-overlapping shapes on image {i} after "
                f"{_MAX_TRIES} tries each; pass fewer n_shapes, a smaller size_range or a "
                f"larger image_size."
            )
        for y0, x0, stencil, label, colour in layout.placed:
            size = stencil.shape[0]
            images[i, y0:y0 + size, x0:x0 + size][stencil] = colour
            masks[i, y0:y0 + size, x0:x0 + size][stencil] = label
        boxes.append(np.array(layout.boxes, dtype=np.float32).reshape(-1, 4))
        labels.append(np.array([p[3] for p in layout.placed], dtype=np.int64))
    if noise > 0:
        images += rng.normal(0.0, noise, images.shape)
    data = np.clip(images, 0.0, 1.0).astype(np.float32)
    if task == "segmentation":
        target, target_names = masks, ["background", *names]
    else:
        target = [{"boxes": b, "labels": lab} for b, lab in zip(boxes, labels)]
        target_names = list(names)
    if return_X_y:
        return data, target
    per_class = np.bincount(np.concatenate(labels), minlength=len(names) + 1)[1:]
    descr = (
        f"Shapes ({task})\n{'-' * (9 + len(task))}\n\n"
        f"Generated by make_shapes: shapes of random colour on textured noise.\n\n"
        f":Images: {n_samples}, {h}x{w} pixels (h x w), 3 channels (rgb), float32 in [0, 1]\n"
        f":Shapes per image: {counts[0]} to {counts[1]}, {sizes[0]} to {sizes[1]} "
        f"pixels across\n"
        f":Classes: " + ", ".join(f"{k + 1} {n} ({c})" for k, (n, c) in
                                  enumerate(zip(names, per_class))) + "\n"
        f":Noise: {noise}\n"
    )
    return Bunch(data=data, target=target, target_names=target_names, DESCR=descr)
