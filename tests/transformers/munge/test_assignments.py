"""Assignment maps: Automunge's codes as written, and the choice of transform."""

import numpy as np
import pandas as pd

from skbridge.transformers.munge import AutoMunger


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


def test_powertransform_picks_by_skewness():
    rng = np.random.RandomState(0)
    df = pd.DataFrame({"skewed": rng.lognormal(0, 1, 300), "normal": rng.normal(size=300),
                       "neg_skewed": -rng.lognormal(0, 1, 300)})
    spec = AutoMunger(powertransform=True).fit(df).column_specs_
    assert spec["skewed"]["transform"]["name"] == "boxcox"
    assert spec["normal"]["transform"]["name"] == "zscore"
    assert spec["neg_skewed"]["transform"]["name"] == "yeojohnson"
