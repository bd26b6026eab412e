"""Optional dependencies: import_optional, and a light import of the package."""

import subprocess
import sys

import pytest

from skbridge.compat import OptionalDependencyError, import_optional


def test_import_optional_names_the_extra_to_install():
    with pytest.raises(
        OptionalDependencyError, match=r"pip install 'scikit-bridge\[kge\]'"
    ) as info:
        import_optional("skbridge_no_such_module", extra="kge", purpose="TransE")
    assert "TransE needs the optional dependency 'skbridge_no_such_module'" in str(info.value)
    assert isinstance(info.value, ImportError)


def test_import_optional_returns_the_module():
    import json

    assert import_optional("json", extra="core") is json


def test_importing_skbridge_loads_no_heavy_framework():
    code = (
        "import sys, skbridge, skbridge.transformers, skbridge.datasets, skbridge.compat.testing;"
        "heavy = {'torch', 'tensorflow', 'numba', 'keras', 'tokenizers', 'hydra', 'matplotlib'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
