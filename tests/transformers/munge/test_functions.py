"""automunge(), postmunge() and AutoMunge: Automunge's calls, names and return shapes."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_titanic
from skbridge.transformers.munge import (
    AutoMunge,
    AutoMunger,
    LabelMunger,
    MungeResult,
    PostmungeResult,
    automunge,
    postmunge,
)


def test_seed_automunge_then_postmunge_unpacks_four_values():
    """Automunge's seed example, as written apart from the import."""
    df = load_titanic().frame
    df_train, df_test = df.iloc[:1000], df.iloc[1000:]
    am = AutoMunge()
    train, train_ID, labels, val, val_ID, val_labels, test, test_ID, test_labels, \
        postprocess_dict = am.automunge(
            df_train, labels_column="survived",
            assigncat={"mnmx": ["fare"], "text": ["embarked"]},
            assigninfill={"MLinfill": ["age"], "modeinfill": ["embarked"]},
            randomseed=0)
    test, test_ID, test_labels, postreports_dict = am.postmunge(
        postprocess_dict, df_test, randomseed=0)
    assert train.shape == (1000, 99) and test.shape == (309, 99)
    assert list(test.columns) == list(train.columns) == postreports_dict["finalcolumns_test"]
    assert val is None and test_ID is None and train_ID is None
    assert labels["survived"].tolist() == df_train["survived"].tolist()
    assert test_labels["survived"].tolist() == df_test["survived"].tolist()
    fare = train["fare"]
    assert fare.min() == 0.0 and fare.max() == 1.0  # mnmx
    assert {"embarked_C", "embarked_Q", "embarked_S"} <= set(train.columns)  # text: one-hot
    assert train[["embarked_C", "embarked_Q", "embarked_S"]].sum(axis=1).eq(1).all()  # mode
    assert "age" in postprocess_dict.ml_models_  # MLinfill
    assert postreports_dict["rowcount_basis"] == {"postmunge_test_rowcount": 309}
    np.testing.assert_array_equal(test.to_numpy(), postprocess_dict.transform(df_test))


def test_automunge_and_postmunge_functions(tmp_path):
    frame = load_titanic().frame
    frame = frame.assign(pid=np.arange(len(frame)))
    train, test = frame.iloc[:1000], frame.iloc[1000:]
    result = automunge(train, test, labels_column="survived", trainID_column="pid",
                       valpercent=0.2, MLinfill=False, randomseed=0)
    assert isinstance(result, MungeResult)
    assert result.train.shape[0] == 800 and result.val.shape[0] == 200
    assert list(result.val.index) == list(range(800, 1000))  # the last rows, as Automunge's
    assert result.train.index.is_monotonic_increasing  # no shuffling
    assert list(result.train_ids.columns) == ["pid"] and result.test_ids.shape == (309, 1)
    assert set(result.train_labels["survived"].unique()) == {0, 1}
    assert result.test.shape == (309, result.train.shape[1])
    assert not any(c.startswith(("pid", "survived")) for c in result.train.columns)
    munger = result.postprocess_dict
    assert isinstance(munger, AutoMunger) and isinstance(result.label_munger, LabelMunger)
    assert munger.get_params()["labels_column"] == "survived"
    train_, train_ID, labels, val, val_ID, val_labels, test_, test_ID, test_labels, pp = result
    assert train_ is result.train and pp is munger and test_labels is result.test_labels
    again = postmunge(munger, test)
    assert isinstance(again, PostmungeResult) and len(again) == 4
    pd.testing.assert_frame_equal(again.test, result.test)
    pd.testing.assert_frame_equal(again.test_labels, result.test_labels)
    assert again.test_ID["pid"].tolist() == list(range(1000, 1309))
    munger.save_state(tmp_path / "state.json")
    from_json = postmunge(tmp_path / "state.json", test)  # the labels' encoder is in the state
    np.testing.assert_array_equal(from_json.test.to_numpy(), result.test.to_numpy())
    pd.testing.assert_frame_equal(from_json.test_labels, result.test_labels)
    with pytest.raises(TypeError, match="unknown parameters \\['colour'\\]"):
        automunge(train, colour=1)
    with pytest.raises(ValueError, match="labels_column names the column 'nope'"):
        automunge(train, labels_column="nope")
    with pytest.raises(ValueError, match="trainID_column names the column 'x'"):
        postmunge(munger, test, testID_column=["x"])
    with pytest.raises(TypeError, match="fitted AutoMunger"):
        postmunge(object(), test)
    with pytest.raises(TypeError, match="Pass either 'MLinfill' or 'ml_infill'"):
        automunge(train, MLinfill=True, ml_infill=True)


