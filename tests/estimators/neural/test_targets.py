"""Masks and boxes are checked against their images, with errors naming the image."""

import numpy as np
import pytest

from skbridge.estimators.neural._targets import check_boxes, check_masks


def test_check_masks_happy_path():
    masks = check_masks(np.ones((3, 4, 5), dtype=np.uint8), (3, 4, 5, 3))
    assert masks.dtype == np.int64 and masks.shape == (3, 4, 5) and masks.sum() == 60
    # a list of masks, integral floats and booleans; images without channels
    masks = check_masks([np.zeros((4, 5)), np.full((4, 5), 2.0), np.eye(4, 5, dtype=bool)],
                        (3, 4, 5))
    assert masks.dtype == np.int64 and masks[1, 0, 0] == 2 and masks[2].sum() == 4
    assert check_masks(np.zeros((0, 4, 5)), (0, 4, 5)).shape == (0, 4, 5)
    assert check_masks(np.array([[[0, 2]]]), (1, 1, 2), classes=[0, 1, 2]).tolist() == [[[0, 2]]]


def test_check_masks_errors():
    with pytest.raises(ValueError, match=r"mask of image 1 has shape \(4, 4\).*\(4, 5\)"):
        check_masks([np.zeros((4, 5)), np.zeros((4, 4))], (2, 4, 5, 1))
    with pytest.raises(ValueError, match=r"mask of image 0 has shape \(5, 4\).*\(4, 5\)"):
        check_masks(np.zeros((2, 5, 4)), (2, 4, 5))
    with pytest.raises(ValueError, match="2 masks but X has 3 images"):
        check_masks(np.zeros((2, 4, 5)), (3, 4, 5))
    with pytest.raises(ValueError, match="non-integer values"):
        check_masks(np.full((1, 4, 5), 0.5), (1, 4, 5))
    with pytest.raises(ValueError, match="NaN"):
        check_masks(np.full((1, 4, 5), np.nan), (1, 4, 5))
    with pytest.raises(ValueError, match="negative labels"):
        check_masks(-np.ones((1, 4, 5), dtype=int), (1, 4, 5))
    with pytest.raises(ValueError, match=r"labels \[3\] not among the classes \[0, 1, 2\]"):
        check_masks(np.full((1, 4, 5), 3), (1, 4, 5), classes=[0, 1, 2])
    with pytest.raises(ValueError, match="dtype"):
        check_masks(np.full((1, 4, 5), "a"), (1, 4, 5))
    with pytest.raises(ValueError, match="image_shape_batch"):
        check_masks(np.zeros((1, 4, 5)), (4, 5))


def test_check_boxes_happy_path():
    y = [
        {"boxes": [[0, 0, 5, 5], [2.5, 1, 10, 8]], "labels": [1, 2], "extra": "ignored"},
        {"boxes": np.zeros((0, 4)), "labels": np.zeros(0)},  # an image without objects
        {"boxes": [], "labels": []},
        {"boxes": [[3, 3, 3, 3], [0, 0, 11, 9]], "labels": np.array([1.0, 4.0])},  # 1 px tol.
    ]
    out = check_boxes(y, 4, (8, 10))
    assert [sorted(t) for t in out] == [["boxes", "labels"]] * 4
    assert out[0]["boxes"].dtype == np.float32 and out[0]["labels"].dtype == np.int64
    assert out[1]["boxes"].shape == (0, 4) and out[2]["labels"].shape == (0,)
    np.testing.assert_array_equal(out[0]["boxes"], [[0, 0, 5, 5], [2.5, 1, 10, 8]])
    assert out[3]["labels"].tolist() == [1, 4]


def _one(boxes, labels=(1,)):
    return [{"boxes": [[0, 0, 2, 2]], "labels": [1]}, {"boxes": boxes, "labels": list(labels)}]


@pytest.mark.parametrize("y, match", [
    (_one([[0, 0, 2, 2, 3]]), r"boxes of image 1 have shape \(1, 5\).*\(k, 4\)"),
    (_one([[5, 0, 2, 2]]), r"Box 0 of image 1 .* x2 < x1"),
    (_one([[0, 5, 2, 2]]), r"Box 0 of image 1 .* y2 < y1"),
    (_one([[0, 0, 2, 2], [-1, 0, 2, 2]], (1, 1)),
     r"Box 1 of image 1 is \[-1.0, 0.0, 2.0, 2.0\], outside the image: boxes are x1, y1, x2, "
     r"y2 in pixels, inside the \(8, 10\) image"),
    (_one([[0, 0, 11.5, 2]]), "outside the image"),
    (_one([[0, 0, 2, 9.5]]), "outside the image"),
    (_one([[0, 0, np.nan, 2]]), "image 1 contain NaN"),
    (_one([[0, 0, 2, 2]], (1, 2)), r"labels of image 1 have shape \(2,\) for 1 boxes"),
    (_one([[0, 0, 2, 2]], (1.5,)), "labels of image 1 contains non-integer"),
    (_one([[0, 0, 2, 2]], (-1,)), "labels of image 1 contains negative"),
    ([{"boxes": [[0, 0, 2, 2]]}], r"image 0 lacks the key\(s\) \['labels'\]"),
    (["not a dict"], "target of image 0 is a str"),
])
def test_check_boxes_errors_name_the_image(y, match):
    with pytest.raises(ValueError, match=match):
        check_boxes(y, len(y), (8, 10))


def test_check_boxes_container_errors():
    y = [{"boxes": [[0, 0, 2, 2]], "labels": [1]}]
    with pytest.raises(ValueError, match="1 targets but X has 2 images"):
        check_boxes(y, 2, (8, 10))
    with pytest.raises(ValueError, match="one dict per image"):
        check_boxes(y[0], 1, (8, 10))
    with pytest.raises(ValueError, match=r"labels \[1\] not among the classes \[2\]"):
        check_boxes(y, 1, (8, 10), classes=[2])
