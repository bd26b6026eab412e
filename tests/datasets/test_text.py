"""The bundled text corpora: SpamAssassin (labelled) and Moby-Dick."""

import numpy as np
import pytest

from skbridge.datasets import load_moby_dick, load_spam


def test_load_spam():
    spam = load_spam()
    assert len(spam.data) == len(spam.target) == len(spam.groups) == 6046
    assert all(isinstance(text, str) and text for text in spam.data)
    assert spam.target.dtype == np.int64
    assert np.bincount(spam.target).tolist() == [4150, 1896]
    assert spam.target_names == ["ham", "spam"]
    groups, counts = np.unique(spam.groups, return_counts=True)
    assert dict(zip(groups, counts)) == {
        "easy-ham-1": 2500, "easy-ham-2": 1400, "hard-ham-1": 250, "spam-1": 500, "spam-2": 1396,
    }
    assert set(spam.target[np.char.startswith(spam.groups.astype(str), "spam")]) == {1}
    assert spam.frame is None
    assert "PDDL-1.0" in spam.DESCR and "SpamAssassin" in spam.DESCR
    assert 30e6 < sum(map(len, spam.data)) < 40e6


def test_load_spam_frame_and_return_X_y():
    pd = pytest.importorskip("pandas")
    spam = load_spam(as_frame=True)
    assert isinstance(spam.frame, pd.DataFrame)
    assert list(spam.frame.columns) == ["text", "spam", "group"]
    assert isinstance(spam.data, pd.Series) and spam.data.shape == (6046,)
    X, y = load_spam(return_X_y=True)
    assert isinstance(X, list) and len(X) == len(y) == 6046
    assert X[0] == spam.data.iloc[0]


def test_load_moby_dick_in_book_order():
    book = load_moby_dick()
    assert len(book.data) == len(book.chapters) == len(book.titles) == 139
    assert book.chapters[:5] == ["Contents", "Etymology", "Extracts", "1", "2"]
    assert book.chapters[3:138] == [str(i) for i in range(1, 136)]
    assert book.chapters[-1] == "Epilogue"
    assert book.data[3].startswith("Call me Ishmael.")
    assert book.titles[3] == "Loomings."
    assert 1.1e6 < sum(map(len, book.data)) < 1.4e6
    assert "public domain" in book.DESCR
    framed = load_moby_dick(as_frame=True)
    assert list(framed.frame.columns) == ["chapter", "title", "text"]
    assert framed.frame["chapter"].tolist() == book.chapters


def test_loaders_reject_bad_parameters():
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError):
        load_spam(as_frame="yes")
    with pytest.raises(InvalidParameterError):
        load_moby_dick(as_frame=1.5)
