"""examples/munge_titanic.py runs and shows what the docs page says."""

from tests.examples._loading import load_example


def test_munge_titanic_example(tmp_path, capsys):
    results = load_example("munge_titanic").main(["--state", str(tmp_path / "state.json")])
    printed = capsys.readouterr().out
    assert "What AutoMunger inferred" in printed and "Drift report" in printed
    assert results["replay_identical"]
    assert (tmp_path / "state.json").stat().st_size == results["state_bytes"] < 1e6
    assert results["ColumnTransformer (one-hot)"] > 0.78
    assert results["AutoMunger, frequent one-hot"] >= results["ColumnTransformer (one-hot)"] - 0.02
    assert results["AutoMunger"] > 0.75 and results["AutoMunger + ML infill"] > 0.75
    assert results["drifted"] == ["age", "embarked"]
