"""ML infill: models per column, iterated, any estimator, a small state."""

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeClassifier

from skbridge.transformers.munge import AutoMunger


def _correlated(n=600, seed=0):
    rng = np.random.RandomState(seed)
    a = rng.normal(size=n)
    group = np.where(a > 0, "high", "low")
    b = 3 * a + 0.1 * rng.normal(size=n)
    df = pd.DataFrame({"a": a, "b": b, "group": group, "noise": rng.normal(size=n)})
    missing = rng.rand(n) < 0.2
    truth_b, truth_group = df["b"].copy(), df["group"].copy()
    df.loc[missing, "b"] = np.nan
    df.loc[rng.rand(n) < 0.2, "group"] = None
    return df, missing, truth_b, truth_group


def test_ml_infill_beats_mean_infill_and_is_deterministic():
    df, missing, truth_b, truth_group = _correlated()
    ml = AutoMunger(ml_infill=True, random_state=0)
    Z = ml.fit_transform(df)
    assert set(ml.ml_models_) == {"b", "group"}  # only columns with NaN get a model
    assert ml.n_ml_rounds_ >= 1
    back = ml.inverse_transform(Z)  # markers set: infilled values come back as NaN
    assert back["b"].isna().sum() == missing.sum()
    spec = ml.column_specs_["b"]
    f = spec["transform"]["fitted"]
    filled = Z[missing, spec["slice"][0]] * f["std"] + f["mean"]
    ml_error = np.abs(filled - truth_b[missing]).mean()
    mean_error = np.abs(np.nanmean(df["b"]) - truth_b[missing]).mean()
    assert ml_error < 0.3 * mean_error
    group_missing = df["group"].isna().to_numpy()
    g = ml.column_specs_["group"]
    names = list(ml.get_feature_names_out())
    predicted_high = Z[group_missing, names.index("group")] == 0.0  # flag: 1 = "low"
    assert np.mean(predicted_high == (truth_group[group_missing] == "high")) > 0.9
    np.testing.assert_array_equal(AutoMunger(ml_infill=True, random_state=0).fit_transform(df), Z)
    np.testing.assert_array_equal(ml.transform(df), Z)
    assert g["infill"]["name"] == "ml"


def test_ml_infill_accepts_any_estimator():
    df, missing, truth_b, _ = _correlated()
    est = {"regressor": KNeighborsRegressor(n_neighbors=3), "classifier": DecisionTreeClassifier()}
    munger = AutoMunger(ml_infill=True, ml_infill_estimator=est, random_state=0).fit(df)
    assert isinstance(munger.ml_models_["b"]["model"], KNeighborsRegressor)
    assert isinstance(munger.ml_models_["group"]["model"], DecisionTreeClassifier)
    single = AutoMunger(ml_infill=True, ml_infill_estimator=LinearRegression(), random_state=0)
    single.fit(df)
    assert isinstance(single.ml_models_["b"]["model"], LinearRegression)
    assert type(single.ml_models_["group"]["model"]).__name__ == "HistGradientBoostingClassifier"
    with pytest.raises(ValueError, match="'regressor' and 'classifier'"):
        AutoMunger(ml_infill=True, ml_infill_estimator={"regresor": LinearRegression()}).fit(df)


def test_ml_infill_state_is_megabytes_not_gigabytes(titanic, tmp_path):
    munger = AutoMunger(ml_infill=True, random_state=0).fit(titanic)
    assert munger.save_state(tmp_path / "s.json") < 5e6
    joblib.dump(munger, tmp_path / "m.joblib")
    assert (tmp_path / "m.joblib").stat().st_size < 5e6


def test_verbose_prints_progress(capsys):
    df, *_ = _correlated(n=200)
    AutoMunger(verbose=1, ml_infill=True, random_state=0).fit(df)
    out = capsys.readouterr().out
    assert "'b': numeric -> zscore, infill ml" in out and "ML infill round 1" in out


def test_progress_bar_over_the_models_only_when_asked(capsys):
    df, *_ = _correlated(n=200)
    AutoMunger(ml_infill=True, random_state=0).fit(df)
    assert capsys.readouterr() == ("", "")  # silent by default
    AutoMunger(verbose=1, ml_infill=True, random_state=0).fit(df)
    err = capsys.readouterr().err
    assert "ML infill round 1" in err and "2/2" in err and "model" in err
