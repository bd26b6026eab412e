"""MungeResult and PostmungeResult: Automunge's shapes, by position and by name."""

import pandas as pd

from skbridge.transformers.munge import MungeResult, PostmungeResult


def test_munge_result_unpacks_and_indexes_as_ten_outputs():
    train = pd.DataFrame({"a": [1.0, 2.0]})
    result = MungeResult(train=train, postprocess_dict="state")
    assert len(result) == 10 and len(tuple(result)) == 10
    assert result[0] is train and result[-1] == "state" and result[3] is None
    assert repr(result) == "MungeResult(train=(2, 1))"


def test_postmunge_result_is_four_named_outputs():
    test = pd.DataFrame({"a": [1.0]})
    result = PostmungeResult(test, None, None, {"finalcolumns_test": ["a"]})
    test_, test_ID, test_labels, reports = result
    assert test_ is result.test is result[0] and test_ID is result.test_ID is None
    assert reports["finalcolumns_test"] == ["a"] and result._fields == (
        "test", "test_ID", "test_labels", "postreports_dict")
