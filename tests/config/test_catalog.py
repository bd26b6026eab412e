import json

import pytest

pytest.importorskip("hydra")

from skbridge.compat.testing import all_estimators  # noqa: E402
from skbridge.config import ConfigError, compose  # noqa: E402
from skbridge.config._catalog import (  # noqa: E402
    SKLEARN_ESTIMATORS,
    cache_dir,
    load_catalog,
    option_name,
)


def test_every_discovered_estimator_is_a_model_option():
    options = load_catalog()["options"]
    for name, cls in all_estimators():
        entry = options[option_name(name)]
        assert entry["class"] == name
        assert entry["target"] == f"{cls.__module__.split('._')[0]}.{name}" or entry[
            "target"].startswith("skbridge.")
        assert not any(p.startswith("_") for p in entry["target"].split("."))
    for name, path in SKLEARN_ESTIMATORS.items():
        assert path in (options.get(name, {}).get("target"),
                        options.get(f"sklearn_{name}", {}).get("target"))
    assert options["min_max_scaler"]["target"] == "skbridge.pipes.MinMaxScaler"
    assert options["sklearn_min_max_scaler"]["target"] == "sklearn.preprocessing.MinMaxScaler"


def test_schema_fields_and_types_come_from_the_estimator():
    fields = {f["name"]: f for f in load_catalog()["options"]["fastfood_sampler"]["fields"]}
    from skbridge.transformers import FastfoodSampler

    assert set(fields) == set(FastfoodSampler().get_params())
    assert fields["n_components"]["type"] == "int"
    assert fields["kernel"]["type"] == "str"
    assert fields["orthogonal"]["type"] == "bool"


def test_catalog_is_cached_as_json_and_reused():
    load_catalog()
    files = list(cache_dir().glob("catalog-*.json"))
    assert files
    assert "options" in json.loads(files[0].read_text())
    mtimes = [f.stat().st_mtime_ns for f in files]
    load_catalog()
    assert [f.stat().st_mtime_ns for f in files] == mtimes


def test_typo_fails_at_compose_with_the_valid_keys():
    with pytest.raises(ConfigError, match=r"'model.n_compnents'.*Did you mean model.n_components"
                       r".*Valid keys: .*random_state"):
        compose(["model=fastfood_sampler", "model.n_compnents=5"])


def test_typed_fields_reject_bad_values():
    with pytest.raises(ConfigError, match="n_components"):
        compose(["preprocess.fastfood_sampler.n_components=many"])


def test_unknown_option_and_group():
    with pytest.raises(ConfigError, match=r"Could not find 'model/nope'.*linear_svc, "):
        compose(["model=nope"])
    with pytest.raises(ConfigError, match="Options in 'experiment'.*kge_umls"):
        compose(["experiment=nope"])


def test_option_names():
    assert option_name("FastfoodSampler") == "fastfood_sampler"
    assert option_name("SparseSpectrumGPRegressor") == "sparse_spectrum_gp_regressor"
    assert option_name("ComplEx") == "complex"
