"""Feature importance and selection (featureselection / featurethreshold)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skbridge.datasets import load_titanic
from skbridge.transformers.munge import AutoMunger, automunge


@pytest.fixture(scope="module")
def titanic_xy():
    X, y = load_titanic(return_X_y=True)
    X = X.drop(columns=["boat", "body"])  # they leak the target
    noise = np.random.RandomState(0).normal(size=len(X))
    return X.assign(noise=noise), y


def test_importance_ranks_informative_columns_above_noise(titanic_xy):
    X, y = titanic_xy
    munger = AutoMunger(featureselection=True, random_state=0).fit(X, y)
    report = munger.feature_importance_
    ranked = report["FS_sorted"]["column_key"]
    assert list(ranked) == sorted(ranked, key=ranked.get, reverse=True)
    assert set(ranked) == set(X.columns)
    assert report["scoring"] == "accuracy" and 0.75 < report["FS_sorted"]["baseaccuracy"] <= 1
    for informative in ("sex", "pclass", "age"):
        assert ranked[informative] > ranked["noise"] + 0.02, ranked
    assert ranked["sex"] > 0.1
    # per derived column: metric of the source, metric2 within the source
    per_output = report["FScolumn_dict"]
    assert set(per_output) == set(munger.get_feature_names_out())
    assert per_output["age_nan"] == {"source": "age", "metric": ranked["age"],
                                     "metric2": per_output["age_nan"]["metric2"]}
    assert per_output["sex"]["metric2"] == 0.0  # one output: nothing to compare
    embarked = report["FS_sorted"]["metric2_column_key"]["embarked"]
    assert list(embarked) == sorted(embarked, key=embarked.get)
    # reporting alone drops nothing and changes no output
    np.testing.assert_array_equal(munger.transform(X), AutoMunger().fit(X).transform(X))
    np.testing.assert_array_equal(
        AutoMunger(featureselection=True, random_state=0).fit(X, y).transform(X),
        munger.transform(X))


def test_selection_by_share_and_by_metric(titanic_xy):
    X, y = titanic_xy
    pct = AutoMunger(featureselection="pct", featurethreshold=0.25, random_state=0).fit(X, y)
    ranked = list(pct.feature_importance_["FS_sorted"]["column_key"])
    kept = ranked[:3]  # ceil(0.25 * 12)
    assert sorted(pct.output_layout_["dropped"]) == sorted(set(X.columns) - set(kept))
    names = list(pct.get_feature_names_out())
    assert {n.split("_")[0] for n in names} <= set(kept) and "sex" in names
    Z = pct.transform(X)
    assert Z.shape == (len(X), len(names))
    full = AutoMunger().fit(X)
    full_names = list(full.get_feature_names_out())
    np.testing.assert_array_equal(
        Z, full.transform(X)[:, [full_names.index(n) for n in names]])
    back = pct.inverse_transform(Z)
    assert back["noise"].isna().all() and back["sex"].tolist() == X["sex"].tolist()
    metric = AutoMunger(featureselection="metric", featurethreshold=0.02, random_state=0)
    metric.fit(X, y)
    values = metric.feature_importance_["FS_sorted"]["column_key"]
    assert sorted(metric.output_layout_["dropped"]) == sorted(
        c for c, v in values.items() if v <= 0.02)
    assert "noise" in metric.output_layout_["dropped"]


def test_selection_in_a_pipeline_and_in_automunge(titanic_xy):
    X, y = titanic_xy
    pipe = make_pipeline(
        AutoMunger(featureselection="pct", featurethreshold=0.5, random_state=0),
        LogisticRegression(max_iter=1000),
    ).fit(X.iloc[:1000], y.iloc[:1000])  # the pipeline passes y to fit_transform
    assert pipe.score(X.iloc[1000:], y.iloc[1000:]) > 0.7
    result = automunge(X.assign(survived=y), labels_column="survived", featureselection=True,
                       randomseed=0)
    assert result.featureimportance["FS_sorted"]["column_key"]["sex"] > 0.1
    assert result.featureimportance is result.postprocess_dict.feature_importance_


def test_regression_labels_are_scored_by_r2():
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"signal": rng.normal(size=400), "noise": rng.normal(size=400)})
    y = 3 * X["signal"] + 0.1 * rng.normal(size=400)
    report = AutoMunger(featureselection=True, random_state=0).fit(X, y).feature_importance_
    assert report["scoring"] == "r2" and report["FS_sorted"]["baseaccuracy"] > 0.9
    assert report["FS_sorted"]["column_key"]["signal"] > 1.0
    assert abs(report["FS_sorted"]["column_key"]["noise"]) < 0.05


def test_feature_selection_errors_name_the_fix(titanic_xy):
    X, y = titanic_xy
    with pytest.raises(ValueError, match="featureselection needs labels: pass y to fit"):
        AutoMunger(featureselection=True).fit(X)
    with pytest.raises(ValueError, match="one label per row"):
        AutoMunger(featureselection=True).fit(X, y.iloc[:10])
    with pytest.raises(ValueError, match="labels contain 1 missing value"):
        AutoMunger(featureselection=True).fit(X, y.astype(float).where(y.index != 3))
    with pytest.raises(ValueError, match="featurethreshold=0 would keep none"):
        AutoMunger(featureselection="pct").fit(X, y)
    with pytest.raises(ValueError, match="kept no column.*Lower featurethreshold"):
        AutoMunger(featureselection="metric", featurethreshold=0.9).fit(X, y)
