"""The config-sweep example runs and shows what its docs page claims."""


import pytest

from tests.examples._loading import load_example


def test_config_sweep_example(tmp_path, capsys, monkeypatch):
    pytest.importorskip("hydra")
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    module = load_example("plot_config_sweep")
    results = module.main(["--n-components", "64", "512", "--seeds", "2"])
    printed = capsys.readouterr().out
    assert "n_components" in printed and "±" in printed
    assert list(tmp_path.iterdir()) == []  # no --output: nothing written
    assert sorted(results) == [64, 512]
    assert all(len(r["accuracy"]) == 2 for r in results.values())
    assert results[64]["accuracy"][0] != results[64]["accuracy"][1]  # the seed matters
    assert min(results[64]["accuracy"]) >= 0.88
    assert min(results[512]["accuracy"]) >= 0.97
    assert sum(results[512]["accuracy"]) > sum(results[64]["accuracy"])

    output = tmp_path / "figure.png"
    module.plot(results, output)
    assert output.stat().st_size > 10_000
