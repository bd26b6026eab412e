"""Torch dense modules: any image size in, maps of the right size out; losses."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.neural._torch_dense import (  # noqa: E402
    CenterNetLoss,
    CenterNetSmall,
    CrossEntropyDiceLoss,
    DiceLoss,
    FCNSmall,
    UNet,
)


@pytest.mark.parametrize("shape", [(64, 64, 3), (30, 45, 1), (8, 8)])
def test_output_sizes(shape):
    c = shape[2] if len(shape) == 3 else 1
    x = torch.zeros(2, c, shape[0], shape[1])
    assert UNet(shape, 4, depth=2, width=4)(x).shape == (2, 4, shape[0], shape[1])
    assert FCNSmall(shape, 4, width=4)(x).shape == (2, 4, shape[0], shape[1])
    out = CenterNetSmall(shape, 7, width=4)(x)
    assert out.shape == (2, 7, -(-shape[0] // 4), -(-shape[1] // 4))


def test_centernet_needs_room_for_its_heads():
    with pytest.raises(ValueError, match="classes \\+ 4"):
        CenterNetSmall((16, 16, 3), 4)


def test_dice_is_zero_for_a_perfect_prediction_and_positive_otherwise():
    target = torch.randint(0, 3, (2, 8, 8))
    perfect = torch.nn.functional.one_hot(target, 3).permute(0, 3, 1, 2).float() * 50
    assert DiceLoss(eps=1e-6)(perfect, target) < 1e-4
    assert DiceLoss()(torch.zeros(2, 3, 8, 8), target) > 0.3
    assert CrossEntropyDiceLoss()(perfect, target) < 1e-3


def test_centernet_loss_is_small_at_the_target_and_trains():
    target = torch.zeros(1, 4, 4, 6)
    target[0, 1, 2, 0] = 1.0
    target[0, 1, 2, 1:6] = torch.tensor([3.0, 2.0, 0.5, 0.25, 1.0])
    good = torch.full((1, 5, 4, 4), -9.0)
    good[0, 0, 1, 2] = 9.0
    good[0, 1:5, 1, 2] = torch.tensor([3.0, 2.0, 0.5, 0.25])
    bad = torch.zeros(1, 5, 4, 4, requires_grad=True)
    loss = CenterNetLoss()
    assert loss(good, target) < 0.01 < loss(bad, target)
    loss(bad, target).backward()
    assert np.isfinite(bad.grad.numpy()).all()
