"""Triples as labels and as indices (the module shared by models, evaluation, discovery)."""

import numpy as np
import pytest

pytest.importorskip("torch")

from skbridge.estimators.kge import TransE  # noqa: E402
from skbridge.estimators.kge._encoding import TripleEncoder, check_triples  # noqa: E402

X = np.array([["a", "likes", "b"], ["b", "knows", "c"], ["c", "likes", "a"]])


def test_encode_decode_round_trip():
    encoder = TripleEncoder.from_triples(X)
    assert encoder.entities.tolist() == ["a", "b", "c"]
    assert encoder.relations.tolist() == ["knows", "likes"]
    idx, valid = encoder.encode(X)
    assert idx.dtype == np.int64 and valid.all()
    np.testing.assert_array_equal(encoder.decode(idx), X.astype(object))
    np.testing.assert_array_equal(encoder.codes(["c", "a"]), [2, 0])
    np.testing.assert_array_equal(encoder.codes("likes", "relation"), [1])


def test_unseen_labels_under_each_policy():
    encoder = TripleEncoder.from_triples(X)
    Y = np.array([["a", "likes", "b"], ["z", "likes", "a"], ["a", "hates", "b"]])
    with pytest.raises(ValueError, match=r"2 triple\(s\) with labels not seen.*'z'.*'hates'"):
        encoder.encode(Y)
    with pytest.warns(UserWarning, match="scored NaN"):
        idx, valid = encoder.encode(Y, "nan")
    assert valid.tolist() == [True, False, False] and (idx[~valid] == 0).all()
    _, valid = encoder.encode(Y, "skip", warn=False)
    assert valid.sum() == 1
    with pytest.raises(ValueError, match="unseen entity label"):
        encoder.codes(["a", "z"])
    with pytest.raises(ValueError, match="missing values"):
        encoder.codes(["a", None])
    with pytest.raises(ValueError, match="kind must be"):
        encoder.codes(["a"], kind="triple")


def test_encoder_of_a_fitted_model_matches_its_own():
    model = TransE(k=4, epochs=1, random_state=0).fit(X)
    encoder = TripleEncoder.of(model)
    np.testing.assert_array_equal(encoder.encode(X)[0], model.triples_)
    np.testing.assert_array_equal(encoder.decode(model.triples_), X.astype(object))
    assert check_triples(model, X[0]).shape == (1, 3)  # a single triple
    with pytest.raises(ValueError, match="empty graph"):
        check_triples(model, np.empty((0, 3), dtype=object))
