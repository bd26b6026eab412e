"""AutoMunger.automunge / postmunge: Automunge's calls as methods, set by parameters."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_penguins
from skbridge.transformers.munge import AutoMunger, MungeResult, PostmungeResult


def test_methods_follow_the_parameters():
    frame = load_penguins().frame.assign(tag=np.arange(344))
    munger = AutoMunger(labels_column="species", trainID_column="tag", valpercent=0.25,
                        shuffletrain=True, random_state=0)
    result = munger.automunge(frame.iloc[:300], frame.iloc[300:])
    assert isinstance(result, MungeResult) and result.postprocess_dict is munger
    assert len(result.train) == 225 and len(result.val) == 75 and len(result.test) == 44
    assert sorted([*result.train.index, *result.val.index]) == list(range(300))
    assert result.train.index.tolist() != sorted(result.train.index)  # shuffled, seeded
    np.testing.assert_array_equal(result.train_ids["tag"], result.train.index)
    assert result.train_labels.columns.tolist() == ["species"]
    assert result[0] is result.train and result[-1] is munger and len(result) == 10
    again = AutoMunger(**munger.get_params()).automunge(frame.iloc[:300])
    pd.testing.assert_frame_equal(again.train, result.train)
    post = munger.postmunge(frame.iloc[300:])
    assert isinstance(post, PostmungeResult)
    test, test_ID, test_labels, reports = post
    pd.testing.assert_frame_equal(test, result.test)
    assert test_ID["tag"].tolist() == list(range(300, 344))
    assert reports["finalcolumns_test"] == list(result.train.columns)
    shuffled = munger.postmunge(frame.iloc[300:], shuffletrain=True, randomseed=1)
    assert sorted(shuffled.test.index) == list(range(300, 344))
    pd.testing.assert_frame_equal(shuffled.test.sort_index(), test)
    with pytest.raises(TypeError, match="postmunge expects a DataFrame"):
        munger.postmunge(frame.to_numpy())
    with pytest.raises(TypeError, match="automunge expects a DataFrame"):
        AutoMunger().automunge(frame.to_numpy())


def test_feature_importance_of_a_reduced_output_groups_the_components():
    frame = load_penguins().frame.dropna(subset=["sex"])
    munger = AutoMunger(labels_column="species", PCAn_components=2, random_state=0)
    munger.automunge(frame)
    reports = munger.postmunge(frame, featureeval=True).postreports_dict
    ranked = reports["featureimportance"]["FS_sorted"]["column_key"]
    assert set(ranked) == {"island", "sex", "PCA"}  # the continuous columns became PCA
    assert max(ranked, key=ranked.get) == "PCA"
