"""Noise injection: Automunge's ``DP*`` transforms, noisy on training data only.

Each class is an ordinary transform (z-score, min-max, sign-retaining scaling,
flag, ordinal, one-hot, binary) plus an :meth:`inject` step that perturbs a
share ``flip_prob`` of the observed training rows: Gaussian or Laplace noise
on numbers, a draw from the training categories on categories. ``fit`` and
``transform`` stay those of the clean transform, so new data is prepared
without noise (and ``inverse`` inverts the clean encoding); the munger calls
:meth:`inject` on the training set, on data passed to ``postmunge`` with
``traindata=True``, and always when ``testnoise=True``. Draws come from a
generator seeded by the munger's ``random_state``.
"""

import numpy as np

from ._categorical_transforms import BinaryEncoding, Flag, OneHot, Ordinal
from ._numeric_transforms import MinMax, ZScore
from ._transform_base import Transform, _observed
from ._values import CategoricalValues

__all__ = [
    "NoisyBinary",
    "NoisyFlag",
    "NoisyMinMax",
    "NoisyOneHot",
    "NoisyOrdinal",
    "NoisyRetain",
    "NoisyZScore",
]

_DISTRIBUTIONS = ("normal", "laplace", "abs_normal", "negabs_normal", "abs_laplace",
                  "negabs_laplace")


def _check_probability(name, value):
    if not (isinstance(value, (int, float)) and not isinstance(value, bool)
            and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}.")


class _NumericNoise:
    """Gaussian or Laplace noise added to a share ``flip_prob`` of the rows."""

    injects_noise = True
    clip = None  # (lo, hi) keys of the fitted dict bounding the output, if any

    def _init_noise(self, noisedistribution, flip_prob, mu, sigma, testnoise):
        self.noisedistribution = noisedistribution
        self.flip_prob = flip_prob
        self.mu = mu
        self.sigma = sigma
        self.testnoise = testnoise

    def _check_noise(self):
        if self.noisedistribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"noisedistribution must be one of {list(_DISTRIBUTIONS)}, got "
                f"{self.noisedistribution!r}."
            )
        _check_probability("flip_prob", self.flip_prob)
        if not isinstance(self.sigma, (int, float)) or self.sigma < 0:
            raise ValueError(f"sigma (the noise scale) must be >= 0, got {self.sigma!r}.")

    def draw(self, rng, n):
        """``n`` noise values of the configured distribution."""
        dist = self.noisedistribution
        if dist.endswith("laplace"):
            noise = rng.laplace(self.mu, self.sigma, n)
        else:
            noise = rng.normal(self.mu, self.sigma, n)
        if dist.startswith("abs_"):
            noise = np.abs(noise)
        elif dist.startswith("negabs_"):
            noise = -np.abs(noise)
        return noise

    def inject(self, block, values, f, rng, observed):
        """Add noise to a share ``flip_prob`` of the observed rows of ``block``."""
        hit = observed & (rng.random(len(block)) < self.flip_prob)
        noisy = block[hit, 0] + self.draw(rng, int(hit.sum()))
        if self.clip is not None:  # rows inside the training range stay inside it
            lo, hi = f[self.clip[0]], f[self.clip[1]]
            inside = (block[hit, 0] >= lo) & (block[hit, 0] <= hi)
            noisy = np.where(inside, np.clip(noisy, lo, hi), noisy)
        block[hit, 0] = noisy
        return block


class NoisyZScore(_NumericNoise, ZScore):
    """Z-score with noise on the training data (Automunge's ``DPnb``; ``DLnb``: Laplace).

    Parameters
    ----------
    noisedistribution : str, default="normal"
        ``"normal"`` or ``"laplace"``, optionally prefixed ``"abs_"`` (only
        positive noise) or ``"negabs_"`` (only negative).
    flip_prob : float, default=0.03
        Share of the training rows that get noise.
    mu, sigma : float, default=0.0, 0.06
        Centre and scale of the noise, in standard deviations.
    testnoise : bool, default=False
        Add noise to new data too.
    """

    name = "noisy_zscore"
    aliases = {"DPnb": {}, "DLnb": {"noisedistribution": "laplace"}}

    def __init__(self, noisedistribution="normal", flip_prob=0.03, mu=0.0, sigma=0.06,
                 testnoise=False):
        self._init_noise(noisedistribution, flip_prob, mu, sigma, testnoise)

    def fit(self, x):
        self._check_noise()
        return super().fit(x)


class NoisyMinMax(_NumericNoise, MinMax):
    """Min-max scaling with noise on the training data (``DPmm``; ``DLmm``: Laplace).

    Noisy values of rows inside the training range are clipped to [0, 1].
    Parameters as :class:`NoisyZScore`, with ``sigma=0.03``.
    """

    name = "noisy_minmax"
    aliases = {"DPmm": {}, "DLmm": {"noisedistribution": "laplace"}}
    clip = ("lo", "hi")

    def __init__(self, noisedistribution="normal", flip_prob=0.03, mu=0.0, sigma=0.03,
                 testnoise=False):
        self._init_noise(noisedistribution, flip_prob, mu, sigma, testnoise)

    def fit(self, x):
        self._check_noise()
        return {**super().fit(x), "lo": 0.0, "hi": 1.0}


