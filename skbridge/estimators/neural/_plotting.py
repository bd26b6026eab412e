"""Plots of segmentation masks and detected boxes over their images.

* :func:`plot_segmentation`: one row per image: the image, its true mask and
  (optionally) the predicted mask, in a fixed qualitative palette with a dark
  background.
* :func:`plot_detections`: one panel per image with the true boxes (solid)
  and the predicted ones (dashed, labelled with class and score).

matplotlib is imported only when a plot is drawn.
"""

import math
from collections.abc import Mapping

import numpy as np

from ...compat import import_optional
from ._targets import as_label_array

__all__ = ["plot_detections", "plot_segmentation"]

BACKGROUND_COLOR = "#1b1b1b"
"""Colour of class 0 (background) in the masks."""

# A fixed qualitative palette (matplotlib's tab10 without its grey): class k > 0 gets
# colour (k - 1) % 9, whatever classes a given plot happens to show.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf")


def _pyplot(purpose):
    return import_optional("matplotlib.pyplot", extra="nn", purpose=purpose)


def class_color(label):
    """The palette's colour (hex string) of a class id; background (0) is dark."""
    label = int(label)
    return BACKGROUND_COLOR if label == 0 else PALETTE[(label - 1) % len(PALETTE)]


def _class_name(label, class_names):
    label = int(label)
    if class_names is None:
        return str(label)
    if isinstance(class_names, Mapping):
        return str(class_names.get(label, label))
    return str(class_names[label]) if 0 <= label < len(class_names) else str(label)


def _images(X, what):
    X = np.asarray(X)
    if X.ndim == 4 and X.shape[-1] == 1:
        X = X[..., 0]
    if X.ndim not in (3, 4) or (X.ndim == 4 and X.shape[-1] not in (3, 4)):
        raise ValueError(
            f"{what} draws images of shape (n, h, w) or (n, h, w, c) with c in (1, 3, 4); X "
            f"has shape {X.shape}."
        )
    return X


def _show_image(ax, image):
    h, w = image.shape[:2]
    extent = (0, w, h, 0)  # pixel edges at integer coordinates, as boxes are given
    if image.ndim == 2:
        ax.imshow(image, cmap="gray", extent=extent)
    else:
        ax.imshow(np.clip(image, 0, 1) if image.dtype.kind == "f" else image, extent=extent)
    ax.set_axis_off()


def _mask_rgb(mask):
    from matplotlib.colors import to_rgb

    labels = np.unique(mask)
    rgb = np.zeros((*mask.shape, 3))
    for label in labels:
        rgb[mask == label] = to_rgb(class_color(label))
    return rgb


def _grid(plt, axes, n_rows, n_cols, what, figsize):
    if axes is None:
        fig, axes = plt.subplots(n_rows, n_cols, figsize=figsize, squeeze=False)
        return fig, axes
    axes = np.asarray(axes, dtype=object)
    if axes.size < n_rows * n_cols:
        raise ValueError(
            f"{what} needs {n_rows * n_cols} axes ({n_rows} rows, {n_cols} columns); got "
            f"{axes.size}. Pass axes=None to make a new figure."
        )
    axes = axes.ravel()[: n_rows * n_cols].reshape(n_rows, n_cols)
    return axes[0, 0].figure, axes


def _n_shown(n_images, n_available, what):
    if isinstance(n_images, bool) or not isinstance(n_images, (int, np.integer)) or n_images < 1:
        raise ValueError(f"n_images must be a positive integer; got {n_images!r}.")
    if n_available == 0:
        raise ValueError(f"{what} needs at least one image; X is empty.")
    return min(int(n_images), n_available)


def plot_segmentation(X, masks_true, masks_pred=None, *, n_images=6, class_names=None,
                      axes=None):
    """Draw images beside their true (and predicted) segmentation masks.

    Parameters
    ----------
    X : array-like of shape (n, h, w) or (n, h, w, c)
        Images, values in [0, 1] (c = 1, 3 or 4).
    masks_true : array-like of shape (n, h, w)
        True integer masks, background 0.
    masks_pred : array-like of shape (n, h, w), default=None
        Predicted masks; a third column when given.
    n_images : int, default=6
        Number of images (rows) drawn, the first ones.
    class_names : sequence or dict, default=None
        Names of the classes in the legend, indexed by class id (a sequence's
        item 0 names the background); the ids when None.
    axes : array of matplotlib Axes, default=None
        ``n_rows * n_cols`` axes to draw on (row-major); a new figure when
        None.

    Returns
    -------
    fig : matplotlib Figure
        The figure drawn on (that of ``axes`` when given).

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural import plot_segmentation
    >>> X = np.random.default_rng(0).random((2, 8, 8))
    >>> masks = np.zeros((2, 8, 8), dtype=int); masks[:, 2:5, 2:5] = 1
    >>> fig = plot_segmentation(X, masks, masks, class_names=["background", "square"])
    >>> len(fig.axes)
    6
    """
    plt = _pyplot("plot_segmentation")
    X = _images(X, "plot_segmentation")
    columns = [("image", None), ("true mask", masks_true)]
    if masks_pred is not None:
        columns.append(("predicted mask", masks_pred))
    masks = {}
    for title, m in columns[1:]:
        m = as_label_array(m, title)
        if m.ndim == 2:
            m = m[None]
        if m.shape != X.shape[:3]:
            raise ValueError(
                f"The {title}s have shape {m.shape} but the images are {X.shape}; give one "
                "(h, w) mask per image."
            )
        masks[title] = m
    n = _n_shown(n_images, len(X), "plot_segmentation")
    fig, grid = _grid(plt, axes, n, len(columns), "plot_segmentation",
                      (3 * len(columns), 3 * n))
    shown = set()
    for row in range(n):
        _show_image(grid[row, 0], X[row])
        for col, (title, _) in enumerate(columns[1:], start=1):
            mask = masks[title][row]
            shown.update(np.unique(mask).tolist())
            h, w = mask.shape
            grid[row, col].imshow(_mask_rgb(mask), extent=(0, w, h, 0), interpolation="nearest")
            grid[row, col].set_axis_off()
    for col, (title, _) in enumerate(columns):
        grid[0, col].set_title(title)
    from matplotlib.patches import Patch

    handles = [Patch(color=class_color(c), label=_class_name(c, class_names))
               for c in sorted(shown)]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6),
                   frameon=False)
    return fig


