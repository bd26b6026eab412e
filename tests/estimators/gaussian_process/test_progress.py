"""The tqdm progress bar of the likelihood optimisations."""

import pytest

from skbridge.estimators.gaussian_process._progress import OptimizationProgress


def test_progress_bar_and_silence(capsys):
    pytest.importorskip("tqdm")
    with OptimizationProgress(1, 2, "fit") as progress:
        progress.evaluated(-3.0)
        progress.evaluated(float("-inf"))
        progress.run_done()
        progress.run_done()
    err = capsys.readouterr().err
    assert "fit" in err and "2/2" in err and "lml=-3" in err
    assert progress.evaluations == 2 and progress.best == -3.0
    with OptimizationProgress(0, 2, "fit") as quiet:
        quiet.evaluated(1.0)
        quiet.run_done()
    assert capsys.readouterr().err == "" and quiet.bar is None
