"""Keras dense builders mirror the torch modules; Keras losses equal torch's."""

import numpy as np
import pytest

pytest.importorskip("keras")
torch = pytest.importorskip("torch")

from skbridge.estimators.neural import _keras_dense as kd  # noqa: E402
from skbridge.estimators.neural import _torch_dense as td  # noqa: E402


@pytest.mark.parametrize("shape", [(64, 64, 3), (30, 45, 1)])
def test_output_sizes_match_torch(shape):
    assert kd.unet(shape, 4, depth=2, width=4).output_shape == (None, shape[0], shape[1], 4)
    assert kd.fcn_small(shape, 4, width=4).output_shape == (None, shape[0], shape[1], 4)
    out = kd.centernet_small(shape, 7, width=4).output_shape
    assert out == (None, -(-shape[0] // 4), -(-shape[1] // 4), 7)


def test_losses_equal_torch():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 8, 8, 3)).astype(np.float32)
    masks = rng.integers(0, 3, size=(2, 8, 8))
    to_torch = torch.from_numpy(logits).permute(0, 3, 1, 2)
    assert float(kd.dice()(masks, logits)) == pytest.approx(
        float(td.DiceLoss()(to_torch, torch.from_numpy(masks))), rel=1e-5)
    assert float(kd.cross_entropy_dice()(masks, logits)) == pytest.approx(
        float(td.CrossEntropyDiceLoss()(to_torch, torch.from_numpy(masks))), rel=1e-5)
    out = rng.normal(size=(2, 4, 4, 6)).astype(np.float32)
    target = np.zeros((2, 4, 4, 7), np.float32)
    target[..., :2] = rng.uniform(0, 0.9, size=(2, 4, 4, 2))
    target[0, 1, 2, 0] = 1.0
    target[0, 1, 2, 2:7] = [3.0, 2.0, 0.5, 0.25, 1.0]
    want = float(td.CenterNetLoss()(torch.from_numpy(out).permute(0, 3, 1, 2),
                                    torch.from_numpy(target)))
    assert float(kd.centernet()(target, out)) == pytest.approx(want, rel=1e-4)
