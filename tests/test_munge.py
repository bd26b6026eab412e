"""Automunge: AutoMunger, LabelMunger, automunge() and postmunge()."""

import json
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skbridge.datasets import load_adult, load_penguins, load_titanic
from skbridge.transformers import AutoMunger as LazyAutoMunger
from skbridge.transformers.munge import (
    INFILLS,
    TRANSFORMS,
    AutoMunger,
    LabelMunger,
    MungeResult,
    Transform,
    automunge,
    postmunge,
)
from skbridge.transformers.munge import _state


@pytest.fixture(scope="module")
def titanic():
    return load_titanic().data


@pytest.fixture(scope="module")
def penguins():
    return load_penguins().data


def _edge_frame(n=80, seed=0):
    rng = np.random.RandomState(seed)
    df = pd.DataFrame({
        "num": rng.normal(size=n),
        "num_nan": np.where(rng.rand(n) < 0.2, np.nan, rng.lognormal(size=n)),
        "binary": rng.choice(["yes", "no"], n),
        "cat": rng.choice(list("abcde"), n),
        "high": [f"h{i % 35}" for i in range(n)],
        "text": [f"name number {i}" for i in range(n)],
        "when": pd.date_range("2020-01-01", periods=n, freq="37h"),
        "date_str": pd.date_range("2021-03-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "num_str": [f"{v:.3f}" for v in rng.normal(size=n)],
        "row_id": np.arange(1000, 1000 + n),
        "const": 7,
        "empty": np.nan,
    })
    df.loc[3, "cat"] = None
    return df


# --- fitting the bundled tables -------------------------------------------------


@pytest.mark.parametrize("loader", [load_titanic, load_adult, load_penguins])
def test_bundled_tables_fit_transform_and_replay(loader):
    X = loader().data
    if len(X) > 5000:
        X = X.iloc[:5000]
    munger = AutoMunger()
    Z = munger.fit_transform(X)
    assert Z.shape == (len(X), len(munger.get_feature_names_out()))
    assert Z.dtype == np.float64 and np.isfinite(Z).all()
    np.testing.assert_array_equal(munger.transform(X), Z)
    np.testing.assert_array_equal(AutoMunger().fit(X).transform(X), Z)  # deterministic
    report = munger.column_report_
    assert list(report["column"]) == list(X.columns)
    assert report["n_outputs"].sum() == Z.shape[1]
    assert {"kind", "transform", "infill", "reason", "n_missing"} <= set(report.columns)
    assert report["n_missing"].sum() == X.isna().sum().sum() - _blank_count(X)


def _blank_count(X):
    return sum(
        int(X[c].map(lambda v: isinstance(v, str) and not v.strip()).sum())
        for c in X.columns
        if X[c].dtype == object
    )


def test_titanic_report_explains_each_column(titanic):
    report = AutoMunger().fit(titanic).column_report_.set_index("column")
    assert report.loc["sex", "kind"] == "binary" and report.loc["sex", "transform"] == "flag"
    assert report.loc["name", "kind"] == "text" and report.loc["name", "transform"] == "hashing"
    assert report.loc["embarked", "transform"] == "onehot"
    assert report.loc["home.dest", "kind"] == "high_cardinality"
    assert report.loc["home.dest", "transform"] == "binary"
    assert report.loc["age", "transform"] == "zscore" and report.loc["age", "n_missing"] == 263
    assert "nearly unique" in report.loc["name", "reason"]


def test_type_inference_on_generated_edge_cases():
    df = _edge_frame()
    munger = AutoMunger().fit(df)
    kinds = munger.column_report_.set_index("column")["kind"].to_dict()
    transforms = munger.column_report_.set_index("column")["transform"].to_dict()
    assert kinds == {
        "num": "numeric", "num_nan": "numeric", "binary": "binary", "cat": "categorical",
        "high": "high_cardinality", "text": "text", "when": "datetime", "date_str": "datetime",
        "num_str": "numeric", "row_id": "identifier", "const": "constant", "empty": "empty",
    }
    assert transforms["row_id"] == "drop" and transforms["const"] == "constant"
    assert transforms["when"] == "cyclic" and transforms["date_str"] == "cyclic"
    names = list(munger.get_feature_names_out())
    assert "num_nan_nan" in names and "cat_nan" in names and "when_doy_sin" in names
    assert "when_tod_sin" in names and "date_str_tod_sin" not in names
    assert not any(n.startswith("row_id") for n in names)
    Z = munger.transform(df)
    assert np.isfinite(Z).all()


def test_seed_call_with_automunge_codes_works_as_written():
    rng = np.random.RandomState(0)
    df = pd.DataFrame({
        "column1": np.where(rng.rand(60) < 0.2, np.nan, rng.normal(10, 2, 60)),
        "column2": rng.choice(["x", "y", "z", None], 60),
        "column3": rng.normal(size=60),
    })
    munger = AutoMunger(
        assigncat={"mnmx": ["column1"], "text": ["column2"]},
        assigninfill={"MLinfill": ["column1"], "modeinfill": ["column2"]},
        random_state=0,
    )
    Z = munger.fit_transform(df)
    spec = munger.column_specs_
    assert spec["column1"]["transform"]["name"] == "minmax"
    assert spec["column1"]["infill"]["name"] == "ml"
    assert spec["column2"]["transform"]["name"] == "onehot"
    assert spec["column2"]["infill"]["name"] == "mode"
    assert "column1" in munger.ml_models_
    lo, hi = spec["column1"]["slice"]
    assert Z[:, lo].min() >= -0.5 and Z[:, lo].max() <= 1.5
    onehot = Z[:, slice(*spec["column2"]["slice"])]
    np.testing.assert_array_equal(onehot.sum(axis=1), 1.0)  # mode infill: one category active


# --- transforms -----------------------------------------------------------------

NUMERIC = [n for n, c in TRANSFORMS.items() if c.input == "numeric"]
CATEGORICAL = [n for n, c in TRANSFORMS.items() if c.input == "categorical"]
DATETIME = [n for n, c in TRANSFORMS.items() if c.input == "datetime"]


def test_registry_every_transform_has_a_case():
    special = {"drop", "constant", "nan_marker"}  # tested below and in the edge-case tests
    assert set(NUMERIC) | set(CATEGORICAL) | set(DATETIME) | special == set(TRANSFORMS)


def test_nan_marker_transform_keeps_only_the_indicator():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": ["a", None, "b"], "k": [1.0, 2.0, 4.0]})
    munger = AutoMunger(assigncat={"NArw": ["x", "c"]})
    Z = munger.fit_transform(df)
    names = list(munger.get_feature_names_out())
    assert names == ["x_nan", "c_nan", "k"]
    np.testing.assert_array_equal(Z[:, :2], [[0, 0], [1, 1], [0, 0]])
    assert munger.inverse_transform(Z)["x"].isna().all()


@pytest.mark.parametrize("name", NUMERIC + CATEGORICAL + DATETIME + ["drop"])
def test_every_transform_fits_transforms_and_inverts(name):
    rng = np.random.RandomState(1)
    n = 50
    if name in NUMERIC:
        col = pd.Series(rng.lognormal(1.0, 0.6, n))
    elif name == "flag":
        col = pd.Series(rng.choice(["no", "yes"], n))
    elif name in CATEGORICAL:
        col = pd.Series(rng.choice(["a", "b", "c", "d"], n))
    else:
        col = pd.Series(pd.date_range("2020-01-01 03:00", periods=n, freq="29h"))
    col.iloc[[4, 9]] = None
    df = pd.DataFrame({"col": col, "other": rng.normal(size=n)})
    munger = AutoMunger(assigncat={name: ["col"]})
    Z = munger.fit_transform(df)
    assert munger.column_specs_["col"]["transform"]["name"] == name
    assert np.isfinite(Z).all()
    back = munger.inverse_transform(Z)
    cls = TRANSFORMS[name]
    assert back["col"].isna().iloc[[4, 9]].all()  # NaN markers restore missing values
    keep = df["col"].notna()
    if not cls.invertible:
        assert back["col"].isna().all()
    elif cls.exact_inverse and name in NUMERIC:
        np.testing.assert_allclose(back["col"][keep].astype(float), df["col"][keep], rtol=1e-9)
    elif cls.exact_inverse and name in DATETIME:
        diff = (pd.to_datetime(back["col"][keep]) - df["col"][keep]).abs().max()
        assert diff < pd.Timedelta("1ms")
    elif cls.exact_inverse:
        assert back["col"][keep].tolist() == df["col"][keep].tolist()
    else:  # approximate: within the training range
        values = back["col"][keep].astype(float)
        assert values.min() >= df["col"].min() - 1e-9 and values.max() <= df["col"].max() + 1e-9


@pytest.mark.parametrize("name", ["zscore", "minmax", "robust", "boxcox", "yeojohnson", "log", "passthrough"])
def test_inverse_transform_is_exact_for_numeric_transforms(name, penguins):
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    munger = AutoMunger(assigncat={name: cols})
    back = munger.inverse_transform(munger.fit_transform(penguins))
    for col in cols:
        np.testing.assert_allclose(back[col].to_numpy(float), penguins[col].to_numpy(float), rtol=1e-9)
    assert back["island"].tolist() == penguins["island"].tolist()
    pd.testing.assert_series_equal(back["sex"], penguins["sex"].astype(object), check_dtype=False)


def test_automunge_alias_parameters_reach_the_transform():
    df = pd.DataFrame({"v": np.arange(1.0, 41.0), "w": np.linspace(0, 1, 40)})
    munger = AutoMunger(assigncat={"log0": ["v"], "bnwd": ["w"]}, assignparam={"bnwd": {"w": {"n_bins": 4}}})
    munger.fit(df)
    assert munger.column_specs_["v"]["transform"]["params"]["base"] == 10.0
    assert [n for n in munger.get_feature_names_out() if n.startswith("w_")] == [
        "w_bin0", "w_bin1", "w_bin2", "w_bin3"]


def test_custom_transform_class_is_accepted_and_saved(tmp_path):
    class Doubler(Transform):
        name = "doubler"

        def transform(self, x, fitted):
            return 2 * x[:, None]

        def inverse(self, Z, fitted):
            return Z[:, 0] / 2

    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["p", "q", "p", "q"]})
    munger = AutoMunger(numeric=Doubler)
    np.testing.assert_array_equal(munger.fit_transform(df)[:, 0], [2, 4, 6, 8])
    assert munger.inverse_transform(munger.transform(df))["a"].tolist() == [1, 2, 3, 4]
    state = munger.to_state()
    assert state["columns"][0]["transform"]["name"].endswith("Doubler")
    munger.save_state(tmp_path / "s.json")  # JSON of the spec; reloading needs an importable class


