"""Doctest collection: modules of an optional framework that is not installed are left out.

``make test-numpy2`` runs the core's doctests in an environment without torch
or TensorFlow; the modules that exist to reach those frameworks have nothing to
show there. The same holds for the documentation pages, whose ``>>>`` examples
run as doctests (``--doctest-glob`` in pyproject.toml): a tool's page is left out
where its framework is missing. Sphinx's configuration and build output are
never collected.
"""

import os
import tempfile
from importlib.util import find_spec

# skbridge.config caches its model catalog; tests keep it out of ~/.cache.
os.environ.setdefault("SKBRIDGE_CACHE_DIR", tempfile.mkdtemp(prefix="skbridge-cache-"))

_NEEDS = {
    "torch": [
        "skbridge/compat/torch.py",
        "skbridge/estimators/kge/*",
        "skbridge/estimators/neural/*",
        "docs/tools/kge.rst",
        "docs/tools/neural.rst",
    ],
    "tensorflow": ["skbridge/compat/keras.py", "docs/tools/bnn.rst"],
    "keras": ["skbridge/estimators/neural/_keras*.py"],
    "larq": ["docs/tools/bnn.rst"],
    "pycocotools": ["skbridge/datasets/_dense.py"],
    "hydra": ["skbridge/config/*", "docs/tools/config.rst"],
    "PIL": ["skbridge/datasets/_dense.py", "docs/tools/datasets.rst", "docs/tools/neural.rst"],
    "larq_compute_engine": ["docs/tools/bnn.rst"],
    "tokenizers": ["docs/tools/tokenize.rst"],
    "matplotlib": ["docs/tools/pipes.rst"],
    "skops": ["docs/tools/kge.rst", "skbridge/compat/skops.py"],
}

collect_ignore_glob = [
    pattern
    for module, patterns in _NEEDS.items()
    if find_spec(module) is None
    for pattern in patterns
] + ["docs/conf.py", "docs/_build", "docs/generated", "docs/auto_examples"]
