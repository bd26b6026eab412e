"""examples/lenet5_digits.py runs and shows what the docs page says."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("tensorflow")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_lenet5_digits_example(tmp_path, capsys):
    output = tmp_path / "lenet5.png"
    accuracy = _load("lenet5_digits").main(["--output", str(output)])
    assert "torch: test accuracy" in capsys.readouterr().out
    assert accuracy["torch"] >= 0.97 and accuracy["keras"] >= 0.97
    assert abs(accuracy["torch"] - accuracy["keras"]) <= 0.015
    assert output.stat().st_size > 10_000