def test_powertransform_picks_by_skewness():
    rng = np.random.RandomState(0)
    df = pd.DataFrame({"skewed": rng.lognormal(0, 1, 300), "normal": rng.normal(size=300),
                       "neg_skewed": -rng.lognormal(0, 1, 300)})
    spec = AutoMunger(powertransform=True).fit(df).column_specs_
    assert spec["skewed"]["transform"]["name"] == "boxcox"
    assert spec["normal"]["transform"]["name"] == "zscore"
    assert spec["neg_skewed"]["transform"]["name"] == "yeojohnson"


# --- infill ---------------------------------------------------------------------


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
    single = AutoMunger(ml_infill=True, ml_infill_estimator=LinearRegression(), random_state=0).fit(df)
    assert isinstance(single.ml_models_["b"]["model"], LinearRegression)
    assert type(single.ml_models_["group"]["model"]).__name__ == "HistGradientBoostingClassifier"
    with pytest.raises(ValueError, match="'regressor' and 'classifier'"):
        AutoMunger(ml_infill=True, ml_infill_estimator={"regresor": LinearRegression()}).fit(df)


def test_ml_infill_state_is_megabytes_not_gigabytes(titanic, tmp_path):
    munger = AutoMunger(ml_infill=True, random_state=0).fit(titanic)
    assert munger.save_state(tmp_path / "s.json") < 5e6
    joblib.dump(munger, tmp_path / "m.joblib")
    assert (tmp_path / "m.joblib").stat().st_size < 5e6


