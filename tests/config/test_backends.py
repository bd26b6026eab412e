"""Search backends: loky, a Dask LocalCluster or scheduler, and Ray give the same searches."""

import os
import sys

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_info, threadpool_limits

from skbridge.compat import OptionalDependencyError
from skbridge.config._backends import BACKENDS, BackendInfo, search_backend
from skbridge.datasets import load_titanic
from skbridge.transformers import FastfoodSampler
from skbridge.transformers.munge import AutoMunger

TIMING = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


def _digits_search():
    """A small Fastfood + LinearSVC grid on 360 seeded digits: 12 fits."""
    X, y = load_digits(return_X_y=True)
    rows = np.random.default_rng(0).choice(len(y), 360, replace=False)
    fastfood = FastfoodSampler(n_components=128, random_state=0)
    pipe = make_pipeline(fastfood, LinearSVC(random_state=0))
    grid = {"fastfoodsampler__gamma": [0.02, 0.05], "linearsvc__C": [0.1, 1.0]}
    return GridSearchCV(pipe, grid, cv=3), X[rows] / 16.0, y[rows]


def _titanic_search():
    """AutoMunger + LogisticRegression on 400 seeded Titanic rows (no leaking columns)."""
    X, y = load_titanic(return_X_y=True)
    rows = np.random.default_rng(0).choice(len(y), 400, replace=False)
    X = X.drop(columns=["boat", "body"]).iloc[rows]
    pipe = make_pipeline(AutoMunger(random_state=0), LogisticRegression(max_iter=1000))
    grid = {"automunger__numeric": ["zscore", "minmax"], "logisticregression__C": [0.1, 1.0]}
    return GridSearchCV(pipe, grid, cv=3), X, y.iloc[rows]


def _assert_same_results(got, expected):
    """Everything in two ``cv_results_`` but the timings is identical."""
    assert set(got) == set(expected)
    for key in sorted(set(expected) - set(TIMING)):
        if key == "params":
            assert got[key] == expected[key]
        else:
            np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(expected[key]), key)


def _blas_threads(client):
    """BLAS threads of every worker of a Dask client, as a sorted list."""
    info = client.run(threadpool_info)
    assert info, "the cluster has no worker"
    return sorted(d["num_threads"] for per in info.values() for d in per if d["user_api"] == "blas")


def _loky_results(make_search):
    """``cv_results_`` of a search run by loky on two processes, and its best score."""
    search, X, y = make_search()
    with search_backend("loky") as info:
        search.set_params(n_jobs=2).fit(X, y)
    assert info == BackendInfo("loky", joblib.cpu_count())
    return search.cv_results_, search.best_score_


