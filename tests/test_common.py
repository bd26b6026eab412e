"""scikit-learn's common checks on every public estimator of skbridge.

Estimators are discovered by :func:`skbridge.compat.testing.all_estimators`, so
a new one is tested here with no extra step; small test instances and expected
failures (each with its reason) come from the tables in that module.
"""

import importlib
import inspect
import re
from pathlib import Path

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

import skbridge
from skbridge.compat import OptionalDependencyError
from skbridge.compat import testing as harness
from skbridge.compat.testing import (
    EXPECTED_FAILED_CHECKS,
    INIT_PARAMS,
    OPTIONAL_MODULES,
    all_estimators,
    expected_failed_checks,
)

# Imported through the module: pytest would collect a bare `tested_instances` as a test.
ESTIMATORS = harness.tested_instances()
TRANSFORMERS = [est for est in ESTIMATORS if isinstance(est, TransformerMixin)]


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=expected_failed_checks, xfail_strict=True
)
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


def _module_defining(name):
    """Dotted name of the skbridge module whose source defines class ``name``."""
    root = Path(skbridge.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if re.search(rf"^class {name}\b", path.read_text(encoding="utf-8"), re.M):
            parts = path.relative_to(root.parent).with_suffix("").parts
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return None


def test_tables_name_only_discovered_estimators():
    names = set(dict(all_estimators()))
    for table in (INIT_PARAMS, EXPECTED_FAILED_CHECKS):
        for name in set(table) - names:
            # not discovered: only where its module needs a framework that is
            # not installed (the core runs without torch or tokenizers)
            module = _module_defining(name)
            assert module is not None, f"{name} is in a table but defined nowhere"
            with pytest.raises(ImportError) as info:
                importlib.import_module(module)
            assert isinstance(info.value, OptionalDependencyError) or (
                (info.value.name or "").split(".")[0] in OPTIONAL_MODULES
            ), (name, info.value)
    for checks in EXPECTED_FAILED_CHECKS.values():
        for check, reason in checks.items():
            assert check.startswith("check_")
            assert len(reason) > 20 and "FIXME" not in reason, (check, reason)
