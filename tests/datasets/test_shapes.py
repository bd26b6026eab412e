"""make_shapes: images, masks and boxes that agree, seeded, fast."""

import time

import numpy as np
import pytest
from scipy import ndimage

from skbridge.datasets._shapes import make_shapes

EIGHT = np.ones((3, 3), dtype=int)  # 8-connectivity: diagonal neighbours are one region


def _mask_boxes(mask):
    """{(x1, y1, x2, y2, class id)} of the connected regions of one mask, per class."""
    found = set()
    for label in np.unique(mask)[1:]:
        regions, _ = ndimage.label(mask == label, structure=EIGHT)
        for rows, cols in ndimage.find_objects(regions):
            found.add((cols.start, rows.start, cols.stop, rows.stop, int(label)))
    return found


def _det_boxes(target):
    return {(*map(int, box), int(label))
            for box, label in zip(target["boxes"], target["labels"])}


def test_segmentation_bunch():
    bunch = make_shapes(12, image_size=(40, 56), size_range=(8, 14), random_state=0)
    assert set(bunch) == {"data", "target", "target_names", "DESCR"}
    assert bunch.data.shape == (12, 40, 56, 3) and bunch.data.dtype == np.float32
    assert 0.0 <= bunch.data.min() and bunch.data.max() <= 1.0
    assert bunch.target.shape == (12, 40, 56) and bunch.target.dtype == np.int64
    assert bunch.target_names == ["background", "circle", "square", "triangle"]
    assert set(np.unique(bunch.target)) == {0, 1, 2, 3}
    assert ":Images: 12, 40x56" in bunch.DESCR


def test_detection_bunch_and_return_X_y():
    bunch = make_shapes(10, image_size=48, task="detection", size_range=(8, 16), random_state=1)
    assert bunch.target_names == ["circle", "square", "triangle"]
    assert len(bunch.target) == 10
    for t in bunch.target:
        assert set(t) == {"boxes", "labels"}
        assert t["boxes"].dtype == np.float32 and t["boxes"].shape == (len(t["labels"]), 4)
        assert t["labels"].dtype == np.int64 and set(t["labels"]) <= {1, 2, 3}
        x1, y1, x2, y2 = t["boxes"].T
        assert (x1 >= 0).all() and (y1 >= 0).all() and (x2 <= 48).all() and (y2 <= 48).all()
        side = np.maximum(x2 - x1, y2 - y1)
        assert ((side >= 7) & (side <= 16)).all()  # a triangle's box may lose a row
    X, y = make_shapes(10, image_size=48, task="detection", size_range=(8, 16),
                       return_X_y=True, random_state=1)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y[3]["boxes"], bunch.target[3]["boxes"])


def test_seeded():
    a = make_shapes(8, random_state=3)
    b = make_shapes(8, random_state=np.random.RandomState(3))
    c = make_shapes(8, random_state=4)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.target, b.target)
    assert not np.array_equal(a.target, c.target)


@pytest.mark.parametrize("seed", [0, 7])
def test_boxes_are_the_mask_regions(seed):
    """Same seed, both tasks: same images, and each box bounds one region of the mask."""
    seg = make_shapes(30, image_size=64, n_shapes=(2, 4), random_state=seed)
    det = make_shapes(30, image_size=64, n_shapes=(2, 4), task="detection", random_state=seed)
    np.testing.assert_array_equal(seg.data, det.data)
    for mask, target in zip(seg.target, det.target):
        assert _mask_boxes(mask) == _det_boxes(target)


def test_counts_within_n_shapes():
    y = make_shapes(60, n_shapes=(2, 4), task="detection", return_X_y=True, random_state=5)[1]
    counts = np.array([len(t["labels"]) for t in y])
    assert counts.min() >= 2 and counts.max() <= 4
    assert set(counts) == {2, 3, 4}  # every count occurs in 60 images
    fixed = make_shapes(10, n_shapes=3, task="detection", return_X_y=True, random_state=5)[1]
    assert [len(t["labels"]) for t in fixed] == [3] * 10
    none = make_shapes(3, n_shapes=0, task="detection", return_X_y=True, random_state=5)[1]
    assert all(t["boxes"].shape == (0, 4) and t["labels"].shape == (0,) for t in none)


