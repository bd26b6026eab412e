"""DataPipe and ReversiblePipe: wrapped parameters, grid search, feature names, inverses."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbridge.pipes import DataPipe, GaussianScaler, MinMaxScaler, ReversiblePipe, branch

from ._functions import halve, power, shift


def test_params_reach_the_wrapped_function_and_step():
    pipe = DataPipe(power, kw_args={"p": 2.0})
    assert pipe.get_params()["kw_args__p"] == 2.0
    pipe.set_params(kw_args__p=0.5)
    assert pipe.kw_args == {"p": 0.5}
    np.testing.assert_allclose(pipe(np.array([4.0])), [2.0])
    wrapped = DataPipe(StandardScaler())
    wrapped.set_params(func__with_mean=False)
    assert wrapped.func.with_mean is False
    composed = DataPipe(power) > DataPipe(shift, kw_args={"by": 1.0})
    composed.set_params(pipe1__kw_args__by=5.0)
    assert composed.pipes[1].kw_args == {"by": 5.0}
    assert composed.get_params()["pipe1__kw_args__by"] == 5.0
    with pytest.raises(ValueError, match="pipe0..pipe1"):
        composed.set_params(pipe7__kw_args__by=1.0)


def test_pipes_in_gridsearch(X):
    rng = np.random.RandomState(1)
    y = np.abs(X[:, 0]) ** 1.5 + 0.01 * rng.normal(size=len(X))
    X_big = np.vstack([X] * 4)
    y_big = np.concatenate([y] * 4)
    model = make_pipeline(DataPipe(power, kw_args={"p": 1.0}), Ridge(alpha=1e-6))
    search = GridSearchCV(model, {"datapipe__kw_args__p": [0.5, 1.5, 3.0]}, cv=3)
    search.fit(X_big, y_big)
    assert search.best_params_ == {"datapipe__kw_args__p": 1.5}
    composed = (DataPipe(power) > StandardScaler()) > Ridge()
    search = GridSearchCV(composed, {"composedpipe__pipe0__kw_args__p": [1.0, 1.5]}, cv=3)
    # `a > scaler` is a ComposedPipe; `> Ridge()` makes it the Pipeline's first step
    assert [name for name, _ in composed.steps] == ["datapipe-1", "datapipe-2", "ridge"]
    search = GridSearchCV(composed, {"datapipe-1__kw_args__p": [1.0, 1.5]}, cv=3)
    assert search.fit(X_big, y_big).best_params_ == {"datapipe-1__kw_args__p": 1.5}


def test_feature_names_flow_through(X):
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    pipe = (DataPipe(feature_names_out="one-to-one") > GaussianScaler()).fit(frame)
    assert list(pipe.get_feature_names_out()) == ["a", "b", "c", "d"]
    both = branch(GaussianScaler(), MinMaxScaler(), combine="hstack").fit(frame)
    names = both.get_feature_names_out()
    assert names[0] == "branch0__a" and names[-1] == "branch1__d"
    assert not hasattr(DataPipe(power), "get_feature_names_out")


def test_reversible_pipes_invert(X):
    log = ReversiblePipe(np.log1p, np.expm1)
    positive = np.abs(X)
    np.testing.assert_allclose(log.inverse(log(positive)), positive)
    for scaler in (GaussianScaler(), MinMaxScaler(), ReversiblePipe(StandardScaler())):
        Z = scaler.fit_transform(X)
        np.testing.assert_allclose(scaler.inverse_transform(Z), X, atol=1e-12)
        np.testing.assert_allclose(scaler.inverse(Z), X, atol=1e-12)
    chain = (ReversiblePipe(np.log1p, np.expm1) > GaussianScaler()).fit(positive)
    np.testing.assert_allclose(chain.inverse_transform(chain.transform(positive)), positive)
    with pytest.raises(ValueError, match="no inverse_func"):
        ReversiblePipe(np.log1p).inverse_transform(X)
    with pytest.raises(TypeError, match="cannot be inverted"):
        (DataPipe(halve) > GaussianScaler()).fit(X).inverse_transform(X)
