"""Image loaders: a folder of class sub-folders, or a CSV of image paths and labels.

Images are decoded with Pillow (the ``nn`` extra) into float32 arrays of shape
``(n, h, w, c)``, channels last, with values in [0, 1] (8-bit pixels / 255,
16-bit pixels / 65535): the
image input of :class:`~skbridge.estimators.neural.NeuralNetClassifier`. With
``lazy=True`` the loaders return an :class:`ImageDataset` instead, which knows
the files and the labels but decodes images only in :meth:`ImageDataset.load`,
so a data set larger than memory streams in batches.
"""

import os
from collections import Counter
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..compat import StrOptions, validate_params
from ._image_dataset import _MODES, ImageDataset, _check_image_size, _some

__all__ = ["IMAGE_EXTENSIONS", "load_image_csv", "load_image_folder"]

IMAGE_EXTENSIONS = (
    ".bmp", ".gif", ".jpeg", ".jpg", ".pgm", ".png", ".ppm", ".tif", ".tiff", ".webp",
)  # fmt: skip
"""File extensions (lower case) that :func:`load_image_folder` reads as images."""

def _finish(dataset, *, lazy, return_X_y, descr):
    """The lazy data set, ``(X, y)`` or a Bunch (every file decoded once)."""
    if lazy:
        return dataset
    X, y = dataset.load()
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        target_names=dataset.classes,
        filenames=dataset.filenames,
        DESCR=descr(dataset),
    )


def _describe(title, source, dataset, counts):
    h, w, c = dataset.image_shape
    resized = " (resized)" if dataset.image_size is not None else ""
    if len(counts) > 20:
        per_class = "images per label: " + ", ".join(f"{name} {n}" for name, n in counts[:20])
        per_class += ", ..."
    else:
        per_class = ", ".join(f"{name} {n}" for name, n in counts)
    return (
        f"{title}\n{'-' * len(title)}\n\n{source}\n\n"
        f":Images: {len(dataset)}, {h}x{w} pixels (h x w){resized}, {c} channel"
        f"{'s' * (c > 1)} ({dataset.color_mode}), float32 in [0, 1]\n"
        f":Classes: {len(counts)} ({per_class})\n"
    )


_LOADER_CONSTRAINTS = {
    "image_size": [Integral, tuple, list, None],
    "color_mode": [StrOptions(set(_MODES))],
    "return_X_y": ["boolean"],
    "lazy": ["boolean"],
}


def _check_lazy(lazy, return_X_y):
    if lazy and return_X_y:
        raise ValueError(
            "return_X_y=True cannot be combined with lazy=True: a lazy load returns one "
            "ImageDataset, which carries its labels (.targets); pass it as X with y=None."
        )


def _is_hidden(name):
    return name.startswith(".")


