"""Loaders of dense targets: mask files beside images, and COCO-style boxes.

:func:`load_segmentation_folder` pairs ``img/<stem>.*`` with ``mask/<stem>.*``
and returns images and integer masks; :func:`load_coco` reads a COCO-style JSON
file of boxes with ``pycocotools`` and returns images and one dict of boxes and
labels per image. Both return what
:class:`~skbridge.estimators.neural.NeuralNetSegmenter` and
:class:`~skbridge.estimators.neural.NeuralNetDetector` take. Images are decoded
as :func:`load_image_folder` decodes them (Pillow, the ``nn`` extra).
"""

import contextlib
import io
import json
import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..compat import StrOptions, import_optional, validate_params
from ._image_dataset import (
    _MODES,
    ImageDataset,
    _check_image_size,
    _pil_image,
    _read_size,
    _some,
)
from ._images import IMAGE_EXTENSIONS

__all__ = ["load_coco", "load_segmentation_folder"]

_LOSSY = (".jpg", ".jpeg")  # a mask saved so would have its class ids blurred
_TOLERANCE = 1e-6  # pixels a box may stick out of its image by (float round-off)

_COMMON = {
    "image_size": [Integral, tuple, list, None],
    "color_mode": [StrOptions(set(_MODES))],
    "return_X_y": ["boolean"],
}


def _decode_images(filenames, size, color_mode):
    """The images as float32 (n, h, w, c) in [0, 1], as :func:`load_image_folder` gives them."""
    dataset = ImageDataset._from_loader(filenames, None, image_size=size,
                                        color_mode=color_mode, lazy=False)
    return dataset.load()[0]


def _check_one_size(sizes, filenames):
    """Raise if the images differ in size (to be called when no ``image_size`` is given)."""
    distinct = {}
    for size, name in zip(sizes, filenames):
        distinct.setdefault(size, []).append(name)
    if len(distinct) > 1:
        shown = "; ".join(
            f"{h}x{w}: {len(files)} image{'s' * (len(files) > 1)}, e.g. {str(files[0])!r}"
            for (h, w), files in sorted(distinct.items(), key=lambda item: -len(item[1]))[:3]
        )
        raise ValueError(
            f"The images differ in size (h x w): {shown}. Pass image_size=(h, w) to resize "
            f"them all to one size."
        )


def _files_by_stem(folder, what):
    """``{stem: path}`` of the image files directly in ``folder``, hidden ones skipped."""
    found = {}
    for f in sorted(folder.iterdir()):
        if f.name.startswith(".") or not f.is_file() or f.suffix.lower() not in IMAGE_EXTENSIONS:
            continue
        if f.stem in found:
            raise ValueError(
                f"Two {what} files in {str(folder)!r} share the name {f.stem!r} "
                f"({found[f.stem].name!r} and {f.name!r}); keep one."
            )
        found[f.stem] = f
    return found


def _read_mask(Image, path, size):
    """The class ids of a mask file as int64 (h, w); resized with NEAREST to ``size``."""
    try:
        with Image.open(path) as image:
            if image.mode not in ("L", "P", "1", "I") and not image.mode.startswith("I;16"):
                raise ValueError(
                    f"The mask {str(path)!r} has mode {image.mode!r}; a mask holds one class "
                    f"id per pixel, as a grey (mode 'L') or palette (mode 'P') PNG. Save it "
                    f"as such, e.g. Image.fromarray(ids.astype(np.uint8)).save(...)."
                )
            image.load()
            if image.mode.startswith("I;16"):
                image = image.convert("I")
            if size is not None and image.size != (size[1], size[0]):
                image = image.resize((size[1], size[0]), Image.Resampling.NEAREST)
            return np.asarray(image).astype(np.int64)  # palette indices, never colours
    except (ValueError, FileNotFoundError):
        raise
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ...
        raise ValueError(f"Cannot read the mask {str(path)!r}: {exc}.") from exc


