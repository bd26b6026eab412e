"""AmpliGraph 2's API: its tutorial with only the imports changed, then each call's options."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    ScoringBasedEmbeddingModel,
    TransE,
    evaluate_performance,
    mrr_score,
)
from skbridge.estimators.kge.early_stopping import EarlyStopping  # noqa: E402


@pytest.fixture
def numpy_seeded():
    """AmpliGraph seeds numpy's global generator (its split draws from it); restored after."""
    state = np.random.get_state()
    np.random.seed(0)
    yield
    np.random.set_state(state)


def test_ampligraph2_tutorial_with_only_the_imports_changed(nations, tmp_path, monkeypatch,
                                                            numpy_seeded):
    """AmpliGraph 2's "Getting Started" notebook (train, evaluate, save, predict) and its
    calibrate, discover_facts and find_clusters examples; on Nations instead of the
    downloaded Game of Thrones graph, with fewer epochs. The imports are AmpliGraph's with
    ``ampligraph.<module>`` replaced as the comments say."""
    pytest.importorskip("skops")
    monkeypatch.chdir(tmp_path)  # the tutorial saves './best_model.pkl'
    import pandas as pd
    from scipy.special import expit
    from sklearn.cluster import KMeans

    from skbridge.datasets import load_nations  # ampligraph.datasets (load_from_csv)

    # ampligraph.discovery, ampligraph.evaluation, ampligraph.latent_features, ampligraph.utils
    from skbridge.estimators.kge import (
        ScoringBasedEmbeddingModel,
        discover_facts,
        find_clusters,
        hits_at_n_score,
        mr_score,
        mrr_score,
        restore_model,
        save_model,
        train_test_split_no_unseen,
    )
    from skbridge.estimators.kge.losses import get as get_loss  # ...latent_features.loss_functions
    from skbridge.estimators.kge.regularizers import get as get_regularizer  # ...regularizers

    dataset = load_nations()
    X = np.concatenate([dataset["train"], dataset["valid"], dataset["test"]])
    entities = np.unique(np.concatenate([X[:, 0], X[:, 2]]))
    relations = np.unique(X[:, 1])
    assert (len(entities), len(relations)) == (14, 55)

    X_train, X_test = train_test_split_no_unseen(X, test_size=100)
    assert X_train.shape == (len(X) - 100, 3) and X_test.shape == (100, 3)

    model = ScoringBasedEmbeddingModel(k=150, eta=5, scoring_type='ComplEx', seed=0)
    # (the notebook also builds a Keras Adam(learning_rate=1e-3) it never uses: left out)
    loss = get_loss('pairwise', {'margin': 0.5})
    regularizer = get_regularizer('LP', {'p': 2, 'lambda': 1e-5})
    model.compile(loss=loss, optimizer='adam', entity_relation_regularizer=regularizer,
                  entity_relation_initializer='glorot_uniform')
    history = model.fit(X_train, batch_size=5000, epochs=40, verbose=True)  # notebook: 200
    assert len(history.history["loss"]) == 40
    assert history.history["loss"][-1] < history.history["loss"][0]

    score = model.predict(np.array([['usa', 'embassy', 'uk']]))
    assert score.shape == (1,) and np.isfinite(score).all()

    positives_filter = {'test': np.concatenate([X_train, X_test])}
    ranks = model.evaluate(X_test, use_filter=positives_filter, corrupt_side='s,o', verbose=True)
    assert ranks.shape == (100, 2)
    mrr = mrr_score(ranks)
    hits_10 = hits_at_n_score(ranks, n=10)
    hits_1 = hits_at_n_score(ranks, n=1)
    assert 0.3 < mrr <= 1 and hits_10 >= 0.8 and hits_1 <= hits_10 and mr_score(ranks) < 5
    # the same ranks as evaluate_performance on the estimator inside
    same = evaluate_performance(X_test, model.estimator, filter_triples=positives_filter)
    np.testing.assert_array_equal(ranks, same)

    save_model(model, './best_model.pkl')
    before = model.predict(X_test)
    del model
    model = restore_model('./best_model.pkl')
    assert model.is_fitted
    np.testing.assert_array_equal(model.predict(X_test), before)

    X_unseen = np.array([
        ['usa', 'embassy', 'cuba'], ['uk', 'embassy', 'usa'], ['china', 'treaties', 'usa'],
        ['israel', 'intergovorgs', 'egypt'], ['ussr', 'embassy', 'poland'],
    ])
    positives_filter['test'] = np.vstack((positives_filter['test'], X_unseen))
    ranks_unseen = model.evaluate(X_unseen, use_filter=positives_filter, corrupt_side='s+o',
                                  verbose=True)
    scores = model.predict(X_unseen)
    probs = expit(scores)
    table = pd.DataFrame(list(zip([' '.join(x) for x in X_unseen], ranks_unseen,
                                  np.squeeze(scores), np.squeeze(probs))),
                         columns=['statement', 'rank', 'score', 'prob']).sort_values(
        "score", ascending=False)
    assert len(table) == 5 and table["prob"].between(0, 1).all()

    # ScoringBasedEmbeddingModel.calibrate's example: corruptions as negatives
    model.calibrate(dataset['test'], batch_size=10000, positive_base_rate=0.9, epochs=100)
    proba = model.predict_proba(dataset['test'])
    assert proba.shape == (201,) and ((proba > 0) & (proba < 1)).all()
    assert np.argsort(proba).tolist() == np.argsort(model.predict(dataset['test'])).tolist()

    # discover_facts' and find_clusters' examples
    facts, fact_ranks = discover_facts(X, model, top_n=10, strategy='random_uniform',
                                       max_candidates=100, target_rel='embassy', seed=0)
    assert facts.shape[1] == 3 and (facts[:, 1] == 'embassy').all() and (fact_ranks <= 10).all()
    clustering_algorithm = KMeans(n_clusters=3, n_init=10, max_iter=500, random_state=0)
    clusters = find_clusters(entities, model, clustering_algorithm, mode='e')
    assert clusters.shape == (14,) and set(clusters) == {0, 1, 2}


