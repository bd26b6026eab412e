import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from skbridge.datasets import load_umls  # noqa: E402
from skbridge.estimators.kge import TransE, plot_embeddings  # noqa: E402
from skbridge.estimators.kge.plotting import _spread_out  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return TransE(k=8, epochs=2, batch_size=1024, random_state=0).fit(load_umls().train)


def test_labels_only_a_few_spread_out_points(model):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_embeddings(model)
    assert len(model.entities_) == 135 and len(ax.texts) == 15
    assert len(plot_embeddings(model, annotate=True).texts) == 135
    assert len(plot_embeddings(model, annotate=False).texts) == 0
    with pytest.raises(ValueError, match="number of entities to label"):
        plot_embeddings(model, annotate=-1)
    plt.close("all")


def test_spread_out_picks_distant_points():
    xy = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [0.0, 4.0], [0.05, 0.05]])
    chosen = _spread_out(xy, 3)
    assert chosen == [2, 3, 1]  # the outermost, the farthest from it, then from both
