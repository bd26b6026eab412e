"""Every discovered estimator persists with skops (and pickle) with identical outputs.

Each test instance of :func:`skbridge.compat.testing.tested_instances` is fitted
on small real data chosen from its type, saved with
:func:`skbridge.compat.skops.dump`, loaded with the default trust (no extra
type), and every output method it has must give exactly what it gave before.
A new estimator is picked up automatically; when its data cannot be inferred
from its tags, the test fails and names :data:`DATA_BY_NAME`, where to add it.
"""

import pickle
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.utils import get_tags

from skbridge.compat import testing as harness
from skbridge.compat.skops import dump, load, untrusted_types

ESTIMATORS = harness.tested_instances()

# Methods whose outputs must survive the round trip, in this order.
OUTPUT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                  "score_samples", "transform", "inverse_transform", "score")


@dataclass
class Case:
    """Data for one estimator: what ``fit`` takes and what the outputs are asked on."""

    X: object
    y: object = None
    X_out: object = None  # input of the output methods (default: X)
    y_out: object = None  # y of ``score`` (default: y)
    after_fit: object = None  # callable(estimator), e.g. to calibrate

    def __post_init__(self):
        if self.X_out is None:
            self.X_out = self.X
        if self.y_out is None:
            self.y_out = self.y


def _digits(n=150):
    X, y = load_digits(return_X_y=True)
    return Case(X[:n] / 16.0, y[:n])


def _diabetes(n=80):
    X, y = load_diabetes(return_X_y=True)
    return Case(X[:n], (y[:n] - y[:n].mean()) / y[:n].std())


def _iris():
    return Case(load_iris().data)


def _titanic():
    from skbridge.datasets import load_titanic

    X = load_titanic().data
    return Case(X.iloc[:120], X_out=X.iloc[120:160])


def _labels():
    from skbridge.datasets import load_titanic

    X = load_titanic().data
    labels = X["embarked"].dropna().to_numpy()
    return Case(labels[:100], X_out=labels[100:140])


def _texts():
    from skbridge.datasets import load_spam

    texts = [text[:600] for text in load_spam().data[:60]]
    return Case(texts[:40], X_out=texts[40:])


def _triples():
    from skbridge.datasets import load_umls

    train = load_umls().train[:300]

    def calibrate(est):
        est.calibrate(train[:60], positive_base_rate=0.5)

    return Case(train, X_out=train[:40], after_fit=calibrate)


def _pairs():
    X = load_iris().data
    return Case((X[:, :2], X[:, 2:]))


def _stream():
    X = load_iris().data
    return Case(list(X[:20]))


def _shapes(task):
    from skbridge.datasets import make_shapes

    X, y = make_shapes(12, 24, task=task, size_range=(6, 12), return_X_y=True, random_state=0)
    return Case(X, y)


# {class name: data maker}: estimators whose data their tags do not tell.
DATA_BY_NAME = {
    "AutoMunger": _titanic,
    "LabelMunger": _labels,
    "ProductPipe": _pairs,
    "StreamPipe": _stream,
    "StreamLearner": _diabetes,
    "NeuralNetSegmenter": lambda: _shapes("segmentation"),
    "NeuralNetDetector": lambda: _shapes("detection"),
}


def _is_kge(estimator):
    return type(estimator).__module__.startswith("skbridge.estimators.kge.")


def make_case(estimator):
    """The data to fit ``estimator`` on, from :data:`DATA_BY_NAME` or its tags."""
    name = type(estimator).__name__
    if name in DATA_BY_NAME:
        return DATA_BY_NAME[name]()
    if _is_kge(estimator):
        return _triples()
    tags = get_tags(estimator)
    if tags.input_tags.string and not tags.input_tags.two_d_array:
        return _texts()
    if tags.estimator_type == "classifier":
        return _digits()
    if tags.estimator_type == "regressor":
        return _diabetes()
    if tags.input_tags.two_d_array and tags.estimator_type is None:
        return _iris()
    pytest.fail(
        f"No persistence data for {name}: its tags do not say what it takes. Add an entry "
        f"'{name}': <data maker> to DATA_BY_NAME in tests/test_persistence.py."
    )


def _fit(estimator):
    case = make_case(estimator)
    estimator = clone(estimator)
    if case.y is None:
        estimator.fit(case.X)
    else:
        estimator.fit(case.X, case.y)
    if case.after_fit is not None:
        case.after_fit(estimator)
    return estimator, case


def _plain(value):
    """An output made comparable: generators listed, sparse made dense."""
    if sp.issparse(value):
        return ("sparse", value.toarray())
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "__next__"):
        return [_plain(item) for item in value]
    return value


def _outputs(estimator, case):
    outputs = {}
    for method in OUTPUT_METHODS:
        if not hasattr(estimator, method):
            continue
        try:
            if method == "inverse_transform":
                result = estimator.inverse_transform(estimator.transform(case.X_out))
            elif method == "score":
                args = (case.X_out,) if case.y_out is None else (case.X_out, case.y_out)
                result = estimator.score(*args)
            else:
                result = getattr(estimator, method)(case.X_out)
        except Exception as exc:  # e.g. a pipe whose step cannot be inverted
            outputs[method] = ("raises", type(exc).__name__, str(exc))
        else:
            outputs[method] = _plain(result)
    return outputs


def _assert_same(before, after, path="output"):
    if isinstance(before, dict):
        assert isinstance(after, dict) and before.keys() == after.keys(), path
        for key in before:
            _assert_same(before[key], after[key], f"{path}[{key!r}]")
    elif isinstance(before, (list, tuple)):
        assert isinstance(after, (list, tuple)) and len(before) == len(after), path
        for i, (b, a) in enumerate(zip(before, after)):
            _assert_same(b, a, f"{path}[{i}]")
    elif isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before, check_exact=True, obj=path)
    elif isinstance(before, (np.ndarray, np.generic, float, int)):
        np.testing.assert_array_equal(after, before, err_msg=path, strict=True)
    else:
        assert after == before, path


@pytest.fixture(scope="module")
def fitted():
    """``{repr: (fitted estimator, case)}``: each instance is fitted once for both tests."""
    return {}


def _fitted_instance(fitted, estimator):
    key = repr(estimator)
    if key not in fitted:
        fitted[key] = _fit(estimator)
    return fitted[key]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_skops_round_trip(estimator, fitted, tmp_path):
    estimator, case = _fitted_instance(fitted, estimator)
    before = _outputs(estimator, case)
    raised = [isinstance(out, tuple) and out[:1] == ("raises",) for out in before.values()]
    assert not all(raised), f"{type(estimator).__name__}: no output of {OUTPUT_METHODS}: {before}"
    path = tmp_path / "model.skops"
    dump(estimator, path)
    assert untrusted_types(path) == []
    loaded = load(path)
    assert type(loaded) is type(estimator)
    assert repr(loaded) == repr(estimator)
    _assert_same(before, _outputs(loaded, case))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_pickle_round_trip(estimator, fitted):
    estimator, case = _fitted_instance(fitted, estimator)
    before = _outputs(estimator, case)
    loaded = pickle.loads(pickle.dumps(estimator))
    _assert_same(before, _outputs(loaded, case))


def test_an_estimator_without_data_is_named_with_the_fix():
    class OpaqueThing(BaseEstimator):  # takes neither tables nor text, says its tags
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.two_d_array = False
            return tags

    with pytest.raises(pytest.fail.Exception, match="OpaqueThing.*DATA_BY_NAME"):
        make_case(OpaqueThing())
