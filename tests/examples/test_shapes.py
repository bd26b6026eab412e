"""examples/shapes_segmentation_detection.py runs and writes its two figures."""

import pytest

from tests.examples._loading import load_example

pytest.importorskip("torch")
pytest.importorskip("pycocotools")
pytest.importorskip("matplotlib")


def test_shapes_example_runs_and_draws(tmp_path, capsys):
    scores = load_example("shapes_segmentation_detection").main(
        ["--output-dir", str(tmp_path), "--epochs", "2", "--n-train", "60"])
    assert (tmp_path / "shapes_segmentation.png").stat().st_size > 10_000
    assert (tmp_path / "shapes_detection.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "mean IoU" in printed and "mAP@0.5" in printed
    assert 0.0 <= scores["mean_iou"] <= 1.0 and 0.0 <= scores["map50"] <= 1.0
