"""Fixtures of scikit-learn's ``conftest.py`` that its test modules use, and the skips."""

import numpy as np
import pytest


@pytest.fixture(params=[np.float32, np.float64])
def global_dtype(request):
    # scikit-learn runs float32 only with SKLEARN_RUN_FLOAT32_TESTS=1; a drop-in
    # must keep float32 too, so both always run here.
    return request.param


@pytest.fixture
def global_random_seed():
    # scikit-learn's default seed (SKLEARN_TESTS_GLOBAL_RANDOM_SEED unset).
    return 42


def pytest_collection_modifyitems(config, items):
    """Mark the tests named in a peer module's ``PEER_SKIPS`` as skipped."""
    for item in items:
        skips = getattr(getattr(item, "module", None), "PEER_SKIPS", None)
        if not skips:
            continue
        reason = skips.get(item.name) or skips.get(getattr(item, "originalname", item.name))
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"peer skip: {reason}"))