# ------------------------------------------------------------------ options


@pytest.fixture(scope="module")
def fitted(nations):
    model = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    model.compile(optimizer="adam", loss="multiclass_nll", optimizer_params={"lr": 5e-3})
    model.fit(nations.train, batch_size=512, epochs=20, verbose=False)
    return model


def test_the_estimator_inside_is_the_scikit_learn_model(fitted, nations):
    est = fitted.estimator
    assert isinstance(est, TransE) and est.get_params()["optimizer_params"] == {"lr": 5e-3}
    same = TransE(k=16, eta=5, batch_size=512, epochs=20, optimizer_params={"lr": 5e-3},
                  random_state=0).fit(nations.train)
    np.testing.assert_array_equal(fitted.predict(nations.test), same.predict(nations.test))
    assert fitted.get_count("e") == 14 and fitted.get_count("r") == 55
    assert repr(fitted) == "ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type='TransE', seed=0)"


def test_evaluate_filters_ranking_and_spellings(fitted, nations):
    explicit = fitted.evaluate(nations.test, use_filter=[nations.train, nations.test])
    np.testing.assert_array_equal(fitted.evaluate(nations.test, use_filter=True), explicit)
    np.testing.assert_array_equal(
        fitted.evaluate(X=nations.test, filter_triples=[nations.train, nations.test]), explicit)
    assert mrr_score(explicit) == pytest.approx(fitted.estimator.score(nations.test))
    raw = fitted.evaluate(nations.test)
    assert (raw >= explicit).all() and (raw > explicit).any()
    middle = fitted.evaluate(nations.test, use_filter=True, ranking_strategy="middle")
    assert (middle <= explicit).all()
    assert fitted.evaluate(nations.test, corrupt_side="o").shape == (201, 1)
    with pytest.warns(UserWarning, match="skipped"):  # AmpliGraph skips unseen triples too
        ranks = fitted.evaluate(np.array([["usa", "embassy", "uk"], ["mu", "embassy", "uk"]]))
    assert ranks.shape == (1, 2)


def test_embeddings_and_probabilities(fitted, nations):
    e = fitted.get_embeddings(["usa", "uk"])
    np.testing.assert_array_equal(e, fitted.estimator.get_embeddings(["usa", "uk"]))
    np.testing.assert_array_equal(fitted.get_embeddings(["embassy"], "r"),
                                  fitted.get_embeddings(["embassy"], role="relation"))
    fresh = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="DistMult", seed=0)
    fresh.compile()
    fresh.fit(nations.train, batch_size=512, epochs=2, verbose=False)
    with pytest.raises(RuntimeError, match="not calibrated"):
        fresh.predict_proba(nations.test)
    fresh.calibrate(nations.valid, positive_base_rate=0.5)
    assert fresh.is_calibrated and fresh.predict_proba(nations.test).shape == (201,)


