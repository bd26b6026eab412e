"""Compiled kernels of the bit-packed engine: packing, XNOR-popcount products.

Bit layout: a ±1 value is one bit, set for -1 and clear for +1, 64 channels to
a ``uint64`` word along the last axis; the unused bits of a row's last word are
clear in both inputs and weights, so they never count. The dot product of two
packed ±1 vectors of ``n`` channels is ``n - 2 * popcount(x ^ w)``.

Weights are stored with the output channel last (``(kh, kw, words, cout)``,
``(words, cout)`` for 1x1), so that the innermost loop runs over output
channels with one input word broadcast: it compiles to vector popcounts.

Every kernel releases the GIL (``nogil=True``) and works on the rows it is
given, so callers may split a batch over a thread pool. The module ends with
the numpy helpers of compilation: packing weights, folding a chain of
per-channel steps into thresholds, fusing operations of a plan.
"""

from collections import Counter

import numba as nb
import numpy as np
from numba import types
from numba.extending import intrinsic

__all__ = [
    "OPS", "ROW_KERNELS", "apply_chain", "bconv", "bdense", "bdense_pack", "chain_rows",
    "encode_chain", "fdense_pack", "is_1x1", "maxpool", "pack_threshold", "rows",
]


@intrinsic
def _popcount(typingctx, word):
    """Population count of a ``uint64`` (LLVM's ``ctpop``), typed int64."""
    if word != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.int64(types.uint64), codegen



@nb.njit(nogil=True, cache=True)
def _pack_flags(flags, n, out_row):
    """OR the first ``n`` 0/1 ``flags`` into the words of ``out_row``, 64 to a word."""
    for k in range(out_row.shape[0]):
        start = k * 64
        word = np.uint64(0)
        for j in range(min(64, n - start)):
            word |= flags[start + j] << np.uint64(j)
        out_row[k] = word


@nb.njit(nogil=True, cache=True)
def pack_threshold(y, sgn, thr):
    """Pack ``+1 where sgn * y >= thr`` (per channel) of the 2-D ``y`` into bits.

    ``y`` is int32 or float32 of shape ``(m, c)``; ``sgn`` and ``thr`` have
    shape ``(c,)`` and the dtype of ``y``. A bit is set (-1) where
    ``sgn * y < thr``. Returns ``(m, ceil(c / 64))`` uint64.
    """
    m, c = y.shape
    n_words = (c + 63) // 64
    out = np.empty((m, n_words), dtype=np.uint64)
    if n_words == 1:  # short rows: straight into the word
        for r in range(m):
            word = np.uint64(0)
            for j in range(c):
                word |= np.uint64(sgn[j] * y[r, j] < thr[j]) << np.uint64(j)
            out[r, 0] = word
        return out
    flags = np.empty(c, dtype=np.uint64)
    for r in range(m):
        for j in range(c):
            flags[j] = np.uint64(sgn[j] * y[r, j] < thr[j])
        _pack_flags(flags, c, out[r])
    return out


@nb.njit(nogil=True, cache=True)
def bdense(x, w, n_in):
    """±1 dot products of packed rows ``x`` (m, words) with ``w`` (words, cout).

    Returns ``(m, cout)`` int32: ``n_in - 2 * popcount(x ^ w)`` summed over words.
    """
    m, n_words = x.shape
    cout = w.shape[1]
    out = np.empty((m, cout), dtype=np.int32)
    acc = np.empty(cout, dtype=np.int64)
    for r in range(m):
        acc[:] = 0
        for k in range(n_words):
            xv = x[r, k]
            for o in range(cout):
                acc[o] += _popcount(xv ^ w[k, o])
        for o in range(cout):
            out[r, o] = n_in - 2 * acc[o]
    return out


