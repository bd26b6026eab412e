"""Label-frequency oversampling (TrainLabelFreqLevel): training labels balanced."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_penguins, load_titanic
from skbridge.transformers.munge import AutoMunger, automunge, postmunge
from skbridge.transformers.munge._oversampling import levelize


def test_levelize_balances_exactly_and_keeps_every_row_first():
    labels = np.array(["a"] * 7 + ["b"] * 3 + ["c"] * 2)
    rows = levelize(labels, np.random.default_rng(0))
    assert rows[:12].tolist() == list(range(12))
    assert pd.Series(labels[rows]).value_counts().to_dict() == {"a": 7, "b": 7, "c": 7}
    b_copies = pd.Series(rows[12:][labels[rows[12:]] == "b"]).value_counts()
    assert b_copies.max() - b_copies.min() <= 1  # whole copies first, then a sample
    np.testing.assert_array_equal(levelize(labels, np.random.default_rng(0)), rows)
    with pytest.raises(ValueError, match="contain 1 missing value"):
        levelize(["a", None, "b"], np.random.default_rng(0))


def test_automunge_balances_the_training_labels_only():
    frame = load_penguins().frame.sample(frac=1.0, random_state=0)
    counts = frame["species"].iloc[:250].value_counts()
    assert counts.max() > 1.8 * counts.min()
    result = automunge(frame.iloc[:250], frame.iloc[250:], labels_column="species",
                       TrainLabelFreqLevel=True, valpercent=0.2, randomseed=0)
    train_counts = result.train_labels["species"].value_counts()
    assert train_counts.nunique() == 1 and len(result.train) == 3 * train_counts.iloc[0]
    assert len(result.train_labels) == len(result.train)
    assert len(result.val) == 50 and len(result.test) == len(frame) - 250  # untouched
    munger = result.postprocess_dict
    original = munger.transform(frame.iloc[:200].drop(columns=["species"]))
    np.testing.assert_array_equal(result.train.to_numpy()[:200], original)
    assert list(result.train.index[:200]) == list(frame.index[:200])
    both = automunge(frame.iloc[:250], frame.iloc[250:], labels_column="species",
                     TrainLabelFreqLevel="traintest", randomseed=0)
    assert both.test_labels["species"].value_counts().nunique() == 1
    only_test = automunge(frame.iloc[:250], frame.iloc[250:], labels_column="species",
                          TrainLabelFreqLevel="test", randomseed=0)
    assert len(only_test.train) == 250 and only_test.test_labels.value_counts().nunique() == 1


def test_fit_transform_resample_and_postmunge():
    X, y = load_titanic(return_X_y=True)
    munger = AutoMunger(TrainLabelFreqLevel=True, random_state=0)
    Z, y_new = munger.fit_transform_resample(X, y)
    assert y_new.value_counts().to_dict() == {0: 809, 1: 809} and Z.shape[0] == 1618
    np.testing.assert_array_equal(Z[:1309], munger.transform(X))
    plain, y_same = AutoMunger().fit_transform_resample(X, y.to_numpy())
    assert plain.shape[0] == 1309 and y_same is not None and len(y_same) == 1309
    state = AutoMunger(labels_column="survived").fit(X.assign(survived=y))
    test, _, labels, _ = postmunge(state, X.assign(survived=y).iloc[:300],
                                   TrainLabelFreqLevel=True, randomseed=0)
    assert len(test) == len(labels) and labels["survived"].value_counts().nunique() == 1
    with pytest.raises(ValueError, match="TrainLabelFreqLevel needs labels"):
        postmunge(state, X.iloc[:300], TrainLabelFreqLevel=True)
    with pytest.raises(ValueError, match="TrainLabelFreqLevel needs labels"):
        AutoMunger(TrainLabelFreqLevel=True).fit_transform_resample(X)
