import numpy as np
import pandas as pd
import pytest

pytest.importorskip("hydra")

from scipy import stats  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skbridge.config import compose, instantiate  # noqa: E402
from skbridge.config._experiment import load_data  # noqa: E402
from skbridge.config._search import (  # noqa: E402
    make_search,
    param_distributions,
    run_search,
    split_sweeps,
)

SWEEPS = ["model.C=0.1,1", "preprocess.fastfood_sampler.n_components=64,128"]
BASE = ["experiment=fastfood_digits", "search.cv=3", "search.verbose=0", "figures=false"]


def test_split_sweeps():
    plain, sweeps = split_sweeps(["model.C=0.1,1,10", "seed=2", "model.tol=interval(0.1,1)",
                                  "+model.x=range(3)", "model.h=[1,2],[3]"])
    assert plain == ["seed=2"]
    assert sweeps == {"model.C": ("choice", [0.1, 1, 10]),
                      "model.tol": ("interval", (0.1, 1.0, False)),
                      "model.x": ("choice", [0, 1, 2]),
                      "model.h": ("choice", [[1, 2], [3]])}


def test_search_equals_a_hand_written_grid_search(tmp_path):
    plain, sweeps = split_sweeps(SWEEPS)
    cfg = compose(BASE + plain)
    search = run_search(cfg, sweeps, tmp_path)

    data = load_data(cfg.data, seed=cfg.seed)
    hand = GridSearchCV(instantiate(cfg), {"model__C": [0.1, 1],
                                           "fastfood_sampler__n_components": [64, 128]}, cv=3)
    hand.fit(data["X_train"], data["y_train"])
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"],
                                  hand.cv_results_["mean_test_score"])
    assert search.best_params_ == hand.best_params_
    written = pd.read_csv(tmp_path / "cv_results.csv")
    np.testing.assert_allclose(written["mean_test_score"], hand.cv_results_["mean_test_score"])
    assert (tmp_path / "best_model.skops").is_file()
    assert (tmp_path / "metrics.json").is_file()


def test_random_search_draws_from_intervals():
    cfg = compose(BASE + ["search=random", "search.n_iter=3"])
    _, sweeps = split_sweeps(["model.C=tag(log,interval(0.01,100))",
                              "preprocess.fastfood_sampler.n_components=range(64,257,64)"])
    search = make_search(instantiate(cfg), sweeps, cfg.search, seed=0)
    dists = search.param_distributions
    assert isinstance(dists["model__C"].dist, type(stats.loguniform(0.01, 100).dist))
    assert dists["fastfood_sampler__n_components"] == [64, 128, 192, 256]
    assert search.n_iter == 3 and search.random_state == 0


def test_search_errors_name_the_fix():
    cfg = compose(BASE)
    est = instantiate(cfg)
    with pytest.raises(ValueError, match="search=random"):
        param_distributions(est, split_sweeps(["model.C=interval(0.1,1)"])[1])
    with pytest.raises(ValueError, match="skbridge run -m"):
        param_distributions(est, split_sweeps(["seed=1,2"])[1])
    with pytest.raises(ValueError, match="nothing to search"):
        make_search(est, {}, cfg.search)
    from skbridge.config._search import check_sweeps

    with pytest.raises(ValueError, match="model.Cc"):
        check_sweeps(cfg, split_sweeps(["model.Cc=1,2"])[1])