@nb.njit(nogil=True, cache=True)
def bdense_pack(x, w, n_in, sgn, thr):
    """:func:`bdense` then :func:`pack_threshold` (int32 ``sgn``, ``thr``), in one pass.

    Returns ``(m, ceil(cout / 64))`` uint64.
    """
    m, n_words = x.shape
    cout = w.shape[1]
    n_out = (cout + 63) // 64
    out = np.empty((m, n_out), dtype=np.uint64)
    acc = np.empty(cout, dtype=np.int64)
    flags = np.empty(cout, dtype=np.uint64)
    for r in range(m):
        acc[:] = 0
        for k in range(n_words):
            xv = x[r, k]
            for o in range(cout):
                acc[o] += _popcount(xv ^ w[k, o])
        for o in range(cout):
            flags[o] = np.uint64(sgn[o] * (n_in - 2 * acc[o]) < thr[o])
        _pack_flags(flags, cout, out[r])
    return out


@nb.njit(nogil=True, cache=True)
def bconv(x, w, n_in, strides, pads, out_hw, pad_mode, pad_word):
    """Binary 2-D convolution of packed ``x`` (n, h, w, words) with ``w`` (kh, kw, words, cout).

    ``strides``, ``pads`` (top, left) and ``out_hw`` are int64 pairs. Taps
    outside the input count as the packed word ``pad_word`` (words,) where
    ``pad_mode`` is 1 (padding with +1 or -1), and not at all where it is 0
    (zero padding). Returns ``(n, ho, wo, cout)`` int32.
    """
    n, h, wd, n_words = x.shape
    kh, kw, _, cout = w.shape
    ho, wo = out_hw[0], out_hw[1]
    out = np.empty((n, ho, wo, cout), dtype=np.int32)
    acc = np.empty(cout, dtype=np.int64)
    for b in range(n):
        for oy in range(ho):
            for ox in range(wo):
                acc[:] = 0
                count = 0
                for ky in range(kh):
                    iy = oy * strides[0] + ky - pads[0]
                    for kx in range(kw):
                        ix = ox * strides[1] + kx - pads[1]
                        inside = 0 <= iy < h and 0 <= ix < wd
                        if not inside and pad_mode == 0:
                            continue
                        count += n_in
                        for k in range(n_words):
                            xv = x[b, iy, ix, k] if inside else pad_word[k]
                            for o in range(cout):
                                acc[o] += _popcount(xv ^ w[ky, kx, k, o])
                for o in range(cout):
                    out[b, oy, ox, o] = count - 2 * acc[o]
    return out


@nb.njit(nogil=True, cache=True)
def chain_rows(x, codes, params):
    """Apply the encoded chain of per-channel steps to the 2-D ``x`` in float32.

    ``codes[s]`` names step ``s`` and ``params[s, i]`` (float32, per channel) are
    its parameters: 0 ``x + p0``; 1 ``fma((x - p0) * p1, p2, p3)`` (TensorFlow's
    fused batch norm); 2 ``(x - p0) * p1 + p3`` (the same without scale); 3
    ``x * p0 + p1`` (unfused batch norm); 4 ``(x - p0) / p1``; 5 ReLU; 6 sign
    with ``sign(0) = +1``. Returns a new float32 array.
    """
    m, c = x.shape
    out = np.empty((m, c), dtype=np.float32)
    for r in range(m):
        for j in range(c):
            out[r, j] = np.float32(x[r, j])
    for s in range(codes.shape[0]):
        code, p = codes[s], params[s]
        for r in range(m):
            v = out[r]
            if code == 0:
                for j in range(c):
                    v[j] = v[j] + p[0, j]
            elif code == 1:  # exact products in float64, one rounding: a fused multiply-add
                for j in range(c):
                    t = (v[j] - p[0, j]) * p[1, j]
                    v[j] = np.float32(np.float64(t) * np.float64(p[2, j]) + np.float64(p[3, j]))
            elif code == 2:
                for j in range(c):
                    v[j] = (v[j] - p[0, j]) * p[1, j] + p[3, j]
            elif code == 3:
                for j in range(c):
                    v[j] = v[j] * p[0, j] + p[1, j]
            elif code == 4:
                for j in range(c):
                    v[j] = (v[j] - p[0, j]) / p[1, j]
            elif code == 5:
                for j in range(c):
                    v[j] = v[j] if v[j] > 0 else np.float32(0)
            else:
                for j in range(c):
                    v[j] = np.float32(-1) if v[j] < 0 else np.float32(1)
    return out