@validate_params(
    {"path": [str, os.PathLike], "image_dir": [str], "mask_dir": [str], **_COMMON},
    prefer_skip_nested_validation=True,
)
def load_segmentation_folder(path, *, image_dir="img", mask_dir="mask", image_size=None,
                             color_mode="rgb", return_X_y=False):
    """Load images and their segmentation masks from two sibling folders.

    ``path/img/<stem>.<ext>`` is paired with ``path/mask/<stem>.<ext>``: the same
    name, extensions may differ. A mask is an image file (PNG, say; not JPEG,
    which is lossy) whose pixel values are class ids, 0 for the background: a grey
    (mode ``"L"``) or palette (mode ``"P"``) image, whose palette *indices* are
    read, never its colours (16-bit grey masks are read too). Pairs are sorted by
    name; hidden files and files of other extensions are ignored.

    Parameters
    ----------
    path : str or path-like
        The folder that holds ``image_dir`` and ``mask_dir``.
    image_dir : str, default="img"
        The sub-folder of images.
    mask_dir : str, default="mask"
        The sub-folder of masks.
    image_size : int or tuple of (int, int), default=None
        ``(height, width)`` to resize every image (bilinear) and mask (nearest
        neighbour, so class ids stay class ids) to; an int for a square. None keeps
        the images' size, which must then be the same for all.
    color_mode : {"rgb", "grayscale"}, default="rgb"
        Three channels (RGB) or one (luminance).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of float32 of shape (n_images, height, width, channels)
            The images, channels last, values in [0, 1].
        target : ndarray of int64 of shape (n_images, height, width)
            The masks: a class id per pixel.
        filenames : ndarray of str of shape (n_images,)
            The image files.
        DESCR : str
            The folder, image shape and the class ids found.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If ``path``, or its image or mask folder, does not exist.
    ValueError
        If the image folder holds no image, an image has no mask or a mask no
        image (the message names them), a mask's size differs from its image's
        (the message gives both and the file), a mask is not single-channel, or the
        images differ in size and ``image_size`` is None.

    See Also
    --------
    load_coco : Images and the boxes of a COCO-style JSON file.
    make_shapes : Generated images with masks.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skbridge.datasets import load_segmentation_folder
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "img").mkdir()
    >>> (root / "mask").mkdir()
    >>> for i in range(3):
    ...     mask = np.zeros((8, 10), dtype=np.uint8)
    ...     mask[2:5, 3:7] = i + 1
    ...     Image.fromarray(mask * 60).save(root / "img" / f"{i}.png")
    ...     Image.fromarray(mask).save(root / "mask" / f"{i}.png")
    >>> X, y = load_segmentation_folder(root, return_X_y=True)
    >>> X.shape, y.shape, y.dtype, np.unique(y).tolist()
    ((3, 8, 10, 3), (3, 8, 10), dtype('int64'), [0, 1, 2, 3])
    """
    size = _check_image_size(image_size)
    root = Path(path)
    folders = {"image_dir": root / image_dir, "mask_dir": root / mask_dir}
    for param, folder in folders.items():
        if not folder.is_dir():
            raise FileNotFoundError(
                f"No folder {str(folder)!r} ({param}={folder.name!r} under {str(root)!r}). "
                f"Put the images in {root.name}/{image_dir}/ and the masks, with the same "
                f"names, in {root.name}/{mask_dir}/, or pass image_dir= and mask_dir=."
            )
    images = _files_by_stem(folders["image_dir"], "image")
    masks = _files_by_stem(folders["mask_dir"], "mask")
    if not images:
        raise ValueError(
            f"The image folder {str(folders['image_dir'])!r} holds no image (files ending "
            f"in {', '.join(IMAGE_EXTENSIONS)})."
        )
    for have, lack, a, b in [(images, masks, "image", "mask"), (masks, images, "mask", "image")]:
        alone = [have[s].name for s in have if s not in lack]
        if alone:
            where = folders["mask_dir" if b == "mask" else "image_dir"]
            raise ValueError(
                f"{len(alone)} {a} file{'s' * (len(alone) > 1)} without a{'n' * (b == 'image')} "
                f"{b}: {_some(alone)}; each needs a {b} of the same name (any extension) "
                f"in {str(where)!r}."
            )
    lossy = [masks[s].name for s in masks if masks[s].suffix.lower() in _LOSSY]
    if lossy:
        raise ValueError(
            f"Masks saved as JPEG ({_some(lossy)}): JPEG is lossy and blurs class ids. "
            f"Save masks as PNG."
        )
    stems = sorted(images)
    Image = _pil_image()
    image_files = [str(images[s]) for s in stems]
    sizes = [_read_size(Image, f) for f in image_files]
    for stem, (h, w) in zip(stems, sizes):
        mh, mw = _read_size(Image, masks[stem])
        if (mh, mw) != (h, w):
            raise ValueError(
                f"The mask {str(masks[stem])!r} is {mh}x{mw} (h x w) but its image "
                f"{images[stem].name!r} is {h}x{w}; a mask must have its image's size."
            )
    if size is None:
        _check_one_size(sizes, image_files)
    X = _decode_images(image_files, size, color_mode)
    y = np.stack([_read_mask(Image, masks[s], size) for s in stems])
    if return_X_y:
        return X, y
    n, h, w, c = X.shape
    ids = np.unique(y).tolist()
    descr = (
        f"Segmentation folder\n{'-' * 19}\n\nImages in {folders['image_dir']}, masks in "
        f"{folders['mask_dir']}.\n\n:Images: {n}, {h}x{w} pixels (h x w)"
        f"{' (resized)' if size else ''}, {c} channel{'s' * (c > 1)} ({color_mode}), "
        f"float32 in [0, 1]\n:Class ids in the masks: {_some(ids, quote=False)}\n"
    )
    return Bunch(data=X, target=y, filenames=np.array(image_files, dtype=str), DESCR=descr)