def test_shapes_do_not_overlap():
    y = make_shapes(40, n_shapes=(3, 3), task="detection", return_X_y=True, random_state=2)[1]
    for t in y:
        b = t["boxes"].astype(float)
        for i in range(len(b)):
            for j in range(i + 1, len(b)):
                w = min(b[i, 2], b[j, 2]) - max(b[i, 0], b[j, 0])
                h = min(b[i, 3], b[j, 3]) - max(b[i, 1], b[j, 1])
                inter = max(w, 0) * max(h, 0)
                areas = np.prod(b[[i, j], 2:] - b[[i, j], :2], axis=1)
                assert inter / (areas.sum() - inter) <= 0.1


def test_image_and_mask_agree_pixel_for_pixel():
    """Without noise each shape is one flat colour, exactly where its mask is."""
    X, masks = make_shapes(20, noise=0.0, return_X_y=True, random_state=6)
    for image, mask in zip(X, masks):
        for label in np.unique(mask)[1:]:
            regions, n = ndimage.label(mask == label, structure=EIGHT)
            for k in range(1, n + 1):
                inside = regions == k
                colours = image[inside]
                np.testing.assert_array_equal(colours, np.broadcast_to(colours[0], colours.shape))
                ring = ndimage.binary_dilation(inside, structure=EIGHT) & ~inside
                assert not mask[ring].any()  # shapes never touch
                contrast = np.abs(image[ring] - colours[0]).max(axis=-1)
                assert contrast.min() >= 0.25


def test_shapes_stand_out_from_a_textured_background():
    X, masks = make_shapes(40, return_X_y=True, random_state=8)
    background = masks == 0
    flat = make_shapes(40, noise=0.0, return_X_y=True, random_state=8)[0]
    # textured: the noiseless background varies across an image
    spread = [flat[i][background[i]].std(axis=0).max() for i in range(40)]
    assert np.median(spread) > 0.05
    # with noise, a shape's mean colour differs clearly from the mean of its surroundings
    for image, mask in zip(X[:10], masks[:10]):
        regions, n = ndimage.label(mask > 0, structure=EIGHT)
        for k in range(1, n + 1):
            inside = regions == k
            ring = ndimage.binary_dilation(inside, iterations=2) & (mask == 0)
            diff = np.abs(image[inside].mean(axis=0) - image[ring].mean(axis=0)).max()
            assert diff > 0.15
            assert image[inside].std(axis=0).max() < 0.12  # flat colour + noise 0.08


def test_shapes_subset_and_class_ids():
    bunch = make_shapes(10, shapes=["triangle", "circle"], task="detection", random_state=0)
    assert bunch.target_names == ["triangle", "circle"]
    assert set(np.concatenate([t["labels"] for t in bunch.target])) == {1, 2}
    masks = make_shapes(10, shapes=("square",), random_state=0).target
    assert set(np.unique(masks)) == {0, 1}
    # squares fill their boxes exactly
    y = make_shapes(10, shapes=("square",), task="detection", random_state=0).target
    for mask, t in zip(masks, y):
        assert sum(np.prod(b[2:] - b[:2]) for b in t["boxes"]) == (mask == 1).sum()


def test_fast():
    make_shapes(5, random_state=0)  # warm up
    start = time.perf_counter()
    make_shapes(200, image_size=64, random_state=0)
    assert time.perf_counter() - start < 1.5


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"shapes": ("circle", "hexagon")}, "shapes must be distinct names"),
        ({"shapes": ("circle", "circle")}, "shapes must be distinct names"),
        ({"shapes": ()}, "shapes must be distinct names"),
        ({"n_shapes": (3, 1)}, "least <= most"),
        ({"n_shapes": (1, 2, 3)}, "n_shapes must be an int or a pair"),
        ({"size_range": (10, 80)}, "size_range must be"),
        ({"size_range": (2, 8)}, "pair of ints >= 3"),
        ({"image_size": 16}, "larger image_size"),
        ({"image_size": 32, "size_range": (30, 32), "n_shapes": 2}, "do not fit"),
        ({"image_size": 32, "size_range": (20, 20), "n_shapes": 2}, "Could not place 2"),
        ({"task": "classification"}, "task"),
        ({"noise": -0.1}, "noise"),
        ({"n_samples": 0}, "n_samples"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_shapes(**{"n_samples": 3, "random_state": 0, **kwargs})
