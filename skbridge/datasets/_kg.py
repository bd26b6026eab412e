"""Knowledge-graph loaders: triples as (n, 3) object arrays of str labels.

The arrays have the layout that the KGE estimators (and AmpliGraph's loaders) use:
one row per triple, columns head, relation, tail.
"""

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..compat import validate_params

__all__ = ["load_kg", "load_nations", "load_umls"]

_DATA = Path(__file__).resolve().parent / "data"

_UMLS_DESCR = """\
UMLS knowledge graph
--------------------

Biomedical concepts of the Unified Medical Language System semantic network and
the relations between them (Kok & Domingos, 2007), in the train/valid/test split
used by ConvE (Dettmers et al., 2018).

:Triples: 5,216 train / 652 valid / 661 test
:Entities: 135
:Relations: 46
:Format: (n, 3) object arrays of str: head, relation, tail

Source and licence: Kok & Domingos (2007), split as used by ConvE (Dettmers et
al. 2018); redistributed in PyKEEN's package (MIT).
"""

_NATIONS_DESCR = """\
Nations knowledge graph
-----------------------

Relations between 14 countries (treaties, trade, alliances, ...) from the
Nations data of Kok & Domingos (2007), in the train/valid/test split used by
ConvE (Dettmers et al., 2018), plus two numeric attributes per country.

:Triples: 1,592 train / 199 valid / 201 test
:Entities: 14
:Relations: 55
:Literals: 26 (``area`` and ``population`` of each country)
:Format: (n, 3) object arrays of str: head, relation, tail; ``literals`` is a
    DataFrame with columns entity, attribute, value (float)

Source and licence: Kok & Domingos (2007), split as used by ConvE (Dettmers et
al. 2018); redistributed in PyKEEN's package (MIT).
"""


