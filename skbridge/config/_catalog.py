"""The model catalog: one structured config per estimator, generated, never hand-written.

Every estimator :func:`skbridge.compat.testing.all_estimators` discovers, plus the
common scikit-learn ones in :data:`SKLEARN_ESTIMATORS`, becomes an option of the
``model`` config group (transformers also of ``preprocess``). Its schema — the
fields, their defaults and, where ``_parameter_constraints`` names a single type,
that type — comes from the class's signature and constraints, so a typo such as
``model.n_compnents=5`` fails when the config is composed, and a new estimator
is an option without any YAML.

Importing every tool costs seconds (torch, TensorFlow), so the catalog is built
once in a child process and cached as JSON (data, never code) under
``$SKBRIDGE_CACHE_DIR`` (default ``~/.cache/skbridge``), keyed by a fingerprint of
the installed versions and of skbridge's source files: editing an estimator
rebuilds it. Composing a config then imports nothing but Hydra.
"""

import dataclasses
import hashlib
import importlib
import importlib.metadata
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Optional

__all__ = ["SKLEARN_ESTIMATORS", "load_catalog", "option_name", "register_catalog"]

CATALOG_VERSION = 1

# The scikit-learn estimators users reach for first: {option name: import path}. Where a
# skbridge estimator has the same option name, the scikit-learn one is ``sklearn_<name>``.
SKLEARN_ESTIMATORS = {
    "logistic_regression": "sklearn.linear_model.LogisticRegression",
    "linear_regression": "sklearn.linear_model.LinearRegression",
    "ridge": "sklearn.linear_model.Ridge",
    "ridge_classifier": "sklearn.linear_model.RidgeClassifier",
    "lasso": "sklearn.linear_model.Lasso",
    "sgd_classifier": "sklearn.linear_model.SGDClassifier",
    "sgd_regressor": "sklearn.linear_model.SGDRegressor",
    "linear_svc": "sklearn.svm.LinearSVC",
    "linear_svr": "sklearn.svm.LinearSVR",
    "svc": "sklearn.svm.SVC",
    "svr": "sklearn.svm.SVR",
    "k_neighbors_classifier": "sklearn.neighbors.KNeighborsClassifier",
    "k_neighbors_regressor": "sklearn.neighbors.KNeighborsRegressor",
    "random_forest_classifier": "sklearn.ensemble.RandomForestClassifier",
    "random_forest_regressor": "sklearn.ensemble.RandomForestRegressor",
    "hist_gradient_boosting_classifier": "sklearn.ensemble.HistGradientBoostingClassifier",
    "hist_gradient_boosting_regressor": "sklearn.ensemble.HistGradientBoostingRegressor",
    "gaussian_process_regressor": "sklearn.gaussian_process.GaussianProcessRegressor",
    "multinomial_nb": "sklearn.naive_bayes.MultinomialNB",
    "mlp_classifier": "sklearn.neural_network.MLPClassifier",
    "dummy_classifier": "sklearn.dummy.DummyClassifier",
    "dummy_regressor": "sklearn.dummy.DummyRegressor",
    "standard_scaler": "sklearn.preprocessing.StandardScaler",
    "min_max_scaler": "sklearn.preprocessing.MinMaxScaler",
    "one_hot_encoder": "sklearn.preprocessing.OneHotEncoder",
    "polynomial_features": "sklearn.preprocessing.PolynomialFeatures",
    "simple_imputer": "sklearn.impute.SimpleImputer",
    "pca": "sklearn.decomposition.PCA",
    "truncated_svd": "sklearn.decomposition.TruncatedSVD",
    "nystroem": "sklearn.kernel_approximation.Nystroem",
    "rbf_sampler": "sklearn.kernel_approximation.RBFSampler",
    "count_vectorizer": "sklearn.feature_extraction.text.CountVectorizer",
    "tfidf_vectorizer": "sklearn.feature_extraction.text.TfidfVectorizer",
    "tfidf_transformer": "sklearn.feature_extraction.text.TfidfTransformer",
}

