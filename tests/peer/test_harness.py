"""The peer-test harness: import rewrite, test selection and skip-list checks."""

import ast

import pytest

from . import test_gpr
from ._harness import load_peer, rewrite_peer_source

SOURCE = '''
from sklearn.thing import Theirs, Other
from ._helpers import helper

def make():
    return Theirs()

def test_direct():
    assert Theirs is not None

def test_through_helper():
    assert make() is not None

def test_other():
    assert Other is not None
'''


def test_rewrite_rebinds_the_name_and_keeps_only_tests_that_reach_it():
    tree, kept, dropped = rewrite_peer_source(
        SOURCE, "sklearn.tests", {"Theirs": "collections:OrderedDict"}
    )
    assert kept == ["test_direct", "test_through_helper"]
    assert dropped == ["test_other"]
    imports = [ast.unparse(node) for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert imports == [
        "from sklearn.thing import Other",
        "from collections import OrderedDict as Theirs",
        "from sklearn.tests._helpers import helper",
    ]
    # line numbers stay those of the source, for tracebacks
    assert next(n for n in tree.body if getattr(n, "name", "") == "test_direct").lineno == 8


def test_rewrite_refuses_what_it_cannot_redirect():
    with pytest.raises(ValueError, match="imports none of"):
        rewrite_peer_source(SOURCE, "sklearn.tests", {"Missing": "collections:OrderedDict"})
    attribute = "import sklearn.thing\nfrom sklearn.thing import Theirs\nx = sklearn.thing.Theirs\n"
    with pytest.raises(ValueError, match="as an attribute"):
        rewrite_peer_source(attribute, "sklearn", {"Theirs": "collections:OrderedDict"})


def test_rewrite_refuses_an_import_inside_a_function():
    nested = (
        "from sklearn.thing import Theirs\n"
        "def test_inner():\n"
        "    from sklearn.thing import Theirs\n"
        "    assert Theirs\n"
    )
    with pytest.raises(ValueError, match="inside a function"):
        rewrite_peer_source(nested, "sklearn", {"Theirs": "collections:OrderedDict"})


def test_a_missing_peer_module_fails_unless_allowed(monkeypatch):
    replace = {"GaussianProcessRegressor": "skbridge.estimators.gaussian_process:GPRegressor"}
    monkeypatch.delenv("SKBRIDGE_ALLOW_NO_PEER_TESTS", raising=False)
    with pytest.raises(RuntimeError, match="SKBRIDGE_ALLOW_NO_PEER_TESTS"):
        load_peer({}, "sklearn.gaussian_process.tests.test_missing", replace)
    monkeypatch.setenv("SKBRIDGE_ALLOW_NO_PEER_TESTS", "1")
    with pytest.raises(pytest.skip.Exception):
        load_peer({}, "sklearn.gaussian_process.tests.test_missing", replace)


def test_skip_lists_must_name_kept_tests():
    replace = {"GaussianProcessRegressor": "skbridge.estimators.gaussian_process:GPRegressor"}
    with pytest.raises(ValueError, match="no longer has"):
        load_peer({}, "sklearn.gaussian_process.tests.test_gpr", replace, {"test_gone": "x"})


def test_peer_module_ran_ours():
    assert test_gpr.GaussianProcessRegressor.__module__.startswith("skbridge.")
    assert "test_sample_statistics" in test_gpr.PEER_KEPT
    assert test_gpr.PEER_SOURCE.endswith("test_gpr.py")
