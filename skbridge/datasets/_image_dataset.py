"""A lazily decoded set of image files: :class:`ImageDataset`.

It holds file names and labels only; :meth:`ImageDataset.load` decodes the
images asked for with Pillow (the ``nn`` extra), so a data set larger than
memory streams in batches. The loaders of :mod:`._images` return one with
``lazy=True`` and decode through it otherwise.

Pixels become float32 in [0, 1]: 8-bit images are divided by 255, 16-bit ones
(Pillow's modes ``I;16*`` and ``I``) by 65535; 32-bit float images (mode ``F``)
keep their values.
"""

import os
from collections.abc import Sequence
from numbers import Integral

import numpy as np

from ..compat import import_optional

__all__ = ["ImageDataset"]

_MODES = {"rgb": ("RGB", 3), "grayscale": ("L", 1)}
_N_SHOWN = 3  # how many file names an error message lists


def _pil_image():
    """The ``PIL.Image`` module, or an error naming the ``nn`` extra."""
    return import_optional("PIL.Image", extra="nn", purpose="Loading images")


def _check_image_size(image_size):
    """``None``, an int or a pair of ints >= 1 -> ``None`` or ``(h, w)``."""
    if image_size is None:
        return None
    if isinstance(image_size, Integral) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    try:
        size = tuple(image_size)
    except TypeError:
        size = ()
    if len(size) != 2 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in size
    ):
        raise ValueError(
            f"image_size must be None, an int or a pair (height, width) of ints >= 1; "
            f"got {image_size!r}."
        )
    return int(size[0]), int(size[1])


def _some(names, *, quote=True):
    """``'a', 'b', 'c' and 4 more`` for an error message."""
    names = list(names)
    shown = ", ".join(repr(str(n)) if quote else str(n) for n in names[:_N_SHOWN])
    return shown + (f" and {len(names) - _N_SHOWN} more" if len(names) > _N_SHOWN else "")


def _unreadable(path, exc):
    return ValueError(
        f"Cannot read the image {str(path)!r}: {exc}. Replace or delete the file "
        f"(or, for a CSV, drop its row)."
    )