@nb.njit(nogil=True, cache=True)
def chain_softmax_rows(x, codes, params):
    """:func:`chain_rows`, then the softmax of each row, in float32."""
    out = chain_rows(x, codes, params)
    for r in range(out.shape[0]):
        v = out[r]
        top = v.max()
        total = np.float32(0)
        for j in range(v.shape[0]):
            v[j] = np.exp(v[j] - top)
            total += v[j]
        for j in range(v.shape[0]):
            v[j] = v[j] / total
    return out


@nb.njit(nogil=True, cache=True)
def fdense_pack(x, w, sgn, thr):
    """Float rows ``x`` (m, cin) times ``w`` (cin, cout), thresholded and packed.

    Returns ``(m, ceil(cout / 64))`` uint64, a bit set where ``sgn * (x @ w) < thr``.
    """
    m, cin = x.shape
    cout = w.shape[1]
    n_out = (cout + 63) // 64
    out = np.empty((m, n_out), dtype=np.uint64)
    acc = np.empty(cout, dtype=np.float32)
    flags = np.empty(cout, dtype=np.uint64)
    for r in range(m):
        acc[:] = 0
        for i in range(cin):
            xi = x[r, i]
            for o in range(cout):
                acc[o] += xi * w[i, o]
        for o in range(cout):
            flags[o] = np.uint64(sgn[o] * acc[o] < thr[o])
        _pack_flags(flags, cout, out[r])
    return out


@nb.njit(nogil=True, cache=True)
def maxpool(x, pool, strides):
    """Max pooling of ``x`` (n, h, w, c), any dtype, with "valid" padding."""
    n, h, w, c = x.shape
    ho = (h - pool[0]) // strides[0] + 1
    wo = (w - pool[1]) // strides[1] + 1
    out = np.empty((n, ho, wo, c), dtype=x.dtype)
    for b in range(n):
        for oy in range(ho):
            for ox in range(wo):
                v = out[b, oy, ox]
                v[:] = x[b, oy * strides[0], ox * strides[1]]
                for ky in range(pool[0]):
                    for kx in range(pool[1]):
                        row = x[b, oy * strides[0] + ky, ox * strides[1] + kx]
                        for j in range(c):
                            if row[j] > v[j]:
                                v[j] = row[j]
    return out


# -- the operations of a compiled plan: (inputs..., params...) -> array ---------------------

STEPS = {"add": 0, "bn": 1, "bnu": 3, "norm": 4, "relu": 5, "sign": 6}  # "bn" unscaled: 2


def encode_chain(chain, channels):
    """``(codes, params)`` for :func:`chain_rows` from steps ``(kind, *per-channel arrays)``.

    Steps: ``("add", b)``, ``("bn", mean, inv, gamma or None, beta)``,
    ``("bnu", a, b)``, ``("norm", mean, den)``, ``("relu",)``, ``("sign",)``.
    """
    codes = np.array([STEPS[step[0]] for step in chain], dtype=np.int64)
    width = max([len(step) - 1 for step in chain] + [1])
    params = np.zeros((len(chain), width, channels), dtype=np.float32)
    for s, step in enumerate(chain):
        if step[0] == "bn" and step[3] is None:
            codes[s] = 2
        for i, value in enumerate(step[1:]):
            if value is not None:
                params[s, i] = value
    return codes, params


def rows(x):
    """``x`` as a 2-D array of rows over its last axis (a view)."""
    return x if x.ndim == 2 else x.reshape(-1, x.shape[-1])


def apply_chain(x, codes, params):
    """Apply an encoded chain (:func:`encode_chain`) over the last axis of ``x`` (any shape)."""
    x = np.asarray(x)
    return chain_rows(rows(x), codes, params).reshape(x.shape)


def _row_op(kernel):
    def op(x, *params):
        return kernel(rows(x), *params)

    op.__name__ = kernel.__name__
    return op


