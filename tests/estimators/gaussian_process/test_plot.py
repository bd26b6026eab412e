"""plot_gp in 1-D and 2-D."""

import numpy as np
import pytest

from skbridge.estimators.gaussian_process import (
    GPRegressor,
    SparseSpectrumGPRegressor,
    plot_gp,
)

from ._data import make_task


def test_plot_gp_1d_and_2d(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    X1, y1, _ = make_task(40, d=1)
    ax = plot_gp(GPRegressor(kernel="rbf + white").fit(X1, y1), X1, y1, title="1-D")
    assert ax.get_title() == "1-D" and len(ax.collections) == 2
    ax.figure.savefig(tmp_path / "gp1.png")
    X2, y2, _ = make_task(80, d=2)
    ax = plot_gp(SparseSpectrumGPRegressor(n_components=64, random_state=0).fit(X2, y2), X2, y2)
    assert ax.name == "3d"
    colour_bar = [a for a in ax.figure.axes if a is not ax]
    assert len(colour_bar) == 1 and colour_bar[0].get_ylabel() == "predictive σ"
    ax.figure.savefig(tmp_path / "gp2.png")
    assert (tmp_path / "gp2.png").stat().st_size > 10_000
    with pytest.raises(ValueError, match="1-D or 2-D"):
        plot_gp(GPRegressor(), np.zeros((3, 3)))
    plt.close("all")
