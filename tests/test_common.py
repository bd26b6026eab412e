"""scikit-learn's common checks on every public estimator of skbridge.

Estimators are discovered by :func:`skbridge.compat.testing.all_estimators`, so
a new one is tested here with no extra step; small test instances and expected
failures (each with its reason) come from the tables in that module.
"""

import inspect

import pytest
from sklearn.base import TransformerMixin, clone
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from skbridge.compat import testing as harness
from skbridge.compat.testing import (
    EXPECTED_FAILED_CHECKS,
    INIT_PARAMS,
    all_estimators,
    expected_failed_checks,
)

# Imported through the module: pytest would collect a bare `tested_instances` as a test.
ESTIMATORS = harness.tested_instances()
TRANSFORMERS = [est for est in ESTIMATORS if isinstance(est, TransformerMixin)]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks, xfail_strict=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _run_check(check, estimator):
    """Run a check that parametrize_with_checks does not yield, honouring the table."""
    reason = expected_failed_checks(estimator).get(check.__name__)
    if reason:
        pytest.xfail(reason)
    check(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_param_validation(estimator):
    _run_check(check_param_validation, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_dataframe_column_names_consistency(estimator):
    _run_check(check_dataframe_column_names_consistency, estimator)


# sklearn's set_output check fits on arrays and transforms frames (and back) on purpose.
@pytest.mark.filterwarnings("ignore:X (does not have valid|has) feature names:UserWarning")
@pytest.mark.parametrize("estimator", TRANSFORMERS, ids=repr)
@pytest.mark.parametrize(
    "check",
    [
        check_transformer_get_feature_names_out,
        check_transformer_get_feature_names_out_pandas,
        check_set_output_transform_pandas,
    ],
    ids=lambda c: c.__name__,
)
def test_transformer_output_checks(estimator, check):
    _run_check(check, clone(estimator))


def test_discovery_finds_the_tools_and_no_base_class():
    names = dict(all_estimators())
    assert {"FastfoodSampler", "RandomFourierSampler"} <= set(names)
    assert not any(name.startswith("_") for name in names)
    for name, cls in names.items():
        assert not inspect.isabstract(cls), name


@pytest.mark.parametrize("name, cls", all_estimators())
def test_estimator_follows_the_house_contract(name, cls):
    params = inspect.signature(cls.__init__).parameters
    positional = [
        p for p in list(params.values())[1:] if p.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    assert not positional, f"{name}.__init__ must be keyword-only, got {positional}"
    assert set(cls._parameter_constraints) == set(list(params)[1:]), name
    assert "_more_tags" not in vars(cls), f"{name} must set tags in __sklearn_tags__"


def test_tables_name_only_discovered_estimators():
    names = set(dict(all_estimators()))
    assert set(INIT_PARAMS) <= names
    assert set(EXPECTED_FAILED_CHECKS) <= names
    for checks in EXPECTED_FAILED_CHECKS.values():
        for check, reason in checks.items():
            assert check.startswith("check_")
            assert len(reason) > 20 and "FIXME" not in reason, (check, reason)