ROW_KERNELS = {
    "chain": chain_rows,
    "chain_softmax": chain_softmax_rows,
    "pack": pack_threshold,
    "bdense": bdense,
    "bdense_pack": bdense_pack,
}
"""Operations on rows: the first input is read as 2-D rows over its last axis."""


def is_1x1(ksize, strides, pads):
    """Whether a convolution is a product of rows (1x1, stride 1, no padding)."""
    return ksize == (1, 1) and strides == (1, 1) and not any(pads)


def op_fconv(x, shape, w, ksize, strides, pads, pad_value):
    """Float convolution (or dense layer) as a matrix product; ``pads`` is (t, b, l, r)."""
    if is_1x1(ksize, strides, pads):
        return rows(x) @ w
    x = x.reshape((-1,) + shape)
    if any(pads):
        top, bottom, left, right = pads
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)),
                   constant_values=np.float32(pad_value))
    windows = np.lib.stride_tricks.sliding_window_view(x, ksize, axis=(1, 2))
    windows = windows[:, ::strides[0], ::strides[1]]  # (n, ho, wo, c, kh, kw)
    n, ho, wo = windows.shape[:3]
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * ho * wo, w.shape[0])
    return (cols @ w).reshape(n, ho, wo, w.shape[1])


def op_fdense_pack(x, w, sgn, thr):
    """1x1 float convolution (or dense layer), thresholded and packed (BLAS for many rows)."""
    x = rows(x)
    if x.shape[0] >= 8:
        return pack_threshold(x @ w, sgn, thr)
    return fdense_pack(x, w, sgn, thr)


