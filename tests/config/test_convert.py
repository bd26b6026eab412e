import numpy as np
import pytest

pytest.importorskip("hydra")

from omegaconf import OmegaConf  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.gaussian_process import GaussianProcessRegressor  # noqa: E402
from sklearn.gaussian_process.kernels import RBF, WhiteKernel  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from skbridge.compat import testing as harness  # noqa: E402
from skbridge.config import get_object, instantiate, to_config  # noqa: E402
from skbridge.transformers import FastfoodSampler  # noqa: E402


def assert_same_params(a, b, path="est"):
    """get_params() equality, nested estimators compared by type and params."""
    if isinstance(a, BaseEstimator) or hasattr(a, "get_params") and not isinstance(a, type):
        assert type(a) is type(b), path
        pa, pb = a.get_params(deep=False), b.get_params(deep=False)
        assert pa.keys() == pb.keys(), path
        for k in pa:
            assert_same_params(pa[k], pb[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_params(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same_params(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype, path
    else:
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"


def _through_yaml(cfg):
    return OmegaConf.to_container(OmegaConf.create(OmegaConf.to_yaml(OmegaConf.create(cfg))))


@pytest.mark.parametrize("estimator", harness.tested_instances(), ids=repr)
def test_to_config_round_trips_every_estimator(estimator):
    rebuilt = instantiate(_through_yaml(to_config(estimator)))
    assert_same_params(estimator, rebuilt)


def test_round_trip_of_nested_pipelines_kernels_functions_and_arrays():
    est = Pipeline([
        ("log", FunctionTransformer(np.log1p, kw_args={"out": None})),
        ("scale", StandardScaler(with_mean=False)),
        ("gp", GaussianProcessRegressor(kernel=1.0 * RBF(length_scale=(1.0, 2.0)) + WhiteKernel(),
                                        alpha=np.array([0.1, 0.2]))),
    ])
    cfg = to_config(est)
    assert [step["_target_"] for step in cfg["steps"]] == ["builtins.tuple"] * 3
    assert cfg["steps"][0]["_args_"][0][1]["func"] == {
        "_target_": "skbridge.config.get_object", "path": "numpy.log1p"}
    assert_same_params(est, instantiate(_through_yaml(cfg)))


def test_fitted_estimator_gives_its_unfitted_config():
    X = np.random.default_rng(0).normal(size=(40, 3))
    pipe = make_pipeline(FastfoodSampler(n_components=16, random_state=0),
                         LinearSVC(C=2.0)).fit(X, X[:, 0] > 0)
    cfg = to_config(pipe)
    rebuilt = instantiate(cfg)
    assert not hasattr(rebuilt[-1], "coef_")
    assert_same_params(pipe, rebuilt)


def test_tuples_come_back_as_tuples_from_yaml_lists():
    est = instantiate({"_target_": "sklearn.preprocessing.MinMaxScaler",
                       "feature_range": [-1, 1]})
    assert est.feature_range == (-1, 1)


def test_values_without_a_config_spelling():
    with pytest.raises(TypeError, match="lambda"):
        to_config(FunctionTransformer(lambda x: x))
    with pytest.raises(TypeError, match="RandomState"):
        to_config(FastfoodSampler(random_state=np.random.RandomState(0)))


def test_get_object():
    assert get_object("numpy.linalg.norm") is np.linalg.norm
    with pytest.raises(ValueError, match="no attribute"):
        get_object("numpy.not_there")
