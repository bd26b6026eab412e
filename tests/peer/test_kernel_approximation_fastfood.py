"""scikit-learn's RBFSampler tests, run against FastfoodSampler.

The tests come from the installed ``sklearn/tests/test_kernel_approximation.py``
with ``RBFSampler`` bound to :class:`skbridge.transformers.FastfoodSampler` (see
``_harness.py``); the tests of scikit-learn's other kernel approximations are
dropped.
"""

from ._harness import load_peer

# Tests that read RBFSampler's own random draws or private attributes. What
# they check of the public behaviour is tested in tests/transformers/test_kernels.py
# (test_float32_is_preserved_and_close_to_float64, test_gamma_scale_matches_rbfsampler_rule).
PEER_SKIPS = {
    # RBFSampler's draws random_weights_ (n_features, n_components) and
    # random_offset_ (n_components,); ours draws (cos, sin) pairs of frequencies
    # and no per-feature phases, stored in attributes of their own.
    "test_rbf_sampler_fitted_attributes_dtype": "reads RBFSampler's draws random_offset_ "
    "and random_weights_",
    "test_rbf_sampler_dtype_equivalence": "compares RBFSampler's draws random_offset_ and "
    "random_weights_ between float32 and float64 fits",
    # gamma="scale" is supported; the value resolved is the public gamma_ here.
    "test_rbf_sampler_gamma_scale": "reads the private attribute _gamma",
}

load_peer(
    globals(),
    "sklearn.tests.test_kernel_approximation",
    {"RBFSampler": "skbridge.transformers:FastfoodSampler"},
    PEER_SKIPS,
)
