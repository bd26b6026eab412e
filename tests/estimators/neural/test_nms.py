"""Non-maximum suppression: numpy, torch and Keras agree with a brute-force greedy loop."""

import numpy as np
import pytest

from skbridge.estimators.neural._nms import box_iou, nms_keras, nms_numpy, nms_torch

torch = pytest.importorskip("torch")


def _keras_available():
    try:
        from skbridge.compat.keras import keras3

        keras3()
        return True
    except Exception:  # noqa: BLE001 - any setup problem just skips the Keras cases
        return False


KERAS = _keras_available()


def _brute_force(boxes, scores, threshold, labels=None):
    """Scalar loops: rank by score (ties by index), keep a box unless a kept one overlaps."""
    def iou(a, b):
        w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
        inter = w * h
        union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
        return inter / union if union > 0 else 0.0

    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    kept = []
    for i in order:
        if all(iou(boxes[i], boxes[k]) <= threshold
               or (labels is not None and labels[i] != labels[k]) for k in kept):
            kept.append(i)
    return kept


def _random_boxes(rng, n, ties=False):
    centres = rng.uniform(0, 40, (6, 2))  # clusters, so that IoUs span (0, 1)
    xy = centres[rng.integers(0, 6, n)] + rng.normal(0, 2.5, (n, 2))
    wh = rng.uniform(6, 14, (n, 2))
    boxes = np.hstack([xy, xy + wh])
    scores = rng.integers(0, 5, n) / 4 if ties else rng.random(n)
    if ties and n > 3:
        boxes[1] = boxes[0]  # an exact duplicate with, perhaps, an equal score
    return boxes, scores


def _all_impls(boxes, scores, threshold, labels=None):
    out = {"numpy": nms_numpy(boxes, scores, threshold, labels=labels).tolist()}
    t_labels = None if labels is None else torch.as_tensor(labels)
    out["torch"] = nms_torch(torch.as_tensor(boxes), torch.as_tensor(scores), threshold,
                             labels=t_labels).tolist()
    if KERAS:
        out["keras"] = nms_keras(boxes, scores, threshold, labels=labels).tolist()
    return out


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7, 1.0])
@pytest.mark.parametrize("ties", [False, True])
def test_implementations_agree_with_brute_force(threshold, ties):
    rng = np.random.default_rng(int(threshold * 10) + 100 * ties)
    for n in (0, 1, 2, 60):
        boxes, scores = _random_boxes(rng, n, ties)
        expected = _brute_force(boxes, scores, threshold)
        for name, kept in _all_impls(boxes, scores, threshold).items():
            assert kept == expected, (name, n)
        if n > 10 and 0 < threshold < 1:
            assert 1 < len(expected) < n  # the case suppresses something and keeps several


def test_classwise_suppression():
    rng = np.random.default_rng(7)
    boxes, scores = _random_boxes(rng, 80)
    labels = rng.integers(0, 3, 80)
    expected = _brute_force(boxes, scores, 0.4, labels)
    for name, kept in _all_impls(boxes, scores, 0.4, labels).items():
        assert kept == expected, name
    # class-wise keeps more than class-agnostic, and equals suppression class by class
    assert len(expected) > len(_brute_force(boxes, scores, 0.4))
    per_class = sorted(np.flatnonzero(labels == c)[nms_numpy(boxes[labels == c],
                                                             scores[labels == c], 0.4)].tolist()
                       for c in range(3))
    assert sorted(expected) == sorted(i for group in per_class for i in group)
    # two identical boxes: one survives without labels, both with different labels
    twin = np.array([[0, 0, 10, 10], [0, 0, 10, 10]], dtype=float)
    assert nms_numpy(twin, [0.9, 0.9], 0.5).tolist() == [0]
    assert nms_numpy(twin, [0.8, 0.9], 0.5, labels=[1, 2]).tolist() == [1, 0]


def test_outputs_dtype_and_device():
    boxes, scores = _random_boxes(np.random.default_rng(1), 20)
    keep = nms_numpy(boxes, scores, 0.5)
    assert keep.dtype == np.int64
    assert np.all(np.diff(scores[keep]) <= 0)  # by descending score
    kept_t = nms_torch(torch.tensor(boxes, dtype=torch.float32),
                       torch.tensor(scores, dtype=torch.float32), 0.5)
    assert kept_t.dtype == torch.int64 and kept_t.tolist() == keep.tolist()
    # integer boxes are fine too
    int_boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 10, 10]])
    assert nms_torch(int_boxes, torch.tensor([0.1, 0.2]), 0.5).tolist() == [1]
    if KERAS:
        assert nms_keras(boxes, scores, 0.5).dtype == np.int64
    if torch.cuda.is_available():
        kept_cuda = nms_torch(torch.tensor(boxes).cuda(), torch.tensor(scores).cuda(), 0.5)
        assert kept_cuda.is_cuda and kept_cuda.cpu().tolist() == keep.tolist()


def test_box_iou():
    a = [[0, 0, 2, 2], [0, 0, 0, 0]]
    b = [[1, 0, 3, 2], [0, 0, 2, 2], [5, 5, 6, 6], [0, 0, 0, 0]]
    np.testing.assert_allclose(box_iou(a, b), [[1 / 3, 1, 0, 0], [0, 0, 0, 0]])
    assert box_iou(np.zeros((0, 4)), b).shape == (0, 4)


def test_input_errors():
    with pytest.raises(ValueError, match=r"\(n, 4\)"):
        nms_numpy([[0, 0, 1]], [0.5], 0.5)
    with pytest.raises(ValueError, match="scores must have shape"):
        nms_numpy([[0, 0, 1, 1]], [0.5, 0.2], 0.5)
    with pytest.raises(ValueError, match="labels must have shape"):
        nms_numpy([[0, 0, 1, 1]], [0.5], 0.5, labels=[1, 2])
    with pytest.raises(ValueError, match="finite"):
        nms_numpy([[0, 0, 1, 1]], [np.nan], 0.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        nms_numpy([[0, 0, 1, 1]], [0.5], "0.5")
    with pytest.raises(TypeError, match="torch tensors"):
        nms_torch(np.zeros((1, 4)), np.zeros(1), 0.5)
    with pytest.raises(ValueError, match="scores must have shape"):
        nms_torch(torch.zeros(2, 4), torch.zeros(3), 0.5)
