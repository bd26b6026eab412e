"""Segmentation and detection plots: one panel per image, a patch per box drawn."""

import numpy as np
import pytest

from skbridge.estimators.neural._plotting import (
    BACKGROUND_COLOR,
    class_color,
    plot_detections,
    plot_segmentation,
)

plt = pytest.importorskip("matplotlib.pyplot")
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _data(n=4, h=12, w=16):
    rng = np.random.default_rng(0)
    X = rng.random((n, h, w, 3)).astype(np.float32)
    masks = np.zeros((n, h, w), dtype=np.int64)
    masks[:, 2:6, 3:9] = 1
    masks[:, 8:, 10:] = 2
    return X, masks


def test_plot_segmentation_grid_and_colors():
    X, masks = _data()
    fig = plot_segmentation(X, masks, np.where(masks == 2, 0, masks), n_images=3,
                            class_names=["background", "square", "circle"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 9  # 3 rows: image, true mask, predicted mask
    assert [ax.get_title() for ax in fig.axes[:3]] == ["image", "true mask", "predicted mask"]
    true_rgb = fig.axes[1].images[0].get_array()
    np.testing.assert_allclose(true_rgb[0, 0], to_rgb(BACKGROUND_COLOR))
    np.testing.assert_allclose(true_rgb[3, 4], to_rgb(class_color(1)))
    np.testing.assert_allclose(fig.axes[2].images[0].get_array()[10, 12],
                               to_rgb(BACKGROUND_COLOR))
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["background", "square", "circle"]


def test_plot_segmentation_without_predictions_and_given_axes():
    X, masks = _data(n=2)
    fig = plot_segmentation(X[..., 0], masks)  # grey images, two columns, n_images > n
    assert len(fig.axes) == 4 and fig.axes[0].images[0].get_cmap().name == "gray"
    fig2, axes = plt.subplots(2, 2)
    assert plot_segmentation(X, masks, axes=axes) is fig2
    with pytest.raises(ValueError, match="needs 6 axes"):
        plot_segmentation(X, masks, masks, axes=axes)
    with pytest.raises(ValueError, match=r"true masks have shape \(2, 12, 15\)"):
        plot_segmentation(X, masks[:, :, :15])
    with pytest.raises(ValueError, match="n_images"):
        plot_segmentation(X, masks, n_images=0)


def test_plot_detections_counts_boxes_and_scores():
    X, _ = _data(n=4)
    y_true = [{"boxes": [[1, 1, 6, 6], [8, 2, 15, 11]], "labels": [1, 2]},
              {"boxes": np.zeros((0, 4)), "labels": []},
              {"boxes": [[0, 0, 16, 12]], "labels": [1]},
              {"boxes": [[0, 0, 2, 2]], "labels": [3]}]
    y_pred = [{"boxes": [[1, 2, 6, 6], [9, 2, 15, 11], [0, 0, 3, 3]], "labels": [1, 2, 1],
               "scores": [0.9, 0.6, 0.2]},
              {"boxes": [[3, 3, 5, 5]], "labels": [2], "scores": [0.4]},
              {"boxes": [], "labels": [], "scores": []},
              {"boxes": [[0, 0, 2, 2]], "labels": [3], "scores": [0.99]}]
    fig = plot_detections(X, y_true, y_pred, n_images=3, score_threshold=0.3,
                          class_names={1: "square", 2: "circle"})
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    # true boxes solid, predictions over the threshold dashed
    assert [len(ax.patches) for ax in fig.axes] == [2 + 2, 0 + 1, 1 + 0]
    styles = [p.get_linestyle() for p in fig.axes[0].patches]
    assert styles == ["-", "-", "--", "--"]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["square", "circle", "square 0.90", "circle 0.60"]
    assert fig.axes[0].get_xlim() == (0, 16) and fig.axes[0].get_ylim() == (12, 0)
    # four images on a 3-column grid: 6 axes, the last two blank
    fig = plot_detections(X, y_true)
    assert len(fig.axes) == 6 and [len(ax.patches) for ax in fig.axes[:4]] == [2, 0, 1, 1]
    assert not fig.axes[5].axison


def test_plot_detections_predictions_only_axes_and_errors():
    X, _ = _data(n=2)
    y_pred = [{"boxes": [[1, 1, 4, 4]], "labels": [1], "scores": [0.5]}] * 2
    fig, axes = plt.subplots(1, 2)
    assert plot_detections(X, None, y_pred, axes=axes) is fig
    assert [len(ax.patches) for ax in axes] == [1, 1]
    with pytest.raises(ValueError, match="at least n_images axes"):
        plot_detections(X, None, y_pred, axes=axes[:1])
    with pytest.raises(ValueError, match="1 dicts for 2 images"):
        plot_detections(X, y_pred[:1])
    with pytest.raises(ValueError, match="1 boxes but 2 labels"):
        plot_detections(X[:1], [{"boxes": [[0, 0, 1, 1]], "labels": [1, 2]}])
    with pytest.raises(ValueError, match=r"\(n, h, w\) or \(n, h, w, c\)"):
        plot_detections(X[0, 0], y_pred)
