"""Categorical transforms: one-hot, ordinal, binary, flag and hashing encodings."""

import zlib

import numpy as np

from ._transform_base import Transform
from ._values import jsonable

__all__ = ["BinaryEncoding", "Flag", "Hashing", "OneHot", "Ordinal"]


def _sort_keys(keys):
    def order(k):
        try:
            return (0, float(k), k)
        except ValueError:
            return (1, 0.0, k)

    return sorted(keys, key=order)


class _Categorical(Transform):
    """Shared vocabulary fitting: categories sorted, with their training counts."""

    input = "categorical"
    default_infill = "zero"

    def fit(self, x):
        observed = x.idx[x.idx >= 0]
        counts = np.bincount(observed, minlength=len(x.keys))
        present = np.flatnonzero(counts)
        by_key = {x.keys[i]: (x.labels[i], int(counts[i])) for i in present}
        keys = _sort_keys(list(by_key))
        return {
            "categories": keys,
            "labels": [jsonable(by_key[k][0]) for k in keys],
            "counts": [by_key[k][1] for k in keys],
        }

    @staticmethod
    def index(f):
        return {k: i for i, k in enumerate(f["categories"])}

    def codes(self, x, f):
        return x.codes(self.index(f))


class OneHot(_Categorical):
    """One 0/1 column per training category; missing and unseen give all zeros.

    With ``min_frequency > 1``, categories seen fewer times in training share
    one ``infrequent`` column (as ``OneHotEncoder(min_frequency=...)``); they
    come back from ``inverse`` as missing.
    """

    name = "onehot"
    aliases = {"text": {}, "onht": {}}

    def __init__(self, min_frequency=1):
        self.min_frequency = min_frequency

    def fit(self, x):
        f = super().fit(x)
        counts = np.asarray(f["counts"])
        if self.min_frequency > 1:
            f["columns"] = np.flatnonzero(counts >= self.min_frequency).tolist()
        else:
            f["columns"] = list(range(len(counts)))
        f["infrequent"] = len(f["columns"]) < len(counts)
        return f

    def _column_of_code(self, f):
        n = len(f["categories"])
        lookup = np.full(n + 2, -1, dtype=np.int64)  # codes -1 and -2 stay inactive
        if f["infrequent"]:
            lookup[:n] = len(f["columns"])
        lookup[np.asarray(f["columns"], dtype=np.int64)] = np.arange(len(f["columns"]))
        return lookup

    def suffixes(self, f):
        names = [f["categories"][i] for i in f["columns"]]
        return names + (["infrequent"] if f["infrequent"] else [])

    def transform(self, x, f):
        cols = self._column_of_code(f)[self.codes(x, f)]
        out = np.zeros((len(cols), len(f["columns"]) + int(f["infrequent"])))
        rows = np.flatnonzero(cols >= 0)
        out[rows, cols[rows]] = 1.0
        return out

    def inverse(self, Z, f):
        n_cols = len(f["columns"])
        if not Z.shape[1]:
            return np.full(len(Z), -1, dtype=np.int64)
        hot = Z.argmax(axis=1)
        codes = np.append(np.asarray(f["columns"], dtype=np.int64), -1)[np.minimum(hot, n_cols)]
        codes[Z.max(axis=1) < 0.5] = -1
        return codes


class Ordinal(_Categorical):
    """One column of integer codes 1..k (0 for missing and unseen).

    ``order="sorted"`` numbers the categories in sorted order,
    ``order="frequency"`` from the most frequent (Automunge's ``ord3``).
    """

    name = "ordinal"
    aliases = {"ordl": {}, "ord3": {"order": "frequency"}}

    def __init__(self, order="sorted"):
        self.order = order

    def fit(self, x):
        f = super().fit(x)
        if self.order == "frequency":
            ranks = np.argsort(np.argsort(-np.asarray(f["counts"]), kind="stable"), kind="stable")
        else:
            ranks = np.arange(len(f["categories"]))
        f["ranks"] = (ranks + 1).tolist()
        return f

    def transform(self, x, f):
        codes = self.codes(x, f)
        lookup = np.concatenate([np.asarray(f["ranks"], dtype=np.float64), [0.0, 0.0]])
        return lookup[codes][:, None]  # codes -1 and -2 index the trailing zeros

    def inverse(self, Z, f):
        ranks = np.asarray(f["ranks"])
        by_rank = np.full(len(ranks) + 1, -1, dtype=np.int64)
        by_rank[ranks] = np.arange(len(ranks))
        r = Z[:, 0].round().astype(np.int64)
        return np.where((r >= 1) & (r <= len(ranks)), by_rank[np.clip(r, 0, len(ranks))], -1)


