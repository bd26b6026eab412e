"""
Segmentation and detection of generated shapes, on the neural engine's one loop
===============================================================================

Generates 64x64 images of circles, squares and triangles on textured noise
(:func:`skbridge.datasets.make_shapes`), then trains
:class:`~skbridge.estimators.neural.NeuralNetSegmenter` (``"fcn_small"``) on
their masks and :class:`~skbridge.estimators.neural.NeuralNetDetector`
(``"centernet_small"``) on their boxes, prints the held-out mean IoU and
mAP@0.5 (pycocotools' COCO evaluation), and draws true against predicted
masks and boxes with :func:`~skbridge.estimators.neural.plot_segmentation`
and :func:`~skbridge.estimators.neural.plot_detections`.

Run with ``python examples/shapes_segmentation_detection.py [--output-dir DIR]
[--backend torch|keras]`` (one to five minutes on two cores); without
``--output-dir`` the figures are drawn but no file is written. ``--epochs`` and
``--n-train`` make it smaller: the documentation's gallery runs it with
``--n-train 300`` (300 training images for the detector too, instead of 900),
so the detector's score there is lower than the full run's on
:doc:`/tools/neural`.
"""

import argparse
from pathlib import Path

from skbridge.datasets import make_shapes
from skbridge.estimators.neural import (
    NeuralNetDetector,
    NeuralNetSegmenter,
    plot_detections,
    plot_segmentation,
)

# %%
# The two models
# --------------
# A small fully convolutional network predicts a class per pixel (background
# or one of the three shapes); a small CenterNet predicts a heat map of object
# centres and a box size at each centre. Both train in the same loop, with a
# cosine learning-rate schedule.

SEGMENTER = dict(module="fcn_small", module_params={"width": 32}, epochs=30, batch_size=16,
                 learning_rate=3e-3, lr_schedule="cosine", random_state=0)
DETECTOR = dict(module="centernet_small", module_params={"width": 24}, epochs=10, batch_size=16,
                learning_rate=2e-3, lr_schedule="cosine", random_state=0)


# %%
# Training and scoring
# --------------------
# ``score`` is the mean intersection over union of the masks for the
# segmenter, and the mean average precision at IoU 0.5 (pycocotools) for the
# detector, both on 60 images the models never saw.


def segmentation(backend="torch", n_train=300, n_test=60, epochs=None):
    """Train the segmenter; returns (fitted, X_test, masks_test, mean IoU)."""
    data = make_shapes(n_train + n_test, 64, task="segmentation", random_state=1)
    X, y = data.data, data.target
    params = {**SEGMENTER, "epochs": epochs or SEGMENTER["epochs"]}
    seg = NeuralNetSegmenter(backend=backend, **params).fit(X[:n_train], y[:n_train])
    score = seg.score(X[n_train:], y[n_train:])
    print(f"segmentation ({backend}): mean IoU {score:.3f} on {n_test} held-out images")
    return seg, X[n_train:], y[n_train:], score, data.target_names


def detection(backend="torch", n_train=900, n_test=60, epochs=None):
    """Train the detector; returns (fitted, X_test, boxes_test, mAP@0.5)."""
    data = make_shapes(n_train + n_test, 64, task="detection", random_state=2)
    X, y = data.data, data.target
    params = {**DETECTOR, "epochs": epochs or DETECTOR["epochs"]}
    det = NeuralNetDetector(backend=backend, **params).fit(X[:n_train], y[:n_train])
    score = det.score(X[n_train:], y[n_train:])
    print(f"detection ({backend}): mAP@0.5 {score:.3f} on {n_test} held-out images")
    return det, X[n_train:], y[n_train:], score, data.target_names


# %%
# Figures
# -------
# :func:`~skbridge.estimators.neural.plot_segmentation` and
# :func:`~skbridge.estimators.neural.plot_detections` draw four held-out
# images with the true and the predicted masks or boxes.


def _save(fig, out, name):
    """Save ``fig`` as ``out/name`` and close it; without ``out`` leave it open."""
    if out is not None:
        import matplotlib.pyplot as plt

        fig.savefig(out / name, dpi=90)
        plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Segmentation and detection of generated shapes.")
    parser.add_argument("--output-dir", help="folder for the two figures (PNG)")
    parser.add_argument("--backend", default="torch", choices=["torch", "keras"])
    parser.add_argument("--epochs", type=int, default=None, help="override both fits' epochs")
    parser.add_argument("--n-train", type=int, default=None, help="training images per task")
    args = parser.parse_args(argv)
    sizes = {} if args.n_train is None else {"n_train": args.n_train}
    seg, X_seg, m_seg, iou, seg_names = segmentation(args.backend, epochs=args.epochs, **sizes)
    det, X_det, b_det, map50, det_names = detection(args.backend, epochs=args.epochs, **sizes)
    out = None
    if args.output_dir:
        out = Path(args.output_dir)
        out.mkdir(parents=True, exist_ok=True)
    fig = plot_segmentation(X_seg, m_seg, seg.predict(X_seg), n_images=4,
                            class_names=list(seg_names))
    _save(fig, out, "shapes_segmentation.png")
    names = {i + 1: name for i, name in enumerate(det_names)}
    fig = plot_detections(X_det, b_det, det.predict(X_det), n_images=4, class_names=names)
    _save(fig, out, "shapes_detection.png")
    if out is not None:
        print(f"Figures written to {out}")
    return {"mean_iou": iou, "map50": map50}


# %%
# Run it
# ------

if __name__ == "__main__":
    main()
