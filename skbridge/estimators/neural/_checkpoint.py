"""The checkpoint file of the neural estimators, and the checks made when resuming.

A checkpoint is a ``numpy.savez`` archive of plain arrays plus a JSON header
(the estimator's parameters, the history, the seed and the structure of the
backend's state); reading it never unpickles (``allow_pickle=False``).
:func:`check_resume` compares a checkpoint's header with the fit that resumes
from it and names what differs.
"""

import json
import os
from pathlib import Path

import numpy as np

__all__ = ["CHECKPOINT_FORMAT", "check_resume", "plain_params", "read_checkpoint",
           "write_checkpoint"]

CHECKPOINT_FORMAT = "skbridge.neural.checkpoint/1"


def _encode(obj, arrays):
    if isinstance(obj, (np.ndarray, np.generic)):
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(obj)
        return {"__array__": key}
    if isinstance(obj, dict):
        return {str(k): _encode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode(v, arrays) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"A checkpoint holds arrays and plain data only; got {type(obj).__name__}.")


def _decode(obj, arrays):
    if isinstance(obj, dict):
        if set(obj) == {"__array__"}:
            return arrays[obj["__array__"]]
        return {k: _decode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v, arrays) for v in obj]
    return obj


def write_checkpoint(path, state, header):
    """Write ``state`` (arrays and plain data) and a JSON ``header`` to ``path``.

    The file is a ``numpy.savez`` archive: the arrays, plus the header (with
    the structure of ``state``) as UTF-8 JSON bytes; it is written to a
    temporary file first and then renamed, so a crash leaves no half file.
    """
    arrays = {}
    header = {**header, "format": CHECKPOINT_FORMAT, "state": _encode(state, arrays)}
    payload = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, __header__=payload, **arrays)
    os.replace(tmp, path)


def read_checkpoint(path):
    """``(state, header)`` of a checkpoint; never unpickles (``allow_pickle=False``).

    Raises
    ------
    ValueError
        If ``path`` is not a checkpoint written by :func:`write_checkpoint`.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(bytes(data["__header__"]).decode("utf-8"))
            arrays = {key: data[key] for key in data.files if key != "__header__"}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{str(path)!r} is not a scikit-bridge neural checkpoint: {exc}") from exc
    if header.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{str(path)!r} has format {header.get('format')!r}, "
                         f"expected {CHECKPOINT_FORMAT!r}.")
    return _decode(header.pop("state"), arrays), header


def _plain(value):
    """``value`` as JSON data; objects become their (stable) qualified name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.generic, os.PathLike)):
        return _plain(value.item() if isinstance(value, np.generic) else os.fspath(value))
    named = value if hasattr(value, "__qualname__") else type(value)
    name = f"{getattr(named, '__module__', '')}.{named.__qualname__}"
    return name if named is value else f"{name} instance"


def plain_params(params):
    """The estimator's parameters as JSON data (for the header).

    Numbers, strings, lists and dicts stay; a class or function becomes
    ``"module.QualName"`` and another object ``"module.QualName instance"``
    (names stable across processes, unlike a ``repr`` with an address).
    """
    return json.loads(json.dumps({str(k): _plain(v) for k, v in params.items()}))


# Parameters that decide the network and its saved state: a resumed fit must match them.
RESUME_PARAMS = ("module", "module_params", "optimizer", "loss")


def check_resume(header, path, *, estimator, backend, input_shape, n_outputs, params):
    """Raise a ValueError naming what differs between a checkpoint and the fit resuming it.

    Parameters
    ----------
    header : dict
        From :func:`read_checkpoint`.
    path : str or path-like
        The checkpoint, for the message.
    estimator : str
        Class name of the resuming estimator.
    backend : str
    input_shape : tuple of int
    n_outputs : int
    params : dict
        The resuming estimator's ``get_params(deep=False)``.
    """
    path = str(path)
    saved = header.get("estimator")
    if saved is not None and saved != estimator:
        raise ValueError(
            f"The checkpoint {path!r} was written by a {saved}; it cannot resume a {estimator}."
        )
    found = (header["backend"], tuple(header["input_shape"]), header["n_outputs"])
    if found != (backend, tuple(input_shape), n_outputs):
        raise ValueError(
            f"The checkpoint {path!r} holds a {found[0]} network for inputs "
            f"{found[1]} with {found[2]} outputs; this fit builds a {backend} network "
            f"for inputs {tuple(input_shape)} with {n_outputs} outputs."
        )
    saved_params = header.get("params", {})
    current = plain_params({key: params.get(key) for key in RESUME_PARAMS})
    for key in RESUME_PARAMS:
        if key in saved_params and saved_params[key] != current[key]:
            raise ValueError(
                f"The checkpoint {path!r} was trained with {key}={saved_params[key]!r}, but "
                f"this fit has {key}={current[key]!r}. Resume with the checkpoint's {key}."
            )
