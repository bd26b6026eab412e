"""The dense tasks: mask encoding, CenterNet targets that decode back to the boxes."""

import numpy as np
import pytest

from skbridge.datasets import make_shapes
from skbridge.estimators.neural import detection_map_score
from skbridge.estimators.neural._dense_tasks import DetectionTask, SegmentationTask

pytest.importorskip("pycocotools")


@pytest.fixture(scope="module")
def boxes():
    return make_shapes(20, 64, task="detection", return_X_y=True, random_state=3)


def _task(y, input_shape=(64, 64, 3)):
    task = DetectionTask()
    task.input_shape = input_shape
    encoded, info = task.prepare_y(y)
    return task, encoded, info


def test_targets_decode_back_to_the_boxes(boxes):
    _, y = boxes
    task, encoded, info = _task(y)
    assert encoded.shape == (20, 16, 16, 3 + 5) and task.n_outputs(info) == 7
    decoded = task.decode_targets(encoded)
    for got, want in zip(decoded, y):
        order_got = np.lexsort(got["boxes"].T[::-1])
        order_want = np.lexsort(want["boxes"].T[::-1])
        np.testing.assert_allclose(got["boxes"][order_got], want["boxes"][order_want], atol=1e-4)
        np.testing.assert_array_equal(got["labels"][order_got], want["labels"][order_want])


def test_a_perfect_network_output_scores_one(boxes):
    _, y = boxes
    task, encoded, _ = _task(y)
    k = len(task.classes_)
    heat = np.clip(encoded[..., :k], 1e-6, 1 - 1e-6)
    raw = np.concatenate([np.log(heat / (1 - heat)), encoded[..., k:k + 4]], axis=-1)
    predictions = task.output_to_prediction(raw, score_threshold=0.5)
    assert detection_map_score(y, predictions) == pytest.approx(1.0)
    assert task.metric(encoded, raw) == pytest.approx(1.0)


def test_centre_maps_peak_at_one_per_object(boxes):
    _, y = boxes
    _, encoded, _ = _task(y)
    n_objects = sum(len(t["labels"]) for t in y)
    assert int((encoded[..., :3] == 1.0).sum()) == n_objects == int(encoded[..., 7].sum())
    assert encoded[..., :3].max() == 1.0 and encoded[..., :3].min() >= 0.0


def test_unseen_labels_are_named(boxes):
    _, y = boxes
    task, _, _ = _task(y)
    odd = [{"boxes": np.array([[1, 1, 9, 9]], np.float32), "labels": np.array([7])}]
    with pytest.raises(ValueError, match=r"\[7\].*classes="):
        task.encode_y(odd)


def test_segmentation_encoding_and_probabilities():
    task = SegmentationTask()
    task.input_shape = (2, 3, 1)
    masks = np.array([[[0, 5, 5], [0, 0, 9]]])
    codes, info = task.prepare_y(masks)
    np.testing.assert_array_equal(info["classes"], [0, 5, 9])
    np.testing.assert_array_equal(codes, [[[0, 1, 1], [0, 0, 2]]])
    raw = np.eye(3)[codes] * 5.0
    np.testing.assert_array_equal(task.output_to_prediction(raw), masks)
    np.testing.assert_allclose(task.output_to_proba(raw).sum(-1), 1.0)
    assert task.metric(codes, raw) == 1.0
