"""Segmentation and detection: quality on shapes, both backends, resume, search, errors."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skbridge.datasets import make_shapes
from skbridge.estimators.neural import (
    NeuralNetDetector,
    NeuralNetSegmenter,
    map50_scorer,
    mean_iou_scorer,
)

torch = pytest.importorskip("torch")

SEG_SMALL = {"module_params": {"width": 8}, "epochs": 2, "batch_size": 16,
             "learning_rate": 3e-3, "random_state": 0}
DET_SMALL = {"module_params": {"width": 8}, "epochs": 2, "batch_size": 16,
             "learning_rate": 3e-3, "random_state": 0}


@pytest.fixture(scope="module")
def seg_data():
    return make_shapes(80, 32, task="segmentation", return_X_y=True, random_state=0)


@pytest.fixture(scope="module")
def det_data():
    return make_shapes(80, 32, task="detection", return_X_y=True, random_state=0)


# -- quality (the targets) ---------------------------------------------------------

SEG_QUALITY = {"module": "fcn_small", "module_params": {"width": 32}, "epochs": 30,
               "batch_size": 16, "learning_rate": 3e-3, "lr_schedule": "cosine",
               "random_state": 0}
DET_QUALITY = {"module": "centernet_small", "module_params": {"width": 24}, "epochs": 10,
               "batch_size": 16, "learning_rate": 2e-3, "lr_schedule": "cosine",
               "random_state": 0}


@pytest.fixture(scope="module")
def seg_quality_data():
    X, y = make_shapes(360, 64, task="segmentation", return_X_y=True, random_state=1)
    return X[:300], X[300:], y[:300], y[300:]


@pytest.fixture(scope="module")
def det_quality_data():
    X, y = make_shapes(960, 64, task="detection", return_X_y=True, random_state=2)
    return X[:900], X[900:], y[:900], y[900:]


@pytest.mark.slow
def test_segmentation_quality_on_both_backends(seg_quality_data):
    X_train, X_test, y_train, y_test = seg_quality_data
    scores = {}
    for backend in ("torch", "keras"):
        seg = NeuralNetSegmenter(backend=backend, **SEG_QUALITY).fit(X_train, y_train)
        scores[backend] = seg.score(X_test, y_test)
    assert scores["torch"] >= 0.80, scores
    assert abs(scores["keras"] - scores["torch"]) <= 0.05, scores


@pytest.mark.slow
def test_detection_quality_on_both_backends(det_quality_data):
    X_train, X_test, y_train, y_test = det_quality_data
    scores = {}
    for backend in ("torch", "keras"):
        det = NeuralNetDetector(backend=backend, **DET_QUALITY).fit(X_train, y_train)
        scores[backend] = det.score(X_test, y_test)
    assert scores["torch"] >= 0.70, scores
    assert abs(scores["keras"] - scores["torch"]) <= 0.05, scores


# -- behaviour -----------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_segmenter_outputs(seg_data, backend):
    X, y = seg_data
    seg = NeuralNetSegmenter(backend=backend, **SEG_SMALL).fit(X, y)
    np.testing.assert_array_equal(seg.classes_, [0, 1, 2, 3])
    masks = seg.predict(X[:3])
    assert masks.shape == (3, 32, 32) and set(np.unique(masks)) <= {0, 1, 2, 3}
    proba = seg.predict_proba(X[:3])
    assert proba.shape == (3, 32, 32, 4)
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(seg.classes_[proba.argmax(-1)], masks)
    assert 0.0 <= seg.score(X, y) <= 1.0
    assert seg.history_[-1]["epoch"] == 2


@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_detector_outputs(det_data, backend):
    X, y = det_data
    det = NeuralNetDetector(backend=backend, score_threshold=0.05, **DET_SMALL).fit(X, y)
    np.testing.assert_array_equal(det.classes_, [1, 2, 3])
    predictions = det.predict(X[:4])
    assert len(predictions) == 4
    for p in predictions:
        assert p["boxes"].shape == (len(p["labels"]), 4) and p["boxes"].dtype == np.float32
        assert p["scores"].dtype == np.float32 and (np.diff(p["scores"]) <= 0).all()
        assert set(p["labels"]) <= {1, 2, 3} and len(p["labels"]) <= det.max_detections
        assert (p["boxes"][:, 2] >= p["boxes"][:, 0]).all()
    assert 0.0 <= det.score(X, y) <= 1.0


def test_detector_thresholds_shape_the_output(det_data):
    X, y = det_data
    det = NeuralNetDetector(score_threshold=0.0, max_detections=3, **DET_SMALL).fit(X, y)
    assert all(len(p["labels"]) <= 3 for p in det.predict(X[:5]))
    det.set_params(score_threshold=1.0)
    assert all(len(p["labels"]) == 0 for p in det.predict(X[:5]))


def test_validation_records_the_task_metric(seg_data, det_data):
    seg = NeuralNetSegmenter(validation_fraction=0.25, **SEG_SMALL).fit(*seg_data)
    assert "valid_mean_iou" in seg.history_[-1]
    det = NeuralNetDetector(validation_fraction=0.25, **DET_SMALL).fit(*det_data)
    assert "valid_map50" in det.history_[-1]


@pytest.mark.parametrize("Estimator, params, data",
                         [(NeuralNetSegmenter, SEG_SMALL, "seg_data"),
                          (NeuralNetDetector, DET_SMALL, "det_data")])
def test_resume_equals_one_run_and_pickles(tmp_path, request, Estimator, params, data):
    X, y = request.getfixturevalue(data)
    params = {**params, "epochs": 4}
    whole = Estimator(**params).fit(X, y)
    Estimator(**{**params, "epochs": 2}, checkpoint=tmp_path).fit(X, y)
    resumed = Estimator(**params, resume_from=tmp_path / "epoch_2.skbckpt").fit(X, y)
    a, b = whole._predict_raw(X[:4]), resumed._predict_raw(X[:4])
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    again = pickle.loads(pickle.dumps(whole))
    np.testing.assert_allclose(again._predict_raw(X[:4]), a, rtol=1e-6, atol=1e-6)


def test_search_over_module_params_and_learning_rate(seg_data, det_data):
    X, y = seg_data
    search = GridSearchCV(
        NeuralNetSegmenter(**{**SEG_SMALL, "epochs": 1}),
        {"module__width": [4, 8], "learning_rate": [1e-3, 3e-3]}, cv=KFold(2),
        scoring=mean_iou_scorer,
    ).fit(X, y)
    assert set(search.best_params_) == {"module__width", "learning_rate"}
    X, y = det_data
    results = cross_validate(NeuralNetDetector(**{**DET_SMALL, "epochs": 1}), X, y,
                             cv=KFold(2), scoring={"map": map50_scorer})
    assert np.isfinite(results["test_map"]).all()
    assert clone(search.best_estimator_).get_params()["module_params"]["width"] in (4, 8)


def test_partial_fit_with_classes(seg_data):
    X, y = seg_data
    seg = NeuralNetSegmenter(**SEG_SMALL)
    seg.partial_fit(X[:20], np.minimum(y[:20], 1), classes=[0, 1, 2, 3])
    seg.partial_fit(X[20:40], y[20:40])
    assert len(seg.history_) == 2
    fresh = NeuralNetSegmenter(**SEG_SMALL).partial_fit(X[:20], np.minimum(y[:20], 1))
    with pytest.raises(ValueError, match="did not see.*classes="):
        fresh.partial_fit(X[20:40], y[20:40])


# -- errors --------------------------------------------------------------------------------

def test_bad_masks_are_named(seg_data):
    X, y = seg_data
    with pytest.raises(ValueError, match="mask"):
        NeuralNetSegmenter(**SEG_SMALL).fit(X, y[:, :16, :16])
    with pytest.raises(ValueError, match="80 images but y has 79"):
        NeuralNetSegmenter(**SEG_SMALL).fit(X, y[:79])
    with pytest.raises(ValueError, match="one mask"):
        NeuralNetSegmenter(**SEG_SMALL).fit(X, np.zeros(80))
    with pytest.raises(ValueError, match="single class"):
        NeuralNetSegmenter(**SEG_SMALL).fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match=r"images \(n, h, w\)"):
        NeuralNetSegmenter(**SEG_SMALL).fit(X.reshape(80, -1), y)


def test_bad_boxes_are_named(det_data):
    X, y = det_data
    flipped = [dict(t) for t in y]
    flipped[3] = {"boxes": np.array([[20.0, 5.0, 10.0, 15.0]], np.float32),
                  "labels": np.array([1])}
    with pytest.raises(ValueError, match="3"):
        NeuralNetDetector(**DET_SMALL).fit(X, flipped)
    outside = [dict(t) for t in y]
    outside[5] = {"boxes": np.array([[10.0, 10.0, 60.0, 20.0]], np.float32),
                  "labels": np.array([2])}
    with pytest.raises(ValueError, match="5"):
        NeuralNetDetector(**DET_SMALL).fit(X, outside)
    empty = [dict(t) for t in y]
    empty[0] = {"boxes": np.zeros((0, 4), np.float32), "labels": np.zeros(0, np.int64)}
    NeuralNetDetector(**{**DET_SMALL, "epochs": 1}).fit(X, empty)  # an empty image is fine
    fitted = NeuralNetDetector(**{**DET_SMALL, "epochs": 1}).fit(X, y)
    with pytest.raises(ValueError, match=r"\(32, 32, 3\)"):
        fitted.predict(np.zeros((2, 16, 16, 3), np.float32))


@pytest.mark.parametrize("Estimator", [NeuralNetSegmenter, NeuralNetDetector])
def test_scikit_learn_api_checks_that_apply_to_image_estimators(Estimator):
    # scikit-learn's common checks run on 2-D data; these estimators declare
    # three_d_array input, so parametrize_with_checks runs only the cloning check.
    # The API checks that need no 2-D fit run here.
    from sklearn.utils import estimator_checks as checks

    estimator = Estimator(**{**SEG_SMALL, "module_params": None})
    name = Estimator.__name__
    for check in (checks.check_no_attributes_set_in_init, checks.check_get_params_invariance,
                  checks.check_set_params, checks.check_parameters_default_constructible):
        check(name, estimator)
    assert repr(estimator).startswith(name)


def test_decoded_boxes_are_never_inverted_and_validation_uses_the_settings(det_data):
    X, y = det_data
    det = NeuralNetDetector(**{**DET_SMALL, "epochs": 1}, score_threshold=0.05).fit(X, y)
    raw = det._predict_raw(X[:8])
    raw[..., -4:-2] = -1.0  # a network predicting negative sizes
    for p in det._task.output_to_prediction(raw, score_threshold=0.0):
        assert (p["boxes"][:, 2] >= p["boxes"][:, 0]).all()
        assert (p["boxes"][:, 3] >= p["boxes"][:, 1]).all()
    assert 0.0 <= det.score(X, y) <= 1.0
    det = NeuralNetDetector(**DET_SMALL, score_threshold=0.01, max_detections=2,
                            validation_fraction=0.25).fit(X, y)
    assert (det._task.score_threshold, det._task.max_detections) == (0.01, 2)
    assert det._task.nms is None  # nothing of the backend in the pickled task
    pickle.dumps(det)


def test_targets_as_an_object_array_and_one_image_hint(det_data, seg_data):
    X, y = det_data
    det = NeuralNetDetector(**{**DET_SMALL, "epochs": 1}).fit(X, np.array(y, dtype=object))
    assert len(det.predict(X[:2])) == 2
    X, masks = seg_data
    seg = NeuralNetSegmenter(**{**SEG_SMALL, "epochs": 1}).fit(X, masks)
    with pytest.raises(ValueError, match=r"one image without the batch axis.*X\[np.newaxis\]"):
        seg.predict(X[0])
