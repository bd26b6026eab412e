"""Mask folders and COCO files: real PNG and JSON files written at test time."""

import json

import numpy as np
import pytest

from skbridge.datasets._dense import load_coco, load_segmentation_folder

Image = pytest.importorskip("PIL.Image")
pytest.importorskip("pycocotools.coco")

H, W = 12, 16


def _pair(i):
    """Image i (uint8 RGB) and its mask: a rectangle of class i + 1 on background 0."""
    mask = np.zeros((H, W), dtype=np.uint8)
    mask[2 + i:6 + i, 3:9 + i] = i + 1
    image = np.stack([mask * 50, np.full((H, W), 20 * i, np.uint8), 255 - mask * 40], axis=-1)
    return image.astype(np.uint8), mask


@pytest.fixture
def seg_root(tmp_path):
    """root/img/s<i>.png RGB images and root/mask/s<i>.png grey masks, i = 0..2."""
    root = tmp_path / "seg"
    (root / "img").mkdir(parents=True)
    (root / "mask").mkdir()
    for i in range(3):
        image, mask = _pair(i)
        Image.fromarray(image).save(root / "img" / f"s{i}.png")
        Image.fromarray(mask, mode="L").save(root / "mask" / f"s{i}.png")
    (root / "img" / "readme.txt").write_text("ignored")
    return root


def test_segmentation_folder(seg_root):
    bunch = load_segmentation_folder(seg_root)
    assert set(bunch) == {"data", "target", "filenames", "DESCR"}
    assert bunch.data.shape == (3, H, W, 3) and bunch.data.dtype == np.float32
    assert bunch.target.shape == (3, H, W) and bunch.target.dtype == np.int64
    for i in range(3):
        image, mask = _pair(i)
        np.testing.assert_allclose(bunch.data[i], image / 255, rtol=0, atol=1e-7)
        np.testing.assert_array_equal(bunch.target[i], mask)
    assert [f.rsplit("/", 1)[-1] for f in bunch.filenames] == ["s0.png", "s1.png", "s2.png"]
    assert ":Images: 3, 12x16" in bunch.DESCR and "0, 1, 2 and 1 more" in bunch.DESCR
    X, y = load_segmentation_folder(seg_root, color_mode="grayscale", return_X_y=True)
    assert X.shape == (3, H, W, 1) and y.shape == (3, H, W)


def test_segmentation_palette_masks_and_resize(tmp_path):
    """A palette mask gives its indices, not its colours; masks resize with NEAREST."""
    root = tmp_path / "p"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for i in range(2):
        image, mask = _pair(i)
        Image.fromarray(image).save(root / "images" / f"{i}.jpg", quality=95)
        pal = Image.fromarray(mask * 2, mode="L").convert("P")  # ids 0, 2, 4
        pal.putpalette([200, 10, 10] + [10, 200, 10] * 2 + [10, 10, 200] * 253)
        pal.save(root / "labels" / f"{i}.png")
    with Image.open(root / "labels" / "0.png") as saved:
        assert saved.mode == "P"
    bunch = load_segmentation_folder(root, image_dir="images", mask_dir="labels",
                                     image_size=(24, 32))
    assert bunch.data.shape == (2, 24, 32, 3) and bunch.target.shape == (2, 24, 32)
    for i in range(2):
        expected = np.kron(_pair(i)[1] * 2, np.ones((2, 2), dtype=np.int64))
        np.testing.assert_array_equal(bunch.target[i], expected)


