"""Versioned JSON state: every column's spec and fitted numbers, readable by eye.

A saved state names each column's transform and infill by its registry key. A
class outside the registries is named ``"module:Class"``, and importing it runs
that module's code, so :meth:`AutoMunger.load_state` imports it only from the
modules its caller lists in ``trusted_modules``; any other such entry makes
loading fail before anything is imported.
"""

import base64
import io
import json
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._columns import column_report, make_infill, make_transform
from ._external import import_class, is_external, is_trusted, module_of
from ._infill import INFILLS
from ._transforms import TRANSFORMS

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "StateMixin",
    "from_base64",
    "read_state",
    "to_base64",
    "write_state",
]

FORMAT = "skbridge.munge.AutoMunger"
FORMAT_VERSION = 2  # 2: the output stage (selection, PCA), feature importance, label encoder


def _plain(obj):
    """Recursively turn NumPy scalars and arrays into plain Python."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def to_base64(obj):
    """Pickle ``obj`` with joblib into a base64 string (for ML-infill models)."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def from_base64(text):
    """Unpickle what :func:`to_base64` wrote (runs code: trusted sources only)."""
    import joblib

    return joblib.load(io.BytesIO(base64.b64decode(text.encode("ascii"))))


def write_state(state, path):
    """Write ``state`` as indented JSON; returns the number of bytes written."""
    text = json.dumps(_plain(state), indent=1, ensure_ascii=False, allow_nan=True)
    data = text.encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)


def read_state(path_or_dict):
    """Read and check a state (a path to JSON, or the dict itself)."""
    if isinstance(path_or_dict, dict):
        state = path_or_dict
    else:
        path = Path(path_or_dict)
        if not path.is_file():
            raise FileNotFoundError(f"No AutoMunger state at {str(path)!r}.")
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{str(path)!r} is not a JSON AutoMunger state: {exc}") from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise ValueError(
            f"Not an AutoMunger state: expected a JSON object with format {FORMAT!r}, "
            f"got format {found!r}."
        )
    version = state.get("format_version")
    if not isinstance(version, int):
        raise ValueError(f"Malformed AutoMunger state: format_version is {version!r}.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"This AutoMunger state has format version {version}, newer than the version "
            f"this scikit-bridge reads ({FORMAT_VERSION}). Upgrade scikit-bridge to load it."
        )
    for key in ("params", "columns", "feature_names_out", "n_features_in"):
        if key not in state:
            raise ValueError(f"Malformed AutoMunger state: the key {key!r} is missing.")
    return state


# Parameters that name a transform or an infill, which a refit would resolve.
_TRANSFORM_PARAMS = ("numeric", "categorical", "high_cardinality", "text", "datetime")
_COLUMN_KEYS = ("read_as", "transform", "infill", "slice", "suffixes", "nan_marker")


def _external_entries(state):
    """``(where, registry, name)`` of every ``"module:Class"`` name in ``state``."""
    found = []
    for spec in state["columns"]:
        for part, registry in (("transform", TRANSFORMS), ("infill", INFILLS)):
            name = spec[part]["name"]
            if is_external(registry, name):
                found.append((f"column {spec['name']!r}", registry, name))
    params = state["params"] if isinstance(state["params"], dict) else {}
    named = [(key, TRANSFORMS, params.get(key)) for key in _TRANSFORM_PARAMS]
    named.append(("infill", INFILLS, params.get("infill")))
    for key, registry in (("assigncat", TRANSFORMS), ("assigninfill", INFILLS)):
        if isinstance(params.get(key), dict):
            named.extend((key, registry, name) for name in params[key])
    for key, registry, name in named:
        if is_external(registry, name):
            found.append((f"parameter {key!r}", registry, name))
    return found


def _label_state(label_munger):
    """A fitted :class:`LabelMunger` as plain data (None without one)."""
    if label_munger is None:
        return None
    keys = ("encoding_", "name_", "classes_", "mean_", "scale_")
    return {k: getattr(label_munger, k) for k in keys if hasattr(label_munger, k)}


def _label_munger(state):
    if not state:
        return None
    from ._labels import LabelMunger

    munger = LabelMunger(encoding=state["encoding_"])
    for key, value in state.items():
        setattr(munger, key, np.asarray(value) if key == "classes_" else value)
    return munger


def _default_layout(n_out):
    """The output stage of a state without one (format 1): every column, no PCA."""
    return {"n_full": n_out, "keep": list(range(n_out)), "dropped": [], "pca": None}


def _check_trusted(entries, trusted_modules):
    for where, registry, name in entries:
        module = module_of(name)
        if not is_trusted(module, trusted_modules):
            raise ValueError(
                f"The AutoMunger state names the {registry.family} {name!r} ({where}); "
                f"loading it would import the module {module!r}, which is not trusted. If "
                f"you trust the state's source and that module, pass "
                f"trusted_modules=[{module!r}] to load_state."
            )


def _import_classes(entries):
    classes = {}
    for where, registry, name in entries:
        if where.startswith("column"):
            try:
                classes[name] = import_class(name, registry)
            except (ImportError, AttributeError, TypeError) as exc:
                raise ValueError(
                    f"The AutoMunger state names the {registry.family} {name!r} ({where}), "
                    f"which cannot be imported: {exc}"
                ) from exc
    return classes