def _read_triples(path, sep="\t"):
    """Read a file of triples into an (n, 3) object array of str, with checks."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    shown_sep = "whitespace" if sep is None else repr(sep)
    with opener(path, "rt", encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.strip()
            if not line:
                continue
            fields = line.split(sep)
            if len(fields) != 3:
                snippet = line if len(line) <= 80 else line[:77] + "..."
                raise ValueError(
                    f"{path}, line {lineno}: expected 3 fields (head, relation, "
                    f"tail) separated by {shown_sep}, found {len(fields)}: {snippet!r}"
                )
            triple = tuple(field.strip() for field in fields)
            if not all(triple):
                raise ValueError(
                    f"{path}, line {lineno}: empty head, relation or tail in {line!r}"
                )
            rows.append(triple)
    if not rows:
        raise ValueError(f"{path} is empty: expected lines of head, relation, tail")
    triples = np.empty((len(rows), 3), dtype=object)
    triples[:] = rows
    return triples


@validate_params(
    {
        "path": [str, os.PathLike],
        "sep": [str, None],
        "splits": [list, tuple],
    },
    prefer_skip_nested_validation=True,
)
def load_kg(path, *, sep="\t", splits=("train", "valid", "test")):
    r"""Load knowledge-graph triples from a file or a folder of split files.

    Each non-blank line holds one triple: head, relation and tail separated by
    ``sep``. Surrounding whitespace is stripped and labels stay strings, even
    those that look like numbers (``"007"`` stays ``"007"``). Files ending in
    ``.gz`` are decompressed on the fly.

    Parameters
    ----------
    path : str or path-like
        Either one file of triples, or a folder holding ``<split>.txt`` files
        (``train.txt``, ``valid.txt``, ``test.txt`` by default).
    sep : str or None, default="\t"
        Field separator; ``None`` splits on any run of whitespace.
    splits : tuple of str, default=("train", "valid", "test")
        Split names to look for when ``path`` is a folder. Missing split files
        are skipped; at least one must exist.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        If ``path`` is a folder, one key per split file found (``train``,
        ``valid``, ``test``), else a single key ``data``. Each value is an
        ``(n_triples, 3)`` object array of str.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist, or is a folder without any split file.
    ValueError
        If a line does not have exactly 3 fields or has an empty one (the
        message names the file and the line number), or a file has no triples.

    See Also
    --------
    load_umls : The bundled UMLS graph.
    load_nations : The bundled Nations graph.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skbridge.datasets import load_kg
    >>> folder = Path(tempfile.mkdtemp())
    >>> text = "alice\tknows\tbob\nbob\tage\t007\n"
    >>> _ = (folder / "train.txt").write_text(text)
    >>> _ = (folder / "test.txt").write_text("alice\tknows\tcarol\n")
    >>> kg = load_kg(folder)
    >>> sorted(kg)
    ['test', 'train']
    >>> kg.train
    array([['alice', 'knows', 'bob'],
           ['bob', 'age', '007']], dtype=object)
    >>> load_kg(folder / "test.txt").data.shape
    (1, 3)
    """
    path = Path(path)
    if path.is_dir():
        found = {split: path / f"{split}.txt" for split in splits}
        found = {split: file for split, file in found.items() if file.is_file()}
        if not found:
            expected = ", ".join(f"{split}.txt" for split in splits)
            raise FileNotFoundError(f"{path} holds none of the split files {expected}.")
        return Bunch(**{split: _read_triples(f, sep) for split, f in found.items()})
    if path.is_file():
        return Bunch(data=_read_triples(path, sep))
    raise FileNotFoundError(f"No such file or folder: {path}")


def load_umls():
    """Load the UMLS knowledge graph (bundled, no download).

    135 biomedical concepts linked by 46 relations, split into 5,216 training,
    652 validation and 661 test triples (the ConvE split).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        train : ndarray of shape (5216, 3), dtype=object
            Training triples (head, relation, tail) as str.
        valid : ndarray of shape (652, 3), dtype=object
            Validation triples.
        test : ndarray of shape (661, 3), dtype=object
            Test triples.
        DESCR : str
            Description of the data set, with its source and licence.

    See Also
    --------
    load_nations : A smaller knowledge graph of 14 countries.
    load_kg : Load triples from your own files.

    Notes
    -----
    As in AmpliGraph, ``X = load_umls(); X["train"]`` gives the training triples.
    Source: Kok & Domingos (2007), split of Dettmers et al. (2018), redistributed
    in PyKEEN's package (MIT licence).

    Examples
    --------
    >>> from skbridge.datasets import load_umls
    >>> X = load_umls()
    >>> X.train.shape, X["valid"].shape, X["test"].shape
    ((5216, 3), (652, 3), (661, 3))
    >>> X.train[0]
    array(['acquired_abnormality', 'location_of', 'experimental_model_of_disease'],
          dtype=object)
    """
    return Bunch(**load_kg(_DATA / "umls"), DESCR=_UMLS_DESCR)


def load_nations():
    """Load the Nations knowledge graph (bundled, no download).

    14 countries linked by 55 relations, split into 1,592 training, 199
    validation and 201 test triples (the ConvE split), plus the area and
    population of each country as numeric literals.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        train : ndarray of shape (1592, 3), dtype=object
            Training triples (head, relation, tail) as str.
        valid : ndarray of shape (199, 3), dtype=object
            Validation triples.
        test : ndarray of shape (201, 3), dtype=object
            Test triples.
        literals : DataFrame of shape (26, 3)
            Numeric attributes: columns ``entity`` (str), ``attribute`` (str:
            ``"area"`` in km² or ``"population"``) and ``value`` (float).
        DESCR : str
            Description of the data set, with its source and licence.

    See Also
    --------
    load_umls : A larger biomedical knowledge graph.
    load_kg : Load triples from your own files.

    Notes
    -----
    Source: Kok & Domingos (2007), split of Dettmers et al. (2018), redistributed
    in PyKEEN's package (MIT licence).

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> X = load_nations()
    >>> X.train.shape, X.valid.shape, X.test.shape
    ((1592, 3), (199, 3), (201, 3))
    >>> X.literals.shape
    (26, 3)
    >>> float(X.literals.query("entity == 'usa' and attribute == 'area'").value.iloc[0])
    9826675.0
    """
    kg = load_kg(_DATA / "nations")
    literals = _read_triples(_DATA / "nations" / "literals.txt")
    literals = pd.DataFrame(
        {
            "entity": literals[:, 0],
            "attribute": literals[:, 1],
            "value": literals[:, 2].astype(np.float64),
        }
    )
    return Bunch(**kg, literals=literals, DESCR=_NATIONS_DESCR)
