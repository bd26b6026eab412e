"""Versioned JSON state: every column's spec and fitted numbers, readable by eye."""

import base64
import io
import json
from pathlib import Path

import numpy as np

__all__ = ["FORMAT", "FORMAT_VERSION", "from_base64", "read_state", "to_base64", "write_state"]

FORMAT = "skbridge.munge.AutoMunger"
FORMAT_VERSION = 1


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
        raise ValueError(
            f"Not an AutoMunger state: expected a JSON object with format {FORMAT!r}, "
            f"got format {state.get('format') if isinstance(state, dict) else type(state).__name__!r}."
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
