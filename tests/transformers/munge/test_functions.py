"""automunge() and postmunge(): the Automunge-style functions."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_titanic
from skbridge.transformers.munge import AutoMunger, LabelMunger, MungeResult, automunge, postmunge


def test_automunge_and_postmunge_functions(tmp_path):
    frame = load_titanic().frame
    frame = frame.assign(pid=np.arange(len(frame)))
    train, test = frame.iloc[:1000], frame.iloc[1000:]
    result = automunge(train, test, labels_column="survived", trainID_column="pid",
                       valpercent=0.2, MLinfill=False, randomseed=0)
    assert isinstance(result, MungeResult)
    assert result.train.shape[0] == 800 and result.val.shape[0] == 200
    assert result.train.index.is_monotonic_increasing  # no shuffling
    assert list(result.train_ids.columns) == ["pid"] and result.test_ids.shape == (309, 1)
    assert set(result.train_labels["survived"].unique()) == {0, 1}
    assert result.test.shape == (309, result.train.shape[1])
    assert not any(c.startswith(("pid", "survived")) for c in result.train.columns)
    munger = result.postprocess_dict
    assert isinstance(munger, AutoMunger) and isinstance(result.label_munger, LabelMunger)
    train_, train_ID, labels, val, val_ID, val_labels, test_, test_ID, test_labels, pp = result
    assert train_ is result.train and pp is munger and test_labels is result.test_labels
    again = postmunge(munger, test)
    pd.testing.assert_frame_equal(again.test, result.test)
    pd.testing.assert_frame_equal(again.test_labels, result.test_labels)
    munger.save_state(tmp_path / "state.json")
    from_json = postmunge(tmp_path / "state.json", test.drop(columns=["survived", "pid"]))
    np.testing.assert_array_equal(from_json.test.to_numpy(), result.test.to_numpy())
    with pytest.raises(TypeError, match="unknown parameters \\['colour'\\]"):
        automunge(train, colour=1)
    with pytest.raises(ValueError, match="labels_column names columns not in the data"):
        automunge(train, labels_column="nope")
    with pytest.raises(TypeError, match="fitted AutoMunger"):
        postmunge(object(), test)


def test_automunge_shuffles_only_when_asked():
    df = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30) % 2})
    plain = automunge(df, labels_column="y")
    assert list(plain.train.index) == list(range(30))
    shuffled = automunge(df, labels_column="y", shuffletrain=True, randomseed=0)
    assert sorted(shuffled.train.index) == list(range(30))
    assert list(shuffled.train.index) != list(range(30))
    again = automunge(df, labels_column="y", shuffletrain=True, randomseed=0)
    pd.testing.assert_frame_equal(again.train, shuffled.train)
