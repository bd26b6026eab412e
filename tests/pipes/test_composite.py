"""Pipes in sequence: ComposedPipe, and pipes ending in an estimator (a Pipeline)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skbridge.pipes import DataPipe, GaussianScaler, ReversiblePipe, branch

from ._functions import halve, power, shift


def test_pipe_then_estimator_is_a_pipeline(X):
    y = X @ [1.0, 2.0, 0.0, -1.0]
    model = DataPipe(shift, kw_args={"by": 0.5}) >> DataPipe(StandardScaler()) >> Ridge(alpha=1e-3)
    assert isinstance(model, Pipeline)
    # two scikit-learn objects in a row: `>` cannot link them (and a chain of `>`
    # raises), `>>` (left to right) can
    with pytest.raises(TypeError):
        DataPipe(shift) > StandardScaler() > Ridge()
    other = DataPipe(shift, kw_args={"by": 0.5}) >> StandardScaler() >> Ridge(alpha=1e-3)
    assert [type(s).__name__ for _, s in other.steps] == ["DataPipe", "DataPipe", "Ridge"]
    assert isinstance(model.steps[-1][1], Ridge)
    assert model.fit(X, y).score(X, y) > 0.99
    longer = make_pipeline(StandardScaler()) > DataPipe(halve)  # extends a Pipeline
    assert isinstance(longer, Pipeline) and len(longer.steps) == 2


def test_readable_repr():
    pipe = DataPipe(power, kw_args={"p": 3}) > (DataPipe(halve) * DataPipe(shift))
    assert repr(pipe) == "DataPipe(power, kw_args={'p': 3}) > (DataPipe(halve) * DataPipe(shift))"
    assert repr(branch(halve, shift)) == "branch(DataPipe(halve), DataPipe(shift))"
    assert repr(ReversiblePipe(np.log, np.exp)) == "ReversiblePipe(log, exp)"


def test_clone_and_pickle_keep_the_pipe(X):
    pipe = DataPipe(power, kw_args={"p": 0.5}) >> GaussianScaler() >> DataPipe(halve)
    cloned = clone(pipe)
    assert repr(cloned) == repr(pipe)
    fitted = pipe.fit(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(restored.transform(X), fitted.transform(X))


def test_stateful_pipe_needs_fit(X):
    pipe = DataPipe(power) > GaussianScaler()
    with pytest.raises(NotFittedError, match="call 'fit' first"):
        pipe.transform(X)
    with pytest.raises(NotFittedError):
        DataPipe(StandardScaler()).transform(X)
    # stateless pipes run without fit
    np.testing.assert_allclose((DataPipe(power) > DataPipe(halve))(X), power(X) / 2)