def test_postmunge_returnedsets_shapes():
    frame = load_titanic().frame.assign(pid=np.arange(1309))
    munger = automunge(frame.iloc[:600], labels_column="survived", trainID_column="pid",
                       randomseed=0).postprocess_dict
    new = frame.iloc[600:650]
    test = postmunge(munger, new, returnedsets=False)
    assert isinstance(test, pd.DataFrame) and test.shape == (50, munger.transform(new).shape[1])
    both = postmunge(munger, new, returnedsets="test_ID_labels")
    assert list(both.columns[-2:]) == ["pid", "survived"]
    assert list(postmunge(munger, new, returnedsets="test_ID").columns)[-1] == "pid"
    rich = postmunge(munger, new, returnedsets="result")
    assert isinstance(rich, MungeResult) and rich.postprocess_dict is munger
    pd.testing.assert_frame_equal(rich.test, test)
    with pytest.raises(ValueError, match="returnedsets must be one of"):
        postmunge(munger, new, returnedsets="all")


def test_postmunge_reports_drift_and_feature_importance():
    frame = load_titanic().frame.drop(columns=["boat", "body"])
    munger = automunge(frame.iloc[:800], labels_column="survived", randomseed=0).postprocess_dict
    _, _, _, reports = postmunge(munger, frame.iloc[800:], driftreport=True, featureeval=True)
    drift = reports["driftreport"].set_index("column")
    assert list(drift.index) == list(munger.feature_names_in_)
    importance = reports["featureimportance"]["FS_sorted"]["column_key"]
    assert next(iter(importance)) == "sex" and importance["sex"] > 0.05
    with pytest.raises(ValueError, match="featureeval needs labels"):
        postmunge(munger, frame.iloc[800:].drop(columns=["survived"]), featureeval=True)


def test_automunge_template_of_defaults_is_accepted():
    """Automunge's copy-paste template, with its defaults, runs; other values are refused."""
    df = load_titanic().frame.iloc[:300]
    am = AutoMunge()
    out = am.automunge(
        df, df_test=False, labels_column="survived", trainID_column=False,
        testID_column=False, valpercent=0.0, floatprecision=32, shuffletrain=False,
        dupl_rows=False, TrainLabelFreqLevel=False, powertransform=False,
        binstransform=False, MLinfill=False, infilliterate=1, randomseed=False,
        eval_ratio=.5, numbercategoryheuristic=255, pandasoutput=True, NArw_marker=True,
        featureselection=False, featurethreshold=0., inplace=False, Binary=False,
        PCAn_components=False, PCAexcl=[], excl_suffix=False,
        ML_cmnd={"autoML_type": "randomforest",
                 "MLinfill_cmnd": {"RandomForestClassifier": {}, "RandomForestRegressor": {}},
                 "PCA_type": "default", "PCA_cmnd": {}},
        assigncat={"nmbr": [], "mnmx": [], "DPnb": [], "excl": []},
        assignparam={"default_assignparam": {"(category)": {"(parameter)": 42}}},
        assigninfill={"stdrdinfill": [], "MLinfill": [], "negzeroinfill": []},
        assignnan={"categories": {}, "columns": {}, "global": []},
        transformdict={}, processdict={}, evalcat=False, privacy_encode=False,
        encrypt_key=False, printstatus=False)
    assert len(tuple(out)) == 10 and out[0].shape[0] == 300
    assert out[-1].get_params()["ml_infill_max_iter"] == 1
    test, test_ID, test_labels, reports = am.postmunge(
        out[-1], df, testID_column=False, pandasoutput=True, printstatus=False,
        inplace=False, dupl_rows=False, TrainLabelFreqLevel=False, featureeval=False,
        traindata=False, driftreport=False, inversion=False, returnedsets=True,
        shuffletrain=False, randomseed=False, encrypt_key=False)
    pd.testing.assert_frame_equal(test, out[0])
    with pytest.raises(ValueError, match="floatprecision=16 is not supported"):
        am.automunge(df, floatprecision=16)
    with pytest.raises(ValueError, match="ML_cmnd\\['autoML_type'\\]='catboost'"):
        am.automunge(df, ML_cmnd={"autoML_type": "catboost"})
    with pytest.raises(ValueError, match="postmunge: Automunge's inversion='test'"):
        am.postmunge(out[-1], df, inversion="test")
    pca = am.automunge(df, ML_cmnd={"PCA_type": "SparsePCA"}, PCAn_components=2, randomseed=0)
    assert pca.postprocess_dict.output_layout_["pca"]["type"] == "SparsePCA"


def test_automunge_shuffles_only_when_asked():
    df = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30) % 2})
    plain = automunge(df, labels_column="y")
    assert list(plain.train.index) == list(range(30))
    shuffled = automunge(df, labels_column="y", shuffletrain=True, randomseed=0)
    assert sorted(shuffled.train.index) == list(range(30))
    assert list(shuffled.train.index) != list(range(30))
    again = automunge(df, labels_column="y", shuffletrain=True, randomseed=0)
    pd.testing.assert_frame_equal(again.train, shuffled.train)
    both = automunge(df.iloc[:20], df.iloc[20:], labels_column="y", shuffletrain="traintest",
                     randomseed=0)
    assert sorted(both.test.index) == list(range(20, 30))
    assert list(both.test.index) != list(range(20, 30))