def test_segmentation_errors(seg_root, tmp_path):
    (seg_root / "img" / "extra.png").write_bytes((seg_root / "img" / "s0.png").read_bytes())
    with pytest.raises(ValueError, match=r"1 image file without a mask: 'extra.png'"):
        load_segmentation_folder(seg_root)
    (seg_root / "img" / "extra.png").unlink()
    Image.fromarray(np.zeros((H, W), np.uint8)).save(seg_root / "mask" / "orphan.png")
    with pytest.raises(ValueError, match=r"1 mask file without an image: 'orphan.png'"):
        load_segmentation_folder(seg_root)
    (seg_root / "mask" / "orphan.png").unlink()
    Image.fromarray(np.zeros((H, W + 1), np.uint8)).save(seg_root / "mask" / "s1.png")
    with pytest.raises(ValueError, match=r"s1.png' is 12x17 \(h x w\) but its image 's1.png' "
                                         r"is 12x16"):
        load_segmentation_folder(seg_root)
    Image.fromarray(np.zeros((H, W, 3), np.uint8)).save(seg_root / "mask" / "s1.png")
    with pytest.raises(ValueError, match="has mode 'RGB'; a mask holds one class id"):
        load_segmentation_folder(seg_root)
    # images of two sizes: only with image_size
    Image.fromarray(np.zeros((H + 2, W, 3), np.uint8)).save(seg_root / "img" / "s1.png")
    Image.fromarray(np.zeros((H + 2, W), np.uint8)).save(seg_root / "mask" / "s1.png")
    with pytest.raises(ValueError, match=r"differ in size.*Pass image_size=\(h, w\)"):
        load_segmentation_folder(seg_root)
    assert load_segmentation_folder(seg_root, image_size=8).target.shape == (3, 8, 8)
    empty = tmp_path / "empty"
    (empty / "img").mkdir(parents=True)
    (empty / "mask").mkdir()
    with pytest.raises(ValueError, match="holds no image"):
        load_segmentation_folder(empty)
    with pytest.raises(FileNotFoundError, match="mask_dir='labels'"):
        load_segmentation_folder(empty, mask_dir="labels")


def _coco(tmp_path, *, sizes=((20, 30),) * 3, annotations=None, files=None, write=True):
    """Three images (c0 has two boxes, c1 one, c2 none) and their COCO JSON."""
    root = tmp_path / "coco"
    root.mkdir(exist_ok=True)
    images = []
    for i, (h, w) in enumerate(sizes):
        name = f"c{i}.png"
        if write and (files is None or name in files):
            Image.fromarray(np.full((h, w, 3), 60 * i, np.uint8)).save(root / name)
        images.append({"id": 10 + i, "file_name": name, "width": w, "height": h})
    if annotations is None:
        annotations = [
            {"id": 1, "image_id": 10, "bbox": [2, 3, 10, 5], "category_id": 5},
            {"id": 2, "image_id": 10, "bbox": [0, 0, 30, 20], "category_id": 9},
            {"id": 3, "image_id": 11, "bbox": [4.5, 6.25, 8, 2], "category_id": 9},
        ]
    data = {"images": images, "annotations": annotations,
            "categories": [{"id": 5, "name": "cat"}, {"id": 9, "name": "dog"}]}
    (root / "ann.json").write_text(json.dumps(data))
    return root / "ann.json"


def test_coco(tmp_path, capsys):
    bunch = load_coco(_coco(tmp_path))
    assert capsys.readouterr().out == ""  # pycocotools' messages are silenced
    assert set(bunch) == {"data", "target", "target_names", "filenames", "DESCR"}
    assert bunch.data.shape == (3, 20, 30, 3) and bunch.data.dtype == np.float32
    np.testing.assert_allclose(bunch.data[:, 0, 0, 0], [0, 60 / 255, 120 / 255], atol=1e-7)
    assert bunch.target_names == {5: "cat", 9: "dog"}
    first, second, third = bunch.target
    assert first["boxes"].dtype == np.float32 and first["labels"].dtype == np.int64
    np.testing.assert_array_equal(first["boxes"], [[2, 3, 12, 8], [0, 0, 30, 20]])
    assert first["labels"].tolist() == [5, 9]
    np.testing.assert_array_equal(second["boxes"], [[4.5, 6.25, 12.5, 8.25]])
    assert third["boxes"].shape == (0, 4) and third["labels"].shape == (0,)
    assert third["labels"].dtype == np.int64 and third["boxes"].dtype == np.float32
    assert [f.rsplit("/", 1)[-1] for f in bunch.filenames] == ["c0.png", "c1.png", "c2.png"]
    assert ":Boxes: 3 (cat 1, dog 2)" in bunch.DESCR


