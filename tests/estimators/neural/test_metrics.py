"""Mean IoU and COCO mAP: hand-checked values, input errors, scorers in model selection."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skbridge.estimators.neural._metrics import (
    detection_map_score,
    map50_scorer,
    mean_iou_score,
    mean_iou_scorer,
)

pytest.importorskip("pycocotools")

# Two images of 2x2: class 0 has 5 of 7 pixels in common (accumulated over both images),
# class 1 one of two, class 3 (only predicted) none; class 2 never occurs.
MASK_TRUE = np.array([[[1, 1], [0, 0]], [[0, 0], [0, 0]]])
MASK_PRED = np.array([[[1, 0], [0, 0]], [[0, 0], [0, 3]]])


def test_mean_iou_hand_computed():
    assert mean_iou_score(MASK_TRUE, MASK_PRED) == pytest.approx((5 / 7 + 1 / 2 + 0) / 3)
    assert mean_iou_score(MASK_TRUE, MASK_PRED, ignore_background=True) == pytest.approx(0.25)
    assert mean_iou_score(MASK_TRUE, MASK_PRED, labels=[1, 2]) == pytest.approx(0.5)
    assert mean_iou_score(MASK_TRUE, MASK_PRED, labels=[0, 3]) == pytest.approx(5 / 14)
    # one (h, w) mask, float masks holding integers, and a perfect prediction
    assert mean_iou_score(MASK_TRUE[0], MASK_PRED[0].astype(float)) == pytest.approx(
        (2 / 3 + 1 / 2) / 2)
    assert mean_iou_score(MASK_TRUE, MASK_TRUE) == 1.0


def test_mean_iou_errors_and_undefined():
    with pytest.raises(ValueError, match=r"\(2, 2, 2\).*\(2, 2\)"):
        mean_iou_score(MASK_TRUE, MASK_PRED[0])
    with pytest.raises(ValueError, match="non-integer"):
        mean_iou_score(MASK_TRUE, MASK_PRED + 0.5)
    with pytest.raises(ValueError, match="negative"):
        mean_iou_score(MASK_TRUE, -MASK_PRED)
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(mean_iou_score(np.zeros((2, 2)), np.zeros((2, 2)),
                                       ignore_background=True))


def _gt(*boxes, labels=None):
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    labels = np.ones(len(boxes), dtype=int) if labels is None else np.asarray(labels)
    return {"boxes": boxes, "labels": labels}


def _pred(boxes, scores, labels=None):
    out = _gt(*boxes, labels=labels)
    out["scores"] = np.asarray(scores, dtype=float)
    return out


A, B = [0, 0, 10, 10], [20, 20, 30, 30]
B_SHIFT_2 = [22, 20, 32, 30]  # IoU with B = 80 / 120 = 0.667
B_SHIFT_6 = [26, 20, 36, 30]  # IoU with B = 40 / 160 = 0.25


def test_map_perfect_prediction_is_one():
    y = [_gt(A), _gt(), _gt(B, labels=[2])]
    pred = [_pred([A], [0.9]), _pred([], []), _pred([B], [0.5], labels=[2])]
    assert detection_map_score(y, pred) == 1.0
    assert detection_map_score(y[:1], pred[:1]) == 1.0  # one TP: COCO's 1 / (1 + eps)


def test_map_matches_hand_computed_coco_interpolation():
    y = [_gt(A, B)]
    # TP (0.9) then FP (0.8): recall 0.5 at precision 1, never 1.0. COCO's 101-point
    # interpolation: precision 1 at the recall points 0, 0.01, ..., 0.50, 0 above.
    missed = [_pred([A, B_SHIFT_6], [0.9, 0.8])]
    assert detection_map_score(y, missed) == pytest.approx(51 / 101)
    # the same shift counts as a hit at IoU threshold 0.2; a 2-pixel shift hits at 0.5
    assert detection_map_score(y, missed, iou_threshold=0.2) == pytest.approx(1.0)
    assert detection_map_score(y, [_pred([A, B_SHIFT_2], [0.9, 0.8])]) == pytest.approx(1.0)
    assert detection_map_score(y, [_pred([A, B_SHIFT_2], [0.9, 0.8])],
                               iou_threshold=0.7) == pytest.approx(51 / 101)
    # FP first, then two TPs: precisions 0, 1/2, 2/3 at recalls 0, 0.5, 1; the envelope is
    # 2/3 at every recall point
    fp_first = [_pred([B_SHIFT_6, A, B], [0.95, 0.9, 0.85])]
    assert detection_map_score(y, fp_first) == pytest.approx(2 / 3)
    # a duplicate detection of A is a false positive, like the missed one
    assert detection_map_score(y, [_pred([A, A], [0.9, 0.8])]) == pytest.approx(51 / 101)


def test_map_averages_classes_with_ground_truth_only():
    y = [_gt(A, labels=[1]), _gt(A, B, labels=[2, 2])]
    pred = [
        _pred([A, B], [0.9, 0.99], labels=[1, 7]),  # class 7 has no ground truth: ignored
        _pred([A, B_SHIFT_6], [0.9, 0.8], labels=[2, 2]),
    ]
    assert detection_map_score(y, pred) == pytest.approx((1 + 51 / 101) / 2)
    # a false positive on an image without objects ranks first in class 1
    pred[0] = _pred([A], [0.5], labels=[1])
    fp = _pred([A], [0.95], labels=[1])
    y3, pred3 = [*y, _gt()], [*pred, fp]
    assert detection_map_score(y3, pred3) == pytest.approx((0.5 + 51 / 101) / 2)


def test_map_degenerate_cases_and_errors():
    y = [_gt(A)]
    assert detection_map_score(y, [_pred([], [])]) == 0.0
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(detection_map_score([_gt()], [_pred([A], [0.9])]))
    with pytest.raises(ValueError, match="1 images but y_pred has 2"):
        detection_map_score(y, [_pred([A], [0.9])] * 2)
    with pytest.raises(ValueError, match=r"y_pred\[0\].*'scores'"):
        detection_map_score(y, [_gt(A)])
    with pytest.raises(ValueError, match=r"y_true\[0\]\['boxes'\].*\(k, 4\)"):
        detection_map_score([{"boxes": [1, 2, 3], "labels": [1]}], [_pred([A], [0.9])])
    with pytest.raises(ValueError, match="x2 < x1"):
        detection_map_score(y, [_pred([[10, 0, 0, 10]], [0.9])])
    with pytest.raises(ValueError, match="1 boxes but 2 labels"):
        detection_map_score([{"boxes": [A], "labels": [1, 2]}], [_pred([A], [0.9])])
    with pytest.raises(ValueError, match="one dict per image"):
        detection_map_score(_gt(A), [_pred([A], [0.9])])
    with pytest.raises(ValueError, match="iou_threshold"):
        detection_map_score(y, [_pred([A], [0.9])], iou_threshold=1.5)


class _ThresholdSegmenter(BaseEstimator):
    """Masks: class 1 where the first channel exceeds ``threshold``."""

    def __init__(self, threshold=0.5):
        self.threshold = threshold

    def fit(self, X, y):
        return self

    def predict(self, X):
        return (X[..., 0] > self.threshold).astype(np.int64)


class _ShiftDetector(BaseEstimator):
    """One box per image, read from X (n, 4), shifted right by ``shift`` pixels."""

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        return self

    def predict(self, X):
        return [{"boxes": (x + [self.shift, 0, self.shift, 0])[None], "labels": np.ones(1),
                 "scores": np.ones(1)} for x in X]


def test_scorers_in_cross_validation_and_grid_search():
    rng = np.random.default_rng(0)
    X = rng.random((12, 6, 6, 1))
    masks = (X[..., 0] > 0.5).astype(np.int64)
    cv = KFold(3)
    scores = cross_validate(_ThresholdSegmenter(), X, masks, cv=cv, scoring=mean_iou_scorer)
    np.testing.assert_allclose(scores["test_score"], 1.0)
    search = GridSearchCV(_ThresholdSegmenter(), {"threshold": [0.2, 0.5, 0.8]}, cv=cv,
                          scoring=mean_iou_scorer).fit(X, masks)
    assert search.best_params_ == {"threshold": 0.5} and search.best_score_ == 1.0

    corners = rng.uniform(0, 20, (12, 2))
    boxes = np.hstack([corners, corners + 10])
    y = [{"boxes": b[None], "labels": np.ones(1, dtype=int)} for b in boxes]
    scores = cross_validate(_ShiftDetector(), boxes, y, cv=cv, scoring=map50_scorer)
    np.testing.assert_allclose(scores["test_score"], 1.0)
    search = GridSearchCV(_ShiftDetector(), {"shift": [6.0, 0.0, 2.0]}, cv=cv,
                          scoring={"map50": map50_scorer}, refit="map50").fit(boxes, y)
    assert search.best_params_ == {"shift": 0.0}
    # shift 6 (IoU 0.25) never matches, shift 2 (IoU 0.67) always does
    np.testing.assert_allclose(search.cv_results_["mean_test_map50"], [0.0, 1.0, 1.0])
