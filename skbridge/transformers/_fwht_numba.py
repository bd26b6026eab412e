"""Compiled kernels for the fast Walsh-Hadamard transform and Fastfood.

Imported lazily by :mod:`skbridge.transformers.kernels` (numba is a core
dependency, but the pure-numpy path must keep working without it). Every kernel
releases the GIL (``nogil=True``) and works on a range of rows, so that callers
parallelise with a plain thread pool: no numba threading layer is involved,
which keeps the kernels safe under any joblib backend and in any thread.
"""

import math

import numba as nb
import numpy as np


@nb.njit(nogil=True, cache=True, fastmath=True)
def _fwht_inplace(a):
    """Unnormalised Sylvester-order FWHT of the 1-D contiguous array ``a``."""
    n = a.shape[0]
    # First two stages fused (radix 4): the stride-1 and stride-2 butterflies
    # have inner loops too short to vectorise on their own.
    if n >= 4:
        for i in range(0, n, 4):
            x0 = a[i]
            x1 = a[i + 1]
            x2 = a[i + 2]
            x3 = a[i + 3]
            s01 = x0 + x1
            d01 = x0 - x1
            s23 = x2 + x3
            d23 = x2 - x3
            a[i] = s01 + s23
            a[i + 1] = d01 + d23
            a[i + 2] = s01 - s23
            a[i + 3] = d01 - d23
        h = 4
    else:
        h = 1
    while h < n:
        for i in range(0, n, 2 * h):
            for j in range(i, i + h):
                x = a[j]
                y = a[j + h]
                a[j] = x + y
                a[j + h] = x - y
        h *= 2


@nb.njit(nogil=True, cache=True)
def fwht_rows(X):
    """In-place FWHT of every row of the C-contiguous 2-D array ``X``."""
    for i in range(X.shape[0]):
        _fwht_inplace(X[i])


@nb.njit(nogil=True, cache=True, fastmath=True)
def fastfood_rows(X, signs, perms, gaussians, scales, n_pairs, offset, out):
    """Fastfood random features of the rows of ``X`` written into ``out``.

    For each block b the projection is ``S_b H G_b P_b H B_b x`` (x zero-padded
    to the block length); frequency k < n_pairs gives the pair
    ``(cos, sin)`` in columns ``k`` and ``n_pairs + k``, and a last unpaired
    frequency gives ``sqrt(2) cos(. + offset)`` in the last column. All features
    are scaled by ``1 / sqrt(n_frequencies)`` so that ``out @ out.T``
    approximates the kernel matrix.
    """
    n_blocks, dp = signs.shape
    d = X.shape[1]
    n_out = out.shape[1]
    n_freq = n_out - n_pairs
    scale = 1.0 / math.sqrt(n_freq)
    scale_single = math.sqrt(2.0) * scale
    buf = np.empty(dp, dtype=out.dtype)
    tmp = np.empty(dp, dtype=out.dtype)
    for i in range(X.shape[0]):
        for b in range(n_blocks):
            for j in range(d):
                buf[j] = X[i, j] * signs[b, j]
            for j in range(d, dp):
                buf[j] = 0.0
            _fwht_inplace(buf)
            for j in range(dp):
                tmp[j] = buf[perms[b, j]] * gaussians[b, j]
            _fwht_inplace(tmp)
            base = b * dp
            stop = min(dp, n_freq - base)
            n_here = max(0, min(stop, n_pairs - base))
            for j in range(n_here):
                v = tmp[j] * scales[b, j]
                out[i, base + j] = scale * math.cos(v)
                out[i, n_pairs + base + j] = scale * math.sin(v)
            if stop > n_here:  # the unpaired frequency (odd n_components)
                v = tmp[n_here] * scales[b, n_here]
                out[i, n_out - 1] = scale_single * math.cos(v + offset)
