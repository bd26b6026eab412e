"""Handing freed heap memory back to the operating system."""

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["release_free_memory"]


@functools.cache
def _malloc_trim():
    """Return glibc's ``malloc_trim``, or None on other C libraries and platforms."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl, or no libc found
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory():
    """Return the free pages of the C heap to the operating system.

    Native libraries that allocate from many threads (the Rust code of
    ``tokenizers`` on its thread pool) leave freed memory spread over glibc's
    per-thread arenas, where it counts in the process's resident size until
    the same thread allocates again. After such a burst, ``malloc_trim(0)``
    gives those free pages back, so the next step of the caller starts from
    what is really in use instead of adding to the burst's peak. It frees no
    live object.

    Returns
    -------
    released : bool
        True if memory was released; False where ``malloc_trim`` does not
        exist (not glibc) or had nothing to give back.

    Examples
    --------
    >>> from skbridge.compat.memory import release_free_memory
    >>> release_free_memory() in (True, False)
    True
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
