"""Encoding documents in chunks, and the count matrix built from the ids.

The input checks shared by ``fit`` and ``transform`` (:func:`check_documents`),
the chunked, pipelined ``encode_batch`` calls (:func:`encode_in_chunks`) and
what is made of their ids: the CSR matrix of token counts
(:func:`count_matrix`, built from :func:`row_counts` by
:func:`assemble_csr`) and the token frequencies the ids are renumbered by
after training (:func:`token_frequencies`, :func:`renumber_in_place`).
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import numpy as np
import scipy.sparse as sp

from ...compat import release_free_memory

__all__ = [
    "assemble_csr",
    "check_documents",
    "chunk_bounds",
    "count_matrix",
    "encode_in_chunks",
    "flat_ids",
    "renumber_in_place",
    "row_counts",
    "token_frequencies",
]

# Characters of text handed to one ``encode_batch`` call. Each call holds the
# Encoding objects of its chunk (about 80 bytes per token) until their ids are
# copied out, and three chunks are alive (one copied, ``_IN_FLIGHT`` being
# encoded), so the chunk bounds the memory on top of the output: 256 KiB keeps
# it near 20 MB while still giving the thread pool dozens of documents at once.
# Two calls in flight keep the pool busy while one of them waits for its
# longest document (faster than one; the user guide's "Threads" gives figures).
_CHUNK_CHARS = 1 << 18
_IN_FLIGHT = 2


def check_documents(X, *, allow_empty, decode=None):
    """``X`` as a list of str, or a clear error naming what is wrong with it.

    ``decode``, when given, is applied to every item first (bytes, files or
    file names to str, as ``CountVectorizer``'s ``input`` and ``encoding``
    parameters say).
    """
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received. "
            "Wrap a single document in a list: [text]."
        )
    ndim = getattr(X, "ndim", 1)
    if ndim != 1:
        raise ValueError(
            f"Expected a 1-D iterable of str documents, got a {ndim}-D "
            f"{type(X).__name__} of shape {getattr(X, 'shape', None)}. "
            "Pass one text column, e.g. df['text']."
        )
    try:
        docs = X.tolist() if isinstance(X, np.ndarray) else list(X)
    except TypeError:
        raise TypeError(
            f"Expected an iterable of str documents, got {type(X).__name__}."
        ) from None
    if decode is not None:
        docs = [decode(doc) for doc in docs]
    for i, doc in enumerate(docs):
        if not isinstance(doc, str):
            missing = type(doc).__name__ in ("NAType", "NaTType")
            if doc is None or missing or (isinstance(doc, float) and doc != doc):
                raise ValueError(
                    f"Document {i} is missing ({doc!r}); every document must be a str. "
                    "Drop or fill missing texts first (e.g. with '')."
                )
            raise TypeError(
                f"Document {i} is a {type(doc).__name__} ({doc!r:.40}), not a str; "
                "every document must be a str (decode bytes first)."
            )
    if not docs and not allow_empty:
        raise ValueError("Empty corpus: fit needs at least one document to train the tokenizer.")
    return docs


def chunk_bounds(docs, chunk_chars=None):
    """``(start, stop)`` of consecutive documents holding about ``chunk_chars`` characters."""
    chunk_chars = chunk_chars or _CHUNK_CHARS
    bounds, start, size = [], 0, 0
    for i, doc in enumerate(docs):
        size += len(doc)
        if size >= chunk_chars:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(docs):
        bounds.append((start, len(docs)))
    return bounds


def _encode_error(exc, start, stop):
    message = str(exc)
    hint = ""
    if "unk" in message.lower():
        hint = (
            " The documents hold a token that is not in the vocabulary and the "
            "tokenizer has no unknown token to map it to: train with unk_token set "
            "(the default '[UNK]'), or give a tokenizer with an unk token."
        )
    return ValueError(f"The tokenizer failed on documents {start}..{stop - 1}: {message}.{hint}")


def encode_in_chunks(tokenizer, docs, *, add_special_tokens, offsets=False):
    """Yield ``((start, stop), encodings)`` over byte-sized chunks of ``docs``.

    ``encode_batch`` releases the GIL, so the next ``_IN_FLIGHT`` chunks are
    encoded in helper threads while the caller copies the ids of the current
    one. Without ``offsets``, ``encode_batch_fast`` is used: the same ids,
    without the character offsets (and word ids) that ``encode_batch`` works
    out for every token, and faster.
    """
    bounds = chunk_bounds(docs)
    method = tokenizer.encode_batch if offsets else tokenizer.encode_batch_fast

    def encode(bound):
        start, stop = bound
        try:
            return method(docs[start:stop], add_special_tokens=add_special_tokens)
        except Exception as exc:  # tokenizers raises plain Exception
            raise _encode_error(exc, start, stop) from exc

    if len(bounds) <= 1:
        for bound in bounds:
            yield bound, encode(bound)
        return
    depth = _IN_FLIGHT
    with ThreadPoolExecutor(max_workers=depth) as pool:
        futures = deque(pool.submit(encode, b) for b in bounds[:depth])
        for i, bound in enumerate(bounds):
            encodings = futures.popleft().result()
            if i + depth < len(bounds):
                futures.append(pool.submit(encode, bounds[i + depth]))
            yield bound, encodings


def flat_ids(encodings):
    """Lengths and concatenated ids of a list of Encodings, as int64 arrays."""
    ids = [e.ids for e in encodings]
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    return lengths, flat


def row_counts(lengths, flat, n_features):
    """Count the ids of consecutive rows: ``(row_nnz, columns, counts)``.

    ``lengths[i]`` ids of ``flat`` belong to row ``i``; negative ids are not
    counted. ``columns`` are sorted within each row, as CSR wants them.
    """
    n_rows = len(lengths)
    # One sort of row * n_features + id groups equal ids of a row and leaves
    # the columns of each row sorted.
    keys = np.repeat(np.arange(n_rows, dtype=np.int64) * n_features, lengths)
    keys += flat
    if flat.size and flat.min() < 0:
        keys = keys[flat >= 0]
    if not keys.size:
        return np.zeros(n_rows, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys.sort()
    first = np.empty(keys.size, dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    rows, cols = np.divmod(keys[starts], n_features)
    counts = np.diff(starts, append=keys.size)
    return np.bincount(rows, minlength=n_rows), cols, counts


def count_matrix(tokenizer, docs, n_features, dtype=np.int64, freq=None, column_of=None,
                 lost=None):
    """CSR matrix of token counts, ``(len(docs), n_features)``, sorted indices.

    ``freq``, an int64 array of ``n_features`` zeros, receives how often each
    id occurs (the column sums) without a pass over the finished matrix.
    ``column_of``, an int array indexed by id, moves the count of each id to
    that column, or drops it where negative; ``lost``, int64 zeros of
    ``len(docs)``, then receives how many tokens of each document went to -1.
    """
    n_docs = len(docs)
    row_nnz = np.zeros(n_docs, dtype=np.int64)
    indices, data = [], []
    index_dtype = np.int32 if n_features < np.iinfo(np.int32).max else np.int64
    for (start, stop), encodings in encode_in_chunks(tokenizer, docs, add_special_tokens=False):
        lengths, flat = flat_ids(encodings)
        del encodings
        if not flat.size:
            continue
        if freq is not None:
            freq += np.bincount(flat, minlength=n_features)[:n_features]
        if column_of is not None:
            flat = column_of[flat]
            if lost is not None:
                rows = np.repeat(np.arange(start, stop), lengths)
                lost += np.bincount(rows[flat == -1], minlength=lost.size)
        row_nnz[start:stop], cols, counts = row_counts(lengths, flat, n_features)
        indices.append(cols.astype(index_dtype))
        # a chunk's counts are below its token count: int32 until the end
        count_dtype = np.int32 if flat.size < np.iinfo(np.int32).max else np.int64
        data.append(counts.astype(count_dtype))
    return assemble_csr(row_nnz, indices, data, n_features, dtype, index_dtype)


def assemble_csr(row_nnz, indices, data, n_features, dtype=np.int64, index_dtype=np.int32):
    """The CSR matrix of rows whose columns and values come in parts, in row order.

    The part lists are emptied as they are copied.
    """
    n_docs = len(row_nnz)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    if indptr[-1] < np.iinfo(np.int32).max and index_dtype == np.int32:
        indptr = indptr.astype(np.int32)
    # The encoding threads leave their freed buffers in glibc's arenas; give
    # them back before the output is assembled next to its parts (worth it
    # past one chunk). Then one array at a time, each part list emptied as
    # soon as it is copied.
    if len(data) > 1:
        release_free_memory()
    values = np.concatenate(data, dtype=dtype, casting="unsafe") if data else np.zeros(0, dtype)
    data.clear()
    columns = np.concatenate(indices) if indices else np.zeros(0, dtype=index_dtype)
    indices.clear()
    X = sp.csr_matrix((values, columns, indptr), shape=(n_docs, n_features), copy=False)
    X.has_sorted_indices = True
    return X


def renumber_in_place(indices, old_to_new, block=1 << 20):
    """``indices[:] = old_to_new[indices]``, a block at a time.

    ``np.take`` converts its indices to ``intp``: on the whole array that is a
    temporary copy twice the size of int32 indices.
    """
    for i in range(0, indices.size, block):
        part = indices[i : i + block]
        np.take(old_to_new, part, out=part, mode="clip")


def token_frequencies(tokenizer, docs, n_features):
    """How often each id occurs when ``tokenizer`` encodes ``docs``."""
    freq = np.zeros(n_features, dtype=np.int64)
    for _, encodings in encode_in_chunks(tokenizer, docs, add_special_tokens=False):
        _, flat = flat_ids(encodings)
        freq += np.bincount(flat, minlength=n_features)[:n_features]
    return freq


