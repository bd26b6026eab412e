"""The infill registry: input- and output-stage infills."""

import numpy as np
import pandas as pd
import pytest

from skbridge.transformers.munge import INFILLS, AutoMunger, Infill


@pytest.mark.parametrize(
    "infill, expected",
    [("mean", 3.5), ("median", 1.5), ("mode", 1.0), ("zero", None), ("constant", -5.0),
     ("adjacent", 10.0), ("meaninfill", 3.5), ("medianinfill", 1.5), ("adjinfill", 10.0)],
)
def test_simple_infills(infill, expected):
    df = pd.DataFrame({"x": [1.0, 1.0, 2.0, 10.0, np.nan, 1.0, 6.0]})
    params = {"assignparam": None}
    if infill == "constant":
        from skbridge.transformers.munge._infill import ConstantInfill

        infill = ConstantInfill(value=-5.0)
    munger = AutoMunger(assigncat={"passthrough": ["x"]}, assigninfill={infill: ["x"]}, **params)
    Z = munger.fit_transform(df)
    if expected is None:  # output-stage infill: the block is zero
        assert Z[4, 0] == 0.0
    else:
        assert Z[4, 0] == expected
    assert Z[4, 1] == 1.0 and Z[:, 1].sum() == 1.0  # NaN marker


def test_nan_infill_keeps_nan_in_the_output():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": ["a", None, "b"]})
    Z = AutoMunger(assigninfill={"naninfill": ["x", "c"]}).fit_transform(df)
    assert np.isnan(Z[1, [0, 2]]).all() and Z[1, 1] == Z[1, 3] == 1.0
    assert not np.isnan(Z[[0, 2]]).any()


def test_categorical_infills():
    df = pd.DataFrame({"c": ["a", "b", "b", None, "c", "a", "b"]})
    mode = AutoMunger(assigninfill={"modeinfill": ["c"]}).fit(df)
    names = list(mode.get_feature_names_out())
    Z = mode.transform(df)
    assert Z[3, names.index("c_b")] == 1.0
    zero = AutoMunger().fit_transform(df)
    assert zero[3, :3].sum() == 0.0
    adj = AutoMunger(assigninfill={"adjinfill": ["c"]}).fit(df)
    assert adj.transform(df)[3, names.index("c_b")] == 1.0


def test_registry_of_infills_is_complete():
    assert {"mean", "median", "mode", "constant", "zero", "nan", "adjacent", "ml"} <= set(INFILLS)


def test_infill_registry_auto_and_rebuilt_instances():
    from skbridge.transformers.munge._infill import ConstantInfill, ZeroInfill, resolve_infill

    assert type(resolve_infill("auto", default="zero")[0]) is ZeroInfill
    assert resolve_infill("stdrdinfill", default="mean")[1] == "mean"
    assert resolve_infill("oneinfill", default="mean")[0].value == 1
    rebuilt, key = resolve_infill(ConstantInfill(value=2), {"value": 3}, default="mean")
    assert (rebuilt.value, key) == (3, "constant")
    with pytest.raises(ValueError, match=r"Unknown infill 'meen'; .* or 'auto'"):
        resolve_infill("meen", default="mean")


def test_custom_infill_class_is_accepted_and_replayed():
    class MinusOne(Infill):
        name = "minus_one"

        def fit(self, values):
            return {"value": -1.0}

    df = pd.DataFrame({"x": [1.0, np.nan, 3.0]})
    munger = AutoMunger(assigncat={"passthrough": ["x"]}, assigninfill={MinusOne: ["x"]})
    Z = munger.fit_transform(df)
    assert Z[1, 0] == -1.0
    np.testing.assert_array_equal(munger.transform(df), Z)
    assert munger.column_specs_["x"]["infill"]["name"].endswith("MinusOne")
