"""The kernel-approximation example runs and shows what its docs page claims."""


import pytest

from tests.examples._loading import load_example


def test_kernel_approximation_example(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    module = load_example("plot_kernel_approximation")
    output = tmp_path / "figure.png"
    results, curves = module.main(["--output", str(output)])
    assert output.stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "exact RBF SVC" in printed and "FastfoodSampler" in printed
    fastfood = dict(zip(curves["FastfoodSampler"]["D"], curves["FastfoodSampler"]["accuracy"]))
    rbf = dict(zip(curves["RBFSampler"]["D"], curves["RBFSampler"]["accuracy"]))
    assert fastfood[1024] >= 0.97
    assert fastfood[1024] >= rbf[1024] - 0.005
    assert results["exact RBF SVC"] >= 0.98
