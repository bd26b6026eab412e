"""fit/transform internals: label and ID columns split off, status prints."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_titanic
from skbridge.transformers.munge import AutoMunger
from skbridge.transformers.munge._core import split_columns


def test_label_and_id_columns_are_split_off_in_fit_and_transform():
    frame = load_titanic().frame.assign(pid=np.arange(1309), ref=np.arange(1309) * 7)
    X = frame.drop(columns=["survived", "pid", "ref"])
    munger = AutoMunger(labels_column="survived", trainID_column=["pid", "ref"]).fit(frame)
    assert list(munger.feature_names_in_) == list(X.columns)
    np.testing.assert_array_equal(munger.transform(frame), AutoMunger().fit(X).transform(X))
    np.testing.assert_array_equal(munger.transform(X), munger.transform(frame))
    assert munger.label_munger_.classes_.tolist() == [0, 1]
    tested = AutoMunger(labels_column="survived", trainID_column="pid", testID_column="ref")
    tested.fit(frame.drop(columns=["ref"]))
    np.testing.assert_array_equal(tested.transform(frame.drop(columns=["pid"])),
                                  munger.transform(X))
    with pytest.raises(ValueError, match="labels_column names the column 'survivd'"):
        AutoMunger(labels_column="survivd").fit(frame)
    with pytest.raises(ValueError, match="trainID_column names the column 'id'"):
        AutoMunger(trainID_column="id").fit(frame)


def test_columns_by_position_for_arrays():
    rng = np.random.RandomState(0)
    A = np.column_stack([rng.normal(size=30), rng.normal(size=30), np.arange(30) % 2])
    munger = AutoMunger(labels_column=2).fit(A)
    assert munger.n_features_in_ == 2 and munger.label_munger_ is not None
    np.testing.assert_array_equal(munger.transform(A), munger.transform(A[:, :2]))
    rest, y, ids = split_columns(A, 2, None, required=True)
    assert rest.shape == (30, 2) and y.tolist() == (np.arange(30) % 2).tolist() and ids is None
    with pytest.raises(ValueError, match="by position \\(int\\) when X is an array"):
        AutoMunger(labels_column="y").fit(A)


def test_printstatus_levels(capsys, titanic):
    AutoMunger(printstatus=True, ml_infill=True, random_state=0).fit(titanic.iloc[:300])
    printed = capsys.readouterr()
    assert "[AutoMunger] fitting on 300 rows and 13 columns" in printed.out
    assert "'age': numeric -> zscore, infill ml" in printed.out
    assert "ML infill round 1 done" in printed.out
    assert "[AutoMunger] done: 300 rows x 13 columns -> " in printed.out
    assert "ML infill round 1" in printed.err  # the progress bar (tqdm)
    AutoMunger(printstatus="summary").fit(titanic.iloc[:300])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("[AutoMunger] done: 300 rows")
    for quiet in (False, "silent"):
        AutoMunger(printstatus=quiet, ml_infill=True, random_state=0).fit(titanic.iloc[:300])
        assert capsys.readouterr() == ("", "")


def test_printstatus_reports_importance_selection_and_pca(capsys, titanic):
    y = load_titanic().target
    X = titanic.drop(columns=["boat", "body"])
    AutoMunger(printstatus=True, featureselection="pct", featurethreshold=0.5,
               PCAn_components=2, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "feature importance (accuracy lost when shuffled): sex " in out
    assert "feature selection dropped [" in out
    assert "PCA: " in out and "-> 2 components" in out
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    AutoMunger(verbose=1).fit(frame)
    assert "'x': numeric -> zscore" in capsys.readouterr().out
