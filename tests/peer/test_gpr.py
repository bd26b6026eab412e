"""scikit-learn's GaussianProcessRegressor tests, run against GPRegressor.

The tests come from the installed ``sklearn/gaussian_process/tests/test_gpr.py``
with ``GaussianProcessRegressor`` bound to
:class:`skbridge.estimators.gaussian_process.GPRegressor` (see ``_harness.py``).
"""

from ._harness import load_peer

# Tests that check scikit-learn's internals rather than the public behaviour.
PEER_SKIPS = {
    # Reads ``gpr._y_train_std``, a private attribute of scikit-learn's class
    # (ours is the public ``y_train_std_``). The behaviour it checks, constant
    # targets (single and multi-output) with normalize_y, is tested in
    # tests/estimators/gaussian_process/test_exact.py::test_constant_target.
    "test_constant_target": "reads the private attribute _y_train_std",
}

load_peer(
    globals(),
    "sklearn.gaussian_process.tests.test_gpr",
    {"GaussianProcessRegressor": "skbridge.estimators.gaussian_process:GPRegressor"},
    PEER_SKIPS,
)
