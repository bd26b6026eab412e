"""The compat layer: optional imports, thread counts, light package import."""

import subprocess
import sys

import pytest

from skbridge.compat import OptionalDependencyError, effective_n_threads, import_optional


def test_import_optional_names_the_extra_to_install():
    with pytest.raises(OptionalDependencyError, match=r"pip install 'scikit-bridge\[kge\]'") as info:
        import_optional("skbridge_no_such_module", extra="kge", purpose="TransE")
    assert "TransE needs the optional dependency 'skbridge_no_such_module'" in str(info.value)
    assert isinstance(info.value, ImportError)


def test_import_optional_returns_the_module():
    import json

    assert import_optional("json", extra="core") is json


def test_effective_n_threads():
    assert effective_n_threads(1) == 1
    assert effective_n_threads(3) == 3
    assert effective_n_threads(None) >= 1
    assert effective_n_threads(-1) >= effective_n_threads(-2) >= 1


def test_importing_skbridge_loads_no_heavy_framework():
    code = (
        "import sys, skbridge, skbridge.transformers, skbridge.datasets, skbridge.compat.testing;"
        "heavy = {'torch', 'tensorflow', 'numba', 'keras', 'tokenizers', 'hydra', 'matplotlib'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_release_free_memory():
    import platform

    from skbridge.compat import release_free_memory
    from skbridge.compat.memory import _malloc_trim

    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert _malloc_trim() is not None
    blocks = [bytearray(1 << 16) for _ in range(256)]  # 16 MB from malloc
    del blocks[::2]
    assert release_free_memory() in (True, False)
    assert all(len(b) == 1 << 16 for b in blocks)  # live memory untouched
