"""The package namespace: the GP names moved out, still reachable through a warning alias."""

import subprocess
import sys

import pytest

import skbridge.estimators.gaussian_process as gaussian_process
import skbridge.pipes

MOVED = [
    "GPRegressor",
    "StudentTProcessRegressor",
    "SparseSpectrumGPRegressor",
    "KERNELS",
    "make_kernel",
    "plot_gp",
]


@pytest.mark.parametrize("name", MOVED)
def test_moved_names_still_import_from_pipes_with_a_future_warning(name):
    with pytest.warns(FutureWarning, match="moved to skbridge.estimators.gaussian_process.*0.3"):
        obj = getattr(skbridge.pipes, name)
    assert obj is getattr(gaussian_process, name)
    with pytest.warns(FutureWarning, match=name):
        namespace = {}
        exec(f"from skbridge.pipes import {name}", namespace)
    assert namespace[name] is obj


def test_moved_names_are_not_in_the_pipes_namespace():
    # estimator discovery walks module namespaces: each GP class is found once
    for name in MOVED:
        assert name not in skbridge.pipes.__all__
        assert name not in vars(skbridge.pipes)
        assert name not in dir(skbridge.pipes)
    # importing the package, and all it exports, does not warn
    code = "import skbridge.pipes; from skbridge.pipes import *"
    subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchPipe'"):
        skbridge.pipes.NoSuchPipe