# --- transform on new data ----------------------------------------------------------


def test_unseen_categories_and_new_nan_at_transform(titanic):
    munger = AutoMunger().fit(titanic)
    new = titanic.iloc[:3].copy()
    new["embarked"] = ["Atlantis", None, "S"]
    new["pclass"] = [np.nan, 2, 3]  # no NaN in fit
    new["sex"] = ["female", "unknown", None]
    Z = munger.transform(new)
    assert np.isfinite(Z).all() and Z.shape[0] == 3
    names = list(munger.get_feature_names_out())
    emb = [i for i, n in enumerate(names) if n.startswith("embarked_") and n != "embarked_nan"]
    assert Z[0, emb].sum() == 0.0  # unseen category: no activation
    assert Z[1, names.index("embarked_nan")] == 1.0
    assert Z[2, names.index("embarked_S")] == 1.0
    assert Z[0, names.index("pclass")] == 0.0  # mean infill in z-score units
    report = munger.drift_report(new).set_index("column")
    assert report.loc["embarked", "n_new_categories"] == 1
    assert report.loc["embarked", "new_categories"] == ["Atlantis"]


@pytest.mark.filterwarnings("ignore:X does not have valid feature names:UserWarning")
def test_column_policies(titanic):
    strict = AutoMunger().fit(titanic)
    shuffled = titanic[titanic.columns[::-1]]
    with pytest.raises(ValueError, match="(?s)feature names should match.*column_policy='align'"):
        strict.transform(shuffled)
    with pytest.raises(ValueError, match="feature names"):
        strict.transform(titanic.assign(extra=1))
    align = AutoMunger(column_policy="align").fit(titanic)
    expected = align.transform(titanic)
    np.testing.assert_array_equal(align.transform(shuffled), expected)
    with pytest.warns(UserWarning, match="not seen in fit: \\['extra'\\]"):
        np.testing.assert_array_equal(align.transform(titanic.assign(extra=1)), expected)
    with pytest.warns(UserWarning, match="missing and read as all missing: \\['age'\\]"):
        Z = align.transform(titanic.drop(columns=["age"]))
    assert Z[:, list(align.get_feature_names_out()).index("age_nan")].all()
    with pytest.raises(ValueError, match="X has 3 features, but AutoMunger is expecting 13"):
        align.transform(titanic.iloc[:, :3].to_numpy())


