"""Handing freed heap memory back to the operating system: release_free_memory."""

import platform
import sys
from types import SimpleNamespace

from skbridge.compat import memory, release_free_memory
from skbridge.compat.memory import _malloc_trim

# malloc_trim exists in glibc only; musl, macOS and Windows have none.
GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def test_release_free_memory():
    if GLIBC:
        assert _malloc_trim() is not None
    blocks = [bytearray(1 << 16) for _ in range(256)]  # 16 MB from malloc
    del blocks[::2]
    # The freed blocks are holes between live ones, which free() cannot give back
    # but glibc's malloc_trim(0) can: it reports a release. Elsewhere: False.
    assert release_free_memory() is GLIBC
    assert all(len(b) == 1 << 16 for b in blocks)  # live memory untouched


def test_release_free_memory_without_malloc_trim(monkeypatch):
    monkeypatch.setattr(memory, "sys", SimpleNamespace(platform="darwin"))
    _malloc_trim.cache_clear()
    try:
        assert _malloc_trim() is None
        assert release_free_memory() is False
    finally:
        _malloc_trim.cache_clear()  # the next call looks up the real platform's again
