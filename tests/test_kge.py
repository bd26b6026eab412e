"""KGE models: quality on UMLS, filtered ranks, calibration, persistence, bad input."""

import pickle
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skbridge.datasets import load_nations, load_umls  # noqa: E402
from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    ConvE,
    DistMult,
    HolE,
    KGSplit,
    RotatE,
    TransE,
    discover_facts,
    evaluate_performance,
    find_clusters,
    find_duplicates,
    find_nearest_neighbours,
    hits_at_n_score,
    mr_score,
    mrr_score,
    query_topn,
    train_test_split_no_unseen,
)
from skbridge.estimators.kge.corruption import corruption_registry  # noqa: E402
from skbridge.estimators.kge.losses import loss_registry  # noqa: E402
from skbridge.estimators.kge.regularizers import regularizer_registry  # noqa: E402
from skbridge.estimators.kge.scoring import scoring_registry  # noqa: E402
from skbridge.estimators.kge.training import initializer_registry, optimizer_registry  # noqa: E402

ALL_MODELS = [TransE, DistMult, ComplEx, HolE, RotatE, ConvE]
# AmpliGraph 2.2's UMLS protocol: k=100, eta=10, batch 512, 100 epochs, Adam 0.005.
PROTOCOL = dict(k=100, eta=10, batch_size=512, epochs=100, optimizer_params={"lr": 0.005})


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    # UMLS-sized batches are too small to gain from a second thread, and on a
    # loaded 2-core machine two threads wait on each other; restored after.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def umls():
    return load_umls()


@pytest.fixture(scope="module")
def nations():
    return load_nations()


@pytest.fixture(scope="module")
def small_model(nations):
    return TransE(k=16, eta=5, epochs=10, random_state=0).fit(nations.train)


def _filtered_test_ranks(model, X):
    return evaluate_performance(X.test, model, filter_triples=[X.train, X.valid, X.test])


# --------------------------------------------------------------- quality


def test_transe_umls_quality(umls):
    model = TransE(**PROTOCOL, random_state=0).fit(umls.train)
    ranks = _filtered_test_ranks(model, umls)
    assert ranks.shape == (len(umls.test), 2)
    assert mrr_score(ranks) >= 0.55
    assert hits_at_n_score(ranks, 10) >= 0.94


def test_complex_umls_quality(umls):
    model = ComplEx(**PROTOCOL, random_state=0).fit(umls.train)
    assert mrr_score(_filtered_test_ranks(model, umls)) >= 0.85