def test_dtype_drift_is_read_or_reported(penguins):
    munger = AutoMunger().fit(penguins)
    new = penguins.head(4).copy()
    new["bill_length_mm"] = new["bill_length_mm"].astype(str)  # numbers as strings
    new["year"] = new["year"].astype(float)
    np.testing.assert_allclose(munger.transform(new), munger.transform(penguins.head(4)))
    new["body_mass_g"] = ["heavy", "4000", None, "3750"]
    with pytest.warns(UserWarning, match="'body_mass_g': 1 value\\(s\\) could not be read as numeric"):
        Z = munger.transform(new)
    assert Z[0, list(munger.get_feature_names_out()).index("body_mass_g_nan")] == 1.0


def test_all_nan_column_and_constant_column_at_transform():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "empty": [np.nan] * 3, "const": ["k"] * 3})
    munger = AutoMunger().fit(df)
    new = pd.DataFrame({"a": [np.nan, np.nan], "empty": [5.0, 6.0], "const": ["z", None]})
    Z = munger.transform(new)
    assert np.isfinite(Z).all()
    back = munger.inverse_transform(munger.transform(df))
    assert back["const"].tolist() == ["k"] * 3 and back["empty"].isna().all()


def test_feature_names_and_set_output(penguins):
    munger = AutoMunger().set_output(transform="pandas")
    out = munger.fit_transform(penguins)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(munger.get_feature_names_out())
    assert "island_Biscoe" in out.columns and "sex_nan" in out.columns
    assert list(munger.get_feature_names_out(list(penguins.columns))) == list(out.columns)
    with pytest.raises(ValueError, match="input_features is not equal"):
        munger.get_feature_names_out([f"c{i}" for i in range(7)])
    arrays = AutoMunger().fit(penguins.to_numpy())
    assert arrays.get_feature_names_out()[0] == "x0_Biscoe"