class StateMixin:
    """:meth:`to_state`, :meth:`save_state` and :meth:`load_state` of :class:`AutoMunger`."""

    # Pickle and skops: column_report_ (a DataFrame, which skops cannot save) is
    # left out of the state and rebuilt from column_specs_, which is plain data.
    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("column_report_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "column_specs_" in state:
            self.column_report_ = column_report(self.column_specs_)

    def to_state(self):
        """The fitted state as a JSON-friendly dict (what :meth:`save_state` writes)."""
        check_is_fitted(self)
        from ... import __version__

        params, not_saved = {}, []
        for key, value in self.get_params(deep=False).items():
            if value is None or isinstance(value, (str, bool, int, float, dict, list)):
                params[key] = value
            else:
                params[key] = None
                not_saved.append(key)
        ml = None
        if self.ml_models_:
            ml = {
                "n_rounds": self.n_ml_rounds_,
                "models": {
                    col: {
                        "features": entry["features"].tolist(),
                        "classes": entry["classes"],
                        "estimator": repr(entry["model"]),
                        "pickle_base64": to_base64(entry["model"]),
                    }
                    for col, entry in self.ml_models_.items()
                },
            }
        names_in = getattr(self, "feature_names_in_", None)
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "skbridge_version": __version__,
            "params": params,
            "params_not_saved": not_saved,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": None if names_in is None else [str(c) for c in names_in],
            "feature_names_out": [str(c) for c in self.feature_names_out_],
            "columns": list(self.column_specs_.values()),
            "ml_infill": ml,
            "output_layout": self.output_layout_,
            "feature_importance": self.feature_importance_,
            "label_munger": _label_state(getattr(self, "label_munger_", None)),
        }

    def save_state(self, path):
        """Write the fitted state as versioned, human-readable JSON.

        Every column's spec and fitted numbers are plain JSON, so replaying the
        state needs no pickle; only ML-infill models, when there are any, are
        embedded as base64 joblib pickles.

        Parameters
        ----------
        path : str or path-like
            File to write.

        Returns
        -------
        n_bytes : int
            Size of the file written.
        """
        return write_state(self.to_state(), path)

    @classmethod
    def load_state(cls, path, *, allow_pickle=False, trusted_modules=None):
        """Rebuild a fitted munger from :meth:`save_state`'s JSON (or its dict).

        Transforms and infills are looked up in the registries by name. A
        state may also name a class of your own as ``"module:Class"``: loading
        it imports that module, which runs its code, so it is done only for
        the modules listed in ``trusted_modules``. Any other such entry makes
        loading fail before anything is imported.

        Parameters
        ----------
        path : str, path-like or dict
            The JSON file, or the dict from :meth:`to_state`.
        allow_pickle : bool, default=False
            Unpickle the ML-infill models embedded in the state. Only for states
            from a source you trust; without ML infill nothing is unpickled.
        trusted_modules : list of str, default=None
            Modules whose classes the state may name as ``"module:Class"``
            (their submodules are trusted too: ``["mypkg"]`` covers
            ``"mypkg.transforms:Doubler"`` but not ``"mypkg2:Doubler"``).
            None trusts no module: only registry names load.

        Returns
        -------
        munger : AutoMunger
            A fitted munger whose ``transform`` gives the saved one's output.

        Raises
        ------
        ValueError
            If the file is not an AutoMunger state, is malformed, comes from a
            newer format version, names a ``"module:Class"`` whose module is not
            in ``trusted_modules``, or holds ML-infill models and
            ``allow_pickle`` is False.
        """
        if isinstance(trusted_modules, str):
            trusted_modules = [trusted_modules]
        state = read_state(path)
        try:
            for spec in state["columns"]:
                for key in _COLUMN_KEYS:
                    if key not in spec:
                        raise KeyError(key)
            entries = _external_entries(state)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"Malformed AutoMunger state: a column spec lacks {exc}.") from exc
        _check_trusted(entries, list(trusted_modules or ()))
        ml = state.get("ml_infill")
        if ml and not allow_pickle:
            raise ValueError(
                "This state holds pickled ML-infill models; pass allow_pickle=True to "
                "load them if you trust the file's source."
            )
        valid = set(cls._get_param_names())
        munger = cls(**{k: v for k, v in state["params"].items() if k in valid})
        munger._external_classes = _import_classes(entries)
        munger.column_specs_ = {spec["name"]: spec for spec in state["columns"]}
        for spec in munger.column_specs_.values():
            try:
                make_transform(spec, munger._external_classes)
                make_infill(spec, munger._external_classes)
            except TypeError as exc:
                raise ValueError(
                    f"Malformed AutoMunger state: column {spec['name']!r} has parameters its "
                    f"transform or infill does not take: {exc}"
                ) from exc
        munger.n_features_in_ = int(state["n_features_in"])
        if state.get("feature_names_in") is not None:
            munger.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
        munger.feature_names_out_ = np.asarray(state["feature_names_out"], dtype=object)
        munger.output_layout_ = state.get("output_layout") or _default_layout(
            sum(len(spec["suffixes"]) for spec in state["columns"])
        )
        munger.feature_importance_ = state.get("feature_importance")
        munger.label_munger_ = _label_munger(state.get("label_munger"))
        munger.ml_models_, munger.n_ml_rounds_ = {}, 0
        if ml:
            munger.n_ml_rounds_ = int(ml["n_rounds"])
            munger.ml_models_ = {
                col: {
                    "features": np.asarray(entry["features"], dtype=np.intp),
                    "classes": entry["classes"],
                    "model": from_base64(entry["pickle_base64"]),
                }
                for col, entry in ml["models"].items()
            }
        munger.column_report_ = column_report(munger.column_specs_)
        return munger