def _draw_boxes(ax, target, *, dashed, class_names, score_threshold):
    from matplotlib.patches import Rectangle

    if not isinstance(target, Mapping) or "boxes" not in target or "labels" not in target:
        raise ValueError(
            "plot_detections takes one dict per image with 'boxes' (k, 4) and 'labels' (k,)"
            f"; got {type(target).__name__}."
        )
    boxes = np.asarray(target["boxes"], dtype=np.float64).reshape(-1, 4)
    labels = np.asarray(target["labels"]).ravel()
    scores = target.get("scores") if dashed else None
    scores = None if scores is None else np.asarray(scores, dtype=np.float64).ravel()
    if len(labels) != len(boxes) or (scores is not None and len(scores) != len(boxes)):
        raise ValueError(
            f"plot_detections: {len(boxes)} boxes but {len(labels)} labels"
            + ("" if scores is None else f" and {len(scores)} scores") + "; give one per box."
        )
    for j, (x1, y1, x2, y2) in enumerate(boxes):
        if scores is not None and scores[j] < score_threshold:
            continue
        color = class_color(labels[j]) if int(labels[j]) != 0 else "white"
        ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=color,
                               linewidth=1.5, linestyle="--" if dashed else "-"))
        name = _class_name(labels[j], class_names)
        if dashed:
            text = name if scores is None else f"{name} {scores[j]:.2f}"
            ax.text(x1, y2, text, color="white", fontsize=7, va="top",
                    bbox={"facecolor": color, "alpha": 0.7, "pad": 1, "linewidth": 0})
        else:
            ax.text(x1, y1, name, color="white", fontsize=7, va="bottom",
                    bbox={"facecolor": color, "alpha": 0.7, "pad": 1, "linewidth": 0})


def plot_detections(X, y_true, y_pred=None, *, n_images=6, class_names=None,
                    score_threshold=0.0, axes=None):
    """Draw images with their true boxes (solid) and predicted boxes (dashed).

    Parameters
    ----------
    X : array-like of shape (n, h, w) or (n, h, w, c)
        Images, values in [0, 1] (c = 1, 3 or 4).
    y_true : list of dict or None
        One dict per image with ``"boxes"`` (k, 4) as x1, y1, x2, y2 in
        pixels and ``"labels"`` (k,); drawn solid with the class name. None
        draws predictions only.
    y_pred : list of dict, default=None
        The same dicts plus ``"scores"``; drawn dashed with class name and
        score.
    n_images : int, default=6
        Number of images drawn (the first ones), up to 3 per row.
    class_names : sequence or dict, default=None
        Names of the classes, indexed by class id; the ids when None.
    score_threshold : float, default=0.0
        Predicted boxes scoring below this are not drawn.
    axes : array of matplotlib Axes, default=None
        At least ``n_images`` axes to draw on; a new figure when None.

    Returns
    -------
    fig : matplotlib Figure
        The figure drawn on (that of ``axes`` when given).

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.neural import plot_detections
    >>> X = np.zeros((1, 16, 16, 3))
    >>> y = [{"boxes": [[2, 2, 8, 8]], "labels": [1]}]
    >>> p = [{"boxes": [[3, 2, 8, 9]], "labels": [1], "scores": [0.8]}]
    >>> fig = plot_detections(X, y, p)
    >>> len(fig.axes[0].patches)
    2
    """
    plt = _pyplot("plot_detections")
    X = _images(X, "plot_detections")
    n = _n_shown(n_images, len(X), "plot_detections")
    for name, targets in (("y_true", y_true), ("y_pred", y_pred)):
        if targets is not None and len(targets) < n:
            raise ValueError(
                f"{name} has {len(targets)} dicts for {n} images drawn; give one per image."
            )
    n_cols = min(3, n)
    n_rows = math.ceil(n / n_cols)
    if axes is not None:  # any layout with enough axes
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size < n:
            raise ValueError(
                f"plot_detections draws {n} images but got {axes.size} axes; pass at least "
                "n_images axes, or axes=None."
            )
        fig, panels = axes[0].figure, axes
    else:
        fig, grid = _grid(plt, None, n_rows, n_cols, "plot_detections",
                          (3.5 * n_cols, 3.5 * n_rows))
        panels = grid.ravel()
    for i, ax in enumerate(panels):
        if i >= n:
            ax.set_axis_off()
            continue
        _show_image(ax, X[i])
        for targets, dashed in ((y_true, False), (y_pred, True)):
            if targets is not None:
                _draw_boxes(ax, targets[i], dashed=dashed, class_names=class_names,
                            score_threshold=score_threshold)
        h, w = X[i].shape[:2]
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
    return fig
