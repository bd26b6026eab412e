"""The scikit-learn shim: effective_n_threads."""

from skbridge.compat import effective_n_threads


def test_effective_n_threads():
    assert effective_n_threads(1) == 1
    assert effective_n_threads(3) == 3
    assert effective_n_threads(None) >= 1
    assert effective_n_threads(-1) >= effective_n_threads(-2) >= 1