@pytest.mark.parametrize(
    "Model, params, min_mrr",
    [
        (DistMult, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.5),
        (HolE, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.6),
        (RotatE, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.5),
        (ConvE, dict(k=32, eta=5, epochs=8, optimizer_params={"lr": 0.005},
                     scoring_params={"n_filters": 8}), 0.3),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_other_models_learn_umls(umls, Model, params, min_mrr):
    model = Model(batch_size=512, random_state=0, **params).fit(umls.train)
    ranks = _filtered_test_ranks(model, umls)
    assert mrr_score(ranks) >= min_mrr
    # far better than chance (a random model's filtered MRR on UMLS is about 0.04)
    assert hits_at_n_score(ranks, 10) >= 0.6


# ---------------------------------------------------- scoring functions


@pytest.mark.parametrize("name", ["transe", "distmult", "complex", "hole", "rotate", "conve"])
def test_scoring_fast_paths_match_forward(name):
    gen = torch.Generator().manual_seed(0)
    scorer = scoring_registry.make(name, k=12).eval()
    de, dr = scorer.entity_dim(), scorer.relation_dim()
    E = torch.randn(7, de, generator=gen)
    h, t = torch.randn(4, de, generator=gen), torch.randn(4, de, generator=gen)
    r = torch.randn(4, dr, generator=gen)
    with torch.no_grad():
        tails = scorer.score_tails(h, r, E)
        heads = scorer.score_heads(r, t, E)
        for j in range(7):
            Ej = E[j].expand(4, de)
            torch.testing.assert_close(tails[:, j], scorer(h, r, Ej), rtol=1e-4, atol=1e-4)
            torch.testing.assert_close(heads[:, j], scorer(Ej, r, t), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", ["transe", "distmult", "complex", "hole", "rotate"])
@pytest.mark.parametrize("norm", [1, 2])
def test_match_rows_matches_match_with_gradients(name, norm):
    # the training loop scores each triple's corruptions with match_rows
    if name != "transe" and norm == 2:
        pytest.skip("norm is a TransE parameter")
    params = {"norm": norm} if name == "transe" else {}
    scorer = scoring_registry.make(name, params, k=6)
    gen = torch.Generator().manual_seed(0)
    de = scorer.entity_dim()
    q = torch.randn(5, de, generator=gen, dtype=torch.float64, requires_grad=True)
    C = torch.randn(5, 4, de, generator=gen, dtype=torch.float64, requires_grad=True)
    rows = scorer.match_rows(q, C)
    ref = scorer.match(q[:, None, :], C)
    assert rows.shape == (5, 4)
    torch.testing.assert_close(rows, ref)
    w = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    g_rows = torch.autograd.grad((rows * w).sum(), (q, C))
    g_ref = torch.autograd.grad((ref * w).sum(), (q, C))
    for a, b in zip(g_rows, g_ref):
        torch.testing.assert_close(a, b)


def test_hole_is_circular_correlation():
    scorer = scoring_registry.make("HolE", k=5)
    gen = torch.Generator().manual_seed(1)
    h, r, t = (torch.randn(5, generator=gen, dtype=torch.float64) for _ in range(3))
    corr = torch.stack([sum(h[i] * t[(i + j) % 5] for i in range(5)) for j in range(5)])
    torch.testing.assert_close(scorer(h, r, t), (r * corr).sum())


def test_registries_build_every_key():
    for key in scoring_registry.options:
        scoring_registry.make(key, k=8)
    for registry in (loss_registry, regularizer_registry, initializer_registry,
                     corruption_registry):
        for key in registry.options:
            registry.make(key)
    for key in optimizer_registry.options:
        optimizer_registry.make(key, {"lr": 0.01}, params=[torch.nn.Parameter(torch.zeros(2))])
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        loss_registry.make("nope")


@pytest.mark.parametrize("loss", loss_registry.options)
def test_every_loss_trains(nations, loss):
    model = DistMult(k=16, eta=3, epochs=3, loss=loss, regularizer="LP",
                     regularizer_params={"p": 3, "lambda": 1e-4}, random_state=0)
    model.fit(nations.train)
    assert len(model.history_) == 3 and np.isfinite(model.history_).all()


@pytest.mark.parametrize("corruption", ["uniform", "bernoulli"])
@pytest.mark.parametrize("side", ["s", "o", "s,o"])
def test_corruption_strategies(nations, corruption, side):
    model = TransE(k=8, eta=4, epochs=1, random_state=0).fit(nations.train)
    strategy = corruption_registry.make(corruption, {"side": side, "filter_positives": True})
    triples = torch.as_tensor(model.triples_)
    strategy.fit(triples, len(model.entities_), len(model.relations_))
    h, r, t = triples.unbind(1)
    nh, nt = strategy.sample(h, r, t, 4, torch.Generator().manual_seed(0))
    assert nh.shape == nt.shape == (len(h), 4)
    changed_h, changed_t = nh != h[:, None], nt != t[:, None]
    assert not (changed_h & changed_t).any()  # one side per corruption
    assert (changed_h | changed_t).all()  # never the positive itself
    heads, _ = strategy.corrupt(h, r, t, 4, torch.Generator().manual_seed(0))
    assert (heads == heads[:, :1]).all()  # the same side for a triple's eta corruptions
    if side == "s":
        assert not changed_t.any()
    if side == "o":
        assert not changed_h.any()
    known = set(map(tuple, model.triples_.tolist()))
    rr = r[:, None].expand_as(nh)
    corrupted = zip(nh.ravel().tolist(), rr.ravel().tolist(), nt.ravel().tolist())
    n_known = sum(c in known for c in corrupted)
    assert n_known <= 0.02 * nh.numel()  # filtered (10 redraws; Nations is dense)


# ------------------------------------------------------ filtered ranks


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
    want = _brute_force_ranks(model, test, X, "o", ranking, subset=sorted(set(subset) | set(test[:, 2])))
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


# -------------------------------------------------------- calibration


def test_calibration_beats_uncalibrated_sigmoid(umls):
    model = TransE(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.005},
                   random_state=0).fit(umls.train)
    assert not hasattr(model, "predict_proba")  # not calibrated yet
    with pytest.raises(AttributeError) as info:
        model.predict_proba(umls.test)
    assert "calibrate" in str(info.value.__cause__)
    model.calibrate(umls.valid, positive_base_rate=0.5)
    # held-out positives and as many corruptions (known triples filtered out)
    rng = np.random.RandomState(0)
    known = {tuple(t) for t in np.concatenate([umls.train, umls.valid, umls.test]).tolist()}
    neg = umls.test.copy()
    neg[:, 2] = rng.choice(model.entities_, len(neg))
    neg = neg[[tuple(t) not in known for t in neg.tolist()]]
    X = np.concatenate([umls.test, neg])
    y = np.r_[np.ones(len(umls.test)), np.zeros(len(neg))]
    proba = model.predict_proba(X)
    raw = 1 / (1 + np.exp(-model.predict(X)))
    brier, brier_raw = np.mean((proba - y) ** 2), np.mean((raw - y) ** 2)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert brier < brier_raw and brier < 0.15
    # explicit negatives, no base rate
    model.calibrate(umls.valid, X_neg=neg[:300])
    assert np.mean((model.predict_proba(X) - y) ** 2) < brier_raw
    assert model.predict_proba(umls.test[42]).shape == (1,)  # the seed's single triple
    with pytest.raises(ValueError, match="positive_base_rate"):
        model.calibrate(umls.valid)


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


def test_warm_start_and_determinism(nations):
    a = TransE(k=8, epochs=3, random_state=0).fit(nations.train)
    b = TransE(k=8, epochs=3, random_state=0).fit(nations.train)
    np.testing.assert_array_equal(a.predict(nations.test), b.predict(nations.test))
    warm = TransE(k=8, epochs=3, warm_start=True, random_state=0).fit(nations.train)
    warm.fit(nations.train)
    assert warm.n_epochs_ == 6
    cold = clone(warm).set_params(warm_start=False).fit(nations.train)
    assert cold.n_epochs_ == 3


def test_early_stopping_restores_best(nations):
    model = ComplEx(k=16, eta=5, epochs=40, optimizer_params={"lr": 0.05}, early_stopping=True,
                    early_stopping_params={"burn_in": 2, "check_interval": 2, "patience": 2},
                    random_state=0)
    model.fit(nations.train, X_valid=nations.valid)
    epochs, scores = zip(*model.validation_scores_)
    assert epochs[0] == 2 and model.best_epoch_ == epochs[int(np.argmax(scores))]
    assert model.n_epochs_ <= 40
    # without X_valid, a validation fraction is held out of X
    auto = TransE(k=8, epochs=3, early_stopping=True,
                  early_stopping_params={"burn_in": 1, "check_interval": 1},
                  random_state=0).fit(nations.train)
    assert len(auto.validation_scores_) >= 1 and len(auto.triples_) < len(nations.train)
    with pytest.raises(ValueError, match="Unknown early_stopping_params"):
        TransE(epochs=1, early_stopping=True, early_stopping_params={"nope": 1}).fit(nations.train)


def test_verbose_shows_progress(nations, capsys):
    TransE(k=8, epochs=2, verbose=True, random_state=0).fit(nations.train)
    assert "TransE" in capsys.readouterr().err


# ---------------------------------------------------- unseen and bad input


def test_unseen_policies(small_model, nations):
    X = np.concatenate([nations.test[:3], [["atlantis", "embassy", "usa"],
                                           ["usa", "teleports", "mu"]]])
    with pytest.raises(ValueError, match=re.escape("2 triple(s) with labels not seen")) as info:
        small_model.predict(X)
    assert "atlantis" in str(info.value) and "mu" in str(info.value) and "teleports" in str(info.value)
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


# ------------------------------------------------------------- discovery


def test_discovery(small_model, nations):
    triples, scores = query_topn(small_model, 5, head="usa", relation="embassy")
    assert triples.shape == (5, 3) and (np.diff(scores) <= 0).all()
    assert (triples[:, 0] == "usa").all()
    triples, _ = query_topn(small_model, 3, head="usa", tail="china")
    assert set(triples[:, 1]) <= set(small_model.relations_)
    with pytest.raises(ValueError, match="exactly two"):
        query_topn(small_model, head="usa")
    clusters = find_clusters(small_model.entities_, small_model,
                             KMeans(n_clusters=3, n_init=2, random_state=0))
    assert clusters.shape == (14,) and set(clusters) == {0, 1, 2}
    neighbours, dist = find_nearest_neighbours(small_model, ["usa"], n_neighbors=3)
    assert neighbours.shape == (1, 3) and "usa" not in neighbours[0] and (np.diff(dist) >= 0).all()
    groups, tol = find_duplicates(small_model.entities_, small_model, tolerance=1e9)
    assert groups == [set(small_model.entities_)]
    facts, ranks = discover_facts(nations.train, small_model, top_n=2, max_candidates=30,
                                  random_state=0)
    known = {tuple(t) for t in nations.train.tolist()}
    assert all(tuple(f) not in known for f in facts.tolist()) and (ranks <= 2).all()


def test_string_triples_contract(nations):
    """The common checks' invariances, on string triples (the checks use numbers)."""
    import pandas as pd

    frame = pd.DataFrame(nations.train, columns=["head", "relation", "tail"])
    model = TransE(k=8, epochs=2, random_state=0).fit(frame)
    assert model.n_features_in_ == 3 and list(model.feature_names_in_) == ["head", "relation", "tail"]
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


def test_transe_entity_normalization(nations):
    model = TransE(k=8, epochs=2, random_state=0).fit(nations.train)
    norms = np.linalg.norm(model.transform(model.entities_), axis=1)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    free = TransE(k=8, epochs=2, scoring_params={"normalize_entities": False},
                  random_state=0).fit(nations.train)
    assert not np.allclose(np.linalg.norm(free.transform(free.entities_), axis=1), 1.0)
