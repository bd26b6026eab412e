"""PCA on the continuous outputs (PCAn_components / PCA_type), replayed from JSON."""

import json

import numpy as np
import pytest
from sklearn.decomposition import PCA, SparsePCA

from skbridge.transformers.munge import AutoMunger, postmunge


def test_pca_state_replays_exactly_after_json(penguins, tmp_path):
    munger = AutoMunger(PCAn_components=2, random_state=0)
    train = munger.fit_transform(penguins)
    names = list(munger.get_feature_names_out())
    continuous = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"]
    assert names[-2:] == ["PCA_0", "PCA_1"] and not set(continuous) & set(names)
    assert "island_Biscoe" in names and "sex_nan" in names  # 0/1 columns pass through
    layout = munger.output_layout_
    full = AutoMunger().fit(penguins)
    full_names = list(full.get_feature_names_out())
    assert [full_names[i] for i in layout["pca"]["inputs"]] == continuous
    # the same numbers as scikit-learn's PCA on those columns
    inputs = full.transform(penguins)[:, layout["pca"]["inputs"]]
    reference = PCA(n_components=2, svd_solver="full").fit(inputs)
    np.testing.assert_allclose(np.abs(train[:, -2:]), np.abs(reference.transform(inputs)),
                               atol=1e-10)
    np.testing.assert_array_equal(munger.transform(penguins), train)
    path = tmp_path / "state.json"
    munger.save_state(path)
    state = json.loads(path.read_text())["output_layout"]["pca"]
    assert state["type"] == "PCA" and len(state["components"]) == 2
    loaded = AutoMunger.load_state(path)
    np.testing.assert_array_equal(loaded.transform(penguins.iloc[::-1]),
                                  munger.transform(penguins.iloc[::-1]))
    np.testing.assert_array_equal(postmunge(path, penguins).test.to_numpy(), train)
    assert list(loaded.get_feature_names_out()) == names
    with pytest.raises(ValueError, match="inverse_transform is not available after PCA"):
        munger.inverse_transform(train)


def test_variance_share_sparse_pca_and_exclusions(penguins):
    share = AutoMunger(PCAn_components=0.9, random_state=0).fit(penguins)
    ratios = share.output_layout_["pca"]["explained_variance_ratio"]
    assert sum(ratios) >= 0.9 and sum(ratios[:-1]) < 0.9
    sparse = AutoMunger(PCAn_components=2, PCA_type="SparsePCA", random_state=0)
    Z = sparse.fit_transform(penguins)
    inputs = AutoMunger().fit(penguins).transform(penguins)[
        :, sparse.output_layout_["pca"]["inputs"]]
    reference = SparsePCA(n_components=2, random_state=sparse._seeds()["select"]).fit(inputs)
    np.testing.assert_allclose(Z[:, -2:], reference.transform(inputs), atol=1e-8)
    kept = AutoMunger(PCAn_components=2, PCAexcl=["year", "bill_depth_mm"]).fit(penguins)
    names = list(kept.get_feature_names_out())
    assert "year" in names and "bill_depth_mm" in names and len(
        kept.output_layout_["pca"]["inputs"]) == 3


@pytest.mark.parametrize("params, message", [
    ({"PCAn_components": 9}, "PCAn_components=9 exceeds the 5 continuous output column"),
    ({"PCAn_components": True}, "PCAn_components=True is not a number of components"),
    ({"PCAn_components": 0.5, "PCA_type": "SparsePCA"}, "needs PCA_type='PCA'"),
    ({"PCAn_components": 2, "PCA_type": "KernelPCA"}, "KernelPCA' is not supported"),
    ({"PCAn_components": 2, "PCAexcl": ["bill_length_mm", "bill_depth_mm",
                                        "flipper_length_mm", "body_mass_g", "year"]},
     "PCA found no continuous output column"),
])
def test_bad_pca_parameters_name_the_fix(penguins, params, message):
    with pytest.raises(ValueError, match=message):
        AutoMunger(**params).fit(penguins)
