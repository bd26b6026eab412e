"""Text loaders: the SpamAssassin e-mails (labelled) and Moby-Dick (by chapter).

Both are bundled as gzip-compressed JSON lines (one record a line), so they load
without network access. Documents are returned as a list of ``str``, the input
of :class:`~skbridge.transformers.TokenCountVectorizer` and of scikit-learn's
text vectorizers.
"""

import gzip
import json
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..compat import validate_params

__all__ = ["load_moby_dick", "load_spam"]

_DATA = Path(__file__).resolve().parent / "data"

_SPAM_DESCR = """\
SpamAssassin public corpus
--------------------------

Raw e-mails (headers and body, as received) from the Apache SpamAssassin
public corpus, labelled spam (1) or ham (0).

:Documents: 6,046 (4,150 ham, 1,896 spam); about 34 MB of text
:Groups: easy-ham-1 (2,500), easy-ham-2 (1,400), hard-ham-1 (250),
    spam-1 (500), spam-2 (1,396)

"hard ham" messages look like spam (commercial mail that was asked for). The
headers make the task easy; strip them for a harder one.

Source and licence: Apache SpamAssassin public corpus, via the stdlib
``datasets`` package (PDDL-1.0 / CC0-1.0).
"""

_MOBY_DESCR = """\
Moby-Dick
---------

*Moby-Dick; or, The Whale* by Herman Melville (1851), one document per
chapter, in the order of the book: the contents, "Etymology", "Extracts",
chapters 1 to 135 and the "Epilogue".

:Documents: 139; about 1.2 MB of text

Source and licence: Project Gutenberg (public domain), via the stdlib
``datasets`` package (PDDL-1.0 / CC0-1.0).
"""


def _read_jsonl(filename):
    with gzip.open(_DATA / filename, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@validate_params(
    {"as_frame": ["boolean"], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_spam(*, as_frame=False, return_X_y=False):
    """Load the SpamAssassin e-mails, labelled spam or ham (bundled, no download).

    6,046 raw e-mails (headers included), 1,896 of them spam.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` is a Series of str, ``target`` a Series and ``frame``
        a DataFrame with the columns ``text``, ``spam`` and ``group``. If
        False, ``data`` is a list of str and ``target`` an ndarray.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or Series of shape (6046,)
            The e-mails.
        target : ndarray or Series of shape (6046,)
            1 for spam, 0 for ham.
        target_names : list of str
            ``["ham", "spam"]``, the names of the target values 0 and 1.
        groups : ndarray of shape (6046,)
            Part of the corpus each e-mail comes from (``"easy-ham-1"``,
            ``"easy-ham-2"``, ``"hard-ham-1"``, ``"spam-1"``, ``"spam-2"``).
        frame : DataFrame of shape (6046, 3) or None
            ``text``, ``spam`` and ``group`` (None when ``as_frame=False``).
        DESCR : str
            Description of the data set, with its source and licence.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_moby_dick : An unlabelled text, for training tokenizers.

    Examples
    --------
    >>> from skbridge.datasets import load_spam
    >>> spam = load_spam()
    >>> len(spam.data), int(spam.target.sum()), spam.target_names
    (6046, 1896, ['ham', 'spam'])
    >>> spam.data[0][:21]
    'From exmh-workers-adm'
    """
    records = _read_jsonl("spamassassin.jsonl.gz")
    texts = [r["text"] for r in records]
    target = np.array([int(r["spam"]) for r in records], dtype=np.int64)
    groups = np.array([r["group"] for r in records], dtype=object)
    frame = None
    data = texts
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({"text": texts, "spam": target, "group": groups})
        data, target = frame["text"], frame["spam"]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=["ham", "spam"],
        groups=groups,
        frame=frame,
        DESCR=_SPAM_DESCR,
    )


def _book_order(chapter):
    front = {"Contents": -3, "Etymology": -2, "Extracts": -1}
    if chapter in front:
        return front[chapter]
    if chapter.isdigit():
        return int(chapter)
    return 10_000  # the Epilogue


@validate_params({"as_frame": ["boolean"]}, prefer_skip_nested_validation=True)
def load_moby_dick(*, as_frame=False):
    """Load Moby-Dick, one document per chapter (bundled, no download).

    139 documents in the order of the book: the contents, "Etymology",
    "Extracts", chapters 1 to 135 and the "Epilogue"; about 1.2 MB of text.

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` is a Series and ``frame`` a DataFrame with the
        columns ``chapter``, ``title`` and ``text``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or Series of shape (139,)
            The text of each chapter, title line included.
        chapters : list of str
            ``"Contents"``, ``"Etymology"``, ``"Extracts"``, ``"1"`` to
            ``"135"``, ``"Epilogue"``.
        titles : list of str
            Chapter titles (empty for the contents).
        frame : DataFrame of shape (139, 3) or None
            ``chapter``, ``title`` and ``text`` (None when ``as_frame=False``).
        DESCR : str
            Description of the data set, with its source and licence.

    See Also
    --------
    load_spam : Labelled e-mails.

    Examples
    --------
    >>> from skbridge.datasets import load_moby_dick
    >>> book = load_moby_dick()
    >>> len(book.data), book.chapters[3], book.titles[3]
    (139, '1', 'Loomings.')
    >>> book.data[3][:16]
    'Call me Ishmael.'
    """
    records = sorted(_read_jsonl("moby_dick.jsonl.gz"), key=lambda r: _book_order(r["chapter"]))
    chapters = [r["chapter"] for r in records]
    titles = [r["title"] for r in records]
    data = [r["text"] for r in records]
    frame = None
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame({"chapter": chapters, "title": titles, "text": data})
        data = frame["text"]
    return Bunch(data=data, chapters=chapters, titles=titles, frame=frame, DESCR=_MOBY_DESCR)