def _read_coco(COCO, path):
    """The COCO index (pycocotools) of the file, its progress messages silenced."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return COCO(str(path))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not valid JSON: {exc}.") from exc
    except KeyError as exc:
        raise ValueError(
            f"{str(path)!r}: an entry lacks the field {exc}; a COCO file's images need an "
            f"'id', its annotations an 'id' and an 'image_id', its categories an 'id'."
        ) from exc
    except (AssertionError, TypeError) as exc:
        raise ValueError(
            f"{str(path)!r} is not a COCO-style file: a JSON object with 'images', "
            f"'annotations' and 'categories' lists ({exc})."
        ) from exc


def _field(entry, name, what, path):
    if name not in entry:
        raise ValueError(f"{str(path)!r}: {what} has no {name!r} field.")
    return entry[name]


def _coco_box(ann, image, file_name, path):
    """``[x1, y1, x2, y2]`` of one annotation, checked against its image's size."""
    bbox = _field(ann, "bbox", f"the annotation {ann['id']!r}", path)
    ok = isinstance(bbox, (list, tuple)) and len(bbox) == 4 and all(
        isinstance(v, Real) and not isinstance(v, bool) and np.isfinite(v) for v in bbox
    )
    if not ok:
        raise ValueError(
            f"{str(path)!r}: the annotation {ann['id']!r} (image {file_name!r}) has bbox "
            f"{bbox!r}; a bbox is four numbers [x, y, width, height]."
        )
    x, y, w, h = (float(v) for v in bbox)
    width, height = image["width"], image["height"]
    problem = None
    if w <= 0 or h <= 0:
        problem = "its width and height must be > 0"
    elif (x < -_TOLERANCE or y < -_TOLERANCE or x + w > width + _TOLERANCE
          or y + h > height + _TOLERANCE):
        problem = f"it reaches outside the {width}x{height} (w x h) image"
    if problem:
        raise ValueError(
            f"{str(path)!r}: the annotation {ann['id']!r} of image {file_name!r} has bbox "
            f"[x, y, width, height] = {bbox!r}: {problem}. Fix or drop the annotation."
        )
    return [max(x, 0.0), max(y, 0.0), min(x + w, width), min(y + h, height)]


