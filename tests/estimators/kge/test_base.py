"""The estimator API shared by the models: persistence, warm start, unseen and bad input."""

import pickle
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    ConvE,
    DistMult,
    HolE,
    RotatE,
    TransE,
    evaluate_performance,
)

ALL_MODELS = [TransE, DistMult, ComplEx, HolE, RotatE, ConvE]


# ------------------------------------------------------ persistence


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_pickle_restores_scores_and_resumes(nations, Model):
    model = Model(k=8, eta=2, epochs=2, random_state=0,
                  scoring_params={"n_filters": 4} if Model is ConvE else None).fit(nations.train)
    before = model.predict(nations.test)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(nations.test), before)
    np.testing.assert_array_equal(restored.entities_, model.entities_)
    np.testing.assert_array_equal(restored.transform(["usa", "china"]),
                                  model.transform(["usa", "china"]))
    restored.partial_fit(nations.train)
    assert restored.n_epochs_ == 4 and len(restored.history_) == 4
    model.partial_fit(nations.train)  # the same continuation, uninterrupted
    np.testing.assert_allclose(restored.predict(nations.test), model.predict(nations.test),
                               rtol=1e-5, atol=1e-5)


def test_skops_round_trip_of_fitted_samplers_and_regularizer(nations, tmp_path):
    # Bernoulli corruption with filtering holds fitted tensors, the LP
    # regularizer is a module: all saved as plain data, with no torch type.
    pytest.importorskip("skops")
    from skbridge.compat.skops import dump, load, untrusted_types

    model = ComplEx(k=8, epochs=2, random_state=0, corruption="bernoulli",
                    corruption_params={"filter_positives": True}, regularizer="LP",
                    regularizer_params={"p": 2, "lambda_": 1e-3}).fit(nations.train)
    state = model.__getstate__()
    assert state["module_"] is None and state["device_"] == "cpu"
    assert state["corruption_"].__getstate__()["_tensor_attributes"] == ["_keys", "probs_"]
    dump(model, tmp_path / "model.skops")
    assert untrusted_types(tmp_path / "model.skops") == []
    loaded = load(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict(nations.test), model.predict(nations.test))
    assert torch.equal(loaded.corruption_.probs_, model.corruption_.probs_)
    assert loaded.regularizer_.lambda_ == 1e-3 and loaded.device_ == torch.device("cpu")
    loaded.partial_fit(nations.train)
    model.partial_fit(nations.train)  # the same continuation, uninterrupted
    np.testing.assert_array_equal(loaded.predict(nations.test), model.predict(nations.test))


def test_warm_start_and_determinism(nations):
    a = TransE(k=8, epochs=3, random_state=0).fit(nations.train)
    b = TransE(k=8, epochs=3, random_state=0).fit(nations.train)
    np.testing.assert_array_equal(a.predict(nations.test), b.predict(nations.test))
    warm = TransE(k=8, epochs=3, warm_start=True, random_state=0).fit(nations.train)
    warm.fit(nations.train)
    assert warm.n_epochs_ == 6
    cold = clone(warm).set_params(warm_start=False).fit(nations.train)
    assert cold.n_epochs_ == 3


def test_cuda_without_a_gpu_is_a_value_error(nations):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="device='cpu'"):
        TransE(k=4, epochs=1, device="cuda").fit(nations.train)


# ---------------------------------------------------- unseen and bad input