class KerasLikeEarlyStopping:
    """The attributes of keras.callbacks.EarlyStopping that fit reads."""

    def __init__(self, monitor="val_mrr", patience=2, mode="max", restore_best_weights=True,
                 min_delta=0, baseline=None, start_from_epoch=0):
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.restore_best_weights, self.min_delta = restore_best_weights, min_delta
        self.baseline, self.start_from_epoch = baseline, start_from_epoch


def test_validation_and_early_stopping(nations):
    model = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    model.compile(optimizer="adam", loss="multiclass_nll")
    # validation without a callback logs val_mrr and never stops
    history = model.fit(nations.train, batch_size=512, epochs=12, validation_freq=4,
                        validation_data=nations.valid, verbose=False)
    assert len(history.history["val_mrr"]) == 3 and history.epoch == list(range(12))
    # a second fit continues training, as in Keras
    history = model.fit(nations.train, batch_size=512, epochs=3, verbose=False)
    assert history.epoch == [12, 13, 14] and model.estimator.n_epochs_ == 15
    stopper = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    stopper.compile(optimizer="adam", loss="multiclass_nll")
    history = stopper.fit(nations.train, batch_size=512, epochs=60, validation_freq=5,
                          validation_burn_in=3, validation_data=nations.valid, verbose=False,
                          callbacks=[KerasLikeEarlyStopping(patience=2)])
    # checks at 5, 10, 15, 20: best at 10, two checks without improvement, stop after 20
    assert len(history.epoch) == 20 and stopper.estimator.best_epoch_ == 10
    ours = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    ours.compile(optimizer="adam", loss="multiclass_nll")
    history = ours.fit(nations.train, batch_size=512, epochs=60, validation_split=0.1,
                       callbacks=EarlyStopping(burn_in=5, check_interval=5, patience=2),
                       verbose=False)
    checks = [epoch for epoch, _ in ours.estimator.validation_scores_]
    assert checks == list(range(5, len(history.epoch) + 1, 5)) and len(history.epoch) < 60
    assert ours.estimator.best_epoch_ == len(history.epoch) - 10  # patience 2: two checks more
    assert len(ours.estimator.valid_triples_) == round(0.1 * len(nations.train))


def test_compile_translates_keras_objects(nations):
    keras = pytest.importorskip("keras")  # the real objects, read through get_config()
    model = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="ComplEx", seed=0)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="nll",
                  entity_relation_initializer=keras.initializers.RandomNormal(stddev=0.1),
                  entity_relation_regularizer=keras.regularizers.L2(1e-4))
    params = model.estimator.get_params()
    assert params["optimizer"] == "adam"
    assert params["optimizer_params"] == {"lr": 0.003, "betas": (0.9, 0.999), "eps": 1e-07,
                                          "amsgrad": False}
    assert (params["initializer"], params["initializer_params"]) == (
        "normal", {"mean": 0.0, "std": 0.1})
    assert (params["regularizer"], params["regularizer_params"]) == (
        "LP", {"p": 2, "lambda": 1e-4})
    history = model.fit(nations.train, batch_size=512, epochs=2, verbose=False,
                        validation_data=nations.valid, validation_freq=1,
                        callbacks=[keras.callbacks.EarlyStopping(monitor="val_mrr", mode="max",
                                                                 patience=3)])
    assert len(history.history["val_mrr"]) == 2


def test_cuda_without_a_gpu_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="needs a CUDA GPU.*device='cpu'"):
        ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="TransE", device="cuda")