# Names whose mixed case has no word boundaries to split on (AmpliGraph's spellings).
_OPTION_NAMES = {
    "TransE": "transe", "DistMult": "distmult", "ComplEx": "complex", "HolE": "hole",
    "RotatE": "rotate", "ConvE": "conve", "AutoMunger": "automunger",
    "LabelMunger": "labelmunger",
}


def option_name(class_name):
    """The config option of an estimator class: ``FastfoodSampler`` -> ``fastfood_sampler``.

    Parameters
    ----------
    class_name : str
        The class's ``__name__``.

    Returns
    -------
    name : str

    Examples
    --------
    >>> option_name("StudentTProcessRegressor"), option_name("TransE")
    ('student_t_process_regressor', 'transe')
    """
    if class_name in _OPTION_NAMES:
        return _OPTION_NAMES[class_name]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()


# ---------------------------------------------------------------------------
# building (in the child process)
# ---------------------------------------------------------------------------
def _constraint_types(constraints):
    """The Python types a list of sklearn parameter constraints admits (``None`` if any)."""
    from skbridge.compat.sklearn import Interval, Options, StrOptions

    kinds, optional = set(), False
    for c in constraints:
        if c is None:
            optional = True
        elif c == "boolean" or c is bool:
            kinds.add(bool)
        elif isinstance(c, StrOptions) or c is str:
            kinds.add(str)
        elif isinstance(c, Interval):
            kinds.add(int if c.type is Integral else float)
        elif isinstance(c, Options):
            kinds.update({type(v) for v in c.options})
        elif c in (int, Integral):
            kinds.add(int)
        elif c in (float, Real):
            kinds.add(float)
        else:  # arrays, callables, instances, "random_state", "array-like", ...
            return None, optional
    return kinds, optional


def _field_type(cls, name, default):
    """``"int"``, ``"float"``, ``"str"``, ``"bool"`` or ``"any"`` for one parameter."""
    constraints = getattr(cls, "_parameter_constraints", {}).get(name)
    if not constraints:
        return "any", True
    kinds, optional = _constraint_types(constraints)
    if not kinds or len(kinds) != 1:
        return "any", True
    (kind,) = kinds
    if default is not None and not isinstance(default, kind):
        return "any", True
    if kind is int and isinstance(default, bool):
        return "any", True
    return kind.__name__, optional or default is None


def _entry(cls, target):
    from ._convert import to_config

    fields = []
    for name, p in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        required = p.default is inspect.Parameter.empty
        default = None if required else p.default
        kind, optional = ("any", True) if required else _field_type(cls, name, default)
        try:
            # Tuples read as lists in YAML; instantiate turns them back (the default says so).
            value = list(default) if isinstance(default, tuple) else default
            encoded = None if required else to_config(value)
        except TypeError:  # a default no config can express: leave it to the class
            continue
        fields.append({"name": name, "type": kind, "optional": optional,
                       "required": required, "default": encoded})
    doc = (inspect.getdoc(cls) or "").strip().splitlines()
    transformer = hasattr(cls, "transform") and not hasattr(cls, "predict")
    return {"target": target, "class": cls.__name__, "doc": doc[0] if doc else "",
            "transformer": transformer, "fields": fields}


def build_catalog():
    """Import every estimator and describe it (runs in a child process).

    Returns
    -------
    catalog : dict
        ``{"options": {name: entry}}`` where each entry holds ``target``,
        ``class``, ``doc``, ``transformer`` and ``fields``.
    """
    from skbridge.compat.testing import all_estimators

    from ._convert import public_path

    options = {}
    for name, cls in all_estimators():
        options[option_name(name)] = _entry(cls, public_path(cls))
    for name, path in SKLEARN_ESTIMATORS.items():
        module, _, attr = path.rpartition(".")
        # A skbridge estimator of the same name keeps it (skbridge.pipes.MinMaxScaler).
        key = f"sklearn_{name}" if name in options else name
        options[key] = _entry(getattr(importlib.import_module(module), attr), path)
    return {"version": CATALOG_VERSION, "options": dict(sorted(options.items()))}


