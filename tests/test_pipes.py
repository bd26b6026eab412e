"""DataPipe composition, pipes in scikit-learn, scalers and stream pipes."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge, SGDClassifier, SGDRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skbridge.pipes import (
    BranchPipe,
    ComposedPipe,
    DataPipe,
    GaussianScaler,
    MinMaxScaler,
    ProductPipe,
    ReversiblePipe,
    StreamLearner,
    StreamPipe,
    branch,
    compose,
    iter_chunks,
    read_csv_chunks,
    read_lines,
    stream_batch,
    stream_filter,
    stream_map,
    stream_window,
)


def power(X, p=2.0):
    return np.abs(X) ** p


def shift(X, by=1.0):
    return X + by


def halve(X):
    return X / 2.0


@pytest.fixture
def X():
    return np.random.RandomState(0).normal(size=(30, 4))


# ----- composition laws -------------------------------------------------------


def test_composition_is_associative(X):
    a, b, c = DataPipe(power), DataPipe(shift, kw_args={"by": 3.0}), DataPipe(halve)
    left, right, chained = (a > b) > c, a > (b > c), a > b > c
    assert repr(left) == repr(right) == repr(chained)
    assert left.get_params(deep=False) == right.get_params(deep=False)
    expected = halve(shift(power(X), by=3.0))
    for pipe in (left, right, chained, a >> b >> c, compose(a, compose(b, c))):
        np.testing.assert_allclose(pipe(X), expected)
        np.testing.assert_allclose(pipe.fit_transform(X), expected)
        np.testing.assert_allclose(pipe.fit(X).transform(X), expected)


def test_identity_is_neutral(X):
    p = DataPipe(power) > DataPipe(halve)
    identity = DataPipe()
    for pipe in (identity > p, p > identity, identity > identity > p):
        np.testing.assert_allclose(pipe(X), p(X))
    assert identity(X) is X


def test_chain_does_not_join_unrelated_comparisons():
    a, b, c = DataPipe(power), DataPipe(shift), DataPipe(halve)
    ab = a > b
    if ab:  # a truth test outside a chain must not leak into the next `>`
        pass
    assert repr(b > c) == "DataPipe(shift) > DataPipe(halve)"
    # (outside `assert`: pytest rewrites the comparisons of an assert statement)
    chain = a > b > c > a
    assert len(chain.pipes) == 4


def test_functions_and_sklearn_transformers_compose(X):
    pipe = DataPipe(power) > StandardScaler() > DataPipe(halve)
    assert isinstance(pipe, ComposedPipe) and len(pipe.pipes) == 3
    out = pipe.fit_transform(X)
    np.testing.assert_allclose(out, StandardScaler().fit_transform(power(X)) / 2)
    assert repr(np.abs > DataPipe(halve)) == "DataPipe(absolute) > DataPipe(halve)"


def test_pipe_then_estimator_is_a_pipeline(X):
    y = X @ [1.0, 2.0, 0.0, -1.0]
    model = DataPipe(shift, kw_args={"by": 0.5}) > DataPipe(StandardScaler()) > Ridge(alpha=1e-3)
    assert isinstance(model, Pipeline)
    # two scikit-learn objects in a row: `>` cannot link them, `>>` (left to right) can
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


def test_positional_func_and_bad_arguments():
    assert DataPipe(halve).get_params() == DataPipe(func=halve).get_params()
    with pytest.raises(TypeError, match="at most 1 positional"):
        DataPipe(halve, shift)
    with pytest.raises(TypeError, match="both by position and by keyword"):
        DataPipe(halve, func=shift)
    with pytest.raises(TypeError, match="cannot compose"):
        DataPipe(halve) > 3


# ----- parameters, Pipeline, GridSearchCV -------------------------------------


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


def test_clone_and_pickle_keep_the_pipe(X):
    pipe = DataPipe(power, kw_args={"p": 0.5}) > GaussianScaler() > DataPipe(halve)
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


def test_feature_names_flow_through(X):
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    pipe = (DataPipe(feature_names_out="one-to-one") > GaussianScaler()).fit(frame)
    assert list(pipe.get_feature_names_out()) == ["a", "b", "c", "d"]
    both = branch(GaussianScaler(), MinMaxScaler(), combine="hstack").fit(frame)
    names = both.get_feature_names_out()
    assert names[0] == "branch0__a" and names[-1] == "branch1__d"
    assert not hasattr(DataPipe(power), "get_feature_names_out")


# ----- product, branch, inverses ----------------------------------------------


def test_product_pipe_acts_on_pairs(X):
    pair = DataPipe(power) * DataPipe(halve)
    assert isinstance(pair, ProductPipe)
    out = pair((X, X))
    np.testing.assert_allclose(out[0], power(X))
    np.testing.assert_allclose(out[1], X / 2)
    triple = pair * DataPipe(shift)
    assert len(triple.pipes) == 3
    with pytest.raises(ValueError, match="tuple of 2 inputs"):
        pair(X)
    fitted = (GaussianScaler() * MinMaxScaler()).fit((X, X))
    z, u = fitted.transform((X, X))
    assert abs(z.mean()) < 1e-12 and u.min() == 0.0


def test_branch_fans_out(X):
    both = branch(power, halve)
    assert isinstance(both, BranchPipe)
    a, b = both(X)
    np.testing.assert_allclose(a, power(X))
    np.testing.assert_allclose(b, X / 2)
    stacked = branch(power, halve, combine="hstack")(X)
    assert stacked.shape == (30, 8)


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


def test_scalers_handle_constant_columns_and_nan():
    X = np.array([[1.0, 5.0], [3.0, 5.0], [np.nan, 5.0]])
    Z = GaussianScaler().fit_transform(X)
    np.testing.assert_allclose(Z[:2, 0], [-1.0, 1.0])
    assert np.isnan(Z[2, 0]) and np.all(Z[:, 1] == 0.0)
    with pytest.raises(ValueError, match="features"):
        GaussianScaler().fit(X).transform(np.ones((2, 3)))


# ----- streams ------------------------------------------------------------------


class _Counter:
    """An iterable that counts the items taken from it."""

    def __init__(self, n):
        self.n, self.taken = n, 0

    def __iter__(self):
        for i in range(self.n):
            self.taken += 1
            yield i


def test_stream_pipes_are_lazy():
    source = _Counter(1_000_000)
    pipe = stream_map(power, kw_args={"p": 2}) > stream_filter(lambda v: v % 2 == 0) > stream_batch(3)
    out = pipe(source)
    assert source.taken == 0
    first = next(out)
    assert first == [0, 4, 16] and source.taken <= 6


def test_stream_operations():
    assert list(stream_window(3, step=2)(range(7))) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert list(stream_batch(2, drop_last=True)(range(5))) == [[0, 1], [2, 3]]
    flat = StreamPipe(func=lambda v: [v, v], op="flat_map")
    assert list(flat([1, 2])) == [1, 1, 2, 2]
    stacked = next(iter(stream_batch(2, collate="stack")([np.ones(3), np.zeros(3)])))
    assert stacked.shape == (2, 3)
    with pytest.raises(ValueError, match="needs a size"):
        StreamPipe(op="batch").transform([1])
    with pytest.raises(TypeError, match="needs an iterable"):
        stream_map(abs).transform(3)


def _features(frame):
    X = frame[["a", "b"]].to_numpy()
    return np.column_stack([X, X[:, 0] * X[:, 1]]), frame["y"].to_numpy()


def _keep_positive(item):
    return item[1].mean() > -10


def test_stream_over_file_larger_than_chunk_matches_memory(tmp_path):
    rng = np.random.RandomState(0)
    n = 5_000
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = 2 * frame["a"] - frame["b"] + 0.5 * frame["a"] * frame["b"]
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    source = read_csv_chunks(path, chunksize=512)
    pipe = stream_map(_features) > stream_filter(_keep_positive)
    chunks = list(pipe(source))
    assert len(chunks) == 10  # 5,000 rows in chunks of 512
    X_stream = np.vstack([c[0] for c in chunks])
    X_memory, y_memory = _features(pd.read_csv(path))
    np.testing.assert_allclose(X_stream, X_memory)
    # the same chunks through partial_fit, from the file and from memory
    learner = pipe > SGDRegressor(random_state=0, learning_rate="constant", eta0=0.01)
    assert isinstance(learner, StreamLearner)
    learner.fit(source)
    reference = SGDRegressor(random_state=0, learning_rate="constant", eta0=0.01)
    for Xc, yc in iter_chunks(X_memory, y_memory, chunksize=512):
        reference.partial_fit(Xc, yc)
    np.testing.assert_allclose(learner.estimator_.coef_, reference.coef_)
    assert learner.n_samples_seen_ == n and learner.n_chunks_ == 10
    pred = learner.predict(source)
    assert np.sqrt(np.mean((pred - y_memory) ** 2)) < 0.05
    # re-iterable source: a second pass reads the file again
    assert sum(len(c) for c in source) == n


def test_stream_learner_errors(tmp_path):
    with pytest.raises(ValueError, match="classes="):
        StreamLearner(estimator=SGDClassifier()).fit([(np.ones((2, 1)), np.array([0, 1]))])
    with pytest.raises(ValueError, match=r"\(X_chunk, y_chunk\) pairs"):
        StreamLearner().fit([np.ones((2, 1))])
    with pytest.raises(ValueError, match="empty stream"):
        StreamLearner().fit([])
    with pytest.raises(NotFittedError):
        StreamLearner().predict([np.ones((2, 1))])
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_csv_chunks(tmp_path / "missing.csv")
    path = tmp_path / "lines.txt"
    path.write_text("a\nb\n")
    assert list((stream_map(str.upper) > stream_batch(5))(read_lines(path))) == [["A", "B"]]


def test_stream_classifier_with_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] > 0).astype(int)
    learner = StreamLearner(estimator=SGDClassifier(random_state=0), classes=[0, 1], n_epochs=3)
    learner.fit(X, y)
    assert (learner.predict(X) == y).mean() > 0.9
    assert learner.n_samples_seen_ == 1200
