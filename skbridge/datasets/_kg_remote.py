"""Downloaded knowledge-graph benchmarks: FB15k-237, WN18RR and YAGO3-10.

Each loader downloads the data set's archive once into the data home (see
:func:`~skbridge.datasets.get_data_home`), extracts it, checks the MD5 digests of
the split files, and returns the splits as ``(n, 3)`` object arrays of str.
As AmpliGraph does, validation and test triples whose entities (or relations)
never occur in the training split are dropped by default, and the loader says
how many (a warning, and ``n_dropped`` in the result).
"""

import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..compat import validate_params
from ._base import _extract_archive, fetch_file, get_data_home
from ._kg import _read_triples

__all__ = ["load_fb15k_237", "load_wn18rr", "load_yago3_10"]

# name -> (archive URL, archive file name, folder, {split: MD5 of the split file})
# The archives are the ones AmpliGraph downloads (public figshare copies of the
# original releases); the digests are those AmpliGraph checks.
_SOURCES = {
    "fb15k-237": (
        "https://ndownloader.figshare.com/files/66193226",
        "fb15k-237.zip",
        "fb15k-237",
        {"train": "c05b87b9ac00f41901e016a2092d7837",
         "valid": "6a94efd530e5f43fcf84f50bc6d37b69",
         "test": "f5bdf63db39f455dec0ed259bb6f8628"},
    ),
    "wn18rr": (
        "https://ndownloader.figshare.com/files/66192221",
        "wn18RR.zip",
        "wn18RR",
        {"train": "35e81af3ae233327c52a87f23b30ad3c",
         "valid": "74a2ee9eca9a8d31f1a7d4d95b5e0887",
         "test": "2b45ba1ba436b9d4ff27f1d3511224c9"},
    ),
    "yago3-10": (
        "https://ndownloader.figshare.com/files/66192236",
        "YAGO3-10.zip",
        "YAGO3-10",
        {"train": "a9da8f583ec3920570eeccf07199229a",
         "valid": "2d679a906f2b1ac29d74d5c948c1ad09",
         "test": "14bf97890b2fee774dbce5f326acd189"},
    ),
}

_DESCR = {
    "fb15k-237": "FB15k-237 (Toutanova & Chen, 2015): Freebase triples without inverse "
                 "relations; 272,115 / 17,535 / 20,466 triples, 14,541 entities, 237 relations.",
    "wn18rr": "WN18RR (Dettmers et al., 2018): WordNet triples without inverse relations; "
              "86,835 / 3,034 / 3,134 triples, 40,943 entities, 11 relations.",
    "yago3-10": "YAGO3-10 (Mahdisoltani et al., 2015): YAGO3 entities with at least 10 "
                "relations; 1,079,040 / 5,000 / 5,000 triples, 123,182 entities, 37 relations.",
}


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _find_split_folder(root):
    """The folder under ``root`` that holds train.txt (archives differ in nesting)."""
    hits = sorted(Path(root).rglob("train.txt"), key=lambda p: len(p.parts))
    return hits[0].parent if hits else None


def _load_remote(name, data_home, download_if_missing, clean_unseen):
    url, archive_name, folder, checksums = _SOURCES[name]
    home = Path(get_data_home(data_home))
    target = home / folder
    split_dir = _find_split_folder(target) if target.is_dir() else None
    if split_dir is None:
        if not download_if_missing:
            raise OSError(
                f"{name} is not in {home} and download_if_missing=False; put its "
                f"train.txt, valid.txt and test.txt in {target} or allow the download."
            )
        archive = fetch_file(url, data_home=home, filename=archive_name)
        _extract_archive(archive, target)
        split_dir = _find_split_folder(target)
        if split_dir is None:
            raise OSError(f"The archive {archive} holds no train.txt.")
        for split, expected in checksums.items():
            path = split_dir / f"{split}.txt"
            if not path.is_file():
                raise OSError(f"The archive {archive} holds no {split}.txt.")
            if expected is not None and _md5(path) != expected:
                raise OSError(
                    f"{path} has MD5 {_md5(path)}, expected {expected}: the download is "
                    f"corrupt. Delete {target} and {archive} and load again."
                )
        archive.unlink(missing_ok=True)
    data = {
        split: _read_triples(split_dir / f"{split}.txt")
        for split in ("train", "valid", "test")
    }
    n_dropped = {"valid": 0, "test": 0}
    if clean_unseen:
        train = data["train"]
        entities = np.unique(train[:, [0, 2]])
        relations = np.unique(train[:, 1])
        for split in ("valid", "test"):
            X = data[split]
            seen = (np.isin(X[:, 0], entities) & np.isin(X[:, 2], entities)
                    & np.isin(X[:, 1], relations))
            n_dropped[split] = int((~seen).sum())
            data[split] = X[seen]
        if any(n_dropped.values()):
            warnings.warn(
                f"{name}: dropped {n_dropped['valid']} validation and {n_dropped['test']} test "
                f"triples with entities or relations not in the training split "
                f"(clean_unseen=True, as AmpliGraph does).",
                UserWarning,
                stacklevel=3,
            )
    return Bunch(**data, n_dropped=n_dropped, DESCR=_DESCR[name])


_PARAMS = {
    "data_home": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
    "clean_unseen": ["boolean"],
}
_DOC = """
    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder (see :func:`get_data_home`). A folder ``{folder}`` in it
        holding ``train.txt``, ``valid.txt`` and ``test.txt`` (a local copy) is
        used without any download.
    download_if_missing : bool, default=True
        Download the archive when it is not cached; else raise ``OSError``.
    clean_unseen : bool, default=True
        Drop validation and test triples with entities or relations not in
        the training split (with a warning that gives the counts).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``train``, ``valid``, ``test``: ``(n, 3)`` object arrays of str;
        ``n_dropped``: ``{{"valid": int, "test": int}}``; ``DESCR``.

    Raises
    ------
    OSError
        If the download fails (the message names the URL) or a split file's
        MD5 digest is wrong.

    See Also
    --------
    load_umls, load_nations : Small bundled graphs.
    load_kg : Triples from your own files.
"""


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def load_fb15k_237(*, data_home=None, download_if_missing=True, clean_unseen=True):
    return _load_remote("fb15k-237", data_home, download_if_missing, clean_unseen)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def load_wn18rr(*, data_home=None, download_if_missing=True, clean_unseen=True):
    return _load_remote("wn18rr", data_home, download_if_missing, clean_unseen)


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def load_yago3_10(*, data_home=None, download_if_missing=True, clean_unseen=True):
    return _load_remote("yago3-10", data_home, download_if_missing, clean_unseen)


load_fb15k_237.__doc__ = (
    "Load FB15k-237, downloading it once (about 6 MB).\n\n    " + _DESCR["fb15k-237"] + "\n"
    + _DOC.format(folder="fb15k-237")
)
load_wn18rr.__doc__ = (
    "Load WN18RR, downloading it once (about 4 MB).\n\n    " + _DESCR["wn18rr"] + "\n"
    + _DOC.format(folder="wn18RR")
)
load_yago3_10.__doc__ = (
    "Load YAGO3-10, downloading it once (about 50 MB).\n\n    " + _DESCR["yago3-10"] + "\n"
    + _DOC.format(folder="YAGO3-10")
)