def _read_size(Image, path):
    """(h, w) from the file's header, without decoding the pixels."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except FileNotFoundError:
        raise
    except Exception as exc:  # Pillow raises OSError, ValueError, SyntaxError, ...
        raise _unreadable(path, exc) from exc
    return height, width


# Pillow modes with more than 8 bits per pixel -> the value of a full-scale pixel.
_DEEP_MODES = {"I;16": 65535.0, "I;16B": 65535.0, "I;16L": 65535.0, "I;16N": 65535.0,
               "I": 65535.0, "F": 1.0}


def _decode(Image, path, mode, size):
    """One image and its full-scale value: ``(pixels, scale)``; ``pixels / scale`` is in [0, 1].

    ``pixels`` is (h, w) or (h, w, 3), resized to ``size`` if given: uint8 for
    8-bit images (scale 255); float32 for 16-bit ones (scale 65535, no
    clipping to 8 bits) and float images (scale 1).
    """
    try:
        with Image.open(path) as image:
            scale = _DEEP_MODES.get(image.mode)
            image = image.convert("F" if scale else mode)  # decodes
            if size is not None and image.size != (size[1], size[0]):
                image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
            if not scale:  # palette, alpha, 1-bit ... -> 8-bit
                return np.asarray(image, dtype=np.uint8), 255.0
            pixels = np.asarray(image, dtype=np.float32)
            return (np.repeat(pixels[..., None], 3, axis=2) if mode == "RGB" else pixels), scale
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"The image file {str(path)!r} does not exist any more.") from exc
    except Exception as exc:
        raise _unreadable(path, exc) from exc


class ImageDataset(Sequence):
    """Image files and their labels, decoded batch by batch on demand.

    Creating the data set reads no pixels: with ``image_size`` given it only
    checks that the files exist, without it it reads every file's header (once)
    to check that all images have one size. :meth:`load` decodes the images it is
    asked for, so a data set larger than memory is trained on in batches. It holds
    only file names and labels, so it pickles small (to worker processes, say).

    :func:`load_image_folder` and :func:`load_image_csv` return one when called
    with ``lazy=True``.

    Parameters
    ----------
    filenames : sequence of str or path-like
        The image files.
    targets : array-like of shape (n_images,), default=None
        One label per image, or None for unlabelled images.
    classes : list, default=None
        The class names (``targets`` may hold indices into it, as those of
        :func:`load_image_folder` do). By default the sorted distinct targets.
    image_size : int or tuple of (int, int), default=None
        ``(height, width)`` every image is resized to (an int for a square). None
        keeps the images' own size, which must then be the same for all.
    color_mode : {"rgb", "grayscale"}, default="rgb"
        Three channels (RGB) or one (luminance).

    Attributes
    ----------
    filenames : ndarray of str of shape (n_images,)
        The image files, in order.
    targets : ndarray of shape (n_images,) or None
        The labels, known without decoding any image.
    classes : list or None
        The class names.
    image_shape : tuple of (int, int, int)
        ``(height, width, channels)`` of every decoded image.
    color_mode : str
        ``"rgb"`` or ``"grayscale"``.

    See Also
    --------
    load_image_folder : A folder with one sub-folder per class.
    load_image_csv : A CSV of image paths and labels.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skbridge.datasets import ImageDataset
    >>> folder = Path(tempfile.mkdtemp())
    >>> files = []
    >>> for i in range(4):
    ...     files.append(folder / f"{i}.png")
    ...     Image.fromarray(np.full((6, 5), 60 * i, dtype=np.uint8)).save(files[-1])
    >>> data = ImageDataset(files, ["a", "b", "a", "b"], color_mode="grayscale")
    >>> len(data), data.image_shape, data.classes
    (4, (6, 5, 1), ['a', 'b'])
    >>> X, y = data.load([3, 0])
    >>> X.shape, X.dtype, X[:, 0, 0, 0].round(3).tolist(), y.tolist()
    ((2, 6, 5, 1), dtype('float32'), [0.706, 0.0], ['b', 'a'])
    """

    def __init__(self, filenames, targets=None, *, classes=None, image_size=None,
                 color_mode="rgb"):
        self._setup(filenames, targets, classes, image_size, color_mode)

    @classmethod
    def _from_loader(cls, filenames, targets, *, classes=None, image_size=None,
                     color_mode="rgb", lazy=True):
        """For the loaders, which have checked that the files exist.

        Without ``image_size``, a lazy data set reads the headers; an eager one
        (decoded whole right away by :meth:`load`) takes the size of the first
        image decoded, and :meth:`load` checks the others.
        """
        dataset = object.__new__(cls)
        dataset._setup(filenames, targets, classes, image_size, color_mode,
                       files_checked=True, read_sizes=lazy)
        return dataset

    def _setup(self, filenames, targets, classes, image_size, color_mode, *,
               files_checked=False, read_sizes=True):
        if color_mode not in _MODES:
            raise ValueError(
                f"color_mode must be one of {sorted(_MODES)}; got {color_mode!r}."
            )
        size = _check_image_size(image_size)
        filenames = np.array([os.fspath(f) for f in filenames], dtype=str)
        if filenames.size == 0:
            raise ValueError("An ImageDataset needs at least one image file; got none.")
        if targets is not None:
            targets = np.asarray(targets)
            if targets.shape != filenames.shape:
                raise ValueError(
                    f"targets must have one label per file: {len(filenames)} files, "
                    f"targets of shape {targets.shape}."
                )
            if classes is None:
                classes = np.unique(targets).tolist()
        if size is not None and not files_checked:  # without a size, the headers tell
            _check_exist(filenames, [f for f in filenames if not os.path.isfile(f)])
        self.filenames = filenames
        self.targets = targets
        self.classes = None if classes is None else list(classes)
        self.color_mode = color_mode
        self._resize = size is not None
        if size is None and read_sizes:
            size = _common_size(filenames)
        self._set_size(size)

    def _set_size(self, size):
        self._size = size
        self.image_shape = None if size is None else (*size, _MODES[self.color_mode][1])

    @property
    def image_size(self):
        """``(height, width)`` given at creation, or None (the images' own size)."""
        return self._size if self._resize else None

    def __len__(self):
        return len(self.filenames)

    @property
    def shape(self):
        """``(n_images, height, width, channels)``, as the array :meth:`load` returns.

        With it, scikit-learn's tools (``train_test_split``, ``cross_validate``,
        ``GridSearchCV``) index the data set as an array, ``X[indices, ...]``,
        which gives a subset without decoding anything.
        """
        return (len(self), *self.image_shape)

    def __getitem__(self, index):
        """``(image, label)`` of one image; a slice or index array gives a subset.

        Array-style ``X[index, ...]`` (or ``X[index, :]``; along the images
        only) gives the same subset, and for an int the image alone, as an
        array would.
        """
        if isinstance(index, tuple):
            index, *rest = index
            if not all(r is Ellipsis or (isinstance(r, slice) and r == slice(None))
                       for r in rest):
                raise IndexError("An ImageDataset is indexed along its images only, e.g. "
                                 "X[indices] or X[indices, ...].")
            if isinstance(index, Integral):
                return self.subset([index]).load()[0][0]
        if isinstance(index, Integral):
            X, y = self.load([index])
            return X[0], None if y is None else y[0]
        return self.subset(index)

    def __repr__(self):
        if self.classes is None:
            classes = ""
        elif len(self.classes) <= 10:
            classes = f", classes={self.classes!r}"
        else:
            classes = f", n_classes={len(self.classes)}"
        return (
            f"ImageDataset(n_images={len(self)}, image_shape={self.image_shape}, "
            f"color_mode={self.color_mode!r}{classes})"
        )

    def _indices(self, indices):
        try:
            return np.atleast_1d(np.arange(len(self))[indices])
        except IndexError as exc:
            raise IndexError(f"{exc} (the data set holds {len(self)} images)") from None

    def load(self, indices=None):
        """Decode some images (all of them by default) and return them with their labels.

        Parameters
        ----------
        indices : int, slice or array-like of int or bool, default=None
            Which images, in the order wanted; None means all.

        Returns
        -------
        X : ndarray of float32 of shape (k, height, width, channels)
            The images, channels last, values in [0, 1].
        y : ndarray of shape (k,) or None
            Their labels (None if the data set has none).

        Raises
        ------
        ValueError
            If a file cannot be decoded (the message names it), or, without
            ``image_size``, has a size that differs from the others.
        """
        idx = np.arange(len(self)) if indices is None else self._indices(indices)
        Image = _pil_image()
        mode = _MODES[self.color_mode][0]
        size = self._size if self._resize else None
        X = None if self._size is None else np.empty((len(idx), *self.image_shape), np.float32)
        scales = np.empty(len(idx), dtype=np.float32)
        for row, i in enumerate(idx):
            pixels, scales[row] = _decode(Image, self.filenames[i], mode, size)
            if X is None:  # an eager loader's data set: the first image sets the size
                self._set_size(pixels.shape[:2])
                X = np.empty((len(idx), *self.image_shape), dtype=np.float32)
            if pixels.shape[:2] != self._size:
                raise self._mismatch(self.filenames[i], pixels.shape)
            X[row] = pixels.reshape(self.image_shape)
        X /= scales.reshape(-1, 1, 1, 1)  # a division: full scale maps to exactly 1.0
        return X, None if self.targets is None else self.targets[idx]

    def _mismatch(self, path, shape):
        """The error for an image of another size: every size found, else this one."""
        if not self._resize:
            _common_size(self.filenames)  # raises, listing the sizes, if they differ
        return ValueError(
            f"The image {path!r} is {shape[0]}x{shape[1]} (h x w), the others "
            f"{self._size[0]}x{self._size[1]}; pass image_size=(h, w) to resize them all."
        )

    def subset(self, indices):
        """A new ImageDataset of some of the images, without reading any file.

        Parameters
        ----------
        indices : slice or array-like of int or bool
            Which images, in order.

        Returns
        -------
        subset : ImageDataset
            Same classes, image shape and colour mode.
        """
        idx = self._indices(indices)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.filenames = self.filenames[idx]
        new.targets = None if self.targets is None else self.targets[idx]
        return new


def _check_exist(filenames, missing):
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(filenames)} image files do not exist: {_some(missing)}."
        )


def _common_size(filenames):
    """The one (h, w) of all the images, read from their headers, or a clear error.

    Each file is opened once; missing files are reported together.
    """
    Image = _pil_image()
    sizes, missing = {}, []
    for f in filenames:
        try:
            sizes.setdefault(_read_size(Image, f), []).append(f)
        except FileNotFoundError:
            missing.append(f)
    _check_exist(filenames, missing)
    if len(sizes) > 1:
        ranked = sorted(sizes.items(), key=lambda item: -len(item[1]))
        shown = "; ".join(
            f"{h}x{w}: {len(files)} image{'s' * (len(files) > 1)}, e.g. {files[0]!r}"
            for (h, w), files in ranked[:_N_SHOWN]
        )
        more = f"; and {len(ranked) - _N_SHOWN} more sizes" if len(ranked) > _N_SHOWN else ""
        raise ValueError(
            f"The images differ in size (h x w): {shown}{more}. Pass image_size=(h, w) "
            f"to resize them all to one size."
        )
    return next(iter(sizes))