def test_drift_report_flags_shift_and_passes_same_data(penguins):
    munger = AutoMunger().fit(penguins)
    same = munger.drift_report(penguins)
    assert not same["drift"].any()
    assert (same["psi"].dropna() < 0.01).all()
    shifted = penguins.copy()
    shifted["body_mass_g"] = shifted["body_mass_g"] + 1500
    shifted.loc[:100, "sex"] = None
    report = munger.drift_report(shifted).set_index("column")
    assert report.loc["body_mass_g", "drift"] and report.loc["body_mass_g", "ks"] > 0.5
    assert report.loc["sex", "drift"] and report.loc["sex", "nan_rate_new"] > 0.25
    assert not report.loc["island", "drift"]


# --- persisted state -----------------------------------------------------------------


@pytest.mark.parametrize("ml_infill", [False, True])
def test_save_and_load_state_round_trip(titanic, tmp_path, ml_infill):
    munger = AutoMunger(ml_infill=ml_infill, random_state=0).fit(titanic.iloc[:900])
    path = tmp_path / "state.json"
    size = munger.save_state(path)
    assert size == path.stat().st_size
    state = json.loads(path.read_text())  # plain JSON, readable
    assert state["format_version"] == _state.FORMAT_VERSION
    assert [c["name"] for c in state["columns"]] == list(titanic.columns)
    age = next(c for c in state["columns"] if c["name"] == "age")
    assert age["transform"]["name"] == "zscore" and "mean" in age["transform"]["fitted"]
    loaded = AutoMunger.load_state(path, allow_pickle=ml_infill)
    test = titanic.iloc[900:]
    np.testing.assert_array_equal(loaded.transform(test), munger.transform(test))
    np.testing.assert_array_equal(loaded.get_feature_names_out(), munger.get_feature_names_out())
    assert loaded.get_params()["ml_infill"] is ml_infill
    pd.testing.assert_frame_equal(loaded.column_report_, munger.column_report_)
    if ml_infill:
        with pytest.raises(ValueError, match="allow_pickle=True"):
            AutoMunger.load_state(path)
    else:
        assert size < 1e6


def test_state_errors(titanic, tmp_path):
    state = AutoMunger().fit(titanic.iloc[:100]).to_state()
    newer = dict(state, format_version=_state.FORMAT_VERSION + 1)
    with pytest.raises(ValueError, match="format version 2, newer than the version this"):
        AutoMunger.load_state(newer)
    with pytest.raises(ValueError, match="Not an AutoMunger state"):
        AutoMunger.load_state({"format": "other"})
    broken = dict(state)
    del broken["columns"]
    with pytest.raises(ValueError, match="'columns' is missing"):
        AutoMunger.load_state(broken)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a JSON AutoMunger state"):
        AutoMunger.load_state(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError):
        AutoMunger.load_state(tmp_path / "missing.json")