@pytest.mark.parametrize("kwargs, match", [
    ({"eta": 0, "k": 8}, "eta must be an int >= 1"),
    ({"eta": 2, "k": 8.5}, "k must be an int >= 1"),
    ({"eta": 2, "k": 8, "scoring_type": "Random"}, "Unknown scoring_type 'Random'"),
    ({"eta": 2, "k": 8, "seed": "zero"}, "seed must be an int or None"),
    ({"eta": 2, "k": 8, "max_ent_size": 100}, "partitioned training"),
    ({"eta": 2, "k": 8, "device": "tpu:9"}, "Unknown device"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ScoringBasedEmbeddingModel(**kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "adamax"}, ValueError, "Unknown optimizer 'adamax'"),
    ({"optimizer": object()}, TypeError, "optimizer must be a name"),
    ({"loss": "hinge"}, ValueError, "Unknown loss 'hinge'"),
    ({"entity_relation_regularizer": "l1_l2"}, ValueError, "Unknown regularizer"),
    ({"entity_relation_initializer": "he_normal"}, ValueError, "Unknown initializer"),
    ({"initializer": "normal", "entity_relation_initializer": "normal"}, ValueError,
     "not both"),
    ({"entity_relation_regularizer": ["LP", "l2"]}, ValueError, "same value for entities"),
    ({"loss": "pairwise", "loss_params": {"margin": 1.0, "alpha": 2.0}}, None, None),
])
def test_bad_compile_arguments(nations, kwargs, error, match):
    model = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="TransE", seed=0)
    if error is None:  # accepted by compile, refused by the estimator's fit
        model.compile(**kwargs)
        with pytest.raises(ValueError, match="Bad parameters"):
            model.fit(nations.train, epochs=1, verbose=False)
        return
    with pytest.raises(error, match=match):
        model.compile(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_size": 0}, "batch_size must be an int >= 1"),
    ({"epochs": -1}, "epochs must be an int >= 0"),
    ({"validation_freq": 0}, "validation_freq must be an int >= 1"),
    ({"validation_burn_in": -2}, "validation_burn_in must be an int >= 0"),
    ({"validation_batch_size": 0}, "validation_batch_size must be"),
    ({"initial_epoch": -1}, "initial_epoch must be"),
    ({"validation_split": 1.5}, r"validation_split must be in \[0, 1\)"),
    ({"validation_corrupt_side": "p"}, "validation_corrupt_side must be one of"),
    ({"shuffle": False}, "shuffle=False is not supported"),
    ({"partitioning_k": 3}, "partitioning_k=3 is not supported"),
    ({"focusE": True}, "focusE=True is not supported"),
    ({"validation_entities_subset": ["usa"]}, "validation_entities_subset"),
    ({"callbacks": [KerasLikeEarlyStopping()]}, "needs validation_data"),
    ({"callbacks": [KerasLikeEarlyStopping(monitor="val_loss")], "validation_split": 0.1},
     "monitor='val_loss'"),
    ({"callbacks": [KerasLikeEarlyStopping(mode="min")], "validation_split": 0.1}, "mode='max'"),
    ({"callbacks": [KerasLikeEarlyStopping(min_delta=0.1)], "validation_split": 0.1},
     "min_delta"),
    ({"callbacks": [object()]}, "Callback object is not supported"),
    ({"callbacks": [KerasLikeEarlyStopping(), KerasLikeEarlyStopping()],
      "validation_split": 0.1}, "one early-stopping callback"),
    ({"X": np.array([["a", "r", "b"]])}, "not both"),
    ({"validation_data": np.array([["a", "r", "b"]]), "X_valid": np.array([["a", "r", "b"]])},
     "not both"),
])
def test_bad_fit_arguments(nations, kwargs, match):
    model = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="TransE", seed=0)
    with pytest.raises(RuntimeError, match="Call compile"):
        model.fit(nations.train)
    model.compile()
    with pytest.raises(ValueError, match=match):
        model.fit(nations.train, **{"epochs": 1, "verbose": False, **kwargs})


def test_bad_inference_arguments(fitted, nations):
    unfitted = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="HolE")
    for call in (lambda: unfitted.predict(nations.test), lambda: unfitted.evaluate(nations.test),
                 lambda: unfitted.get_embeddings(["usa"])):
        with pytest.raises(RuntimeError, match="not fitted"):
            call()
    with pytest.raises(ValueError, match="ranking_strategy must be"):
        fitted.evaluate(nations.test, ranking_strategy="median")
    with pytest.raises(ValueError, match="corrupt_side"):
        fitted.evaluate(nations.test, corrupt_side="p")
    with pytest.raises(ValueError, match="not both"):
        fitted.evaluate(nations.test, use_filter=True, filter_triples=nations.train)
    with pytest.raises(ValueError, match="no callbacks"):
        fitted.evaluate(nations.test, callbacks=[object()])
    with pytest.raises(ValueError, match="embedding_type must be 'entity'"):
        fitted.get_embeddings(["usa"], "t")
    with pytest.raises(ValueError, match="unseen entity"):
        fitted.get_embeddings(["atlantis"])
    with pytest.raises(ValueError, match="concept_type"):
        fitted.get_count("x")


def test_complex_scoring_type_is_case_insensitive():
    model = ScoringBasedEmbeddingModel(eta=2, k=8, scoring_type="complex", seed=None)
    assert isinstance(model.estimator, ComplEx) and model.scoring_type == "ComplEx"