def op_softmax(x):
    """Softmax over the last axis, in float32."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def op_add(*args):
    """Sum of the inputs (all but the last argument, the per-sample shape), left to right."""
    shape = (-1,) + args[-1]
    out = args[0].reshape(shape)
    for x in args[1:-1]:
        out = out + x.reshape(shape)
    return out


OPS = {
    **{name: _row_op(kernel) for name, kernel in ROW_KERNELS.items()},
    "fdense_pack": op_fdense_pack,
    "reshape": lambda x, width: x.reshape(-1, width),
    "bconv": lambda x, shape, *params: bconv(x.reshape((-1,) + shape), *params),
    "fconv": op_fconv,
    "maxpool": lambda x, shape, *params: maxpool(x.reshape((-1,) + shape), *params),
    "normalize": lambda x, shape, mean, den: (x.reshape((-1,) + shape) - mean) / den,
    "softmax": op_softmax,
    "sigmoid": lambda x: np.float32(1) / (np.float32(1) + np.exp(-x)),
    "tanh": np.tanh,
    "add": op_add,
    "gap": lambda x, shape: x.reshape((-1,) + shape).mean(axis=(1, 2), dtype=np.float32),
}
"""The operations a plan may name. Arrays in a plan's slots hold a batch either
as rows over the last axis or in full shape ``(n, *shape)``; each operation
reads its inputs whichever way it needs them (row operations as rows, the
others through the per-sample ``shape`` they are given)."""


# -- compilation helpers: bit packing, thresholds, fusion -------------------------------------

_INT_BIG = 1 << 30  # beyond any ±1 dot product: a constant threshold


def pack_bits(negative):
    """Pack a boolean array (True for -1) along its last axis into uint64 words."""
    negative = np.asarray(negative, dtype=bool)
    c = negative.shape[-1]
    n_words = max(1, -(-c // 64))
    padded = np.zeros(negative.shape[:-1] + (n_words * 64,), dtype=bool)
    padded[..., :c] = negative
    packed = np.packbits(padded, axis=-1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64)


def _float_key(x):
    """float32 -> int64 keys in the same order (-0.0 and +0.0 share key 0)."""
    bits = np.asarray(x, dtype=np.float32).view(np.int32).astype(np.int64)
    return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)


def _key_float(key):
    """The float32 values of keys of :func:`_float_key`."""
    bits = np.where(key < 0, (-key) | 0x80000000, key)
    return bits.astype(np.uint32).view(np.float32)


class PackedSigns:
    """±1 weights of a float-input layer, stored packed and expanded to float32 when bound."""

    __slots__ = ("bits", "rows")

    def __init__(self, weights):  # weights: (rows, cout) of ±1
        self.rows = weights.shape[0]
        self.bits = pack_bits(weights.T < 0)

    def __getstate__(self):
        return self.bits, self.rows

    def __setstate__(self, state):
        self.bits, self.rows = state

    def unpack(self):
        negative = np.unpackbits(self.bits.view(np.uint8), axis=-1, bitorder="little")
        signs = np.where(negative[:, :self.rows], np.float32(-1), np.float32(1))
        return np.ascontiguousarray(signs.T)


def thresholds(chain, channels, n_in=None):
    """Per-channel ``(sgn, thr)``: ``sign(chain(y)) = +1`` exactly where ``sgn * y >= thr``.

    ``y`` is an integer in ``[-n_in, n_in]`` (int32 thresholds) or, where
    ``n_in`` is None, any float32 (float32 thresholds). Every step of the chain
    is monotone, so the sign switches at most once: bisection over the values
    ``y`` can take finds the switch, the chain evaluated by :func:`chain_rows`.
    """
    c = channels
    codes, params = encode_chain(chain, c)
    if n_in is not None:
        lo, hi = np.full(c, -n_in, np.int64), np.full(c, n_in, np.int64)
        decode, dtype, big = (lambda k: k.astype(np.float32)), np.int32, _INT_BIG
    else:
        lo, hi = np.full(c, _float_key(-np.inf)), np.full(c, _float_key(np.inf))
        decode, dtype, big = _key_float, np.float32, np.inf

    def positive(keys):
        return apply_chain(decode(keys)[None], codes, params)[0] >= 0

    p_lo, p_hi = positive(lo), positive(hi)
    switch = p_lo != p_hi  # monotone: one switch point, else constant
    a, b = lo.copy(), hi.copy()  # positive(a) == p_lo != positive(b)
    while True:
        open_ = switch & (b - a > 1)
        if not open_.any():
            break
        mid = a + (b - a) // 2
        same = positive(mid) == p_lo
        a = np.where(open_ & same, mid, a)
        b = np.where(open_ & ~same, mid, b)
    values = (lambda k: k) if n_in is not None else decode
    sgn = np.ones(c, dtype)
    thr = np.where(p_lo & p_hi, -big, big).astype(dtype)
    rising, falling = switch & ~p_lo, switch & p_lo
    thr[rising] = values(b)[rising]  # +1 from b up
    sgn[falling] = -1
    thr[falling] = -values(a)[falling]  # +1 up to a
    return sgn, thr


def _fuse_rule(producer, consumer):
    """The fused op of ``producer`` feeding ``consumer`` (its sole reader), or None."""
    name, ins, _, params = producer
    if consumer[0] == "pack" and name == "bdense":
        return ("bdense_pack", ins, consumer[2], params + consumer[3])
    if consumer[0] == "pack" and name == "fconv" and params[2:5] == ((1, 1), (1, 1), (0,) * 4) \
            and consumer[3][0].dtype == np.float32:
        return ("fdense_pack", ins, consumer[2], (params[1],) + consumer[3])
    if consumer[0] == "softmax" and name == "chain":
        return ("chain_softmax", ins, consumer[2], params)
    return None


def fuse(ops, keep):
    """Merge an op into its input's producer where nothing else reads that input."""
    uses = Counter(slot for op in ops for slot in op[1])
    producer = {op[2]: i for i, op in enumerate(ops)}
    fused, merged = list(ops), set()
    for j, op in enumerate(ops):
        i = producer.get(op[1][0]) if len(op[1]) == 1 else None
        if i is None or i in merged or uses[op[1][0]] != 1 or op[1][0] in keep:
            continue
        new = _fuse_rule(fused[i], op)
        if new is not None:
            fused[i] = new
            merged.add(j)
    return [op for j, op in enumerate(fused) if j not in merged]
