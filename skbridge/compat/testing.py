"""Test harness: estimator discovery, small test instances, expected failures.

``tests/test_common.py`` runs scikit-learn's common checks on every public
estimator found here, so a new estimator is tested with no extra step. Two
tables steer it:

* :data:`INIT_PARAMS` gives small, seeded parameter sets per estimator (one
  test instance per dict); an estimator not listed is tested with its defaults.
* :data:`EXPECTED_FAILED_CHECKS` lists the checks an estimator is known to fail,
  each with the specific reason. ``tests/test_common.py`` marks them ``xfail``
  (strict: a check that starts passing must be removed from the table).
"""

import importlib
import inspect
import pkgutil
from operator import itemgetter

from sklearn.base import BaseEstimator
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

from .optional import OptionalDependencyError

__all__ = [
    "EXPECTED_FAILED_CHECKS",
    "INIT_PARAMS",
    "OPTIONAL_MODULES",
    "all_estimators",
    "expected_failed_checks",
    "make_test_instances",
    "tested_instances",
]

# Top-level modules of optional stacks. A skbridge module that fails to import
# because one of these is missing is skipped by discovery (its extra is not
# installed); any other ImportError is a bug and propagates.
OPTIONAL_MODULES = frozenset(
    {"torch", "tensorflow", "tf_keras", "keras", "larq", "larq_compute_engine",
     "tokenizers", "hydra", "omegaconf", "matplotlib", "numba", "tqdm", "pycocotools",
     "PIL"}
)

# {class name: [init params, ...]}: small and seeded, so the checks run fast.
INIT_PARAMS = {
    "FastfoodSampler": [
        {"n_components": 64, "random_state": 0},
        {"kernel": "matern", "nu": 1.5, "n_components": 33, "random_state": 0},
    ],
    "RandomFourierSampler": [
        {"n_components": 64, "random_state": 0},
        {"kernel": "matern", "nu": 2.5, "n_components": 33, "random_state": 0},
    ],
    "TokenCountVectorizer": [
        {"model": "bpe", "vocab_size": 200},
        {"model": "wordlevel", "vocab_size": 200, "binary": True},
        # CountVectorizer's drop-in settings, with word bigrams.
        {"model": "wordlevel", "token_pattern": r"(?u)\b\w\w+\b", "vocab_size": None,
         "min_frequency": 1, "ngram_range": (1, 2)},
    ],
    "TokenTfidfVectorizer": [
        {"model": "wordpiece", "vocab_size": 200},
        {"model": "wordlevel", "token_pattern": r"(?u)\b\w\w+\b", "vocab_size": None,
         "min_frequency": 1},
    ],
    "TokenIdEncoder": [
        {"model": "wordpiece", "vocab_size": 200, "max_length": 16},
    ],
    # Automunge (skbridge.transformers.munge): defaults, and power transforms + ML infill.
    "AutoMunger": [{}, {"powertransform": True, "ml_infill": True, "random_state": 0}],
    # KGE models (skbridge.estimators.kge): tiny embeddings, two epochs.
    **{
        name: [{"k": 8, "eta": 2, "epochs": 2, "batch_size": 16, "random_state": 0}]
        for name in ("TransE", "DistMult", "ComplEx", "HolE", "RotatE")
    },
    "ConvE": [
        {"k": 8, "eta": 2, "epochs": 2, "batch_size": 16, "random_state": 0,
         "scoring_params": {"n_filters": 4}},
    ],
    # DynaML pipes (skbridge.pipes): function pipes take any input unvalidated,
    # so they are checked wrapping a validating step. GP models
    # (skbridge.estimators.gaussian_process): small and seeded.
    "DataPipe": [{"func": StandardScaler()}],
    "ReversiblePipe": [{"func": StandardScaler()}],
    "ComposedPipe": [{"pipes": [StandardScaler(), MaxAbsScaler()]}],
    "BranchPipe": [{"pipes": [StandardScaler(), MaxAbsScaler()], "combine": "hstack"}],
    "ProductPipe": [{"pipes": [StandardScaler(), MaxAbsScaler()]}],
    "GPRegressor": [{"kernel": "constant * rbf + white"}],
    "StudentTProcessRegressor": [{"kernel": "rbf + white"}],
    "SparseSpectrumGPRegressor": [{"n_components": 64, "random_state": 0}],
    # Dense tasks of the neural engine: tiny networks, one epoch.
    "NeuralNetSegmenter": [{"module_params": {"width": 4}, "epochs": 1, "random_state": 0}],
    "NeuralNetDetector": [{"module_params": {"width": 4}, "epochs": 1, "random_state": 0}],
    # Larq (skbridge.estimators.bnn): a small binary MLP, a few epochs, seeded; one engine each.
    "BinaryNetClassifier": [
        {"hidden_units": (32,), "epochs": 5, "batch_size": 16, "random_state": 0},
        {"hidden_units": (32,), "epochs": 5, "batch_size": 16, "random_state": 0,
         "inference": "bitpacked"},
    ],
    # Neural engine (skbridge.estimators.neural): a small MLP, a few epochs, seeded; both backends.
    **{
        name: [{"module_params": {"hidden_units": (32,)}, "epochs": 5, "batch_size": 16,
                "learning_rate": 1e-2, "random_state": 0, "backend": backend}
               for backend in ("torch", "keras")]
        for name in ("NeuralNetClassifier", "NeuralNetRegressor")
    },
}

