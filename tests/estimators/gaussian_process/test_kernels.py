"""Kernel algebra: names, expressions, the KERNELS registry and its errors."""

import numpy as np
import pytest
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel

from skbridge.estimators.gaussian_process import KERNELS, GPRegressor, make_kernel


def test_kernel_names_and_expressions():
    assert make_kernel("rbf") == RBF()
    assert make_kernel("RBF", {"length_scale": 2.0}) == RBF(2.0)
    expr = make_kernel("2.0 * rbf + white", {"rbf": {"length_scale": 0.5}})
    assert expr == ConstantKernel(2.0) * RBF(0.5) + WhiteKernel()
    nested = make_kernel("rbf * (periodic + linear)")
    assert "ExpSineSquared" in repr(nested) and "DotProduct" in repr(nested)
    assert make_kernel(Matern, {"nu": 0.5}) == Matern(nu=0.5)
    assert make_kernel("2.0") == ConstantKernel(2.0)
    assert make_kernel(None) == ConstantKernel(1.0, "fixed") * RBF(1.0, "fixed")
    sk = RBF(3.0)
    assert make_kernel(sk) == sk and make_kernel(sk) is not sk
    # kernels compose and scale as objects too
    algebra = 3.0 * make_kernel("rbf") + make_kernel("white")
    X = np.random.RandomState(0).normal(size=(5, 2))
    np.testing.assert_allclose(algebra(X), 3.0 * RBF()(X) + WhiteKernel()(X))
    for name in KERNELS:
        assert make_kernel(name)(X).shape == (5, 5)


@pytest.mark.parametrize(
    "kernel, kwargs, error, match",
    [
        ("banana", None, ValueError, "Unknown kernel 'banana'"),
        ("rbf + ", None, ValueError, "Malformed kernel expression"),
        ("rbf $ white", None, ValueError, "Malformed kernel expression"),
        ("(rbf + white", None, ValueError, "missing '\\)'"),
        ("rbf", {"lengthscale": 1.0}, ValueError, "Bad kernel_kwargs for 'rbf'"),
        ("rbf + white", {"matern": {}}, ValueError, "does not use"),
        (dict, None, TypeError, "not a kernel class"),
        (None, {"length_scale": 1.0}, ValueError, "without a kernel"),
    ],
)
def test_bad_kernels_give_clear_errors(small, kernel, kwargs, error, match):
    X, y, _ = small
    with pytest.raises(error, match=match):
        make_kernel(kernel, kwargs)
    with pytest.raises(error, match=match):
        GPRegressor(kernel=kernel, kernel_kwargs=kwargs).fit(X, y)


def test_kernel_must_be_a_kernel(small):
    X, y, _ = small
    with pytest.raises(ValueError, match="'kernel' parameter"):
        GPRegressor(kernel=3).fit(X, y)


def test_kernels_is_a_registry_of_sklearn_kernel_classes():
    from sklearn.gaussian_process.kernels import ExpSineSquared, Kernel, RationalQuadratic

    from skbridge.utils import Registry

    assert isinstance(KERNELS, Registry) and KERNELS.base is Kernel
    assert KERNELS["se"] is RBF and KERNELS["RQ"] is RationalQuadratic
    assert KERNELS.lookup("exp_sine_squared") is ExpSineSquared
    assert "periodic" in KERNELS and "banana" not in KERNELS
    assert all(issubclass(cls, Kernel) for cls in KERNELS.values())
    for name in ("rational_quadratic", "rq", "noise", "dot_product"):
        assert make_kernel(name) == KERNELS.make(name)
    with pytest.raises(ValueError, match=r"Unknown kernel 'banana'; choose one of \["):
        make_kernel("banana")
    with pytest.raises(ValueError, match="Unknown kernel 'banana'.*expression 'rbf \\+ banana'"):
        make_kernel("rbf + banana")