class NoisyRetain(_NumericNoise, Transform):
    """Sign-retaining scaling with noise on the training data (``DPrt``; ``DLrt``: Laplace).

    Divides by the training range ``max - min``; all-positive columns are
    shifted to start at 0 and all-negative ones to end at 0, so the sign of
    the values is kept. Noisy values of rows inside the training range stay
    inside it. Parameters as :class:`NoisyZScore`, with ``sigma=0.03``.
    """

    name = "noisy_retain"
    aliases = {"DPrt": {}, "DLrt": {"noisedistribution": "laplace"}}
    clip = ("lo", "hi")

    def __init__(self, noisedistribution="normal", flip_prob=0.03, mu=0.0, sigma=0.03,
                 testnoise=False):
        self._init_noise(noisedistribution, flip_prob, mu, sigma, testnoise)

    def fit(self, x):
        self._check_noise()
        obs = _observed(x)
        lo, hi = (float(obs.min()), float(obs.max())) if obs.size else (0.0, 1.0)
        scale = hi - lo if hi > lo else (abs(hi) or 1.0)
        offset = lo if lo >= 0 else (hi if hi <= 0 else 0.0)
        return {"offset": offset, "scale": scale, "lo": (lo - offset) / scale,
                "hi": (hi - offset) / scale}

    def transform(self, x, f):
        return ((x - f["offset"]) / f["scale"])[:, None]

    def inverse(self, Z, f):
        return Z[:, 0] * f["scale"] + f["offset"]


class _CategoricalNoise:
    """A share ``flip_prob`` of the rows get a category drawn from the training ones.

    The draw is weighted by the training frequencies (``weighted=True``) or
    uniform, and may return the row's own category, so fewer than
    ``flip_prob`` of the rows actually change.
    """

    injects_noise = True

    def _init_noise(self, flip_prob, weighted, testnoise):
        self.flip_prob = flip_prob
        self.weighted = weighted
        self.testnoise = testnoise

    def _check_noise(self):
        _check_probability("flip_prob", self.flip_prob)

    def inject(self, block, values, f, rng, observed):
        """Re-encode a share ``flip_prob`` of the observed rows with drawn categories."""
        counts = np.asarray(f["counts"], dtype=np.float64)
        hit = np.flatnonzero(observed & (rng.random(len(block)) < self.flip_prob))
        if not hit.size or not counts.size:
            return block
        p = counts / counts.sum() if self.weighted else None
        codes = rng.choice(len(counts), size=hit.size, p=p)
        drawn = CategoricalValues(codes.astype(np.int64), list(f["categories"]),
                                  list(f["labels"]))
        block[hit] = self.transform(drawn, f)
        return block


class NoisyFlag(_CategoricalNoise, Flag):
    """Two-valued flag with flips on the training data (Automunge's ``DPbn``).

    Parameters
    ----------
    flip_prob : float, default=0.03
        Share of the training rows given a drawn value.
    weighted : bool, default=True
        Draw by training frequency (else uniformly).
    testnoise : bool, default=False
        Flip new data too.
    """

    name = "noisy_flag"
    aliases = {"DPbn": {}}

    def __init__(self, flip_prob=0.03, weighted=True, testnoise=False):
        self._init_noise(flip_prob, weighted, testnoise)

    def fit(self, x):
        self._check_noise()
        return super().fit(x)


class NoisyOrdinal(_CategoricalNoise, Ordinal):
    """Ordinal codes by frequency with flips on the training data (``DPod``).

    Parameters as :class:`NoisyFlag`, plus ``order`` of :class:`Ordinal`
    (``"frequency"`` by default, as Automunge's ``ord3``).
    """

    name = "noisy_ordinal"
    aliases = {"DPod": {}}

    def __init__(self, flip_prob=0.03, weighted=True, testnoise=False, order="frequency"):
        self._init_noise(flip_prob, weighted, testnoise)
        self.order = order

    def fit(self, x):
        self._check_noise()
        return super().fit(x)


class NoisyOneHot(_CategoricalNoise, OneHot):
    """One-hot encoding with flips on the training data (``DPoh``).

    Parameters as :class:`NoisyFlag`, plus ``min_frequency`` of :class:`OneHot`.
    """

    name = "noisy_onehot"
    aliases = {"DPoh": {}}

    def __init__(self, flip_prob=0.03, weighted=True, testnoise=False, min_frequency=1):
        self._init_noise(flip_prob, weighted, testnoise)
        self.min_frequency = min_frequency

    def fit(self, x):
        self._check_noise()
        return super().fit(x)


class NoisyBinary(_CategoricalNoise, BinaryEncoding):
    """Binary encoding with flips on the training data (``DP10``).

    Parameters as :class:`NoisyFlag`.
    """

    name = "noisy_binary"
    aliases = {"DP10": {}}

    def __init__(self, flip_prob=0.03, weighted=True, testnoise=False):
        self._init_noise(flip_prob, weighted, testnoise)

    def fit(self, x):
        self._check_noise()
        return super().fit(x)