def test_unseen_policies(small_model, nations):
    X = np.concatenate([nations.test[:3], [["atlantis", "embassy", "usa"],
                                           ["usa", "teleports", "mu"]]])
    with pytest.raises(ValueError, match=re.escape("2 triple(s) with labels not seen")) as info:
        small_model.predict(X)
    message = str(info.value)
    assert "atlantis" in message and "mu" in message and "teleports" in message
    nan_model = clone(small_model).set_params(on_unseen="nan")
    nan_model.__dict__.update({k: v for k, v in vars(small_model).items() if k.endswith("_")
                               or k.startswith("_")})
    with pytest.warns(UserWarning, match="scored NaN"):
        scores = nan_model.predict(X)
    assert np.isnan(scores[3:]).all() and np.isfinite(scores[:3]).all()
    skip_model = nan_model.set_params(on_unseen="skip")
    with pytest.warns(UserWarning, match="skipped"):
        assert skip_model.predict(X).shape == (3,)
    with pytest.warns(UserWarning, match="skipped"):
        ranks = evaluate_performance(X, small_model, on_unseen="skip", corrupt_side="o")
    assert ranks.shape == (3,)
    with pytest.raises(ValueError, match="unseen entity"):
        small_model.get_embeddings(["usa", "atlantis"])
    with pytest.raises(ValueError, match="not seen in fit"):
        small_model.partial_fit(X)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([["a", "r"], ["b", "r"]]), r"shape \(n_triples, 3\).*\(2, 2\)"),
        (np.empty((0, 3), dtype=object), "empty graph"),
        (np.array([["a", "r", np.nan], [1, "r", "b"]], dtype=object), "missing labels"),
        ([["a", "r", None]], "missing labels"),
        ("a r b", "must be an array"),
    ],
    ids=["two-columns", "empty", "nan-mixed", "none", "string"],
)
def test_bad_input_is_named(X, match):
    with pytest.raises(ValueError, match=match):
        TransE(epochs=1).fit(X)


def test_unfitted_and_bad_params(nations):
    with pytest.raises(NotFittedError):
        TransE().predict(nations.test)
    with pytest.raises(ValueError, match="Unknown loss"):
        TransE(epochs=1, loss="hinge-ish").fit(nations.train)
    with pytest.raises(ValueError, match="ConvE needs k divisible"):
        ConvE(k=10, epochs=1, scoring_params={"height": 3}).fit(nations.train)
    with pytest.raises(ValueError):  # parameter validation names the parameter
        TransE(k=0).fit(nations.train)


def test_transform_and_labels_types(small_model):
    emb = small_model.transform(["usa", "china"])
    assert emb.shape == (2, 16)
    assert small_model.get_embeddings(["embassy"], kind="relation").shape == (1, 16)
    triples = small_model.transform(np.array([["usa", "embassy", "china"]]))
    assert triples.shape == (1, 48)
    numeric = TransE(k=4, epochs=1, random_state=0).fit(np.array([[1, 2, 3], [3, 2, 1]]))
    assert np.isfinite(numeric.predict([[1, 2, 3]])).all()


def test_string_triples_contract(nations):
    """The common checks' invariances, on string triples (the checks use numbers)."""
    import pandas as pd

    frame = pd.DataFrame(nations.train, columns=["head", "relation", "tail"])
    model = TransE(k=8, epochs=2, random_state=0).fit(frame)
    assert model.n_features_in_ == 3
    assert list(model.feature_names_in_) == ["head", "relation", "tail"]
    test = pd.DataFrame(nations.test, columns=["head", "relation", "tail"])
    full = model.predict(test)
    np.testing.assert_allclose(model.predict(test.iloc[10:20]), full[10:20], rtol=1e-6)
    order = np.random.RandomState(0).permutation(len(test))
    np.testing.assert_allclose(model.predict(test.iloc[order]), full[order], rtol=1e-6)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        np.testing.assert_allclose(model.predict(nations.test), full, rtol=1e-6)
    params = model.get_params()
    clone(model).fit(frame)
    assert model.get_params() == params  # fit does not change parameters


def test_continuing_on_a_missing_gpu_is_a_value_error(nations):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    model = TransE(k=4, epochs=1, random_state=0).fit(nations.train)
    model.set_params(device="cuda")  # e.g. a model saved on a GPU machine
    with pytest.raises(ValueError, match="needs a CUDA GPU"):
        model.partial_fit(nations.train)