@validate_params(
    {"path": [str, os.PathLike], **_LOADER_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def load_image_folder(path, *, image_size=None, color_mode="rgb", return_X_y=False,
                      lazy=False):
    """Load images from a folder with one sub-folder per class.

    ``path/cat/001.png, path/dog/042.jpg, ...``: each sub-folder is a class,
    named after it; classes are sorted by name and images by path, and
    sub-folders of a class folder are searched too. Files whose extension is not
    in ``IMAGE_EXTENSIONS``, and hidden files and folders, are ignored.

    Parameters
    ----------
    path : str or path-like
        The folder.
    image_size : int or tuple of (int, int), default=None
        ``(height, width)`` to resize every image to (bilinear; an int for a
        square). None keeps the images' size, which must then be the same for all.
    color_mode : {"rgb", "grayscale"}, default="rgb"
        Three channels (RGB; grey images are repeated) or one (luminance; colour
        images are converted).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    lazy : bool, default=False
        If True, decode nothing yet and return an :class:`ImageDataset`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of float32 of shape (n_images, height, width, channels)
            The images, channels last, values in [0, 1].
        target : ndarray of int of shape (n_images,)
            The class of each image, an index into ``target_names``.
        target_names : list of str
            The class (sub-folder) names, sorted.
        filenames : ndarray of str of shape (n_images,)
            The image files.
        DESCR : str
            The folder, image shape and number of images per class.

    (data, target) : tuple if ``return_X_y`` is True
    dataset : :class:`ImageDataset` if ``lazy`` is True
        Its ``targets`` are the class indices, its ``classes`` the names.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the folder has fewer than two class sub-folders, a class folder holds
        no image, an image cannot be decoded (the message names it), or the images
        differ in size and ``image_size`` is None.

    See Also
    --------
    load_image_csv : Images listed in a CSV with their labels.
    ImageDataset : What ``lazy=True`` returns.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skbridge.datasets import load_image_folder
    >>> root = Path(tempfile.mkdtemp())
    >>> for name, value in [("dark", 0), ("light", 255)]:
    ...     (root / name).mkdir()
    ...     for i in range(3):
    ...         pixels = np.full((10, 12, 3), value, dtype=np.uint8)
    ...         Image.fromarray(pixels).save(root / name / f"{i}.png")
    >>> images = load_image_folder(root, image_size=(8, 8))
    >>> images.data.shape, images.target.tolist(), images.target_names
    ((6, 8, 8, 3), [0, 0, 0, 1, 1, 1], ['dark', 'light'])
    >>> lazy = load_image_folder(root, color_mode="grayscale", lazy=True)
    >>> len(lazy), lazy.image_shape, lazy.targets.tolist()
    (6, (10, 12, 1), [0, 0, 0, 1, 1, 1])
    """
    _check_lazy(lazy, return_X_y)
    size = _check_image_size(image_size)
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"No such image folder: {str(root)!r}.")
    if not root.is_dir():
        raise NotADirectoryError(
            f"{str(root)!r} is not a folder. load_image_folder expects a folder with one "
            f"sub-folder per class; for a CSV of image paths and labels use load_image_csv."
        )
    class_dirs = sorted(d for d in root.iterdir() if d.is_dir() and not _is_hidden(d.name))
    if len(class_dirs) < 2:
        loose = [f.name for f in root.iterdir() if f.suffix.lower() in IMAGE_EXTENSIONS]
        found = (
            f"one class sub-folder ({class_dirs[0].name!r})" if class_dirs
            else "no class sub-folder"
        )
        extra = f" and {len(loose)} images directly in it" if loose else ""
        raise ValueError(
            f"Found {found}{extra} in {str(root)!r}; a classifier needs at least two "
            f"classes. Put the images in one sub-folder per class, e.g. "
            f"{root.name}/cat/001.png and {root.name}/dog/001.png."
        )
    filenames, targets, empty = [], [], []
    for label, class_dir in enumerate(class_dirs):
        files = _image_files(class_dir)
        if not files:
            empty.append(class_dir.name)
        filenames += files
        targets += [label] * len(files)
    if empty:
        raise ValueError(
            f"{len(empty)} class folder{'s' * (len(empty) > 1)} in {str(root)!r} hold no "
            f"image ({_some(empty)}); add images or remove the folder. Images are files "
            f"ending in {', '.join(IMAGE_EXTENSIONS)}."
        )
    names = [d.name for d in class_dirs]
    dataset = ImageDataset._from_loader(filenames, np.array(targets, dtype=np.int64),
                                        classes=names, image_size=size, color_mode=color_mode,
                                        lazy=lazy)
    counts = [(name, targets.count(i)) for i, name in enumerate(names)]
    return _finish(dataset, lazy=lazy, return_X_y=return_X_y, descr=lambda d: _describe(
        "Image folder", f"One sub-folder per class in {root}.", d, counts))


def _image_files(folder):
    """Image files under ``folder`` (any depth), sorted by path, hidden ones skipped."""
    found = []
    for dirpath, dirnames, files in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not _is_hidden(d))
        found += [
            os.path.join(dirpath, f) for f in files
            if not _is_hidden(f) and os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS
        ]
    return sorted(found)


