"""State I/O: versioned JSON, pickle-free replay, trusted modules."""

import importlib
import json
import pickle
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

from skbridge.transformers.munge import AutoMunger, _state, postmunge
from skbridge.transformers.munge._external import is_trusted


@pytest.mark.parametrize("ml_infill", [False, True])
def test_save_and_load_state_round_trip(titanic, tmp_path, ml_infill):
    munger = AutoMunger(ml_infill=ml_infill, random_state=0).fit(titanic.iloc[:900])
    path = tmp_path / "state.json"
    size = munger.save_state(path)
    assert size == path.stat().st_size
    state = json.loads(path.read_text())  # plain JSON, readable
    assert state["format_version"] == _state.FORMAT_VERSION
    assert [c["name"] for c in state["columns"]] == list(titanic.columns)
    age = next(c for c in state["columns"] if c["name"] == "age")
    assert age["transform"]["name"] == "zscore" and "mean" in age["transform"]["fitted"]
    loaded = AutoMunger.load_state(path, allow_pickle=ml_infill)
    test = titanic.iloc[900:]
    np.testing.assert_array_equal(loaded.transform(test), munger.transform(test))
    np.testing.assert_array_equal(loaded.get_feature_names_out(), munger.get_feature_names_out())
    assert loaded.get_params()["ml_infill"] is ml_infill
    pd.testing.assert_frame_equal(loaded.column_report_, munger.column_report_)
    if ml_infill:
        with pytest.raises(ValueError, match="allow_pickle=True"):
            AutoMunger.load_state(path)
    else:
        assert size < 1e6


def test_state_errors(titanic, tmp_path):
    state = AutoMunger().fit(titanic.iloc[:100]).to_state()
    newer = dict(state, format_version=_state.FORMAT_VERSION + 1)
    newest = _state.FORMAT_VERSION
    with pytest.raises(ValueError, match=f"format version {newest + 1}, newer than the version"):
        AutoMunger.load_state(newer)
    with pytest.raises(ValueError, match="Not an AutoMunger state"):
        AutoMunger.load_state({"format": "other"})
    broken = dict(state)
    del broken["columns"]
    with pytest.raises(ValueError, match="'columns' is missing"):
        AutoMunger.load_state(broken)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a JSON AutoMunger state"):
        AutoMunger.load_state(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError):
        AutoMunger.load_state(tmp_path / "missing.json")


def test_joblib_pickle_round_trip(titanic, tmp_path):
    munger = AutoMunger(ml_infill=True, random_state=0).fit(titanic)
    joblib.dump(munger, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    np.testing.assert_array_equal(again.transform(titanic), munger.transform(titanic))


# --- trusted modules -------------------------------------------------------------------

PLUGIN = "skbridge_test_munge_plugin"
PLUGIN_SOURCE = '''
"""A transform of the user's own; importing this module leaves a marker file."""

from pathlib import Path

from skbridge.transformers.munge import Transform

Path(__file__).with_name("imported.marker").write_text("imported")


class Doubler(Transform):
    name = "doubler"

    def transform(self, x, fitted):
        return 2 * x[:, None]

    def inverse(self, Z, fitted):
        return Z[:, 0] / 2
'''


@pytest.fixture
def plugin_state(tmp_path, monkeypatch):
    """A saved state naming ``PLUGIN:Doubler``; the module unloaded, its marker gone."""
    (tmp_path / f"{PLUGIN}.py").write_text(PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    sys.modules.pop(PLUGIN, None)
    plugin = importlib.import_module(PLUGIN)
    marker = tmp_path / "imported.marker"
    assert marker.exists()
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["p", "q", "p", "q"]})
    munger = AutoMunger(numeric=plugin.Doubler).fit(df)
    path = tmp_path / "state.json"
    munger.save_state(path)
    assert json.loads(path.read_text())["columns"][0]["transform"]["name"] == f"{PLUGIN}:Doubler"
    expected = munger.transform(df)
    del sys.modules[PLUGIN]
    marker.unlink()
    yield path, marker, df, expected
    sys.modules.pop(PLUGIN, None)


@pytest.mark.parametrize("trusted", [None, [], ["os"], [PLUGIN[:-3]], [PLUGIN + "2"]])
def test_state_naming_an_untrusted_module_is_refused_before_importing(plugin_state, trusted):
    path, marker, df, _ = plugin_state
    message = rf"(?s)'{PLUGIN}:Doubler' \(column 'a'\).*trusted_modules=\['{PLUGIN}'\]"
    with pytest.raises(ValueError, match=message):
        AutoMunger.load_state(path, trusted_modules=trusted)
    with pytest.raises(ValueError, match=message):
        postmunge(path, df, trusted_modules=trusted)
    assert not marker.exists()  # the module's code never ran
    assert PLUGIN not in sys.modules


def test_state_loads_with_its_module_trusted(plugin_state):
    path, marker, df, expected = plugin_state
    loaded = AutoMunger.load_state(path, trusted_modules=[PLUGIN])
    assert marker.exists()
    np.testing.assert_array_equal(loaded.transform(df), expected)
    assert loaded.inverse_transform(expected)["a"].tolist() == [1, 2, 3, 4]
    again = postmunge(path, df, trusted_modules=PLUGIN)
    np.testing.assert_array_equal(again.test.to_numpy(), expected)


def test_trusted_modules_match_the_module_or_its_submodules_only():
    assert is_trusted("os", ["os"]) and is_trusted("os.path", ["os"])
    assert not is_trusted("ossomething", ["os"])
    assert not is_trusted("os", ["os.path"])
    assert not is_trusted("", [""])


def test_state_parameters_naming_a_module_need_it_trusted(titanic):
    state = AutoMunger().fit(titanic.iloc[:100]).to_state()
    state["params"]["numeric"] = "some_untrusted_module:Transform"
    with pytest.raises(ValueError, match=r"parameter 'numeric'.*\['some_untrusted_module'\]"):
        AutoMunger.load_state(state)
    state["params"]["numeric"] = "zscore"
    state["params"]["assigninfill"] = {"other_module.sub:Infill": ["age"]}
    with pytest.raises(ValueError, match=r"parameter 'assigninfill'.*\['other_module.sub'\]"):
        AutoMunger.load_state(state, trusted_modules=["other"])


def test_pickle_and_skops_rebuild_the_column_report(titanic, tmp_path):
    pytest.importorskip("skops")
    from skbridge.compat.skops import dump, load, untrusted_types

    munger = AutoMunger(ml_infill=True, random_state=0).fit(titanic.iloc[:300])
    assert "column_report_" not in munger.__getstate__()  # a DataFrame: rebuilt on load
    dump(munger, tmp_path / "munger.skops")
    assert untrusted_types(tmp_path / "munger.skops") == []
    test = titanic.iloc[300:360]
    for loaded in (load(tmp_path / "munger.skops"), pickle.loads(pickle.dumps(munger))):
        pd.testing.assert_frame_equal(loaded.column_report_, munger.column_report_)
        np.testing.assert_array_equal(loaded.transform(test), munger.transform(test))


def test_format_1_states_still_load(titanic):
    munger = AutoMunger().fit(titanic.iloc[:200])
    state = munger.to_state()
    for key in ("output_layout", "feature_importance", "label_munger"):
        del state[key]
    state["format_version"] = 1
    old = AutoMunger.load_state(state)
    np.testing.assert_array_equal(old.transform(titanic.iloc[200:260]),
                                  munger.transform(titanic.iloc[200:260]))
    assert old.feature_importance_ is None and old.label_munger_ is None
