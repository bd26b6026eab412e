"""Doctest collection: modules of an optional framework that is not installed are left out.

``make test-numpy2`` runs the core's doctests in an environment without torch
or TensorFlow; the modules that exist to reach those frameworks have nothing to
show there.
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
    ],
    "tensorflow": ["skbridge/compat/keras.py"],
    "keras": ["skbridge/estimators/neural/_keras*.py"],
    "pycocotools": ["skbridge/datasets/_dense.py"],
    "hydra": ["skbridge/config/*"],
    "PIL": ["skbridge/datasets/_dense.py"],
}

collect_ignore_glob = [
    pattern
    for module, patterns in _NEEDS.items()
    if find_spec(module) is None
    for pattern in patterns
]