@validate_params(
    {
        "csv_path": [str, os.PathLike],
        "path_column": [str],
        "label_column": [str, None],
        "root": [str, os.PathLike, None],
        **_LOADER_CONSTRAINTS,
    },
    prefer_skip_nested_validation=True,
)
def load_image_csv(csv_path, *, path_column="path", label_column="label", root=None,
                   image_size=None, color_mode="rgb", return_X_y=False, lazy=False):
    r"""Load the images listed in a CSV file, with their labels.

    Each row names an image file (``path_column``) and its label
    (``label_column``). Relative paths are relative to ``root``, by default the
    folder that holds the CSV file; absolute paths are used as they are. Rows keep
    the file's order.

    Parameters
    ----------
    csv_path : str or path-like
        The CSV file (comma-separated, with a header line).
    path_column : str, default="path"
        The column of image paths.
    label_column : str or None, default="label"
        The column of labels: class names or numbers (numbers stay numbers, so a
        numeric column serves a regressor). None for unlabelled images.
    root : str or path-like, default=None
        The folder relative paths start from; by default the CSV's folder.
    image_size : int or tuple of (int, int), default=None
        ``(height, width)`` to resize every image to (bilinear; an int for a
        square). None keeps the images' size, which must then be the same for all.
    color_mode : {"rgb", "grayscale"}, default="rgb"
        Three channels (RGB) or one (luminance).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    lazy : bool, default=False
        If True, decode nothing yet and return an :class:`ImageDataset`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of float32 of shape (n_images, height, width, channels)
            The images, channels last, values in [0, 1].
        target : ndarray of shape (n_images,) or None
            The labels as the CSV gives them.
        target_names : list or None
            The distinct labels, sorted.
        filenames : ndarray of str of shape (n_images,)
            The image files (``root`` joined with the CSV's paths).
        DESCR : str
            The CSV, image shape and number of images per label.

    (data, target) : tuple if ``return_X_y`` is True
    dataset : :class:`ImageDataset` if ``lazy`` is True

    Raises
    ------
    FileNotFoundError
        If the CSV file, or image files it lists, do not exist (the message
        names the first few and counts them).
    ValueError
        If a column is missing (the message lists the CSV's columns), a path or a
        label is empty, an image cannot be decoded (the message names it), or the
        images differ in size and ``image_size`` is None.

    See Also
    --------
    load_image_folder : One sub-folder per class.
    ImageDataset : What ``lazy=True`` returns.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skbridge.datasets import load_image_csv
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "img").mkdir()
    >>> rows = ["path,label"]
    >>> for i in range(4):
    ...     pixels = np.full((5, 5), 50 * i, dtype=np.uint8)
    ...     Image.fromarray(pixels).save(folder / f"img/{i}.png")
    ...     rows.append(f"img/{i}.png,{i % 2}")
    >>> _ = (folder / "labels.csv").write_text("\n".join(rows))
    >>> X, y = load_image_csv(folder / "labels.csv", color_mode="grayscale", return_X_y=True)
    >>> X.shape, y.tolist()
    ((4, 5, 5, 1), [0, 1, 0, 1])
    """
    _check_lazy(lazy, return_X_y)
    size = _check_image_size(image_size)
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise FileNotFoundError(f"No such CSV file: {str(csv_path)!r}.")
    root = csv_path.parent if root is None else Path(root)
    frame = pd.read_csv(csv_path, dtype={path_column: str})
    wanted = {"path_column": path_column, "label_column": label_column}
    for param, column in wanted.items():
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"{str(csv_path)!r} has no column {column!r} ({param}); its columns are "
                f"{list(frame.columns)}. Pass {param}= one of them."
            )
    if frame.empty:
        raise ValueError(f"{str(csv_path)!r} lists no images (no rows below the header).")
    for column in filter(None, wanted.values()):
        blank = np.flatnonzero(frame[column].isna().to_numpy())
        if blank.size:
            lines = _some([int(i) + 2 for i in blank], quote=False)  # line 1: header
            many = blank.size > 1
            raise ValueError(
                f"{str(csv_path)!r}: {blank.size} row{'s' * many} with no {column!r} "
                f"value, on line{'s' * many} {lines}; fill {'them' if many else 'it'} in "
                f"or drop the row{'s' * many}."
            )
    paths = [p.strip() for p in frame[path_column]]
    filenames = [os.path.join(root, p) for p in paths]
    missing = [p for p, f in zip(paths, filenames) if not os.path.isfile(f)]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(filenames)} images listed in column {path_column!r} "
            f"of {str(csv_path)!r} do not exist, looked for relative to {str(root)!r}: "
            f"{_some(missing)}. Check the paths, or pass root= the folder they are "
            f"relative to."
        )
    if label_column is None:
        targets = None
    else:
        labels = frame[label_column]
        numeric = labels.dtype.kind in "biuf"
        targets = labels.to_numpy() if numeric else labels.astype(str).to_numpy()
    dataset = ImageDataset._from_loader(filenames, targets, image_size=size,
                                        color_mode=color_mode, lazy=lazy)
    counts = [] if targets is None else sorted(Counter(targets.tolist()).items())
    return _finish(dataset, lazy=lazy, return_X_y=return_X_y, descr=lambda d: _describe(
        "Image CSV", f"Images listed in {csv_path}, relative to {root}.", d, counts))
