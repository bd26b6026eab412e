"""Filtered ranks (against brute force), metrics, score, and the KG-aware splitters."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.model_selection import GridSearchCV  # noqa: E402

from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    KGSplit,
    TransE,
    evaluate_performance,
    hits_at_n_score,
    mr_score,
    mrr_score,
    train_test_split_no_unseen,
)


def _brute_force_ranks(model, X, filter_triples, side, ranking, subset=None):
    known = {tuple(row) for row in np.asarray(filter_triples).astype(str).tolist()}
    candidates = model.entities_ if subset is None else np.asarray(subset)
    ranks = []
    for h, r, t in X:
        true = model.predict(np.array([[h, r, t]]))[0]
        corr = [(e, r, t) if side == "s" else (h, r, e) for e in candidates]
        corr = [c for c in corr if c not in known and c != (h, r, t)]
        scores = model.predict(np.array(corr, dtype=object)) if corr else np.array([])
        greater, equal = (scores > true).sum(), (scores == true).sum()
        ranks.append({"worst": greater + equal + 1, "best": greater + 1,
                      "mean": greater + equal / 2 + 1}[ranking])
    return np.array(ranks, dtype=float)


@pytest.mark.parametrize("side", ["s", "o", "s,o"])
@pytest.mark.parametrize("ranking", ["worst", "best", "mean"])
@pytest.mark.parametrize("Model", [TransE, ComplEx])
def test_filtered_ranks_equal_brute_force(side, ranking, Model):
    X = np.array([
        ["a", "likes", "b"], ["b", "likes", "c"], ["c", "likes", "a"], ["a", "knows", "c"],
        ["d", "knows", "a"], ["e", "likes", "d"], ["b", "knows", "e"], ["f", "likes", "a"],
    ])
    model = Model(k=4, epochs=3, random_state=0).fit(X)
    with torch.no_grad():  # ties: "e" and "f" get the same embedding
        model.module_.ent[model._entity_index.get_loc("f")] = \
            model.module_.ent[model._entity_index.get_loc("e")]
    test = X[:5]
    got = evaluate_performance(test, model, filter_triples=X, corrupt_side=side, ranking=ranking)
    sides = ["s", "o"] if side == "s,o" else [side]
    want = np.column_stack([_brute_force_ranks(model, test, X, s, ranking) for s in sides])
    np.testing.assert_allclose(got.reshape(len(test), -1), want)
    subset = ["a", "b", "c", "e", "f"]
    got = evaluate_performance(test, model, filter_triples=X, corrupt_side="o", ranking=ranking,
                               entities_subset=subset)
    candidates = sorted(set(subset) | set(test[:, 2]))
    want = _brute_force_ranks(model, test, X, "o", ranking, subset=candidates)
    np.testing.assert_allclose(got, want)


def test_raw_ranks_and_metrics(small_model, nations):
    raw = evaluate_performance(nations.test, small_model, corrupt_side="o")
    filtered = evaluate_performance(nations.test, small_model, corrupt_side="o",
                                    filter_triples={"train": nations.train, "test": nations.test})
    assert (filtered <= raw).all() and (filtered < raw).any()
    assert mrr_score([1, 2, 4]) == pytest.approx(7 / 12)
    assert mr_score([[1, 3], [2, 2]]) == 2.0
    assert hits_at_n_score([1, 2, 11, np.nan], n=10) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="empty"):
        mrr_score([np.nan])
    batched = evaluate_performance(nations.test, small_model, corrupt_side="o", batch_size=7,
                                   filter_triples={"train": nations.train, "test": nations.test})
    np.testing.assert_array_equal(batched, filtered)


def test_score_is_filtered_mrr_and_grid_search_runs(nations):
    model = TransE(k=16, eta=5, epochs=5, random_state=0).fit(nations.train)
    ranks = evaluate_performance(nations.test, model,
                                 filter_triples=[nations.train, nations.test])
    assert model.score(nations.test) == pytest.approx(mrr_score(ranks))
    search = GridSearchCV(TransE(epochs=3, random_state=0), {"k": [8, 16], "eta": [2, 4]},
                          cv=KGSplit(n_splits=2, random_state=0)).fit(nations.train)
    assert set(search.best_params_) == {"k", "eta"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_kg_split_and_train_test_split_have_no_unseen(umls):
    X = umls.train
    for train, test in KGSplit(n_splits=3, random_state=0).split(X):
        assert len(np.intersect1d(train, test)) == 0 and len(test) > 0.25 * len(X)
        seen = set(X[train][:, [0, 2]].ravel())
        assert set(X[test][:, [0, 2]].ravel()) <= seen
        assert set(X[test][:, 1]) <= set(X[train][:, 1])
    X_train, X_test = train_test_split_no_unseen(X, test_size=0.1, random_state=0)
    assert len(X_test) == round(0.1 * len(X)) and len(X_train) + len(X_test) == len(X)
    assert set(X_test[:, [0, 2]].ravel()) <= set(X_train[:, [0, 2]].ravel())
    tiny = np.array([["a", "r", "b"], ["c", "r", "d"]])
    with pytest.raises(ValueError, match="without unseen"):
        train_test_split_no_unseen(tiny, test_size=1)


def test_ampligraph_spellings_of_split_and_model(nations, small_model):
    a = train_test_split_no_unseen(nations.train, test_size=50, seed=4)
    b = train_test_split_no_unseen(nations.train, test_size=50, random_state=4)
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="not both"):
        train_test_split_no_unseen(nations.train, test_size=50, seed=4, random_state=4)
    from skbridge.estimators.kge import ScoringBasedEmbeddingModel

    wrapped = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    wrapped.estimator = small_model  # evaluate_performance unwraps the AmpliGraph-2 model
    np.testing.assert_array_equal(evaluate_performance(nations.test, wrapped),
                                  evaluate_performance(nations.test, small_model))
