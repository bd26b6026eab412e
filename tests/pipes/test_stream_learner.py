"""StreamLearner: ``partial_fit`` on a stream from a file or from memory, chunk by chunk."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import SGDClassifier, SGDRegressor

from skbridge.pipes import (
    StreamLearner,
    iter_chunks,
    read_csv_chunks,
    read_lines,
    stream_batch,
    stream_filter,
    stream_map,
)


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


def test_stream_learner_scores_and_cross_validates():
    from sklearn.datasets import make_classification, make_regression
    from sklearn.linear_model import SGDClassifier, SGDRegressor
    from sklearn.model_selection import cross_val_score

    from skbridge.pipes import StreamLearner

    X, y = make_regression(n_samples=3000, n_features=4, noise=0.1, random_state=0)
    learner = StreamLearner(estimator=SGDRegressor(random_state=0), n_epochs=3)
    scores = cross_val_score(learner, X, y / y.std(), cv=3)
    assert scores.shape == (3,) and scores.min() > 0.95
    X, y = make_classification(n_samples=3000, n_features=6, random_state=0)
    learner = StreamLearner(estimator=SGDClassifier(random_state=0), classes=[0, 1])
    accuracy = learner.fit(X, y).score(X, y)
    assert accuracy == pytest.approx(np.mean(learner.predict(X) == y))
    with pytest.raises(ValueError, match="empty stream"):
        learner.score(iter([]))
