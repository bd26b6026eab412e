"""examples/munge_titanic.py runs and shows what the docs page says."""

import importlib.util
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_munge_titanic_example(tmp_path, capsys):
    results = _load("munge_titanic").main(["--state", str(tmp_path / "state.json")])
    printed = capsys.readouterr().out
    assert "What AutoMunger inferred" in printed and "Drift report" in printed
    assert results["replay_identical"]
    assert (tmp_path / "state.json").stat().st_size == results["state_bytes"] < 1e6
    assert results["ColumnTransformer (one-hot)"] > 0.78
    assert results["AutoMunger, frequent one-hot"] >= results["ColumnTransformer (one-hot)"] - 0.02
    assert results["AutoMunger"] > 0.75 and results["AutoMunger + ML infill"] > 0.75
    assert results["drifted"] == ["age", "embarked"]
