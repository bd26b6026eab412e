"""select_best_model_ranking: the best validation MRR wins; AmpliGraph's grid spellings."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import (  # noqa: E402
    DistMult,
    TransE,
    evaluate_performance,
    mrr_score,
    select_best_model_ranking,
)


def _sets(data):
    return data["train"], data["valid"], data["test"]


def test_picks_the_grid_point_with_the_best_validation_mrr(nations):
    train, valid, test = _sets(nations)
    grid = {"k": [4, 16], "eta": [2, 5], "epochs": 4, "seed": 0}
    best, params, best_mrr, ranks, test_eval, history = select_best_model_ranking(
        "TransE", train, valid, test, grid)
    known = {"train": train, "valid": valid, "test": test}
    by_hand = {}
    for k in (4, 16):
        for eta in (2, 5):
            model = TransE(k=k, eta=eta, epochs=4, random_state=0).fit(train)
            by_hand[(k, eta)] = mrr_score(evaluate_performance(valid, model,
                                                               filter_triples=known))
    assert [(h["model_params"]["k"], h["model_params"]["eta"]) for h in history] == \
        list(by_hand)
    for record in history:
        point = (record["model_params"]["k"], record["model_params"]["eta"])
        assert record["results"]["mrr"] == pytest.approx(by_hand[point])
    winner = max(by_hand, key=by_hand.get)
    assert (params["k"], params["eta"]) == winner and params["seed"] == 0
    assert best_mrr == pytest.approx(by_hand[winner])
    assert (best.k, best.eta) == winner and isinstance(best, TransE)
    assert ranks.shape == (len(test), 2)
    assert test_eval["mrr"] == pytest.approx(mrr_score(
        evaluate_performance(test, best, filter_triples=known)))
    assert set(test_eval) == {"mrr", "mr", "hits_1", "hits_3", "hits_10"}


def test_ampligraph_grid_spellings(nations):
    train, valid, test = _sets(nations)
    grid = {
        "batches_count": [2],
        "seed": 0,
        "epochs": [3],
        "k": [8],
        "eta": [2],
        "loss": ["pairwise", "nll"],
        "loss_params": {"margin": [0.5, 2]},  # nll takes no margin: one nll point, not two
        "embedding_model_params": {"norm": 2, "negative_corruption_entities": "all"},
        "regularizer": [None],
        "regularizer_params": {"p": [2], "lambda": [1e-4]},  # dropped: no regularizer
        "optimizer": ["adam"],
        "optimizer_params": {"lr": [0.01]},
        "verbose": False,
    }
    best, params, _, _, _, history = select_best_model_ranking(TransE, train, valid, test, grid,
                                                               use_filter=False)
    shown = [(h["model_params"]["loss"], h["model_params"]["loss_params"]) for h in history]
    assert shown == [("pairwise", {"margin": 0.5}), ("pairwise", {"margin": 2}), ("nll", {})]
    assert best.scoring_params == {"norm": 2} and best.batches_count == 2
    assert best.regularizer_params is None and best.random_state == 0
    assert params in [h["model_params"] for h in history]


def test_random_search_is_seeded_and_leaves_numpy_alone(nations):
    train, valid, test = _sets(nations)
    grid = {"k": [4, 8, 16], "epochs": 2,
            "optimizer_params": {"lr": lambda: np.random.uniform(1e-3, 1e-2)}}
    np.random.seed(123)
    first = select_best_model_ranking(DistMult, train, valid, test, grid, max_combinations=3,
                                      param_grid_random_seed=1)[-1]
    after = np.random.uniform()
    np.random.seed(123)
    again = select_best_model_ranking(DistMult, train, valid, test, grid, max_combinations=3,
                                      param_grid_random_seed=1)[-1]
    assert np.random.uniform() == after  # the global generator was restored
    assert [h["model_params"] for h in first] == [h["model_params"] for h in again]
    assert len(first) == 3 and len({repr(h["model_params"]) for h in first}) == 3
    lrs = [h["model_params"]["optimizer_params"]["lr"] for h in first]
    assert all(1e-3 <= lr <= 1e-2 for lr in lrs)


def test_early_stopping_and_retraining(nations):
    train, valid, test = _sets(nations)
    stopping = {"x_valid": valid, "criteria": "mrr", "burn_in": 2, "check_interval": 2,
                "stop_interval": 1, "x_filter": np.concatenate([train, valid])}
    best, *_ = select_best_model_ranking("DistMult", train, valid, test,
                                         {"k": [8], "epochs": 6, "seed": 0},
                                         early_stopping=True, early_stopping_params=stopping,
                                         retrain_best_model=True, verbose=True)
    assert best.early_stopping and best.early_stopping_params["patience"] == 1
    assert [epoch for epoch, _ in best.validation_scores_][0] == 2
    both = np.concatenate([train, valid]).astype(str)
    assert len(best.triples_) == len(np.unique(both, axis=0))  # retrained on train + valid


def test_failed_combinations_are_recorded_with_a_warning(nations):
    train, valid, test = _sets(nations)
    with pytest.warns(UserWarning, match="1 of 2 parameter combinations failed"):
        best, params, *_, history = select_best_model_ranking(
            "TransE", train, valid, test, {"k": [8], "epochs": 2, "loss": ["nll", "hinge"]})
    assert params["loss"] == "nll" and "Unknown loss 'hinge'" in \
        history[1]["results"]["exception"]
    with pytest.raises(ValueError, match="2 of 2 parameter combinations failed"):
        select_best_model_ranking("TransE", train, valid, test, {"k": [0, -1], "epochs": 1})


@pytest.mark.parametrize("kwargs, match", [
    ({"model_class": "ConvKB"}, "model_class must be one of"),
    ({"param_grid": {}}, "non-empty dict"),
    ({"param_grid": {"k": []}}, "empty list"),
    ({"param_grid": {"k": lambda: 8}}, "set max_combinations"),
    ({"param_grid": {"k": [8], "units": [3]}}, r"Unknown parameters \['units'\]"),
    ({"param_grid": {"k": [8], "seed": 0, "random_state": 1}}, "seed and random_state"),
    ({"param_grid": {"k": [8], "large_graphs": True}}, "large_graphs"),
    ({"param_grid": {"embedding_model_params": {"dropout": 0.1}}}, "embedding_model_params key"),
    ({"param_grid": {"embedding_model_params": {"negative_corruption_entities": "batch"}}},
     "negative_corruption_entities must be 'all'"),
    ({"max_combinations": 0}, "max_combinations must be None or an int >= 1"),
    ({"focusE": True}, "FocusE"),
    ({"early_stopping": True, "early_stopping_params": {"criteria": "hits10"}},
     "criteria must be 'mrr'"),
    ({"early_stopping": True, "early_stopping_params": {"corruption_entities": [1]}},
     "corruption_entities"),
    ({"early_stopping": True, "early_stopping_params": {"tolerance": 3}},
     "Unknown early_stopping_params key 'tolerance'"),
])
def test_bad_input(nations, kwargs, match):
    train, valid, test = _sets(nations)
    args = {"model_class": "TransE", "param_grid": {"k": [8], "epochs": 1}, **kwargs}
    with pytest.raises(ValueError, match=match):
        select_best_model_ranking(args.pop("model_class"), train, valid, test,
                                  args.pop("param_grid"), **args)
