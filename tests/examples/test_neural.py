"""examples/lenet5_digits.py runs and shows what the docs page says."""

import pytest

from tests.examples._loading import load_example

pytest.importorskip("torch")
pytest.importorskip("tensorflow")


@pytest.mark.slow
def test_lenet5_digits_example(tmp_path, capsys):
    output = tmp_path / "lenet5.png"
    accuracy = load_example("lenet5_digits").main(["--output", str(output)])
    assert "torch: test accuracy" in capsys.readouterr().out
    assert accuracy["torch"] >= 0.97 and accuracy["keras"] >= 0.97
    assert abs(accuracy["torch"] - accuracy["keras"]) <= 0.015
    assert output.stat().st_size > 10_000
