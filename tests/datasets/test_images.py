"""Image folders and CSVs: real PNG files written at test time from sklearn's digits."""

import pickle
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skbridge.compat import OptionalDependencyError
from skbridge.datasets import ImageDataset, load_image_csv, load_image_folder

Image = pytest.importorskip("PIL.Image")

CLASSES = {"zero": 0, "one": 1, "two": 2}  # folder names sort as one, two, zero
N_PER_CLASS = 4


def _digit_pixels(n_per_class=N_PER_CLASS):
    """{digit: list of 16x16 uint8 images}: 8x8 digits (0..16) scaled up, 0..240."""
    digits = load_digits()
    out = {}
    for digit in CLASSES.values():
        images = digits.images[digits.target == digit][:n_per_class]
        out[digit] = [np.kron(im, np.ones((2, 2))).astype(np.uint8) * 15 for im in images]
    return out


@pytest.fixture
def folder(tmp_path):
    """root/<class>/<i>.png, grey PNGs; returns (root, {(class, i): pixels})."""
    root = tmp_path / "digits"
    pixels = {}
    for name, digit in CLASSES.items():
        (root / name).mkdir(parents=True)
        for i, im in enumerate(_digit_pixels()[digit]):
            Image.fromarray(im, mode="L").save(root / name / f"{i:02d}.png")
            pixels[name, i] = im
    (root / "zero" / "notes.txt").write_text("not an image, ignored")
    (root / ".hidden").mkdir()
    return root, pixels


def test_folder_bunch(folder):
    root, pixels = folder
    bunch = load_image_folder(root)
    assert set(bunch) == {"data", "target", "target_names", "filenames", "DESCR"}
    assert bunch.target_names == ["one", "two", "zero"]
    n = len(CLASSES) * N_PER_CLASS
    assert bunch.data.shape == (n, 16, 16, 3) and bunch.data.dtype == np.float32
    assert 0.0 <= bunch.data.min() and bunch.data.max() <= 1.0
    assert bunch.target.dtype.kind == "i"
    assert bunch.target.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert len(bunch.filenames) == n
    assert all(str(f).endswith(".png") for f in bunch.filenames)
    assert ":Images: 12, 16x16" in bunch.DESCR and "zero 4" in bunch.DESCR
    # exact pixels: a grey PNG is repeated on three channels, / 255
    first = pixels["one", 0] / 255
    for channel in range(3):
        np.testing.assert_allclose(bunch.data[0, :, :, channel], first, rtol=0, atol=1e-7)
    X, y = load_image_folder(root, return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)


def test_lazy_equals_eager(folder):
    root, _ = folder
    for kwargs in [{}, {"image_size": (8, 12), "color_mode": "grayscale"}]:
        eager = load_image_folder(root, **kwargs)
        lazy = load_image_folder(root, lazy=True, **kwargs)
        assert isinstance(lazy, ImageDataset)
        assert len(lazy) == len(eager.data)
        assert lazy.image_shape == eager.data.shape[1:]
        assert lazy.classes == eager.target_names
        np.testing.assert_array_equal(lazy.targets, eager.target)
        np.testing.assert_array_equal(lazy.filenames, eager.filenames)
        order = [11, 0, 5, 5, -1]
        X, y = lazy.load(order)
        np.testing.assert_array_equal(X, eager.data[order])
        np.testing.assert_array_equal(y, eager.target[order])
        X_all, _ = lazy.load()
        np.testing.assert_array_equal(X_all, eager.data)
        # one image, a slice and a subset
        x0, y0 = lazy[3]
        np.testing.assert_array_equal(x0, eager.data[3])
        assert y0 == eager.target[3]
        part = lazy[2:6]
        assert isinstance(part, ImageDataset) and len(part) == 4
        np.testing.assert_array_equal(part.load()[0], eager.data[2:6])
        np.testing.assert_array_equal(part.targets, eager.target[2:6])
        # pickles small and loads the same
        again = pickle.loads(pickle.dumps(lazy))
        np.testing.assert_array_equal(again.load([1, 2])[0], eager.data[[1, 2]])
    with pytest.raises(IndexError, match="holds 12 images"):
        lazy.load([12])
    assert "ImageDataset(n_images=12" in repr(lazy)