def test_coco_resize_and_image_dir(tmp_path):
    path = _coco(tmp_path)
    moved = tmp_path / "elsewhere"
    path.rename(moved.with_suffix(".json"))
    X, y = load_coco(moved.with_suffix(".json"), image_dir=path.parent, image_size=(40, 15),
                     color_mode="grayscale", return_X_y=True)
    assert X.shape == (3, 40, 15, 1)
    # x scaled by 15 / 30, y by 40 / 20
    np.testing.assert_allclose(y[0]["boxes"], [[1, 6, 6, 16], [0, 0, 15, 40]])
    np.testing.assert_allclose(y[1]["boxes"], [[2.25, 12.5, 6.25, 16.5]])


def test_coco_images_of_different_sizes(tmp_path):
    path = _coco(tmp_path, sizes=[(20, 30), (20, 30), (10, 10)])
    with pytest.raises(ValueError, match=r"differ in size.*Pass image_size=\(h, w\)"):
        load_coco(path)
    assert load_coco(path, image_size=10).data.shape == (3, 10, 10, 3)


def test_coco_missing_image(tmp_path):
    path = _coco(tmp_path, files={"c0.png", "c2.png"})
    with pytest.raises(FileNotFoundError, match=r"1 of 3 images .* do not exist in '.*coco': "
                                                r"'c1.png'"):
        load_coco(path)
    with pytest.raises(FileNotFoundError, match="No such COCO annotation file"):
        load_coco(tmp_path / "nope.json")


@pytest.mark.parametrize(
    "bbox, problem",
    [
        ([25, 3, 10, 5], "reaches outside the 30x20"),
        ([-1, 3, 10, 5], "reaches outside"),
        ([2, 3, 0, 5], "width and height must be > 0"),
        ([2, 3, 10, -1], "width and height must be > 0"),
        ([2, 3, 10], "a bbox is four numbers"),
    ],
)
def test_coco_bad_box(tmp_path, bbox, problem):
    anns = [{"id": 77, "image_id": 11, "bbox": bbox, "category_id": 5}]
    with pytest.raises(ValueError, match=rf"annotation 77 .*image 'c1.png'.*{problem}"):
        load_coco(_coco(tmp_path, annotations=anns))


def test_coco_unknown_image_or_category(tmp_path):
    anns = [{"id": 4, "image_id": 99, "bbox": [1, 1, 2, 2], "category_id": 5}]
    with pytest.raises(ValueError, match="annotation 4 names the image id 99"):
        load_coco(_coco(tmp_path, annotations=anns))
    anns = [{"id": 4, "image_id": 10, "bbox": [1, 1, 2, 2], "category_id": 6}]
    with pytest.raises(ValueError, match=r"category id 6, which 'categories' does not list "
                                         r"\(ids: 5, 9\)"):
        load_coco(_coco(tmp_path, annotations=anns))


def test_coco_not_coco(tmp_path):
    path = _coco(tmp_path)
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a COCO-style file"):
        load_coco(path)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_coco(path)
    path.write_text(json.dumps({"images": [], "annotations": []}))
    with pytest.raises(ValueError, match="lists no images"):
        load_coco(path)
    path.write_text(json.dumps({"images": [{"id": 1, "file_name": "c0.png", "width": 30,
                                            "height": 20}],
                                "annotations": [{"image_id": 1, "bbox": [0, 0, 1, 1]}]}))
    with pytest.raises(ValueError, match="lacks the field 'id'"):
        load_coco(path)


def test_coco_size_disagrees_with_file(tmp_path):
    path = _coco(tmp_path)
    data = json.loads(path.read_text())
    data["images"][2]["width"] = 31
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"'c2.png' is 31x20 \(w x h\), but the file is 30x20"):
        load_coco(path)