@validate_params(
    {"annotations": [str, os.PathLike], "image_dir": [str, os.PathLike, None], **_COMMON},
    prefer_skip_nested_validation=True,
)
def load_coco(annotations, image_dir=None, *, image_size=None, color_mode="rgb",
              return_X_y=False):
    """Load images and their bounding boxes from a COCO-style JSON file.

    The file lists ``images`` (``id``, ``file_name``, ``width``, ``height``),
    ``annotations`` (``id``, ``image_id``, ``bbox`` as ``[x, y, width, height]``
    in pixels, ``category_id``) and ``categories`` (``id``, ``name``). It is
    parsed with ``pycocotools``' ``COCO`` class (the ``nn`` extra). Images keep
    the file's order and each image's boxes the annotations' order. Every
    annotation is kept, ``iscrowd`` ones included; segmentation polygons are
    ignored. An image without annotations gets an empty target.

    Parameters
    ----------
    annotations : str or path-like
        The JSON file.
    image_dir : str or path-like, default=None
        The folder the ``file_name`` entries are relative to; by default the
        JSON file's folder.
    image_size : int or tuple of (int, int), default=None
        ``(height, width)`` to resize every image to (bilinear; boxes are scaled
        with it); an int for a square. None keeps the images' size, which must then
        be the same for all.
    color_mode : {"rgb", "grayscale"}, default="rgb"
        Three channels (RGB) or one (luminance).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of float32 of shape (n_images, height, width, channels)
            The images, channels last, values in [0, 1].
        target : list of dict
            One dict per image: ``"boxes"``, float32 of shape (k, 4) as
            ``x1, y1, x2, y2`` in pixels (``x + width``, ``y + height``; scaled when
            resized), and ``"labels"``, int64 of shape (k,), the category ids.
        target_names : dict
            ``{category id: name}``, by id.
        filenames : ndarray of str of shape (n_images,)
            The image files.
        DESCR : str
            The file, image shape and number of boxes per category.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If the JSON file, or an image it lists, does not exist (the message names
        the files and the folder searched).
    ValueError
        If the file is not COCO-style, an annotation's box has a width or height
        <= 0 or reaches outside its image (the message names the annotation id, the
        image and the box), an annotation names an unknown image or category, an
        image's ``width``/``height`` differ from its file's, or the images differ in
        size and ``image_size`` is None.

    See Also
    --------
    load_segmentation_folder : Images and mask files.
    make_shapes : Generated images with boxes.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skbridge.datasets import load_coco
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ["a.png", "b.png"]:
    ...     Image.fromarray(np.zeros((20, 30, 3), dtype=np.uint8)).save(root / name)
    >>> coco = {
    ...     "images": [{"id": 1, "file_name": "a.png", "width": 30, "height": 20},
    ...                {"id": 2, "file_name": "b.png", "width": 30, "height": 20}],
    ...     "annotations": [{"id": 7, "image_id": 1, "bbox": [2, 3, 10, 5],
    ...                      "category_id": 4}],
    ...     "categories": [{"id": 4, "name": "box"}],
    ... }
    >>> _ = (root / "boxes.json").write_text(json.dumps(coco))
    >>> data = load_coco(root / "boxes.json")
    >>> data.data.shape, data.target[0]["boxes"].tolist(), data.target[0]["labels"].tolist()
    ((2, 20, 30, 3), [[2.0, 3.0, 12.0, 8.0]], [4])
    >>> data.target[1]["boxes"].shape, data.target_names
    ((0, 4), {4: 'box'})
    """
    size = _check_image_size(image_size)
    path = Path(annotations)
    if not path.is_file():
        raise FileNotFoundError(f"No such COCO annotation file: {str(path)!r}.")
    folder = path.parent if image_dir is None else Path(image_dir)
    COCO = import_optional("pycocotools.coco", extra="nn", purpose="load_coco").COCO
    coco = _read_coco(COCO, path)
    entries = coco.dataset.get("images")
    if not entries:
        raise ValueError(f"{str(path)!r} lists no images (its 'images' list is missing or empty).")
    if len(coco.imgs) != len(entries):
        raise ValueError(f"{str(path)!r}: two images share an 'id'; image ids must be unique.")
    for entry in entries:
        for name in ("file_name", "width", "height"):
            _field(entry, name, f"the image {entry['id']!r}", path)
    categories = {cid: _field(cat, "name", f"the category {cid!r}", path)
                  for cid, cat in sorted(coco.cats.items())}
    for ann in coco.dataset.get("annotations", []):
        if ann["image_id"] not in coco.imgs:
            raise ValueError(
                f"{str(path)!r}: the annotation {ann['id']!r} names the image id "
                f"{ann['image_id']!r}, which 'images' does not list."
            )
        if _field(ann, "category_id", f"the annotation {ann['id']!r}", path) not in categories:
            raise ValueError(
                f"{str(path)!r}: the annotation {ann['id']!r} names the category id "
                f"{ann['category_id']!r}, which 'categories' does not list (ids: "
                f"{_some(categories, quote=False)})."
            )
    filenames = [str(folder / entry["file_name"]) for entry in entries]
    missing = [e["file_name"] for e, f in zip(entries, filenames) if not os.path.isfile(f)]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(entries)} images listed in {str(path)!r} do not exist "
            f"in {str(folder)!r}: {_some(missing)}. Check the file names, or pass "
            f"image_dir= the folder that holds them."
        )
    Image = _pil_image()
    sizes = [_read_size(Image, f) for f in filenames]
    for entry, (h, w) in zip(entries, sizes):
        if (entry["height"], entry["width"]) != (h, w):
            raise ValueError(
                f"{str(path)!r} says the image {entry['file_name']!r} is {entry['width']}x"
                f"{entry['height']} (w x h), but the file is {w}x{h}; fix its width/height."
            )
    if size is None:
        _check_one_size(sizes, filenames)
    target = []
    for entry, (h, w) in zip(entries, sizes):
        anns = coco.imgToAnns.get(entry["id"], [])
        boxes = np.array([_coco_box(a, entry, entry["file_name"], path) for a in anns],
                         dtype=np.float64).reshape(-1, 4)
        if size is not None:
            boxes *= [size[1] / w, size[0] / h, size[1] / w, size[0] / h]
        labels = np.array([a["category_id"] for a in anns], dtype=np.int64)
        target.append({"boxes": boxes.astype(np.float32), "labels": labels})
    X = _decode_images(filenames, size, color_mode)
    if return_X_y:
        return X, target
    n, h, w, c = X.shape
    counts = {cid: 0 for cid in categories}
    for t in target:
        for label in t["labels"].tolist():
            counts[label] += 1
    per_category = ", ".join(f"{categories[cid]} {k}" for cid, k in list(counts.items())[:20])
    descr = (
        f"COCO boxes\n{'-' * 10}\n\nBoxes from {path}, images in {folder}.\n\n"
        f":Images: {n}, {h}x{w} pixels (h x w){' (resized)' if size else ''}, {c} channel"
        f"{'s' * (c > 1)} ({color_mode}), float32 in [0, 1]\n"
        f":Boxes: {sum(counts.values())} ({per_category}{', ...' if len(counts) > 20 else ''})\n"
    )
    return Bunch(data=X, target=target, target_names=categories,
                 filenames=np.array(filenames, dtype=str), DESCR=descr)