# {class name: {check name: reason}}: every entry states why the check cannot pass.
EXPECTED_FAILED_CHECKS = {}

# KGE models take (n, 3) triples (head, relation, tail); checks that fit on
# another number of columns get the error naming the shape.
_KGE_THREE_COLUMNS = "KGE models need exactly 3 columns (head, relation, tail); the check fits on"
_KGE_EXPECTED_FAILURES = {
    "check_estimators_overwrite_params": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_estimators_fit_returns_self": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_readonly_memmap_input": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_n_features_in_after_fitting": f"{_KGE_THREE_COLUMNS} 4 columns",
    "check_positive_only_tag_during_fit": (
        f"{_KGE_THREE_COLUMNS} 2 columns (labels may be negative)"
    ),
    "check_estimators_dtypes": f"{_KGE_THREE_COLUMNS} 5 columns",
    "check_dtype_object": f"{_KGE_THREE_COLUMNS} 10 columns",
    "check_fit2d_1sample": f"{_KGE_THREE_COLUMNS} 10 columns, so the 3-column error comes first",
    "check_fit_idempotent": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_fit_check_is_fitted": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_n_features_in": f"{_KGE_THREE_COLUMNS} 2 columns",
    "check_fit2d_predict1d": (
        "a 1-D array of length 3 is read as one triple, as in AmpliGraph's "
        "predict(X_test[42]), so predict on one row of a 3-column X does not raise"
    ),
    "check_dataframe_column_names_consistency": f"{_KGE_THREE_COLUMNS} an 8-column DataFrame",
}
EXPECTED_FAILED_CHECKS.update(
    {name: dict(_KGE_EXPECTED_FAILURES)
     for name in ("TransE", "DistMult", "ComplEx", "HolE", "RotatE", "ConvE")}
)


def _walk_modules(package):
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        parts = info.name.split(".")
        if any(p == "tests" or p.startswith("_") for p in parts[1:]):
            continue
        try:
            yield importlib.import_module(info.name)
        except OptionalDependencyError:
            continue
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in OPTIONAL_MODULES:
                raise


def all_estimators():
    """Every public, concrete scikit-learn estimator defined in :mod:`skbridge`.

    Walks the package like scikit-learn's ``all_estimators``: private modules,
    ``tests`` packages, private and abstract classes are skipped, and so are the
    modules whose optional framework is not installed.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from skbridge.compat.testing import all_estimators
    >>> "FastfoodSampler" in dict(all_estimators())
    True
    """
    import skbridge

    found = {}
    for module in _walk_modules(skbridge):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseEstimator)
                and cls.__module__.startswith("skbridge.")
                and not name.startswith("_")
                and not inspect.isabstract(cls)
            ):
                found[name] = cls
    return sorted(found.items(), key=itemgetter(0))


def make_test_instances(estimator_class):
    """Small seeded instances of ``estimator_class`` from :data:`INIT_PARAMS`.

    Parameters
    ----------
    estimator_class : type
        A scikit-learn estimator class.

    Returns
    -------
    instances : list of estimator
        One instance per parameter dict listed for the class, or one default
        instance when the class is not listed.

    Examples
    --------
    >>> from skbridge.compat.testing import make_test_instances
    >>> from skbridge.transformers import FastfoodSampler
    >>> make_test_instances(FastfoodSampler)[0]
    FastfoodSampler(n_components=64, random_state=0)
    """
    params_list = INIT_PARAMS.get(estimator_class.__name__, [{}])
    return [estimator_class(**params) for params in params_list]


def tested_instances():
    """Every test instance of every discovered estimator.

    Returns
    -------
    instances : list of estimator
        :func:`make_test_instances` of each class of :func:`all_estimators`.
    """
    return [est for _, cls in all_estimators() for est in make_test_instances(cls)]


def expected_failed_checks(estimator):
    """The checks ``estimator`` is known to fail, with the reasons.

    Parameters
    ----------
    estimator : estimator instance
        An instance under test.

    Returns
    -------
    checks : dict of str to str
        ``{check name: reason}`` from :data:`EXPECTED_FAILED_CHECKS`, the form
        ``parametrize_with_checks(expected_failed_checks=...)`` takes.

    Examples
    --------
    >>> from skbridge.compat.testing import expected_failed_checks
    >>> from skbridge.transformers import FastfoodSampler
    >>> expected_failed_checks(FastfoodSampler())
    {}
    """
    return dict(EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))