def test_get_embeddings_takes_ampligraphs_spellings(small_model):
    np.testing.assert_array_equal(small_model.get_embeddings(["usa"], "e"),
                                  small_model.get_embeddings(["usa"], embedding_type="entity"))
    np.testing.assert_array_equal(small_model.get_embeddings(["embassy"], "r"),
                                  small_model.get_embeddings(["embassy"], kind="relation"))
    with pytest.raises(ValueError, match="kind must be 'entity'"):
        small_model.get_embeddings(["usa"], kind="triple")


# ------------------------------------------------------ scikit-learn model selection


def _unseen_in_fold(X, train, test):
    seen_e = set(X[train][:, [0, 2]].ravel())
    seen_r = set(X[train][:, 1])
    return sum(not ({h, t} <= seen_e and r in seen_r) for h, r, t in X[test])


def test_cross_val_score_with_plain_kfold_has_no_nan_fold(nations):
    import warnings

    from sklearn.model_selection import KFold, cross_val_score

    X = nations.train
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = cross_val_score(TransE(k=8, epochs=2, random_state=0), X, cv=3)
    assert scores.shape == (3,) and np.isfinite(scores).all() and (scores > 0).all()
    messages = [str(w.message) for w in caught]
    assert not any("Scoring failed" in m for m in messages)
    unseen = [_unseen_in_fold(X, train, test) for train, test in KFold(3).split(X)]
    assert sum(n > 0 for n in unseen) >= 1  # the plain split does leave labels out
    # one warning per fold with unseen triples, counting them and naming KGSplit
    expected = [f"score: {n} of {len(test)} triples" for n, (_, test)
                in zip(unseen, KFold(3).split(X)) if n]
    assert [m[:len(e)] for m, e in zip(messages, expected)] == expected
    assert len(messages) == len(expected) and all("KGSplit" in m for m in messages)


def test_grid_search_with_shuffled_kfold_scores_every_fold(nations):
    import warnings

    from sklearn.model_selection import GridSearchCV, KFold

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # folds with unseen triples
        search = GridSearchCV(TransE(epochs=2, random_state=0), {"k": [8, 16]},
                              cv=KFold(3, shuffle=True, random_state=0)).fit(nations.train)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_["k"] in (8, 16)


def test_score_equals_evaluate_performance_with_the_same_filter(nations):
    from skbridge.estimators.kge import mrr_score

    train, valid, test = nations.train, nations.valid, nations.test
    plain = TransE(k=16, eta=5, epochs=5, random_state=0).fit(train)
    ranks = evaluate_performance(test, plain, filter_triples=[train, test])
    assert plain.score(test) == pytest.approx(mrr_score(ranks), rel=1e-12)
    # validation triples given to fit are known positives too: AmpliGraph's full protocol
    with_valid = TransE(k=16, eta=5, epochs=5, random_state=0).fit(train, X_valid=valid)
    np.testing.assert_array_equal(with_valid.predict(test), plain.predict(test))
    full = evaluate_performance(test, with_valid,
                                filter_triples={"train": train, "valid": valid, "test": test})
    assert with_valid.score(test) == pytest.approx(mrr_score(full), rel=1e-12)
    assert with_valid.score(test) > plain.score(test)  # fewer true triples counted as errors
    # unseen triples: left out with one warning, whatever on_unseen says
    odd = np.concatenate([test[:20], [["atlantis", "embassy", "usa"], ["usa", "warp", "uk"]]])
    with pytest.warns(UserWarning, match="score: 2 of 22 triples.*KGSplit") as caught:
        value = plain.score(odd)
    assert len(caught) == 1
    seen = evaluate_performance(test[:20], plain, filter_triples=[train, test[:20]])
    assert value == pytest.approx(mrr_score(seen), rel=1e-12)
    with pytest.warns(UserWarning, match="score: 1 of 1"):
        assert np.isnan(plain.score([["atlantis", "embassy", "usa"]]))
