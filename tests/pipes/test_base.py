"""Composition operators shared by every pipe: ``>>``, ``(a > b) > c``, chains, arguments."""

import ast
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skbridge.pipes
from skbridge.pipes import ComposedPipe, DataPipe, compose, stream_batch, stream_map

from ._functions import halve, power, shift

# ----- composition laws -------------------------------------------------------


def test_composition_is_associative(X):
    a, b, c = DataPipe(power), DataPipe(shift, kw_args={"by": 3.0}), DataPipe(halve)
    left, right, chained = (a > b) > c, a > (b > c), a >> b >> c
    assert repr(left) == repr(right) == repr(chained)
    assert left.get_params(deep=False) == right.get_params(deep=False)
    expected = halve(shift(power(X), by=3.0))
    for pipe in (left, right, chained, a >> (b >> c), compose(a, compose(b, c))):
        np.testing.assert_allclose(pipe(X), expected)
        np.testing.assert_allclose(pipe.fit_transform(X), expected)
        np.testing.assert_allclose(pipe.fit(X).transform(X), expected)


def test_rshift_equals_parenthesised_gt(X):
    a, b, c = DataPipe(power), DataPipe(shift, kw_args={"by": 3.0}), DataPipe(halve)
    chained, parenthesised = a >> b >> c, (a > b) > c
    assert chained.pipes == parenthesised.pipes  # the same stage objects, in order
    assert all(p is q for p, q in zip(chained.pipes, [a, b, c]))
    np.testing.assert_allclose(chained(X), parenthesised(X))
    np.testing.assert_allclose(chained.fit_transform(X), parenthesised.fit_transform(X))


def test_identity_is_neutral(X):
    p = DataPipe(power) > DataPipe(halve)
    identity = DataPipe()
    for pipe in (identity > p, p > identity, identity >> identity >> p):
        np.testing.assert_allclose(pipe(X), p(X))
    assert identity(X) is X


# ----- a > b > c without parentheses -------------------------------------------


def test_chained_comparison_raises_naming_rshift():
    a, b, c = DataPipe(power), DataPipe(shift), DataPipe(halve)
    with pytest.raises(TypeError, match=r"a > b > c.*not supported.*a >> b >> c"):
        a > b > c
    with pytest.raises(TypeError, match=">>"):
        a > b > c > a
    # a function, a scikit-learn step or an estimator in the chain: the same error
    with pytest.raises(TypeError, match=">>"):
        np.abs > a > b
    with pytest.raises(TypeError, match=">>"):
        a > StandardScaler() > b
    with pytest.raises(TypeError, match=">>"):
        a > b > Ridge()
    with pytest.raises(TypeError, match=">>"):  # `>` gave a Pipeline: it raises too
        make_pipeline(StandardScaler()) > a > Ridge()
    with pytest.raises(TypeError, match=">>"):
        stream_map(abs) > stream_batch(2) > stream_map(len)


def test_chain_does_not_join_unrelated_comparisons():
    a, b, c = DataPipe(power), DataPipe(shift), DataPipe(halve)
    ab = a > b
    with pytest.raises(TypeError, match=">>"):  # a truth test of what `>` returned
        if ab:
            pass
    assert ab is not None
    assert repr(b > c) == "DataPipe(shift) > DataPipe(halve)"
    # pipes built any other way are ordinary truthy objects
    assert bool(a) and bool(a >> b) and bool(compose(a, b)) and bool(ComposedPipe())
    chain = a >> b >> c >> a
    assert len(chain.pipes) == 4


def test_no_frame_or_bytecode_inspection():
    for path in Path(skbridge.pipes.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "dis" not in imported, path.name
        assert "_getframe" not in path.read_text(encoding="utf-8"), path.name


# ----- operands ------------------------------------------------------------------


def test_functions_and_sklearn_transformers_compose(X):
    pipe = DataPipe(power) >> StandardScaler() >> DataPipe(halve)
    assert isinstance(pipe, ComposedPipe) and len(pipe.pipes) == 3
    out = pipe.fit_transform(X)
    np.testing.assert_allclose(out, StandardScaler().fit_transform(power(X)) / 2)
    assert repr(np.abs > DataPipe(halve)) == "DataPipe(absolute) > DataPipe(halve)"


def test_positional_func_and_bad_arguments():
    assert DataPipe(halve).get_params() == DataPipe(func=halve).get_params()
    with pytest.raises(TypeError, match="at most 1 positional"):
        DataPipe(halve, shift)
    with pytest.raises(TypeError, match="both by position and by keyword"):
        DataPipe(halve, func=shift)
    with pytest.raises(TypeError, match="cannot compose"):
        DataPipe(halve) > 3
