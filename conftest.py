"""Doctest collection: modules of an optional framework that is not installed are left out.

``make test-numpy2`` runs the core's doctests in an environment without torch
or TensorFlow; the modules that exist to reach those frameworks have nothing to
show there.
"""

from importlib.util import find_spec

_NEEDS = {
    "torch": [
        "skbridge/compat/torch.py",
        "skbridge/estimators/kge/*",
        "skbridge/estimators/neural/*",
    ],
    "tensorflow": ["skbridge/compat/keras.py"],
    "keras": ["skbridge/estimators/neural/_keras*.py"],
    "pycocotools": ["skbridge/datasets/_dense.py"],
    "PIL": ["skbridge/datasets/_dense.py"],
}

collect_ignore_glob = [
    pattern
    for module, patterns in _NEEDS.items()
    if find_spec(module) is None
    for pattern in patterns
]