@pytest.fixture(scope="module")
def cluster():
    """A running 2-worker Dask cluster, started with the workers' default BLAS threads."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # No one-thread variables from Dask's defaults: search_backend must set them itself.
    with dask.config.set({"distributed.nanny.pre-spawn-environ": {}}):
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        ) as running:
            yield running


def test_digits_search_on_local_dask_cluster_matches_loky():
    distributed = pytest.importorskip("distributed")
    expected, best = _loky_results(_digits_search)
    search, X, y = _digits_search()
    with search_backend("dask", n_workers=2) as info:
        assert info.backend == "dask" and info.n_workers == 2
        assert info.address.startswith("tcp://") and str(info).startswith("dask: 2 workers at")
        assert _blas_threads(info.client) == [1] * len(_blas_threads(info.client))
        with distributed.get_task_stream(info.client) as tasks:
            search.fit(X, y)
        cluster_client = info.client
    assert len(tasks.data) >= 4  # the fits ran on the cluster's workers
    assert cluster_client.status == "closed"  # the block closed what it started
    _assert_same_results(search.cv_results_, expected)
    assert search.best_score_ == best and best > 0.9


def test_titanic_search_on_running_scheduler_matches_loky(cluster):
    distributed = pytest.importorskip("distributed")
    expected, best = _loky_results(_titanic_search)
    search, X, y = _titanic_search()
    with search_backend("dask", scheduler=cluster.scheduler_address) as info:
        assert info.address == cluster.scheduler_address and info.n_workers == 2
        with distributed.get_task_stream(info.client) as tasks:
            search.fit(X, y)
    assert len(tasks.data) >= 4
    _assert_same_results(search.cv_results_, expected)
    assert search.best_score_ == best and best > 0.75
    with distributed.Client(cluster, set_as_default=False) as client:  # still running
        assert len(client.nthreads()) == 2


def test_dask_workers_keep_blas_at_one_thread(cluster):
    distributed = pytest.importorskip("distributed")
    n_cpus = os.cpu_count()
    with distributed.Client(cluster, set_as_default=False) as client:
        client.run(lambda: threadpool_limits(limits=n_cpus) and None)  # undo earlier tests
        before = _blas_threads(client)
    if n_cpus > 1:
        assert max(before) > 1
    with search_backend("dask", scheduler=cluster.scheduler_address) as info:
        assert _blas_threads(info.client) == [1] * len(before)
        assert set(info.client.run(os.environ.get, "OMP_NUM_THREADS").values()) == {"1"}


def test_loky_workers_keep_blas_at_one_thread_and_restore_config():
    with search_backend("loky", n_workers=2, verbose=True) as info:
        backend, n_jobs = joblib.parallel.get_active_backend()
        per_worker = joblib.Parallel()(joblib.delayed(threadpool_info)() for _ in range(4))
    assert str(info) == "loky: 2 workers on this machine"
    assert type(backend).__name__ == "LokyBackend" and n_jobs == 2
    assert backend.inner_max_num_threads == 1
    assert {d["num_threads"] for per in per_worker for d in per if d["user_api"] == "blas"} == {1}
    assert joblib.parallel.get_active_backend()[1] is None  # joblib's default again


def test_ray_search_matches_loky():
    pytest.importorskip("ray")
    expected, best = _loky_results(_digits_search)
    search, X, y = _digits_search()
    with search_backend("ray", n_workers=2) as info:
        assert info.backend == "ray" and info.n_workers == 2 and info.address
        search.fit(X, y)
        per_worker = joblib.Parallel()(joblib.delayed(threadpool_info)() for _ in range(4))
    assert {d["num_threads"] for per in per_worker for d in per if d["user_api"] == "blas"} == {1}
    _assert_same_results(search.cv_results_, expected)
    assert search.best_score_ == best


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"backend": "spark"}, "Unknown search backend 'spark': use one of loky, dask, ray"),
        ({"backend": None}, "Unknown search backend None"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "loky backend, which runs on this machine"),
        ({"backend": "dask", "scheduler": 8786}, "scheduler must be a cluster's address"),
        ({"backend": "dask", "scheduler": "tcp://h:1", "n_workers": 2}, "drop one of the two"),
        ({"n_workers": 0}, "n_workers must be a positive integer"),
        ({"backend": "dask", "n_workers": -1}, "n_workers must be a positive integer"),
        ({"n_workers": 1.5}, "n_workers must be a positive integer"),
        ({"n_workers": True}, "n_workers must be a positive integer"),
        ({"verbose": -1}, "verbose must be a bool or a non-negative integer"),
    ],
)
def test_bad_arguments_fail_before_anything_starts(kwargs, match):
    with pytest.raises(ValueError, match=match):
        search_backend(**kwargs)


def test_backend_names_and_case():
    assert BACKENDS == ("loky", "dask", "ray")
    with search_backend("LOKY", n_workers=1) as info:
        assert info.backend == "loky" and info.n_workers == 1


@pytest.mark.parametrize(
    ("backend", "module", "fix"),
    [
        ("dask", "distributed", "pip install 'scikit-bridge[distributed]'"),
        ("ray", "ray", 'pip install "ray[default]"'),
    ],
)
def test_missing_framework_names_the_install(monkeypatch, backend, module, fix):
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    with pytest.raises(OptionalDependencyError, match=f"search.backend={backend}") as error:
        with search_backend(backend):
            pass
    assert fix in str(error.value)


def test_unreachable_scheduler_says_how_to_start_one():
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(OSError, match="Could not reach the Dask scheduler at 'tcp://"):
            with search_backend("dask", scheduler="tcp://127.0.0.1:1"):
                pass
