"""LabelMunger: the label side of automunge."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from skbridge.transformers.munge import LabelMunger


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
