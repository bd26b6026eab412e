"""AutoMunger end to end: inference, transform policies, errors, pipelines."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbridge.datasets import load_adult, load_penguins, load_titanic
from skbridge.transformers import AutoMunger as LazyAutoMunger
from skbridge.transformers.munge import AutoMunger


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
    unread = "'body_mass_g': 1 value\\(s\\) could not be read as numeric"
    with pytest.warns(UserWarning, match=unread):
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


def test_warning_free_default_fit(titanic):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AutoMunger().fit_transform(titanic)


@pytest.mark.parametrize("param, value, expected", [
    ("labels_column", 3.5, "an instance of 'str', an int in the range \\[0, inf\\) or None"),
    ("trainID_column", {"pid"}, "'trainID_column' parameter of AutoMunger must be"),
    ("testID_column", 2.5, "'testID_column' parameter of AutoMunger must be"),
    ("valpercent", 1.0, "a float in the range \\[0.0, 1.0\\)"),
    ("shuffletrain", "yes", "'shuffletrain' parameter of AutoMunger must be"),
    ("TrainLabelFreqLevel", "both", "a str among \\{.*'traintest'.*\\}"),
    ("featureselection", "all", "a str among \\{.*'pct'.*\\}"),
    ("featurethreshold", 1.5, "a float in the range \\[0.0, 1.0\\]"),
    ("PCAn_components", 0, "'PCAn_components' parameter of AutoMunger must be"),
    ("PCAn_components", 1.5, "a float in the range \\(0.0, 1.0\\)"),
    ("PCA_type", "ICA", "a str among \\{.*'SparsePCA'.*\\}"),
    ("PCAexcl", "year", "'PCAexcl' parameter of AutoMunger must be an instance of 'list'"),
    ("excl_suffix", "yes", "'excl_suffix' parameter of AutoMunger must be an instance of"),
    ("printstatus", "loud", "a str among \\{.*'summary'.*\\}"),
])
def test_bad_values_of_the_automunge_parameters_are_named(titanic, param, value, expected):
    with pytest.raises(ValueError, match=expected):  # scikit-learn's InvalidParameterError
        AutoMunger(**{param: value}).fit(titanic)