def test_joblib_pickle_round_trip(titanic, tmp_path):
    munger = AutoMunger(ml_infill=True, random_state=0).fit(titanic)
    joblib.dump(munger, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    np.testing.assert_array_equal(again.transform(titanic), munger.transform(titanic))


# --- errors ----------------------------------------------------------------------------


def test_clear_errors_on_bad_input(titanic):
    with pytest.raises(NotFittedError):
        AutoMunger().transform(titanic)
    with pytest.raises(ValueError, match="Unknown transform 'zcore'"):
        AutoMunger(assigncat={"zcore": ["age"]}).fit(titanic)
    with pytest.raises(ValueError, match="Unknown infill 'meen'"):
        AutoMunger(assigninfill={"meen": ["age"]}).fit(titanic)
    with pytest.raises(ValueError, match="names the column 'agee'"):
        AutoMunger(assigncat={"mnmx": ["agee"]}).fit(titanic)
    with pytest.raises(ValueError, match="'age' is assigned two transforms"):
        AutoMunger(assigncat={"mnmx": ["age"], "nmbr": ["age"]}).fit(titanic)
    with pytest.raises(ValueError, match="must be a dict"):
        AutoMunger(assignparam={"hashing": ["name"]}).fit(titanic)
    with pytest.raises(ValueError, match="Column 'embarked'.*at most two distinct values"):
        AutoMunger(assigncat={"bnry": ["embarked"]}).fit(titanic)
    with pytest.raises(ValueError, match="got a Series"):
        AutoMunger().fit(titanic["age"])
    with pytest.raises(ValueError, match="Column names must be unique"):
        AutoMunger().fit(pd.concat([titanic[["age"]], titanic[["age"]]], axis=1))
    with pytest.raises(ValueError, match="0 sample"):
        AutoMunger().fit(titanic.iloc[:0])
    with pytest.raises(ValueError, match="Complex data not supported"):
        AutoMunger().fit(pd.DataFrame({"z": [1 + 2j, 3j]}))
    munger = AutoMunger().fit(titanic)
    with pytest.raises(ValueError, match="shape \\(n_samples, 101\\)"):
        munger.inverse_transform(np.zeros((2, 5)))


def test_lazy_export_from_transformers():
    assert LazyAutoMunger is AutoMunger


# --- pipelines --------------------------------------------------------------------------


def test_grid_search_over_numeric_and_ml_infill_in_a_pipeline(titanic):
    y = load_titanic().target
    X = titanic.drop(columns=["boat", "body"])  # they leak the target
    pipe = make_pipeline(AutoMunger(random_state=0), LogisticRegression(max_iter=1000))
    grid = {"automunger__numeric": ["zscore", "minmax"], "automunger__ml_infill": [False, True]}
    cv = KFold(3, shuffle=True, random_state=0)  # the table is sorted by class
    search = GridSearchCV(pipe, grid, cv=cv).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ > 0.75
    assert set(search.best_params_) == set(grid)


def test_downstream_accuracy_matches_one_hot_baseline_on_adult():
    X, y = load_adult(return_X_y=True)
    X, y = X.iloc[:12000], y.iloc[:12000]
    X_tr, X_te, y_tr, y_te = X.iloc[:9000], X.iloc[9000:], y.iloc[:9000], y.iloc[9000:]
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    baseline = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), cat),
    ])
    scores = {}
    for name, prep in {"baseline": baseline, "ours": AutoMunger()}.items():
        model = make_pipeline(prep, LogisticRegression(max_iter=2000)).fit(X_tr, y_tr)
        scores[name] = model.score(X_te, y_te)
    assert scores["ours"] >= scores["baseline"] - 0.005


# --- automunge() / postmunge() -------------------------------------------------------------


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
    assert sorted(shuffled.train.index) == list(range(30)) and list(shuffled.train.index) != list(range(30))
    again = automunge(df, labels_column="y", shuffletrain=True, randomseed=0)
    pd.testing.assert_frame_equal(again.train, shuffled.train)


def test_label_munger_encodings():
    lm = LabelMunger().fit(pd.Series(["b", "a", "c", "a"], name="target"))
    assert lm.encoding_ == "ordinal" and lm.transform(["c", "a"]).tolist() == [2, 0]
    assert lm.inverse_transform([0, 2]).tolist() == ["a", "c"]
    oh = LabelMunger(encoding="onehot").fit(["b", "a"])
    np.testing.assert_array_equal(oh.transform(["a", "b"]), [[1, 0], [0, 1]])
    assert list(oh.get_feature_names_out()) == ["y_a", "y_b"]
    assert oh.inverse_transform(oh.transform(["b"])).tolist() == ["b"]
    reg = LabelMunger().fit(np.linspace(0, 1, 50))
    assert reg.encoding_ == "passthrough"
    z = LabelMunger(encoding="zscore").fit([1.0, 2.0, 3.0])
    np.testing.assert_allclose(z.inverse_transform(z.transform([1.0, 3.0])), [1.0, 3.0])
    with pytest.raises(ValueError, match="Labels not seen in fit: \\['d'\\]"):
        lm.transform(["d"])
    with pytest.raises(ValueError, match="1 missing value"):
        LabelMunger().fit(["a", None])
    with pytest.raises(ValueError, match="needs numeric labels"):
        LabelMunger(encoding="zscore").fit(["a", "b"])
    with pytest.raises(NotFittedError):
        LabelMunger().transform(["a"])


def test_verbose_prints_progress(capsys):
    df, *_ = _correlated(n=200)
    AutoMunger(verbose=1, ml_infill=True, random_state=0).fit(df)
    out = capsys.readouterr().out
    assert "'b': numeric -> zscore, infill ml" in out and "ML infill round 1" in out


def test_warning_free_default_fit(titanic):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AutoMunger().fit_transform(titanic)