def test_resize_and_color_modes(folder, tmp_path):
    root, pixels = folder
    X, _ = load_image_folder(root, image_size=(20, 10), return_X_y=True)
    assert X.shape == (12, 20, 10, 3)  # (height, width)
    assert load_image_folder(root, image_size=8, return_X_y=True)[0].shape == (12, 8, 8, 3)
    grey, _ = load_image_folder(root, color_mode="grayscale", return_X_y=True)
    assert grey.shape == (12, 16, 16, 1)
    np.testing.assert_allclose(grey[0, :, :, 0], pixels["one", 0] / 255, atol=1e-7)
    expected = np.asarray(
        Image.fromarray(pixels["one", 0]).resize((10, 20), Image.Resampling.BILINEAR)
    )
    np.testing.assert_allclose(X[0, :, :, 1], expected / 255, atol=1e-7)

    # colour images: rgb keeps the channels, grayscale takes the luminance
    color_root = tmp_path / "colors"
    rgb = {"red": (200, 10, 10), "blue": (10, 10, 200)}
    for name, value in rgb.items():
        (color_root / name).mkdir(parents=True)
        for i in range(2):
            Image.new("RGB", (6, 4), value).save(color_root / name / f"{i}.png")
    bunch = load_image_folder(color_root)
    assert bunch.target_names == ["blue", "red"]
    np.testing.assert_allclose(bunch.data[0, 0, 0], np.array(rgb["blue"]) / 255, atol=1e-7)
    grey = load_image_folder(color_root, color_mode="grayscale").data
    luminance = round((200 * 299 + 10 * 587 + 10 * 114) / 1000)
    assert grey.shape == (4, 4, 6, 1)
    assert abs(grey[2, 0, 0, 0] * 255 - luminance) <= 1


