"""PyTorch networks and losses of the dense tasks: segmentation and detection.

Modules take ``input_shape`` (channels last, ``(h, w, c)``) and ``n_outputs``
and return a map of logits per pixel, channels first (the torch backend moves
outputs to channels last when it hands them to the task):

* :class:`UNet` (``"unet"``) and :class:`FCNSmall` (``"fcn_small"``):
  ``(n, n_classes, h, w)`` for segmentation.
* :class:`CenterNetSmall` (``"centernet_small"``): ``(n, n_classes + 4, h/4,
  w/4)`` for detection: centre heat maps, box sizes, centre offsets.

Losses (registered in the torch backend's ``TORCH_LOSSES``):
:class:`DiceLoss` (``"dice"``), :class:`CrossEntropyDiceLoss`
(``"cross_entropy_dice"``) and :class:`CenterNetLoss` (``"centernet"``).
The Keras builders and losses (:mod:`._keras_dense`) mirror them.
"""

from ...compat.torch import require_torch
from ._architectures import DETECTION_STRIDE, needs_images, padding_to, shared_doc

torch = require_torch(extra="nn", purpose="skbridge.estimators.neural (backend='torch')")
nn = torch.nn
F = torch.nn.functional

__all__ = ["CenterNetLoss", "CenterNetSmall", "CrossEntropyDiceLoss", "DiceLoss", "FCNSmall",
           "UNet"]

# CenterNet's prior: heat-map logits start at sigmoid^-1(0.1), few centres are on
HEAT_BIAS = -2.19


