"""Property tests of AutoMunger on generated DataFrames (hypothesis).

Random dtypes, NaN patterns, empty strings, single rows and single columns:
fitting and transforming never crash, never change the number or the order of
the rows, and give the same output for a row whatever batch it comes in.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skbridge.transformers.munge import AutoMunger

WORDS = ["", " ", "a", "b", "c", "alpha", "2021-01-05", "3.5", "7", "x y"]


@st.composite
def columns(draw, n):
    kind = draw(st.sampled_from(["float", "int", "bool", "str", "mixed", "datetime", "category"]))
    nan_rate = draw(st.sampled_from([0.0, 0.3, 1.0]))
    mask = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))) < nan_rate
    if kind == "float":
        special = st.sampled_from([np.nan, np.inf, -np.inf])
        values = draw(st.lists(st.one_of(st.floats(-1e6, 1e6), special), min_size=n, max_size=n))
        col = pd.Series(values, dtype=float)
    elif kind == "int":
        col = pd.Series(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=np.int64)
        mask[:] = False
    elif kind == "bool":
        col = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        mask[:] = False
    elif kind == "str":
        words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
        col = pd.Series(words, dtype=object)
    elif kind == "mixed":
        mixed = st.one_of(st.sampled_from(WORDS), st.integers(-3, 3), st.floats(-10, 10))
        col = pd.Series(draw(st.lists(mixed, min_size=n, max_size=n)), dtype=object)
    elif kind == "datetime":
        days = draw(st.lists(st.integers(0, 3000), min_size=n, max_size=n))
        col = pd.Series(pd.Timestamp("2015-01-01") + pd.to_timedelta(days, unit="D"))
    else:
        labels = draw(st.lists(st.sampled_from(["u", "v", "w"]), min_size=n, max_size=n))
        col = pd.Series(labels, dtype="category")
    if mask.any() and kind not in ("int", "bool"):
        col = col.astype(object) if kind in ("str", "mixed", "category") else col
        col[mask] = None
    return col


@st.composite
def frames(draw):
    n_rows = draw(st.integers(1, 25))
    n_cols = draw(st.integers(1, 4))
    return pd.DataFrame({f"c{i}": draw(columns(n_rows)) for i in range(n_cols)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=frames(), ml_infill=st.booleans())
def test_random_frames_never_crash_and_keep_rows(df, ml_infill):
    munger = AutoMunger(ml_infill=ml_infill, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Z = munger.fit_transform(df)
        assert Z.shape == (len(df), len(munger.get_feature_names_out()))
        assert not np.isnan(Z).any()
        np.testing.assert_array_equal(munger.transform(df), Z)
        reversed_rows = munger.transform(df.iloc[::-1])
        np.testing.assert_allclose(reversed_rows, Z[::-1], rtol=1e-12, atol=1e-12)
        if len(df) > 1:
            one_row = munger.transform(df.iloc[[1]])
            np.testing.assert_allclose(one_row, Z[[1]], rtol=1e-12, atol=1e-12)
        back = munger.inverse_transform(Z)
    assert back.shape == df.shape and list(back.columns) == list(df.columns)
    assert len(munger.column_report_) == df.shape[1]


@settings(max_examples=20, deadline=None)
@given(df=frames())
def test_random_frames_survive_the_json_state(df, tmp_path_factory):
    path = tmp_path_factory.mktemp("state") / "state.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        munger = AutoMunger().fit(df)
        munger.save_state(path)
        loaded = AutoMunger.load_state(path)
        np.testing.assert_array_equal(loaded.transform(df), munger.transform(df))


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (30, 1)])
def test_single_row_and_single_column_frames(shape):
    rng = np.random.RandomState(0)
    df = pd.DataFrame(rng.normal(size=shape), columns=[f"c{i}" for i in range(shape[1])])
    Z = AutoMunger().fit_transform(df)
    assert Z.shape[0] == shape[0] and np.isfinite(Z).all()