# ---------------------------------------------------------------------------
# caching
# ---------------------------------------------------------------------------
# Installing or upgrading any of these changes which estimators exist or their signatures.
_DISTRIBUTIONS = ("scikit-learn", "hydra-core", "omegaconf", "torch", "tensorflow", "tf-keras",
                  "keras", "larq", "larq-compute-engine", "tokenizers", "numba", "pycocotools",
                  "matplotlib", "pillow", "tqdm")


def _fingerprint():
    h = hashlib.sha256(f"v{CATALOG_VERSION} {sys.version_info[:2]}".encode())
    for dist in _DISTRIBUTIONS:
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(dist.encode())
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(root)}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()[:20]


def cache_dir():
    """Where the catalog is cached: ``$SKBRIDGE_CACHE_DIR`` or ``~/.cache/skbridge``."""
    base = os.environ.get("SKBRIDGE_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "skbridge"


_CATALOG = None


def load_catalog():
    """The catalog, from the cache or built in a child process and cached.

    Returns
    -------
    catalog : dict
        See :func:`build_catalog`.
    """
    global _CATALOG
    key = _fingerprint()
    if _CATALOG is not None and _CATALOG[0] == key:
        return _CATALOG[1]
    path = cache_dir() / f"catalog-{key}.json"
    try:
        catalog = json.loads(path.read_text())
    except (OSError, ValueError):
        print("skbridge: describing every estimator for the config catalog "
              "(first run after an install or an edit; a few seconds) ...", file=sys.stderr)
        out = subprocess.run(
            [sys.executable, "-c",
             "import json, sys; from skbridge.config._catalog import build_catalog; "
             "json.dump(build_catalog(), sys.stdout)"],
            capture_output=True, text=True, check=False,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        if out.returncode:
            raise RuntimeError("building the skbridge config catalog failed:\n"
                               + out.stderr[-3000:])
        catalog = json.loads(out.stdout)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                             suffix=".tmp") as fh:
                fh.write(out.stdout)
            os.replace(fh.name, path)
        except OSError:  # a read-only home: rebuilt next time
            pass
    _CATALOG = (key, catalog)
    return catalog


# ---------------------------------------------------------------------------
# registering in Hydra's ConfigStore
# ---------------------------------------------------------------------------
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "any": Any}


def _dataclass(entry):
    from omegaconf import MISSING

    spec = [("_target_", str, dataclasses.field(default=entry["target"]))]
    for f in entry["fields"]:
        kind = _TYPES[f["type"]]
        if kind is not Any and f["optional"]:
            kind = Optional[kind]
        if f["required"]:
            spec.append((f["name"], kind, dataclasses.field(default=MISSING)))
        elif isinstance(f["default"], (dict, list)):
            value = f["default"]
            spec.append((f["name"], kind, dataclasses.field(
                default_factory=lambda v=value: json.loads(json.dumps(v)))))
        else:
            spec.append((f["name"], kind, dataclasses.field(default=f["default"])))
    return dataclasses.make_dataclass(entry["class"] + "Config", spec)


_REGISTERED = None


def register_catalog():
    """Store every catalog entry in Hydra's ConfigStore (``model`` and ``preprocess``).

    Returns
    -------
    catalog : dict
        The catalog registered.
    """
    global _REGISTERED
    catalog = load_catalog()
    if _REGISTERED is catalog:
        return catalog
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    for name, entry in catalog["options"].items():
        node = _dataclass(entry)
        cs.store(group="model", name=name, node=node, package="model")
        if entry["transformer"]:
            cs.store(group="preprocess", name=name, node=node, package=f"preprocess.{name}")
    _REGISTERED = catalog
    return catalog


if __name__ == "__main__":  # pragma: no cover - used by load_catalog's child process
    json.dump(build_catalog(), sys.stdout)
