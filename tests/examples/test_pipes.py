"""The DynaML pipes example runs, draws its figures and shows what its docs page claims."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plot_gp_pipes.py"


def test_gp_pipes_example(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location("plot_gp_pipes", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results, figures = module.main(["--output-dir", str(tmp_path)])
    for figure in figures:
        assert figure.stat().st_size > 20_000
    printed = capsys.readouterr().out
    assert "stream_filter(is_record) > stream_map(parse)" in printed
    # the file-to-GP pipe recovers the noise level (0.15) of the measurements
    assert 0.1 < results["file to GP"]["noise_sd"] < 0.2
    exact, random_features = results["exact GP"], results["random-feature GP"]
    assert exact["rmse"] < 0.05
    assert random_features["rmse"] <= 1.05 * exact["rmse"]