def conv_block(c_in, c_out, dilation=1):
    """Two 3x3 convolutions, each followed by batch norm and ReLU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(c_out), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(c_out), nn.ReLU(),
    )


class _Padded(nn.Module):
    """Pad the input to a multiple of ``multiple`` (bottom, right); crop the output back."""

    def _setup_padding(self, input_shape, multiple, out_stride=1):
        self.h, self.w, self.c = needs_images(self.name, input_shape)
        self.pad_h, self.pad_w = padding_to(self.h, multiple), padding_to(self.w, multiple)
        self.out_stride = out_stride
        return self.c

    def _pad(self, x):
        if self.pad_h or self.pad_w:
            x = F.pad(x, (0, self.pad_w, 0, self.pad_h))
        return x

    def _crop(self, y):
        h = -(-self.h // self.out_stride)
        w = -(-self.w // self.out_stride)
        return y[:, :, :h, :w]


@shared_doc("unet")
class UNet(_Padded):
    name = "unet"

    def __init__(self, input_shape, n_outputs, depth=3, width=16):
        super().__init__()
        c = self._setup_padding(input_shape, 2 ** int(depth))
        widths = [int(width) * 2**i for i in range(int(depth) + 1)]
        self.down = nn.ModuleList()
        for out in widths[:-1]:
            self.down.append(conv_block(c, out))
            c = out
        self.bottom = conv_block(c, widths[-1])
        self.up, self.merge = nn.ModuleList(), nn.ModuleList()
        for out in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(out * 2, out, 2, stride=2))
            self.merge.append(conv_block(out * 2, out))
        self.head = nn.Conv2d(widths[0], int(n_outputs), 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self._pad(x)
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips)):
            x = merge(torch.cat([up(x), skip], dim=1))
        return self._crop(self.head(x))


@shared_doc("fcn_small")
class FCNSmall(_Padded):
    name = "fcn_small"

    def __init__(self, input_shape, n_outputs, width=32):
        super().__init__()
        c = self._setup_padding(input_shape, 4)
        w = int(width)
        self.body = nn.Sequential(
            conv_block(c, w), nn.MaxPool2d(2), conv_block(w, 2 * w), nn.MaxPool2d(2),
            conv_block(2 * w, 4 * w), nn.Conv2d(4 * w, int(n_outputs), 1),
            nn.Upsample(scale_factor=4, mode="bilinear", align_corners=False),
        )

    def forward(self, x):
        return self._crop(self.body(self._pad(x)))


def _head(c_in, width, c_out, bias=0.0):
    head = nn.Sequential(nn.Conv2d(c_in, width, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(width, c_out, 1))
    nn.init.constant_(head[-1].bias, bias)
    return head


@shared_doc("centernet_small")
class CenterNetSmall(_Padded):
    name = "centernet_small"

    def __init__(self, input_shape, n_outputs, width=32):
        super().__init__()
        if int(n_outputs) < 5:
            raise ValueError(f"centernet_small needs n_outputs = classes + 4 >= 5; got "
                             f"{n_outputs}.")
        c = self._setup_padding(input_shape, DETECTION_STRIDE, out_stride=DETECTION_STRIDE)
        w = int(width)
        self.backbone = nn.Sequential(
            conv_block(c, w), nn.MaxPool2d(2), conv_block(w, 2 * w), nn.MaxPool2d(2),
            conv_block(2 * w, 4 * w), conv_block(4 * w, 4 * w, dilation=2),
        )
        self.heat = _head(4 * w, w, int(n_outputs) - 4, bias=HEAT_BIAS)
        self.size = _head(4 * w, w, 2)
        self.offset = _head(4 * w, w, 2)

    def forward(self, x):
        features = self.backbone(self._pad(x))
        out = torch.cat([self.heat(features), self.size(features), self.offset(features)], 1)
        return self._crop(out)


# -- losses --------------------------------------------------------------------------------

class DiceLoss(nn.Module):
    """Soft Dice loss of per-pixel logits ``(n, k, h, w)`` against class maps ``(n, h, w)``.

    ``1 - mean over classes of (2 |P∩T| + eps) / (|P| + |T| + eps)`` with the
    softmax probabilities ``P`` and the one-hot targets ``T`` summed over the
    batch and the pixels; classes absent from both count as a perfect 1.

    Parameters
    ----------
    eps : float, default=1.0
        Smoothing.
    """

    def __init__(self, eps=1.0):
        super().__init__()
        self.eps = float(eps)

    def forward(self, logits, target):
        probs = torch.softmax(logits, dim=1)
        onehot = F.one_hot(target.long(), probs.shape[1]).permute(0, 3, 1, 2).to(probs.dtype)
        dims = (0, 2, 3)
        inter = (probs * onehot).sum(dims)
        total = probs.sum(dims) + onehot.sum(dims)
        return 1.0 - ((2 * inter + self.eps) / (total + self.eps)).mean()


class CrossEntropyDiceLoss(nn.Module):
    """Cross-entropy plus Dice loss (:class:`DiceLoss`), the usual sum for segmentation.

    Parameters
    ----------
    dice_weight : float, default=1.0
        Weight of the Dice term.
    eps : float, default=1.0
        Dice smoothing.
    """

    def __init__(self, dice_weight=1.0, eps=1.0):
        super().__init__()
        self.dice_weight = float(dice_weight)
        self.dice = DiceLoss(eps)

    def forward(self, logits, target):
        target = target.long()
        return F.cross_entropy(logits, target) + self.dice_weight * self.dice(logits, target)


class CenterNetLoss(nn.Module):
    """CenterNet's loss: penalty-reduced focal loss on centres, L1 on sizes and offsets.

    The output is ``(n, k + 4, h, w)`` (centre logits per class, width and
    height, x and y offsets); the target ``(n, h, w, k + 5)``, channels last,
    holds Gaussian centre heat maps, sizes, offsets and a mask of the centre
    pixels (as the detection task encodes it).

    Parameters
    ----------
    size_weight : float, default=0.1
    offset_weight : float, default=1.0
    alpha, beta : float, default=2.0, 4.0
        The focal loss's exponents.
    """

    def __init__(self, size_weight=0.1, offset_weight=1.0, alpha=2.0, beta=4.0):
        super().__init__()
        self.size_weight, self.offset_weight = float(size_weight), float(offset_weight)
        self.alpha, self.beta = float(alpha), float(beta)

    def forward(self, output, target):
        target = target.permute(0, 3, 1, 2).to(output.dtype)
        k = output.shape[1] - 4
        logits, heat = output[:, :k], target[:, :k]
        pos = (heat >= 1.0 - 1e-4).to(output.dtype)
        p = torch.sigmoid(logits)
        pos_term = F.logsigmoid(logits) * (1 - p) ** self.alpha * pos
        neg_term = F.logsigmoid(-logits) * p ** self.alpha * (1 - heat) ** self.beta * (1 - pos)
        n_pos = pos.sum().clamp(min=1.0)
        focal = -(pos_term.sum() + neg_term.sum()) / n_pos
        mask = target[:, k + 4:k + 5]
        n_mask = (mask.sum() * 2).clamp(min=1.0)
        size = (torch.abs(output[:, k:k + 2] - target[:, k:k + 2]) * mask).sum() / n_mask
        offset = (torch.abs(output[:, k + 2:k + 4] - target[:, k + 2:k + 4]) * mask).sum() / n_mask
        return focal + self.size_weight * size + self.offset_weight * offset