class BinaryEncoding(_Categorical):
    """The code 1..k of each category in base 2 (``ceil(log2(k + 1))`` columns).

    All-zero bits mean missing or unseen. Automunge's ``1010``.
    """

    name = "binary"
    aliases = {"1010": {}}

    def suffixes(self, f):
        n_bits = max(1, int(len(f["categories"])).bit_length())
        return [f"bit{i}" for i in range(n_bits)]

    def transform(self, x, f):
        codes = self.codes(x, f)
        value = np.where(codes >= 0, codes + 1, 0)
        n_bits = len(self.suffixes(f))
        return ((value[:, None] >> np.arange(n_bits)) & 1).astype(np.float64)

    def inverse(self, Z, f):
        bits = (Z >= 0.5).astype(np.int64)
        value = (bits << np.arange(Z.shape[1])).sum(axis=1)
        return np.where((value >= 1) & (value <= len(f["categories"])), value - 1, -1)


class Flag(_Categorical):
    """One 0/1 column for a two-valued column: 1 for the second category in sorted order.

    Missing values are infilled with the most frequent value by default (as
    Automunge's ``bnry``); unseen values give 0.
    """

    name = "flag"
    aliases = {"bnry": {}}
    default_infill = "mode"

    def fit(self, x):
        f = super().fit(x)
        if len(f["categories"]) > 2:
            raise ValueError(
                f"the 'flag' (bnry) transform needs at most two distinct values, got "
                f"{len(f['categories'])}: assign 'onehot' or 'ordinal' instead."
            )
        return f

    def transform(self, x, f):
        codes = self.codes(x, f)
        return (codes == 1).astype(np.float64)[:, None]

    def inverse(self, Z, f):
        codes = (Z[:, 0] >= 0.5).astype(np.int64)
        if len(f["categories"]) < 2:
            codes[:] = 0 if f["categories"] else -1
        return codes


class Hashing(_Categorical):
    """Signed feature hashing of the words of each value (or the whole value).

    Unseen values are hashed like seen ones; missing values give all zeros.
    ``words=False`` hashes the whole string (Automunge's ``hsh2``). Not
    invertible.
    """

    name = "hashing"
    aliases = {"hash": {}, "hsh2": {"words": False}}
    exact_inverse = False
    invertible = False
    max_stored_categories = 100

    def __init__(self, n_features=16, words=True, lowercase=True):
        self.n_features = n_features
        self.words = words
        self.lowercase = lowercase

    def fit(self, x):
        f = super().fit(x)
        if len(f["categories"]) > self.max_stored_categories:  # kept for drift reports only
            top = np.argsort(-np.asarray(f["counts"]), kind="stable")[: self.max_stored_categories]
            top = np.sort(top)
            for key in ("categories", "labels", "counts"):
                f[key] = [f[key][i] for i in top]
        return f

    def suffixes(self, f):
        return [f"hash{i}" for i in range(self.n_features)]

    def _hash_keys(self, keys):
        H = np.zeros((len(keys) + 1, self.n_features))  # last row: missing
        for row, key in enumerate(keys):
            text = key.lower() if self.lowercase else key
            tokens = text.split() if self.words else [text]
            for token in tokens:
                h = zlib.crc32(token.encode("utf-8"))
                H[row, h % self.n_features] += 1.0 if (h >> 31) & 1 == 0 else -1.0
        return H

    def transform(self, x, f):
        return self._hash_keys(x.keys)[x.idx]

    def inverse(self, Z, f):
        raise NotImplementedError("hashing is not invertible")

