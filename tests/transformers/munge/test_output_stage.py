"""The output stage: kept columns and PCA components, as plain data."""

import numpy as np

from skbridge.transformers.munge import AutoMunger
from skbridge.transformers.munge._output_stage import (
    apply_output_stage,
    output_stage_names,
    source_groups,
)


def test_identity_layout_costs_nothing_and_groups_include_markers(titanic):
    munger = AutoMunger().fit(titanic)
    layout = munger.output_layout_
    assert layout["pca"] is None and layout["dropped"] == []
    Z = munger.transform(titanic)
    assert apply_output_stage(Z, layout) is Z
    groups = source_groups(munger.column_specs_)
    names = list(munger.get_feature_names_out())
    assert [names[i] for i in groups["age"]] == ["age", "age_nan"]
    assert groups["embarked"][-1] == names.index("embarked_nan")


def test_layout_keeps_columns_and_appends_components():
    layout = {"n_full": 4, "keep": [0, 2], "dropped": ["b"],
              "pca": {"type": "PCA", "inputs": [1, 3], "mean": [1.0, 2.0],
                      "components": [[1.0, 0.0]]}}
    Z = np.arange(8.0).reshape(2, 4)
    np.testing.assert_array_equal(apply_output_stage(Z, layout), [[0, 2, 0], [4, 6, 4]])
    assert output_stage_names(["a", "b", "c", "d"], layout) == ["a", "c", "PCA_0"]