def _write_csv(path, rows, header="path,label"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_csv_relative_paths(folder, tmp_path):
    root, pixels = folder
    rows = [f"{name}/{i:02d}.png,{digit}" for name, digit in CLASSES.items() for i in range(3)]
    # paths relative to the CSV's own folder
    csv = _write_csv(root / "labels.csv", rows)
    bunch = load_image_csv(csv, color_mode="grayscale")
    assert bunch.data.shape == (9, 16, 16, 1)
    assert bunch.target.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]  # numbers stay numbers
    assert bunch.target_names == [0, 1, 2]
    np.testing.assert_allclose(bunch.data[3, :, :, 0], pixels["one", 0] / 255, atol=1e-7)
    # the same CSV elsewhere with root=, string labels, other column names
    renamed = [r.replace(",0", ",zero").replace(",1", ",one").replace(",2", ",two")
               for r in rows]
    other = _write_csv(tmp_path / "elsewhere" / "x.csv", renamed, header="file,digit")
    X, y = load_image_csv(other, root=root, path_column="file", label_column="digit",
                          color_mode="grayscale", return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    assert y.tolist()[:4] == ["zero", "zero", "zero", "one"]
    lazy = load_image_csv(other, root=root, path_column="file", label_column="digit",
                          color_mode="grayscale", lazy=True)
    assert lazy.classes == ["one", "two", "zero"]
    np.testing.assert_array_equal(lazy.load([8, 0])[0], X[[8, 0]])
    # unlabelled images and absolute paths
    absolute = _write_csv(tmp_path / "abs.csv", [str(root / "two" / "00.png")], header="path")
    unlabelled = load_image_csv(absolute, label_column=None, lazy=True)
    assert unlabelled.targets is None and unlabelled.load([0])[1] is None


def test_mixed_sizes(folder):
    root, _ = folder
    Image.fromarray(np.zeros((10, 12), dtype=np.uint8)).save(root / "two" / "big.png")
    for lazy in (False, True):
        with pytest.raises(ValueError, match=r"differ in size.*16x16: 12 images.*10x12: 1 "
                                             r"image.*big\.png.*image_size=\(h, w\)"):
            load_image_folder(root, lazy=lazy)
    assert load_image_folder(root, image_size=(16, 16)).data.shape == (13, 16, 16, 3)


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such image folder"):
        load_image_folder(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no class sub-folder in .*at least two classes"):
        load_image_folder(empty)
    Image.new("L", (4, 4)).save(empty / "loose.png")
    with pytest.raises(ValueError, match="1 images directly in it"):
        load_image_folder(empty)
    (empty / "cat").mkdir()
    Image.new("L", (4, 4)).save(empty / "cat" / "a.png")
    with pytest.raises(ValueError, match=r"one class sub-folder \('cat'\).*one sub-folder "
                                         r"per class"):
        load_image_folder(empty)
    (empty / "dog").mkdir()
    with pytest.raises(ValueError, match="1 class folder in .* hold no image \\('dog'\\)"):
        load_image_folder(empty)
    with pytest.raises(NotADirectoryError, match="use load_image_csv"):
        load_image_folder(empty / "loose.png")
    with pytest.raises(ValueError, match="return_X_y=True cannot be combined with lazy"):
        load_image_folder(empty, lazy=True, return_X_y=True)
    with pytest.raises(ValueError, match="image_size must be"):
        load_image_folder(empty, image_size=(0, 4))
    with pytest.raises(ValueError, match="color_mode"):
        load_image_folder(empty, color_mode="cmyk")


def test_corrupt_image_is_named(folder):
    root, _ = folder
    (root / "one" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    for kwargs in [{}, {"lazy": True}, {"image_size": (16, 16)}]:
        with pytest.raises(ValueError, match=r"Cannot read the image .*broken\.png"):
            load_image_folder(root, **kwargs)
    # lazy with image_size reads no file up front: the error comes when it is decoded
    lazy = load_image_folder(root, image_size=(16, 16), lazy=True)
    broken = list(lazy.filenames).index(str(root / "one" / "broken.png"))
    lazy.load([broken + 1])
    with pytest.raises(ValueError, match=r"broken\.png"):
        lazy.load([0, broken])


def test_csv_errors(folder, tmp_path):
    root, _ = folder
    rows = [f"zero/{i:02d}.png,0" for i in range(4)]
    rows += [f"zero/missing_{i}.png,1" for i in range(5)]
    csv = _write_csv(root / "bad.csv", rows)
    with pytest.raises(FileNotFoundError, match=r"5 of 9 images listed in column 'path'.*"
                                                r"missing_0\.png', 'zero/missing_1\.png', "
                                                r"'zero/missing_2\.png' and 2 more.*root="):
        load_image_csv(csv)
    with pytest.raises(ValueError, match=r"no column 'file' \(path_column\); its columns are "
                                         r"\['path', 'label'\]"):
        load_image_csv(csv, path_column="file")
    with pytest.raises(ValueError, match=r"no column 'y' \(label_column\)"):
        load_image_csv(csv, label_column="y")
    with pytest.raises(FileNotFoundError, match="No such CSV file"):
        load_image_csv(tmp_path / "none.csv")
    blank = _write_csv(tmp_path / "blank.csv", ["a.png,1", ",2", "c.png,"])
    with pytest.raises(ValueError, match="1 row with no 'path' value, on line 3; fill it in"):
        load_image_csv(blank)
    header_only = _write_csv(tmp_path / "header.csv", [])
    with pytest.raises(ValueError, match="lists no images"):
        load_image_csv(header_only)


def test_image_dataset_direct(folder):
    root, _ = folder
    files = sorted(root.glob("*/*.png"))
    data = ImageDataset(files, image_size=(4, 4), color_mode="grayscale")
    assert data.targets is None and data.classes is None
    assert data.load([0])[0].shape == (1, 4, 4, 1)
    with pytest.raises(ValueError, match="one label per file"):
        ImageDataset(files, [0, 1])
    with pytest.raises(FileNotFoundError, match="1 of 2 image files do not exist"):
        ImageDataset([files[0], root / "nope.png"], image_size=4)
    with pytest.raises(ValueError, match="at least one image"):
        ImageDataset([])


def test_missing_pillow_names_the_extra(folder, monkeypatch):
    root, _ = folder
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(OptionalDependencyError, match=r"scikit-bridge\[nn\]"):
        load_image_folder(root)


def test_shape_and_array_style_indexing(folder):
    # scikit-learn indexes anything with a shape as an array: X[indices, ...]
    from sklearn.model_selection import train_test_split
    from sklearn.utils import _safe_indexing

    root, _ = folder
    lazy = load_image_folder(root, color_mode="grayscale", lazy=True)
    assert lazy.shape == (12, 16, 16, 1)
    part = lazy[np.array([5, 1]), ...]
    assert isinstance(part, ImageDataset) and part.shape == (2, 16, 16, 1)
    np.testing.assert_array_equal(part.filenames, lazy.filenames[[5, 1]])
    assert isinstance(lazy[2:4, :], ImageDataset)
    assert lazy[3, ...].shape == (16, 16, 1)
    with pytest.raises(IndexError, match="along its images only"):
        lazy[0, 1]
    picked = _safe_indexing(lazy, np.array([0, 11]))
    assert isinstance(picked, ImageDataset) and len(picked) == 2
    train, test = train_test_split(lazy, test_size=0.25, random_state=0)
    assert isinstance(train, ImageDataset) and (len(train), len(test)) == (9, 3)


def test_16_bit_images_scale_by_their_depth(tmp_path):
    values = (np.arange(24, dtype=np.uint16).reshape(4, 6) * 2800)  # up to 64400 > 255
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        Image.fromarray(values).save(tmp_path / name / "0.png")
        with Image.open(tmp_path / name / "0.png") as image:
            assert image.mode.startswith("I")  # 16 bits on disk
    grey = load_image_folder(tmp_path, color_mode="grayscale").data
    np.testing.assert_allclose(grey[0, :, :, 0], values / 65535, rtol=1e-6)
    rgb, _ = load_image_folder(tmp_path, return_X_y=True)
    assert rgb.shape == (2, 4, 6, 3)
    np.testing.assert_allclose(rgb[1], np.repeat(values[..., None] / 65535, 3, axis=2),
                               rtol=1e-6)
    assert grey.max() == pytest.approx(64400 / 65535)
    resized, _ = load_image_folder(tmp_path, image_size=(2, 3), color_mode="grayscale",
                                   return_X_y=True)
    assert 0 < resized.min() and resized.max() < 1  # bilinear on the 16-bit values


def test_loaders_open_each_file_once(folder, monkeypatch):
    root, _ = folder
    opened, checked = [], []
    real_open, real_isfile = Image.open, __import__("os").path.isfile
    monkeypatch.setattr(Image, "open", lambda path, *a, **k: opened.append(str(path))
                        or real_open(path, *a, **k))
    monkeypatch.setattr("os.path.isfile", lambda path: checked.append(str(path))
                        or real_isfile(path))

    def counts():
        found = {f: opened.count(f) for f in set(opened)}
        opened.clear()
        return sorted(set(found.values())), len(found)

    load_image_folder(root)  # eager, own size: decoded once, no header pass
    assert counts() == ([1], 12)
    load_image_folder(root, lazy=True)  # lazy, own size: the headers, once
    assert counts() == ([1], 12)
    load_image_folder(root, image_size=8, lazy=True)  # nothing opened
    assert counts() == ([], 0)
    rows = [f"{name}/{i:02d}.png,{name}" for name in CLASSES for i in range(4)]
    csv = _write_csv(root / "labels.csv", rows)
    checked.clear()
    load_image_csv(csv, image_size=(16, 16))
    assert counts() == ([1], 12)
    images = [f for f in checked if f.endswith(".png")]
    assert len(images) == len(set(images)) == 12  # one existence check per file
