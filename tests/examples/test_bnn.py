"""The BNN example runs and shows what its docs page claims."""


import pytest

from tests.examples._loading import load_example


def test_bnn_example(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("skbridge.estimators.bnn")
    pytest.importorskip("larq_compute_engine")
    module = load_example("plot_bnn_digits")
    output = tmp_path / "figure.png"
    results = module.main(["--output", str(output), "--repeats", "5"])
    assert output.stat().st_size > 10_000
    assert "bitpacked" in capsys.readouterr().out
    twin, binary = results["float32 twin", "keras"], results["binary", "keras"]
    assert binary["accuracy"] >= 0.93 and twin["accuracy"] >= 0.95
    assert results["binary", "lce"]["accuracy"] == pytest.approx(binary["accuracy"], abs=0.005)
    assert results["binary", "bitpacked"]["accuracy"] == pytest.approx(binary["accuracy"],
                                                                       abs=0.005)
    assert results["binary", "lce"]["kib"] < twin["kib"] / 4  # all but the first layer binary
    assert results["all binary", "lce"]["kib"] < twin["kib"] / 20
