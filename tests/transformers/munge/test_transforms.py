"""The transform registry: every transform fits, transforms and inverts."""

import numpy as np
import pandas as pd
import pytest

from skbridge.transformers.munge import TRANSFORMS, AutoMunger, Transform
from skbridge.transformers.munge._categorical_transforms import Flag

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
    elif issubclass(TRANSFORMS[name], Flag):
        col = pd.Series(rng.choice(["no", "yes"], n))
    elif name in CATEGORICAL:
        col = pd.Series(rng.choice(["a", "b", "c", "d"], n))
    else:
        col = pd.Series(pd.date_range("2020-01-01 03:00", periods=n, freq="29h"))
    col.iloc[[4, 9]] = None
    df = pd.DataFrame({"col": col, "other": rng.normal(size=n)})
    munger = AutoMunger(assigncat={name: ["col"]})
    Z = munger.fit(df).transform(df)  # new data: no noise from the DP* transforms
    assert munger.column_specs_["col"]["transform"]["name"] == name
    cls = TRANSFORMS[name]
    if cls.adds_nan_marker:
        assert np.isfinite(Z).all()
    else:  # excl: missing values stay NaN, no marker
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(Z).any(axis=1)), [4, 9])
    back = munger.inverse_transform(Z)
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


@pytest.mark.parametrize(
    "name", ["zscore", "minmax", "robust", "boxcox", "yeojohnson", "log", "passthrough"]
)
def test_inverse_transform_is_exact_for_numeric_transforms(name, penguins):
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    munger = AutoMunger(assigncat={name: cols})
    back = munger.inverse_transform(munger.fit_transform(penguins))
    for col in cols:
        np.testing.assert_allclose(
            back[col].to_numpy(float), penguins[col].to_numpy(float), rtol=1e-9
        )
    assert back["island"].tolist() == penguins["island"].tolist()
    pd.testing.assert_series_equal(back["sex"], penguins["sex"].astype(object), check_dtype=False)


def test_automunge_alias_parameters_reach_the_transform():
    df = pd.DataFrame({"v": np.arange(1.0, 41.0), "w": np.linspace(0, 1, 40)})
    munger = AutoMunger(
        assigncat={"log0": ["v"], "bnwd": ["w"]}, assignparam={"bnwd": {"w": {"n_bins": 4}}}
    )
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


def test_registry_resolves_names_codes_classes_and_instances():
    from skbridge.transformers.munge._numeric_transforms import Log, ZScore
    from skbridge.transformers.munge._transforms import resolve_transform

    assert TRANSFORMS.lookup("nmbr") is ZScore and "NArw" in TRANSFORMS and "narw" not in TRANSFORMS
    log10, key = resolve_transform("log0")
    assert (type(log10), key, log10.base) == (Log, "log", 10.0)
    rebuilt, key = resolve_transform(Log(base=2.0), {"standardize": True})
    assert (rebuilt.base, rebuilt.standardize, key) == (2.0, True, "log")
    instance = ZScore()
    assert resolve_transform(instance) == (instance, "zscore")
    path = "skbridge.transformers.munge._numeric_transforms:ZScore"  # a path the caller wrote
    assert resolve_transform(path)[1] == "zscore"
    with pytest.raises(ValueError, match=r"Unknown transform 'zcore'; choose one of \["):
        resolve_transform("zcore")


def test_excl_passes_numbers_through_without_infill_marker_or_ml_basis():
    df = pd.DataFrame({"kept": [1.5, np.nan, 3.0, 4.0, 5.0, 6.0] * 5,
                       "x": np.linspace(0.0, 1.0, 30),
                       "target": np.where(np.arange(30) % 3, np.sqrt(np.arange(30.0)), np.nan)})
    munger = AutoMunger(assigncat={"excl": ["kept"]}, ml_infill=True, random_state=0)
    Z = munger.fit_transform(df)
    names = list(munger.get_feature_names_out())
    assert names == ["kept", "x", "target", "target_nan"]
    np.testing.assert_array_equal(Z[:, 0], df["kept"])  # NaN kept, numbers untouched
    assert "kept" not in munger.ml_models_  # no infill of its own
    assert 0 not in munger.ml_models_["target"]["features"]  # nor a feature of others
    suffixed = AutoMunger(assigncat={"excl": ["kept"]}, excl_suffix=True).fit(df)
    assert suffixed.get_feature_names_out()[0] == "kept_excl"
    assert TRANSFORMS.lookup("exc2").name == "passthrough"


def test_default_assignparam_reaches_every_column_of_a_transform():
    df = pd.DataFrame({"v": np.arange(1.0, 41.0), "w": np.linspace(0, 1, 40)})
    munger = AutoMunger(
        assigncat={"bnwd": ["v", "w"]},
        assignparam={"default_assignparam": {"bnwd": {"n_bins": 3}},
                     "bnwd": {"w": {"n_bins": 2}}},
    ).fit(df)
    assert munger.column_specs_["v"]["transform"]["params"]["n_bins"] == 3
    assert munger.column_specs_["w"]["transform"]["params"]["n_bins"] == 2
    with pytest.raises(ValueError, match=r"default_assignparam'\] must be a dict"):
        AutoMunger(assignparam={"default_assignparam": {"bnwd": 3}}).fit(df)
    with pytest.raises(ValueError, match=r"global_assignparam'\] is not supported"):
        AutoMunger(assignparam={"global_assignparam": {"n_bins": 3}}).fit(df)
