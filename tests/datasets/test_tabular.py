"""The bundled tables: Titanic, Adult and Penguins."""

import numpy as np
import pandas as pd
import pytest

from skbridge.datasets import load_adult, load_penguins, load_titanic

TABULAR = {
    # loader: (n_rows, n_columns of frame, target, n_missing)
    load_titanic: (1309, 14, "survived", 3855),
    load_adult: (32561, 14, "income", 4262),
    load_penguins: (344, 8, "species", 19),
}


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_bunch(loader):
    n_rows, n_columns, target, n_missing = TABULAR[loader]
    bunch = loader()
    assert set(bunch) == {
        "data", "target", "frame", "feature_names", "target_names", "DESCR",
    }  # fmt: skip
    assert isinstance(bunch.frame, pd.DataFrame)
    assert bunch.frame.shape == (n_rows, n_columns)
    assert int(bunch.frame.isna().sum().sum()) == n_missing
    assert bunch.target_names == [target]
    assert bunch.feature_names == [c for c in bunch.frame.columns if c != target]
    assert len(bunch.feature_names) == n_columns - 1
    assert isinstance(bunch.data, pd.DataFrame)
    assert list(bunch.data.columns) == bunch.feature_names
    pd.testing.assert_frame_equal(bunch.data, bunch.frame[bunch.feature_names])
    pd.testing.assert_series_equal(bunch.target, bunch.frame[target])
    assert not bunch.target.isna().any()
    assert "Source and licence" in bunch.DESCR


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_as_arrays(loader):
    n_rows, n_columns, _, n_missing = TABULAR[loader]
    bunch = loader(as_frame=False)
    assert bunch.frame is None
    assert isinstance(bunch.data, np.ndarray) and bunch.data.dtype == object
    assert bunch.data.shape == (n_rows, n_columns - 1)
    assert isinstance(bunch.target, np.ndarray) and bunch.target.shape == (n_rows,)
    # all the missing values are in the features
    assert int(pd.isna(bunch.data).sum()) == n_missing

    X, y = loader(as_frame=False, return_X_y=True)
    np.testing.assert_array_equal(pd.isna(X), pd.isna(bunch.data))
    np.testing.assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_return_X_y(loader):
    X, y = loader(return_X_y=True)
    bunch = loader()
    pd.testing.assert_frame_equal(X, bunch.data)
    pd.testing.assert_series_equal(y, bunch.target)


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_param_validation(loader):
    with pytest.raises(ValueError, match="as_frame"):
        loader(as_frame="yes")


def test_titanic_details():
    titanic = load_titanic()
    assert titanic.feature_names == [
        "pclass", "name", "sex", "age", "sibsp", "parch", "ticket",
        "fare", "cabin", "embarked", "boat", "body", "home.dest",
    ]  # fmt: skip
    assert titanic.target.value_counts().to_dict() == {0: 809, 1: 500}
    missing = titanic.frame.isna().sum()
    assert missing[missing > 0].to_dict() == {
        "age": 263, "fare": 1, "cabin": 1014, "embarked": 2,
        "boat": 823, "body": 1188, "home.dest": 564,
    }  # fmt: skip
    assert titanic.frame["age"].dtype == np.float64
    assert set(titanic.frame["sex"]) == {"female", "male"}
    assert set(titanic.frame["embarked"].dropna()) == {"C", "Q", "S"}
    X, y = load_titanic(as_frame=False, return_X_y=True)
    assert y.dtype.kind == "i"


def test_adult_details():
    adult = load_adult()
    assert not any(str(c).startswith("Unnamed") for c in adult.frame.columns)
    assert adult.frame.columns[0] == "age"
    assert isinstance(adult.frame.index, pd.RangeIndex)
    assert adult.target.value_counts().to_dict() == {"<=50K": 24720, ">50K": 7841}
    missing = adult.frame.isna().sum()
    assert missing[missing > 0].to_dict() == {
        "workclass": 1836, "occupation": 1843, "native-country": 583,
    }  # fmt: skip
    # skipinitialspace removed the space after each comma; "?" became NaN
    for column in ("workclass", "education", "native-country"):
        values = adult.frame[column].dropna()
        assert not values.str.startswith(" ").any()
        assert not (values == "?").any()
    assert adult.frame["age"].dtype.kind == "i"
    assert "State-gov" in set(adult.frame["workclass"])
    y = load_adult(as_frame=False).target
    assert y.dtype == object and set(y) == {"<=50K", ">50K"}


def test_penguins_details():
    penguins = load_penguins()
    assert penguins.target.value_counts().to_dict() == {
        "Adelie": 152, "Gentoo": 124, "Chinstrap": 68,
    }  # fmt: skip
    assert set(penguins.frame["island"]) == {"Biscoe", "Dream", "Torgersen"}
    assert int(penguins.frame["sex"].isna().sum()) == 11
    assert penguins.frame["body_mass_g"].dtype == np.float64

